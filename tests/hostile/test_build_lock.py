"""Hardening: "two builds at once publish an empty site and both exit 0".

Two `make site` started together had no lock between them: each deleted every `site.tmp-*`
beside site/, the other's staging folder included; Pagefind then failed to read the deleted
pages ("Failed to read …") and still exited 0, and a site of 0 pages was swapped in by a build
that exited 0. Now one build of an archive runs at a time (`.build/lock`; the second waits and
says so, or stops with `--no-wait`), no run deletes a staging folder named after a live process,
an incomplete search index fails the build, and a built site without its pages is not swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.indexers import BODY_ELEMENT
from build_tools.layout import page_url
from build_tools.writers import LOCK_FILE, archive_lock, remove_leftovers
from tests.conftest import REPO

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ARTICLE = "articles/2025/2025-05-19-putin-and-the-talks.md"


def start(root: Path, *options: str, command: str = "build", env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "build_tools", command, "--root", str(root), *options],
        cwd=REPO,
        env=env or ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen) -> tuple[int, str]:
    output, _ = process.communicate(timeout=180)
    return process.returncode, output


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(("docs.", "site.")))


def assert_whole_site(root: Path) -> None:
    """Every generated page of docs/ has its HTML page, and the search index counts every page
    that holds the element Pagefind indexes."""
    docs, site = root / "docs", root / "site"
    articles = sorted(p.relative_to(docs).as_posix() for p in (docs / "articles").rglob("*.md"))
    assert len(articles) == len(list((root / "articles").glob("*/*.md"))) - 1  # one is a draft
    for folder in ("articles", "actors", "topics", "places", "archive"):
        for page in (docs / folder).rglob("*.md"):
            assert (site / page_url(page.relative_to(docs).as_posix()) / "index.html").is_file(), page
    indexed = [p for p in site.rglob("*.html") if BODY_ELEMENT in p.read_bytes()]
    assert len(indexed) >= len(articles)
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    (language,) = entry["languages"].values()
    assert (site / "pagefind" / f"pagefind.{language['hash']}.pf_meta").is_file()
    assert language["page_count"] == len(indexed)


def wait_until_locked(root: Path, process: subprocess.Popen) -> None:
    """Until ``process`` holds the archive's lock (it has written itself into the lock file)."""
    lock = root / LOCK_FILE
    while not (lock.is_file() and f'"pid": {process.pid},' in lock.read_text("utf-8")):
        assert process.poll() is None, "it ended without taking the lock"
        time.sleep(0.01)


# --- one build at a time ------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_both_exit_0_with_a_whole_site_and_the_second_waits(golden_archive):
    first, second = start(golden_archive), start(golden_archive)
    (code_1, out_1), (code_2, out_2) = finish(first), finish(second)
    assert code_1 == 0, out_1
    assert code_2 == 0, out_2
    assert_whole_site(golden_archive)
    assert leftovers(golden_archive) == []
    # Exactly one of them waited, and said for whom, then that it went on.
    waited = [(out, other) for out, other in ((out_1, second), (out_2, first)) if "waiting for it to finish" in out]
    assert len(waited) == 1, (out_1, out_2)
    out, other = waited[0]
    said = re.search(
        r"^build: another build of this archive is running \(pid (\d+), started \d\d:\d\d:\d\d\); "
        r"waiting for it to finish…$",
        out,
        re.M,
    )
    assert said and int(said[1]) == other.pid, out
    assert "build: the other build finished; building now" in out
    assert out.index("waiting for it to finish") < out.index("the other build finished") < out.index("generate:")


@pytest.mark.slow
def test_a_generate_during_a_build_waits_for_it(golden_archive):
    build = start(golden_archive)
    wait_until_locked(golden_archive, build)
    generate = start(golden_archive, command="generate")
    (build_code, build_out), (code, out) = finish(build), finish(generate)
    assert build_code == 0, build_out
    assert code == 0, out
    assert "generate: another build of this archive is running (pid" in out
    assert "generate: the other build finished; generating now" in out
    assert_whole_site(golden_archive)


@pytest.mark.parametrize("command", ["build", "generate"])
def test_no_wait_exits_2_with_its_message_while_the_archive_is_locked(golden_archive, command):
    with archive_lock(golden_archive, "build"):
        code, out = finish(start(golden_archive, "--no-wait", command=command))
    assert code == 2, out
    holder = f"pid {os.getpid()}, started "
    assert re.match(
        rf"{command}: another build of this archive is running \({holder}\d\d:\d\d:\d\d\); "
        r"not waiting \(--no-wait\): nothing (done|written)\n\Z",
        out,
    ), out
    assert not (golden_archive / "docs" / "articles").exists() and not (golden_archive / "site").exists()
    assert (golden_archive / LOCK_FILE).read_text("utf-8") == ""  # released: no stale holder


def test_the_lock_is_taken_again_by_the_process_holding_it(golden_archive):
    """`build` generates in-process: its own lock must not deadlock it."""
    with archive_lock(golden_archive, "build") as fd, archive_lock(golden_archive, "generate") as inner:
        assert inner == fd
        assert json.loads((golden_archive / LOCK_FILE).read_text("utf-8"))["command"] == "build"
    assert (golden_archive / LOCK_FILE).read_text("utf-8") == ""


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from build_tools.writers import archive_lock
with archive_lock(Path(sys.argv[1]), "build"):
    time.sleep(600)
