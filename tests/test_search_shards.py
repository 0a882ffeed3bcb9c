"""Search indexing in shards (build_tools/indexers.py and its search_*.py modules): the merged
bundle holds what one Pagefind run over the whole site holds, unchanged shards are reused, and
a bundle of an unexpected format falls back to one run. Sharding is forced on the small sample
archive (``ARCHIVE_SEARCH_SHARD_PAGES=1``); real archives shard from 2,000 indexed pages."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from build_tools.builders import SEARCH_WORK
from build_tools.cli import main
from build_tools.indexers import OTHER, index_site, plan_shards
from build_tools.keys import memo_key
from build_tools.search_bundles import MAX_DATA_BYTES, BundleFormatError, gunzip
from build_tools.search_merge import _chunk_bounds
from build_tools.search_pagefind import check_bundle, pagefind_command, run_pagefind
from build_tools.search_work import SHARD_STAMP, write_stamp
from tests.browsing import browser_page, chromium_path, serve
from tests.bundles import read_bundle
from tests.conftest import REPO, copy_site_config


def _comparable(bundle: Path) -> dict:
    data = read_bundle(bundle)
    data.pop("chunk_ranges")  # chunk boundaries are cut by bytes in a merge, by positions in a run
    return data


def _one_run(site: Path, target: Path) -> Path:
    """A copy of ``site`` (hard links) indexed by one Pagefind run over every page."""
    shutil.copytree(site, target, copy_function=lambda s, d: Path(d).hardlink_to(s))
    shutil.rmtree(target / "pagefind")
    subprocess.run(pagefind_command(target), check=True)
    return target


@pytest.fixture(scope="module")
def sharded(tmp_path_factory) -> tuple[Path, Path]:
    """The sample archive built with its search index in shards, and a one-run twin of its site."""
    root = tmp_path_factory.mktemp("sharded") / "archive"
    shutil.copytree(REPO / "articles", root / "articles")
    copy_site_config(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARCHIVE_SEARCH_SHARD_PAGES", "1")
        assert main(["build", "--root", str(root)]) == 0
    return root, _one_run(root / "site", tmp_path_factory.mktemp("one-run") / "site")


def test_shards_are_years_of_articles_and_the_undated_pages(sharded):
    root, _ = sharded
    shards = plan_shards(root / "site")
    assert shards[0].name == OTHER
    years = [shard.name for shard in shards[1:]]
    assert years == sorted(years) and all(name.startswith("dated-") and len(name) == 10 for name in years)
    assert {path.name for path in (root / SEARCH_WORK).iterdir()} == {shard.name for shard in shards} | {"merged"}
    for shard in shards[1:]:
        assert all(page.startswith(f"articles/{shard.name[-4:]}/") for page in shard.pages)
    articles = sum(len(shard.pages) for shard in shards[1:])
    assert articles == len(list((root / "articles").glob("*/*.md")))
    assert not any(page.startswith("articles/") for page in shards[0].pages)


def test_a_big_year_is_split_into_months(sharded):
    root, _ = sharded
    shards = plan_shards(root / "site", year_pages=5)
    months = [shard.name for shard in shards if len(shard.name) == len("dated-2025-05")]
    assert months and months == sorted(months)
    for shard in shards[1:]:
        assert all(page.startswith(f"articles/{shard.name[6:10]}/") for page in shard.pages)


def test_merged_bundle_holds_what_one_run_holds(sharded):
    root, one_run = sharded
    merged, single = _comparable(root / "site" / "pagefind"), _comparable(one_run / "pagefind")
    assert merged["page_count"] == single["page_count"] > 40
    assert merged["words"].keys() == single["words"].keys()
    for key in single:
        assert merged[key] == single[key], key
    dates = merged["sorts"]["date"]
    assert dates == sorted(dates)


def _copy_built(root: Path, target: Path) -> tuple[Path, Path]:
    """A writable copy of the built site and of the search shards kept beside it."""
    shutil.copytree(root / "site", target / "site")
    shutil.copytree(root / SEARCH_WORK, target / "work")
    return target / "site", target / "work"


def test_unchanged_shards_are_reused_and_an_edit_reindexes_its_year(sharded, tmp_path):
    site, work = _copy_built(sharded[0], tmp_path)
    code, report = index_site(site, work, shard_pages=1)
    assert code == 0 and report.reindexed == [] and report.shards > 2

    page = next((site / "articles" / "2025").glob("*/index.html"))
    html = page.read_text("utf-8")
    page.write_text(html.replace("<div data-pagefind-body>", "<div data-pagefind-body><p>Qwxzyk</p>", 1))
    code, report = index_site(site, work, shard_pages=1)
    assert code == 0 and report.reindexed == ["dated-2025"]
    words = read_bundle(site / "pagefind")["words"]
    assert list(words["qwxzyk"][0]) == ["/" + page.parent.relative_to(site).as_posix() + "/"]


def test_a_bundle_of_another_format_falls_back_to_one_run(sharded, tmp_path):
    root, one_run = sharded
    site, work = _copy_built(root, tmp_path)
    shutil.rmtree(work / "merged")
    entry = work / "dated-2025" / "bundle" / "pagefind-entry.json"
    entry.write_text(json.dumps({**json.loads(entry.read_text()), "version": "0.0.1"}))
    # as this machine's own run would have written it (a bundle changed since is indexed afresh)
    stamp = work / "dated-2025" / SHARD_STAMP
    digest = stamp.read_text().split()[0]
    write_stamp(memo_key(), "search shard", digest, entry.parent, stamp)
    code, report = index_site(site, work, shard_pages=1)
    assert code == 0
    assert "dated-2025" in report.note and report.note.endswith("indexed in one run")
    assert _comparable(site / "pagefind") == _comparable(one_run / "pagefind")


def test_a_changed_kept_bundle_is_indexed_afresh(sharded, tmp_path, capsys):
    site, work = _copy_built(sharded[0], tmp_path)
    entry = work / "dated-2025" / "bundle" / "pagefind-entry.json"
    entry.write_text(json.dumps({**json.loads(entry.read_text()), "version": "0.0.1"}))
    code, report = index_site(site, work, shard_pages=1)
    assert code == 0 and report.reindexed == ["dated-2025"] and not report.note
    assert report.notes == [
        "discarding the kept bundle of shard dated-2025: not written by this machine's own run; indexing it afresh"
    ]


def test_decompressing_a_data_file_is_bounded(tmp_path):
    bomb = tmp_path / "en_0000000.pf_index"
    bomb.write_bytes(gzip.compress(bytes(MAX_DATA_BYTES + 1)))  # 128 MB of zeros, 130 kB compressed
    with pytest.raises(BundleFormatError, match="once decompressed"):
        gunzip(bomb)
    two = tmp_path / "two.gz"
    two.write_bytes(gzip.compress(b"ab") + gzip.compress(b"cd"))
    assert gunzip(two) == b"abcd"
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(b"abcdef" * 100)[:-6])
    with pytest.raises(BundleFormatError, match="cut short"):
        gunzip(cut)


def test_chunk_bounds_are_the_shortest_distinguishing_prefixes():
    # The cases of Pagefind's own chunk_meta test.
    chunks = [["apple", "apple", "a"], ["apricot", "banana", "b"], ["peach", "peach", "c"]]
    _chunk_bounds(chunks)
    assert chunks == [["apple", "apple", "a"], ["apr", "b", "b"], ["p", "peach", "c"]]


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="no Chromium on this machine (apt-get install chromium)")
def test_a_reader_gets_the_same_results_from_the_merged_index(sharded):
    root, one_run = sharded

    def results(site: Path) -> list[str]:
        with serve(site) as base, browser_page() as page:
            page.goto(base + "search/?q=ceasefire&place=Ukraine")
            page.locator(".archive-search__result").first.wait_for(timeout=15_000)
            page.wait_for_load_state("networkidle")
            return page.locator(".archive-search__result a").all_inner_texts()

    merged = results(root / "site")
    assert merged and merged == results(one_run)


def test_pages_pagefind_cannot_read_or_leaves_out_fail_the_index(tmp_path):
    """Pagefind reports a page it could not read on stderr and exits 0 all the same (the pages of
    a staging folder another build deleted): the indexer reads its stderr and checks the pages
    it indexed against those that hold a data-pagefind-body element."""
    site = tmp_path / "site"
    pages = {"alpha": "alpha text", "beta": "beta text", "gamma": "gamma text", "dots": "… – ."}
    for name, text in pages.items():
        page = site / name / "index.html"
        page.parent.mkdir(parents=True)
        ignored = '<div data-pagefind-ignore><a href="/">Tag</a></div><div hidden data-pagefind-ignore>Title</div>'
        page.write_text(f'<html lang="en"><body><div data-pagefind-body>{ignored}<p>{text}</p></div></body></html>')
    mentions = '<p>the data-pagefind-body attribute</p><img alt="x data-pagefind-body" src="a.png">'
    (site / "plain.html").write_text(f'<html lang="en"><body>{mentions}</body></html>')
    code, report = index_site(site, tmp_path / "work")
    assert (code, report.pages, report.error) == (0, 4, "")  # "dots" has no word: Pagefind leaves it out
    assert read_bundle(site / "pagefind")["page_count"] == 3
    expected = [f"{name}/index.html" for name in sorted(pages)]

    gone = site / "gamma" / "index.html"
    gone.unlink()
    gone.symlink_to(site / "deleted.html")
    shutil.rmtree(site / "pagefind")
    run = run_pagefind(pagefind_command(site))
    assert run.code == 0 and run.unread == [str(gone)]
    assert check_bundle(site / "pagefind", expected, site, run) == f"Pagefind could not read 1 page(s): {gone}"
    assert check_bundle(site / "pagefind", expected, site) == (
        "Pagefind left out 1 of the 4 page(s) to index: gamma/index.html"
    )
    code, report = index_site(site, tmp_path / "work")
    assert code == 1 and report.error.startswith("could not read a page of the site: ")

    gone.unlink()
    shutil.rmtree(site / "pagefind")
    missing = site / "pagefind" / "pagefind-entry.json"
    assert check_bundle(site / "pagefind", expected, site) == f"Pagefind wrote no index ({missing} is missing)"
