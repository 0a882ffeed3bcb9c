"""``uploadpack.packObjectsHook`` of the rehearsal's origin: a race between two runs, on demand.

git runs it for every fetch from origin.git as ``race_hook.py MARKER git pack-objects ...``. It
packs what the fetch asked for and, when MARKER exists and the fetch wanted the head of gh-pages,
then commits a new folder (named in MARKER) onto gh-pages, as another run's preview published
between this run's fetch of gh-pages and its push. MARKER is removed: one race per arming.
Standard library only (it runs under whatever Python the rehearsal runs with).
"""

import json
import os
import subprocess
import sys
from pathlib import Path


def git(*args: str, stdin: bytes | None = None, **env: str) -> str:
    result = subprocess.run(["git", *args], input=stdin, capture_output=True, check=True, env={**os.environ, **env})
    return result.stdout.decode().strip()


def main() -> int:
    marker = Path(sys.argv[1])
    wants = sys.stdin.buffer.read()
    status = subprocess.run(sys.argv[2:], input=wants).returncode
    if status != 0 or not marker.exists():
        return status
    head = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", "refs/heads/gh-pages"], capture_output=True
    ).stdout.decode()
    if not head.strip() or head.strip().encode() not in wants:
        return status
    head = head.strip()
    folder = json.loads(marker.read_text())["folder"]
    marker.unlink()
    blob = git("hash-object", "-w", "--stdin", stdin=b"<p>published meanwhile</p>\n")
    index = {"GIT_INDEX_FILE": str(marker.with_suffix(".index"))}
    git("read-tree", head, **index)
    git("update-index", "--add", "--cacheinfo", f"100644,{blob},{folder}/index.html", **index)
    tree = git("write-tree", **index)
    os.unlink(index["GIT_INDEX_FILE"])
    who = {
        "GIT_AUTHOR_NAME": "another run",
        "GIT_AUTHOR_EMAIL": "another-run@example.org",
        "GIT_COMMITTER_NAME": "another run",
        "GIT_COMMITTER_EMAIL": "another-run@example.org",
    }
    commit = git("commit-tree", tree, "-p", head, "-m", f"{folder}/ published meanwhile", **who)
    git("update-ref", "refs/heads/gh-pages", commit, head)
    return status


if __name__ == "__main__":
    sys.exit(main())