"""


def test_a_killed_holder_leaves_no_stale_lock(golden_archive):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(golden_archive)], cwd=REPO)
    try:
        wait_until_locked(golden_archive, holder)
        code, out = finish(start(golden_archive, "--no-wait", command="generate"))
        assert code == 2 and f"(pid {holder.pid}, started" in out, out
    finally:
        holder.kill()
        holder.wait()
    code, out = finish(start(golden_archive, "--no-wait", command="generate"))
    assert code == 0, out


# --- no run deletes another's staging folder -------------------------------------------------


def test_leftovers_named_after_a_live_process_are_kept(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        for target in ("site", "docs"):
            for kind in ("tmp", "old"):
                for pid in (live.pid, dead.pid, os.getpid()):
                    (tmp_path / f"{target}.{kind}-{pid}" / "index.html").parent.mkdir(parents=True)
            (tmp_path / f"{target}.tmp-x").mkdir()
            remove_leftovers(tmp_path / target)
        kept = sorted(p.name for p in tmp_path.iterdir())
        assert kept == sorted(f"{t}.{k}-{live.pid}" for t in ("docs", "site") for k in ("old", "tmp"))
    finally:
        live.kill()
        live.wait()
    remove_leftovers(tmp_path / "site")
    remove_leftovers(tmp_path / "docs")
    assert list(tmp_path.iterdir()) == []


# --- an indexer failure fails the build ------------------------------------------------------

# A stand-in for `python -m pagefind` found first on PYTHONPATH: it spoils its input as a run
# going on beside it could, then runs the real Pagefind binary (or, for "no-index", nothing).
FAKE_PAGEFIND = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path

    args = sys.argv[1:]
    site = Path(args[args.index("--site") + 1])
    pages = sorted(p for p in site.rglob("*.html") if b"data-pagefind-body" in p.read_bytes())
    mode = os.environ["SPOIL_PAGEFIND"]
    if mode == "no-index":
        sys.exit(0)
    pages[-1].unlink()
    if mode == "unreadable":  # deleted between Pagefind finding and reading it
        pages[-1].symlink_to(site / "gone.html")
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        from pagefind_bin import get_executable
    binary = str(get_executable())
    os.execv(binary, [binary, *args])
    """
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "shards", "message"),
    [
        ("unreadable", False, r"Pagefind could not read 1 page\(s\): \S+\.html"),
        ("deleted", False, r"Pagefind left out 1 of the (\d+) page\(s\) to index: \S+/index\.html"),
        ("no-index", False, r"Pagefind wrote no index \(\S+pagefind-entry.json is missing\)"),
        ("unreadable", True, r"shard \S+: Pagefind could not read 1 page\(s\): \S+\.html"),
    ],
)
def test_an_indexer_failure_fails_the_build_and_leaves_site_unchanged(golden_archive, tmp_path, mode, shards, message):
    env = {**ENV, "ARCHIVE_SEARCH_SHARD_PAGES": "1" if shards else "100000"}
    code, out = finish(start(golden_archive, env=env))
    assert code == 0, out
    before = snapshot(golden_archive / "site")
    article = golden_archive / ARTICLE
    article.write_text(article.read_text("utf-8") + "\nA sentence the failed build must not publish.\n", "utf-8")
    fake = tmp_path / "fake" / "pagefind"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(FAKE_PAGEFIND)
    spoiled = {**env, "SPOIL_PAGEFIND": mode, "PYTHONPATH": str(fake.parent)}
    code, out = finish(start(golden_archive, env=spoiled))
    assert code == 1, out
    found = re.search(rf"^search index failed: {message}$", out, re.M)
    assert found, out
    if mode == "deleted":
        assert int(found[1]) == sum(BODY_ELEMENT in p.read_bytes() for p in (golden_archive / "site").rglob("*.html"))
    assert "build: search indexing (Pagefind) failed; site/ is unchanged" in out
    assert "build: site written" not in out
    assert snapshot(golden_archive / "site") == before
    assert leftovers(golden_archive) == []
    code, out = finish(start(golden_archive, env=env))  # and the next good build publishes the edit
    assert code == 0, out
    assert "A sentence the failed build must not publish." in (
        golden_archive / "site/articles/2025/putin-and-the-talks/index.html"
    ).read_text("utf-8")


# --- a site without its pages is not swapped in ----------------------------------------------


@pytest.mark.slow
def test_a_built_site_without_its_article_pages_is_not_swapped_in(golden_archive, monkeypatch, capsys):
    from build_tools.commands import build

    assert main(["build", "--root", str(golden_archive)]) == 0
    before = snapshot(golden_archive / "site")
    real = build._run_measured

    def then_articles_vanish(command, cwd, env):
        result = real(command, cwd, env)
        if "build_tools.indexers" in command:
            staging = Path(command[command.index("build_tools.indexers") + 1])
            for page in (staging / "articles").rglob("index.html"):
                page.unlink()
        return result

    monkeypatch.setattr(build, "_run_measured", then_articles_vanish)
    capsys.readouterr()
    assert main(["build", "--root", str(golden_archive), "--full"]) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"^build: the built site lacks \d+ of the \d+ generated pages \(4 of 4 articles\), "
        r"e\.g\. articles/\S+/index\.html; site/ is unchanged$",
        err,
        re.M,
    ), err
    assert snapshot(golden_archive / "site") == before
    assert leftovers(golden_archive) == []


@pytest.mark.parametrize("link", [".build", ".build/lock"])
def test_4_a_committed_symlink_in_place_of_the_lock_truncates_nothing(tmp_path, link):
    from build_tools.writers import archive_lock

    root = tmp_path / "archive"
    root.mkdir()
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "lock").write_text("precious\n", "utf-8")
    if link == ".build/lock":
        (root / ".build").mkdir()
    target = victim if link == ".build" else victim / "lock"
    (root / link).symlink_to(target)
    with archive_lock(root, "build"):
        pass
    assert (victim / "lock").read_text("utf-8") == "precious\n"
    assert not (root / ".build").is_symlink() and not (root / ".build/lock").is_symlink()
