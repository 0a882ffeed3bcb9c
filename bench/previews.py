"""A pull request's build from the state of the last deploy, against a clean build, measured.

``python -m bench.previews --n 10000 [--out FILE] [--workdir DIR] [--pr-clean]``

Plays, on a synthetic archive of N articles (``bench.synth``, seed 1), what deploy.yml and
preview.yml do on two fresh runners, in one run so that the figures share the machine's load:

1. **main**: the archive committed to git and cloned into ``W`` (the runner's workspace);
   ``build`` there, clean, with ``SITE_URL`` the published site's and a new key folder: the
   **baseline**. Then the state deploy.yml saves in the Actions cache (``.github/scripts/
   build_state.py save`` and ``paths``: ``.build/`` memo and search shards, ``site/``, the
   generated folders of ``docs/``, the key) is packed with ``tar --posix``, as actions/cache does.
2. **pull request**: ``W`` is removed and the pull request (main plus one new article, a
   commit of its own) is cloned into the same path, as a fresh runner checks it out: every
   file new, modification times now. The packed state is unpacked over it (``clear``, tar,
   ``restored``: the key is main's, moved to this runner's key folder), then ``build``
   with the same ``SITE_URL``, timed. Its log lines (``generate: … rendered``, ``build: pages
   rendered (incremental, …)``) are kept: they say how much was reused.
3. the thin preview of that build (``diff --format json`` of the two commits, then
   ``.github/scripts/thin_preview.py``): its bytes and files, against the 5 MB budget.
4. with ``--pr-clean``, the same pull request built clean (no state, fresh key), as every
   preview was built before.

Every step runs ``build_tools/`` from a snapshot copied at the start. Results: JSON on stdout
(and ``--out``); ``bench/README.md`` ("Pull-request builds") has the table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .synth import REPO, Synth, write_archive

PYTHON = sys.executable
SITE_URL = "https://example.org/archive/"
STATE_SCRIPT = REPO / ".github" / "scripts" / "build_state.py"
THIN_SCRIPT = REPO / ".github" / "scripts" / "thin_preview.py"
BUDGET_BYTES = 5 * 2**20
GIT = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def environment(package: Path, key_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(package),
        "SITE_URL": SITE_URL,
        "ARCHIVE_CACHE_KEY_DIR": str(key_dir),
        "SOURCE_DATE_EPOCH": "1700000000",
    }


def snapshot(folder: Path) -> Path:
    """build_tools/ as it is now, so that every step runs the same code while others edit it."""
    package = folder / "code"
    shutil.copytree(REPO / "build_tools", package / "build_tools", ignore=shutil.ignore_patterns("__pycache__"))
    return package


def origin(folder: Path, n: int, package: Path) -> tuple[Path, str, str]:
    """A bare repository holding main (the archive) and the pull request (main + one article)."""
    source = folder / "source"
    info = write_archive(source, n, seed=1, code=package)
    synth: Synth = info["synth"]
    (source / ".gitignore").write_text((REPO / ".gitignore").read_text(encoding="utf-8"), encoding="utf-8")
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "main")
    main = git(source, "rev-parse", "HEAD")
    rel, text = synth.article(set())
    year, name = rel.split("/")
    added = source / "articles" / year / f"{name[:10]}-bench-pull-request-article.md"
    added.write_text(text, encoding="utf-8")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "pull request: one article")
    bare = folder / "origin.git"
    git(folder, "clone", "-q", "--bare", str(source), str(bare))
    shutil.rmtree(source)
    return bare, main, git(bare, "rev-parse", "main")


def checkout(bare: Path, workspace: Path, commit: str) -> None:
    """A fresh runner's checkout: every file new (actions/checkout sets no modification time)."""
    shutil.rmtree(workspace, ignore_errors=True)
    git(bare.parent, "clone", "-q", "--no-checkout", str(bare), str(workspace))
    git(workspace, "checkout", "-q", "--detach", commit)


def state(workspace: Path, temporary: Path, command: str) -> str:
    """``.github/scripts/build_state.py COMMAND`` as the workflows run it (RUNNER_TEMP: the key's)."""
    env = {**os.environ, "RUNNER_TEMP": str(temporary)}
    result = subprocess.run(
        [PYTHON, str(STATE_SCRIPT), command], cwd=workspace, env=env, check=True, capture_output=True
    )
    return result.stdout.decode()


def pack(workspace: Path, temporary: Path, archive: Path) -> int:
    """The state as deploy.yml saves it: the key copied in, then tar --posix of the cache's paths
    relative to the workspace (what actions/cache does, but for the zstd compression)."""
    state(workspace, temporary, "save")
    present = [p for p in state(workspace, temporary, "paths").split() if os.path.lexists(workspace / p)]
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-P", "-C", str(workspace), *present], check=True)
    return archive.stat().st_size


