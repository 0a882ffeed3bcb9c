"""Partitioned rendering (build --jobs, --partition, --merge) and parallel search indexing:
the pages are split between MkDocs processes without changing one byte of the site, and the
search shards are indexed several at once within a memory budget."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.synth import write_archive
from build_tools.builders import PARTS
from build_tools.cli import main
from build_tools.indexers import MemoryBudget
from build_tools.partitions import PARTITION_FILE, Partition, PartitionError, assign
from tests.bundles import read_bundle
from tests.conftest import REPO

N = 60


def test_assign_gives_every_page_to_one_partition_and_balances_bytes():
    rng = random.Random(5)
    sizes = [(f"articles/{i:04d}.md", rng.randint(1_000, 40_000)) for i in range(500)]
    parts = assign(sizes, 4)
    names = [name for part in parts for name in part]
    assert sorted(names) == sorted(name for name, _ in sizes) and len(set(names)) == len(names)
    size = dict(sizes)
    loads = [sum(size[name] for name in part) for part in parts]
    assert max(loads) - min(loads) <= max(size.values())
    shuffled = sizes[:]
    rng.shuffle(shuffled)
    assert assign(shuffled, 4) == parts  # the order the files are listed in does not matter


def test_assign_with_more_partitions_than_pages_leaves_some_empty():
    assert assign([("a.md", 10), ("b.md", 20)], 3) == [["b.md"], ["a.md"], []]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0/2", "expected K/M with 1 <= K <= M <= 256, received '0/2'"),
        ("3/2", "expected K/M with 1 <= K <= M <= 256, received '3/2'"),
        ("1-2", "expected a partition as K/M (e.g. 1/4), received '1-2'"),
    ],
)
def test_a_bad_partition_is_refused_with_what_was_expected(text, message):
    with pytest.raises(PartitionError) as caught:
        Partition.parse(text)
    assert str(caught.value) == message


def test_build_refuses_a_bad_partition_on_the_command_line(tmp_path, capfd):
    with pytest.raises(SystemExit) as caught:
        main(["build", "--root", str(tmp_path), "--partition", "5/4"])
    assert caught.value.code == 2
    assert "argument --partition: expected K/M with 1 <= K <= M <= 256, received '5/4'" in capfd.readouterr().err


def test_memory_budget_holds_runs_to_the_jobs_and_the_limit():
    budget = MemoryBudget(jobs=3, limit_mb=int(MemoryBudget.estimate(100) * 2))
    running: list[float] = []
    seen: list[tuple[int, float]] = []
    lock = threading.Lock()

    def run(pages: int) -> None:
        with budget.held(pages):
            with lock:
                running.append(MemoryBudget.estimate(pages))
                seen.append((len(running), sum(running)))
            time.sleep(0.05)
            with lock:
                running.remove(MemoryBudget.estimate(pages))

    threads = [threading.Thread(target=run, args=(pages,)) for pages in (100, 100, 100, 1000, 10, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 6
    for count, used in seen:
        assert count <= 3
        assert count == 1 or used <= budget.limit_mb  # a run too large for the budget goes alone
    assert max(count for count, _ in seen) >= 2  # and runs do overlap


# --- whole builds (slow) ---------------------------------------------------------------------


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index and the build stamp, by path."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.relative_to(site).parts[0] not in ("pagefind", ".build-stamp.json")
    }


def _search(site: Path) -> dict:
    data = read_bundle(site / "pagefind")
    data.pop("chunk_ranges", None)
    return data


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("parallel") / "archive"
    write_archive(root, N, seed=3)
    return root


@pytest.fixture(scope="module")
def one_process(archive, tmp_path_factory) -> Path:
    """The site built by one MkDocs process and one Pagefind run at a time (shards forced)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        patch.setenv("ARCHIVE_SEARCH_SHARD_PAGES", "1")
        assert main(["build", "--root", str(archive), "--full", "--jobs", "1"]) == 0
    kept = tmp_path_factory.mktemp("one-process") / "site"
    shutil.copytree(archive / "site", kept)
    return kept


@pytest.mark.slow
def test_jobs_2_builds_the_same_site_as_jobs_1(archive, one_process, monkeypatch, capfd):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("ARCHIVE_SEARCH_SHARD_PAGES", "1")
    capfd.readouterr()
    assert main(["build", "--root", str(archive), "--full", "--jobs", "2"]) == 0
    out = capfd.readouterr().out
    assert "pages rendered (clean, 2 process(es))" in out
    assert "re-indexed (up to 2 at once" in out
    site = archive / "site"
    expected, found = _files(one_process), _files(site)
    assert sorted(found) == sorted(expected)
    assert [name for name in expected if found[name] != expected[name]] == []
    assert _search(site) == _search(one_process)


