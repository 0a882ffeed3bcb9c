"""The short form of the CI rehearsal (tests/ci_rehearsal): one pull request that adds an article,
its Preview workflow and its Preview publish workflow run by a real Actions runner (act, from
requirements.lock) against a local origin and the GitHub stand-in.

It is not skipped: if act, Node.js or ../shared/actions is missing, it fails and says which.
The whole rehearsal is `make rehearse-ci`.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import time
from pathlib import Path

import pytest

from tests.ci_rehearsal.rehearsal import PAGES_URL, Rehearsal, RehearsalError
from tests.ci_rehearsal.scenarios import ARTICLE_URL, play


@pytest.mark.slow
def test_a_pull_request_is_previewed_by_a_real_runner(tmp_path: Path) -> None:
    out = tmp_path / "rehearsal"
    started = time.monotonic()
    try:
        with Rehearsal(out, echo=lambda line: print(line, flush=True)) as rehearsal:
            results = play(rehearsal, ["pull-request"], with_ci=False)
            pages = rehearsal.pages_files("pr-1")
    except RehearsalError as exc:
        pytest.fail(f"the CI rehearsal could not run or failed: {exc}\n(see {out})", pytrace=False)
    finally:
        shutil.rmtree(out / "wheels", ignore_errors=True)  # 400 MB; the logs and origin.git stay
    print(f"short CI rehearsal: {time.monotonic() - started:.0f} s")
    assert results["pull-request"]["passed"]
    # What the runner left: a preview on gh-pages with the new page, and one comment linking to it.
    assert results["gh_pages"]["top"] == [".nojekyll", "pr-1"]
    assert f"pr-1/{ARTICLE_URL}index.html" in pages and "pr-1/index.html" in pages
    log = [json.loads(line) for line in (out / "requests.jsonl").read_text(encoding="utf-8").splitlines()]
    created = [r for r in log if r["method"] == "POST" and r["path"].endswith("/issues/1/comments")]
    assert len(created) == 1 and created[0]["status"] == 201
    assert f"{PAGES_URL}pr-1/{ARTICLE_URL}" in created[0]["body"]["body"]
    assert all(r["status"] != 404 for r in log), [r for r in log if r["status"] == 404]


# -- the thin preview (.github/scripts/thin_preview.py), on a hand-made site -----------------


def thin_script():
    path = Path(__file__).resolve().parent.parent / ".github" / "scripts" / "thin_preview.py"
    spec = importlib.util.spec_from_file_location("thin_preview", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGE = (
    '<html><head><link href="../../assets/main.css" rel="stylesheet">'
    '<script src="../../javascripts/archive-search.js"></script></head>'
    '<body class="x"><a href="../..">home</a> <a href="../../about/">about</a> '
    '<a href="../other/#part">changed too</a> <a href="#top">top</a> <a href="https://example.org/">out</a>'
    '<a href="../../feeds/all.xml?x=1">feed</a></body></html>'
)


def test_a_thin_preview_keeps_the_changed_pages_and_links_the_rest_to_the_published_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    names = ("index.html", "about/index.html", "a/new/index.html", "a/other/index.html", "assets/main.css")
    for name in (*names, "t/x/page-2/index.html", "t/x/page-3/index.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(PAGE if name.startswith("a/") else "x", encoding="utf-8")
    (site / "t/x/page-2/index.html").write_text('<body><a href="../../../a/new/">new</a></body>', encoding="utf-8")
    (site / "t/x/page-3/index.html").write_text('<body><a href="../../../a/old/">old</a></body>', encoding="utf-8")
    (site / "feeds").mkdir()
    (site / "feeds" / "all.xml").write_text("<rss/>", encoding="utf-8")
    changed = ["/a/other/", "/feeds/all.xml", "x", "/t/x/page-2/", "/t/x/page-3/"]
    report = {"added": [{"url": "/a/new/"}], "changed": [{"url": url} for url in changed]}
    out = tmp_path / "thin"
    published = "https://org.github.io/archive/"
    kept = thin_script().thin(site, report, out, published, "7", "https://github.com/org/archive/pull/7")
    pages = [
        "a/new/index.html",
        "a/other/index.html",
        "feeds/all.xml",
        "t/x/page-2/index.html",
        "t/x/page-3/index.html",
    ]
    assert kept == pages
    # index.html: a landing page, as the home page did not change
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        [*pages, "index.html"]
    )
    # A later page of a listing that lists an added article is kept; one that only shifted is a note.
    assert 'href="../../../a/new/"' in (out / "t/x/page-2/index.html").read_text(encoding="utf-8")
    note = (out / "t/x/page-3/index.html").read_text(encoding="utf-8")
    assert "only because an entry" in note and f'href="{published}t/x/page-3/"' in note
    page = (out / "a/new/index.html").read_text(encoding="utf-8")
    assert f'href="{published}assets/main.css"' in page and f'src="{published}javascripts/archive-search.js"' in page
    assert f'href="{published}"' in page and f'href="{published}about/"' in page  # unchanged pages: published
    assert 'href="../other/#part"' in page and 'href="#top"' in page and 'href="../../feeds/all.xml?x=1"' in page
    assert 'href="https://example.org/"' in page
    assert page.index('class="pr-preview-banner"') > page.index('<body class="x">')
    assert 'href="https://github.com/org/archive/pull/7"' in page
    landing = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="a/new/"' in landing and 'href="feeds/all.xml"' in landing
