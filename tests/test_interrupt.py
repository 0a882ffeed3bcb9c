"""kill -9 at random moments of `build`: docs/ and site/ are always whole, old or new.

`generate` builds docs.tmp-<pid> and exchanges it with docs/ in one renameat2; `build`
runs MkDocs into site.tmp-<pid> and swaps that in only when MkDocs and Pagefind are done.
So after a kill each of docs/ and site/ is byte-identical to either the snapshot before the
build or the snapshot of a complete build of the new input, never a mix; staging folders
left behind are deleted by the next run, the archive's lock (.build/lock) dies with the killed
build, and nothing in articles/ is ever written.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_tools.builders import STAMP
from tests.conftest import REPO

pytestmark = pytest.mark.slow

KILLS = 20
SEED = 20250520
ARTICLE = "articles/2025/2025-05-19-putin-and-the-talks.md"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1747612800"}


def snapshot(folder: Path) -> dict[str, str]:
    """Hashes of every file. Pagefind's output is not byte-reproducible (its hashed file names
    differ between two runs on the same pages), so site/pagefind/ is checked for being whole
    and recorded by its page count only; the build stamp, a keyed digest of every file of the
    site (pagefind/ included), is checked for being there and valid JSON."""
    out = {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(("pagefind/", STAMP))
    }
    stamp = folder / STAMP
    if stamp.exists():
        out[STAMP] = "present" if isinstance(json.loads(stamp.read_text("utf-8")), dict) else "invalid"
    entry = folder / "pagefind" / "pagefind-entry.json"
    if entry.exists():
        languages = json.loads(entry.read_text("utf-8"))["languages"]
        for language in languages.values():
            assert (folder / "pagefind" / f"pagefind.{language['hash']}.pf_meta").is_file(), "pagefind/ is not whole"
        out["pagefind/"] = json.dumps({k: v["page_count"] for k, v in languages.items()})
    return out


def start_build(root: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "build_tools", "build", "--root", str(root), *options],
        cwd=REPO,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: MkDocs and Pagefind can be killed with it
    )


def full_build(root: Path, *options: str) -> float:
    started = time.monotonic()
    process = start_build(root, *options)
    assert process.wait(timeout=120) == 0
    return time.monotonic() - started


def wait_for_group(pgid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.killpg(pgid, signal.SIGKILL)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(("docs.", "site.")))


def test_kill_9_at_random_moments_leaves_docs_and_site_whole(golden_archive):
    root = golden_archive
    article = root / ARTICLE
    old_text = article.read_bytes()
    new_text = old_text + b"\nA sentence added by the interrupt test.\n"

    durations = [full_build(root)]
    old = {"docs": snapshot(root / "docs"), "site": snapshot(root / "site")}
    article.write_bytes(new_text)
    durations.append(full_build(root))
    new = {"docs": snapshot(root / "docs"), "site": snapshot(root / "site")}
    assert old["site"] != new["site"] and old["docs"] != new["docs"]
    article.write_bytes(old_text)
    durations.append(full_build(root))
    duration = min(durations)  # spread the kills over a warm build
    assert snapshot(root / "site") == old["site"], "the build is not deterministic; the test cannot compare"
    states = {"old": old, "new": new}
    texts = {"old": old_text, "new": new_text}

    rng = random.Random(SEED)
    outcomes = []
    current = "old"  # what site/ holds
    for run in range(KILLS):
        wanted = "new" if current == "old" else "old"
        article.write_bytes(texts[wanted])
        articles_before = snapshot(root / "articles")
        delay = rng.uniform(0.0, duration)
        whole_group = run % 2 == 0  # odd runs kill only `build`, leaving MkDocs orphaned
        process = start_build(root)
        time.sleep(delay)
        if whole_group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            os.kill(process.pid, signal.SIGKILL)
        status = process.wait(timeout=60)
        wait_for_group(process.pid)

        found = {}
        for folder in ("docs", "site"):
            snap = snapshot(root / folder)
            match = [name for name, state in states.items() if state[folder] == snap]
            assert match, f"run {run}: {folder}/ is neither the old nor the new build (killed after {delay:.2f} s)"
            found[folder] = match[0]
        assert snapshot(root / "articles") == articles_before, f"run {run}: the build wrote into articles/"
        outcomes.append((round(delay, 2), status, found["docs"], found["site"], len(leftovers(root))))
        current = found["site"]

    killed = [o for o in outcomes if o[1] == -signal.SIGKILL]
    print("\n(delay s, exit, docs, site, staging leftovers):", *outcomes, sep="\n  ")
    assert len(killed) >= KILLS // 2, "most kills should land while the build runs"
    assert any(o[3] != o[2] or o[4] for o in killed), "no kill landed between generate and the site swap"

    # the next complete run cleans up what the killed ones left and publishes the input; it
    # does not find the lock held (--no-wait would stop it with status 2)
    article.write_bytes(new_text)
    full_build(root, "--no-wait")
    assert leftovers(root) == []
    assert snapshot(root / "site") == new["site"]
    assert snapshot(root / "docs") == new["docs"]