@pytest.mark.slow
def test_partitions_merged_are_the_site_of_one_build(archive, one_process, monkeypatch, capfd):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("ARCHIVE_SEARCH_SHARD_PAGES", "1")
    shutil.rmtree(archive / PARTS, ignore_errors=True)
    for spec in ("2/3", "1/3", "3/3"):
        assert main(["build", "--root", str(archive), "--partition", spec]) == 0
    parts = archive / PARTS
    assert sorted(path.name for path in parts.iterdir()) == ["1-of-3", "2-of-3", "3-of-3"]
    # static assets are written once, by partition 1; every page by exactly one partition
    assert (parts / "1-of-3" / "assets").is_dir() and not (parts / "2-of-3" / "assets").exists()
    pages = [set(_files(parts / name)) - {PARTITION_FILE} for name in ("1-of-3", "2-of-3", "3-of-3")]
    assert not (pages[0] & pages[1]) and not (pages[1] & pages[2]) and not (pages[0] & pages[2])
    assert all(any(name.startswith("articles/") for name in share) for share in pages)
    capfd.readouterr()
    assert main(["build", "--root", str(archive), "--merge"]) == 0
    assert "build: 3 partitions merged" in capfd.readouterr().out
    site = archive / "site"
    expected, found = _files(one_process), _files(site)
    assert sorted(found) == sorted(expected)
    assert [name for name in expected if found[name] != expected[name]] == []
    assert _search(site) == _search(one_process)


@pytest.mark.slow
def test_merge_refuses_a_missing_partition_or_one_of_another_docs(archive, monkeypatch, capfd):
    shutil.rmtree(archive / PARTS, ignore_errors=True)
    assert main(["build", "--root", str(archive), "--partition", "1/2"]) == 0
    before = _files(archive / "site") if (archive / "site").is_dir() else {}
    capfd.readouterr()
    assert main(["build", "--root", str(archive), "--merge"]) == 1
    err = capfd.readouterr().err
    assert f"cannot merge the partitions: {archive / PARTS}: expected partitions 1..2 of 2, missing 2" in err
    assert "site/ is unchanged" in err
    # partition 2 rendered after an article changed: from another docs/
    article = sorted((archive / "articles").glob("[0-9]*/*.md"))[0]
    text = article.read_text("utf-8")
    article.write_text(text + "\nA sentence added after partition 1 was rendered.\n", "utf-8")
    try:
        assert main(["build", "--root", str(archive), "--partition", "2/2"]) == 0
        capfd.readouterr()
        assert main(["build", "--root", str(archive), "--merge"]) == 1
        err = capfd.readouterr().err
        assert "1-of-2: rendered from another docs/ than this build's" in err
    finally:
        article.write_text(text, "utf-8")
    assert (_files(archive / "site") if (archive / "site").is_dir() else {}) == before


@pytest.mark.slow
def test_the_hook_refuses_a_partition_without_dirty(archive):
    env = {
        **os.environ,
        "ARCHIVE_PARTITION": "1/2",
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(archive / "site.partition-test")],
        cwd=archive,
        env=env,
        capture_output=True,
        text=True,
    )
    shutil.rmtree(archive / "site.partition-test", ignore_errors=True)
    assert done.returncode != 0
    assert "ARCHIVE_PARTITION needs `mkdocs build --dirty` (else every page is rendered)" in done.stderr


# --- the hook's per-page cost: sanitize.removed only when cleaning changed a tag --------------


def _hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("archive_hook_under_test", REPO / "build_tools" / "mkdocs_hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="steal()">Text</p>',
        "<p>Text</p><script>alert(1)</script>",
        '<p><a href="javascript:alert(1)">x</a></p>',
        "<p>Text <!-- a comment --></p>",
        '<p><img src="x.png" onerror="steal()"></p>',
    ],
)
def test_a_page_the_cleaner_changed_is_still_compared_and_reported(html):
    from build_tools.sanitize import clean_html, removed

    hook = _hook()
    cleaned = clean_html(html)
    assert not hook._same_tags(html, cleaned)
    if "comment" not in html:  # comments are removed without a report
        assert removed(html, cleaned)


def test_a_page_whose_tags_the_cleaner_kept_skips_the_comparison():
    from build_tools.sanitize import clean_html, removed

    html = '<h2 id="a">A &amp; B<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>\n<p>x &lt; y</p>'
    cleaned = clean_html(html)
    assert cleaned != html  # the cleaner re-encoded the text ...
    assert _hook()._same_tags(html, cleaned)  # ... and kept every tag, so nothing was removed
    assert removed(html, cleaned) == []


def test_a_respelled_table_alignment_is_not_a_removal():
    """Markdown's tables write ``style="text-align: right;"``; the cleaner keeps it as
    ``text-align:right``. The comparison is skipped for it, and still made for a style the
    cleaner cut."""
    from build_tools.sanitize import clean_html, removed

    hook = _hook()
    kept = '<table><thead><tr><th style="text-align: right;">N</th></tr></thead></table>'
    assert clean_html(kept) != kept and hook._same_tags(kept, clean_html(kept))
    cut = '<table><thead><tr><th style="text-align: right; position: fixed">N</th></tr></thead></table>'
    assert not hook._same_tags(cut, clean_html(cut)) and removed(cut, clean_html(cut))