def compressed(archive: Path) -> int | None:
    """Its size as actions/cache uploads it (zstdmt, its default level), when zstd is here."""
    if not shutil.which("zstdmt"):
        return None
    target = archive.with_name(archive.name + ".zst")
    subprocess.run(["zstdmt", "-q", "-f", str(archive), "-o", str(target)], check=True)
    size = target.stat().st_size
    target.unlink()
    return size


def unpack(workspace: Path, temporary: Path, archive: Path) -> str:
    """As preview.yml restores it: clear what the checkout brought, unpack, move the key out."""
    state(workspace, temporary, "clear")
    subprocess.run(["tar", "-xf", str(archive), "-P", "-C", str(workspace)], check=True)
    return state(workspace, temporary, "restored").strip()


def logged_build(workspace: Path, env: dict[str, str], label: str) -> dict:
    """``build``, timed, with the lines it prints (what it reused)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.monotonic()
    process = subprocess.run(
        [PYTHON, "-m", "build_tools", "build", "--root", str(workspace)], cwd=workspace, env=env, capture_output=True
    )
    wall = round(time.monotonic() - started, 2)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2)
    text = (process.stdout + process.stderr).decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{label}: build exited {process.returncode}:\n{text[-3000:]}")
    lines = [line for line in text.splitlines() if line.startswith(("generate:", "build:"))]
    stages = json.loads((workspace / ".build" / "last-build.json").read_text(encoding="utf-8"))
    print(f"{label}: {wall} s", *lines, sep="\n  ", file=sys.stderr)
    return {"wall_s": wall, "cpu_s": cpu, "load_before": load, "lines": lines, "stages": stages}


def tree_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def thin(workspace: Path, env: dict[str, str], base: str, head: str) -> dict:
    """The thin preview the Preview workflow would upload for this build."""
    report = workspace.parent / "report.json"
    started = time.monotonic()
    command = [PYTHON, "-m", "build_tools", "diff", base, head, "--format", "json", "--output", str(report)]
    subprocess.run(command, cwd=workspace, env=env, check=True, capture_output=True)
    diff_s = round(time.monotonic() - started, 2)
    out = workspace.parent / "thin"
    shutil.rmtree(out, ignore_errors=True)
    command = [PYTHON, str(THIN_SCRIPT), "site", str(report), str(out), "--published", SITE_URL, "--number", "1"]
    command += ["--pull-url", "https://github.com/org/archive/pull/1"]
    subprocess.run(command, cwd=workspace, check=True, capture_output=True)
    size, files = tree_bytes(out)
    return {"diff_s": diff_s, "bytes": size, "files": files, "under_budget": size < BUDGET_BYTES}


def run(folder: Path, n: int, pr_clean: bool) -> dict:
    package = snapshot(folder)
    bare, main, pull = origin(folder, n, package)
    workspace = folder / "runner" / "archive"  # the same path on every runner, as on GitHub's
    results: dict = {"n": n, "site_url": SITE_URL}

    temporary = folder / "runner-temp-main"  # each runner its own RUNNER_TEMP, so its own key
    checkout(bare, workspace, main)
    env = environment(package, temporary / "archive-cache-key")
    results["main_clean_build"] = logged_build(workspace, env, "main, clean")
    results["site_bytes"], results["site_files"] = tree_bytes(workspace / "site")
    tar = folder / "state.tar"
    results["state_tar_bytes"] = pack(workspace, temporary, tar)
    results["state_zstd_bytes"] = compressed(tar)

    temporary = folder / "runner-temp-pull-request"
    checkout(bare, workspace, pull)
    started = time.monotonic()
    results["restored"] = unpack(workspace, temporary, tar)
    results["restore_s"] = round(time.monotonic() - started, 2)
    env = environment(package, temporary / "archive-cache-key")
    results["pr_build"] = logged_build(workspace, env, "pull request, state restored")
    results["thin_preview"] = thin(workspace, env, main, pull)

    if pr_clean:
        temporary = folder / "runner-temp-clean"
        checkout(bare, workspace, pull)
        env = environment(package, temporary / "archive-cache-key")
        results["pr_clean_build"] = logged_build(workspace, env, "pull request, clean")
    clean, pull_request = results["main_clean_build"], results["pr_build"]
    results["ratio_pr_to_clean"] = round(pull_request["wall_s"] / clean["wall_s"], 3)
    results["ratio_pr_to_clean_cpu"] = round(pull_request["cpu_s"] / clean["cpu_s"], 3)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.previews", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pr-clean", action="store_true", help="also build the pull request clean")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-previews-", dir=args.workdir))
    results: dict = {"cores": len(os.sched_getaffinity(0)), "load_at_start": os.getloadavg()}
    results["started"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        results.update(run(folder, args.n, args.pr_clean))
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    results["load_at_end"] = os.getloadavg()
    text = json.dumps(results, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
