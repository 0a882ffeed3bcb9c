"""End to end: `build` runs `mkdocs build --strict` and the built pages link up."""

from __future__ import annotations

import json
import re

import pytest

from build_tools.cli import main
from tests.bundles import search_documents

pytestmark = pytest.mark.slow


@pytest.fixture
def built(golden_archive):
    assert main(["build", "--root", str(golden_archive)]) == 0
    return golden_archive / "site"


def test_strict_build_and_cross_links(built):
    article = (built / "articles/2025/putin-and-the-talks/index.html").read_text("utf-8")
    assert article.count("<h1") == 1
    assert '<h2 id="what-happened">' in article
    assert 'href="../../../actors/vladimir-putin/"' in article
    assert 'href="../../../places/ukraine/"' in article
    putin = (built / "actors/vladimir-putin/index.html").read_text("utf-8")
    assert 'href="../../articles/2025/putin-and-the-talks/"' in putin
    documents = {doc["url"]: doc for doc in search_documents(built)}
    talks = documents["/articles/2025/putin-and-the-talks/"]
    assert talks["meta"]["title"] == "Putin and the talks"
    assert talks["filters"]["actor"] == ["Vladimir Putin", "NATO"]
    assert talks["filters"]["year"] == ["2025"] and talks["filters"]["type"] == ["Article"]
    assert "The talks stalled." in talks["content"]
    assert "Related articles" not in talks["content"]  # links are not search text


def test_feeds_are_valid_atom_and_linked(built):
    import feedparser

    feed = feedparser.parse((built / "feeds/actors/vladimir-putin.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Putin and the talks", "Stars *and* [brackets] <b>in</b> a title & more"]
    assert feed.entries[0].link == "https://example.org/articles/2025/putin-and-the-talks/"
    page = (built / "actors/vladimir-putin/index.html").read_text("utf-8")
    assert (
        '<link rel="alternate feed" type="application/atom+xml"' in page and "feeds/actors/vladimir-putin.xml" in page
    )
    everything = feedparser.parse((built / "feeds/all.xml").read_bytes())
    assert not everything.bozo and len(everything.entries) == 4


def test_article_structured_data(built):
    page = (built / "articles/2025/putin-and-the-talks/index.html").read_text("utf-8")
    raw = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(raw)
    assert data["@type"] == "BackgroundNewsArticle"
    assert data["headline"] == "Putin and the talks"
    assert data["datePublished"] == "2025-05-19"
    assert data["isBasedOn"] == "https://example.org/putin-talks"
    assert {
        "@type": "Person",
        "name": "Vladimir Putin",
        "url": "https://example.org/actors/vladimir-putin/",
        "sameAs": "https://www.wikidata.org/wiki/Q7747",
    } in data.get("about", []) + data.get("mentions", [])
    assert '<meta property="og:title" content="Putin and the talks">' in page
    assert '<link rel="canonical" href="https://example.org/articles/2025/putin-and-the-talks/">' in page
    assert "articles/2025/putin-and-the-talks/" in (built / "sitemap.xml").read_text("utf-8")


def test_titles_and_summaries_are_text_not_markup(built):
    page = (built / "articles/2025/markdown-in-title-and-summary/index.html").read_text("utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://evil.example"' not in page


def test_failed_mkdocs_build_keeps_previous_site(built, golden_archive, capsys):
    before = (built / "index.html").read_bytes()
    config = golden_archive / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("  - About: about.md", "  - About: missing.md"), "utf-8")
    assert main(["build", "--root", str(golden_archive)]) == 1
    assert (built / "index.html").read_bytes() == before
    assert not list(golden_archive.glob("site.tmp-*"))


def _html_files(site):
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and "pagefind" not in p.parts and p.name != ".build-stamp.json"
    }


def test_incremental_rebuild_renders_only_changed_pages_and_equals_a_clean_build(built, golden_archive, capsys):
    article = golden_archive / "articles/2025/2025-05-19-putin-and-the-talks.md"
    article.write_text(article.read_text("utf-8").replace("The talks stalled.", "The talks resumed."), "utf-8")
    (golden_archive / "articles/2024/2024-11-30-no-tags-and-no-source.md").unlink()
    capsys.readouterr()
    assert main(["build", "--root", str(golden_archive)]) == 0
    out = capsys.readouterr().out
    # the article, the 2024 year page, the archive overview, the home page and the whole-archive feed
    assert re.search(r"\(\d+ rendered, 5 written, 1 removed\)", out) and "incremental, 5 page(s) re-rendered" in out
    page = (built / "articles/2025/putin-and-the-talks/index.html").read_text("utf-8")
    assert "The talks resumed." in page
    stages = json.loads((golden_archive / ".build/last-build.json").read_text("utf-8"))
    assert stages["incremental"] is True and stages["pages_written_by_generate"] == 5
    assert all(stages[k] >= 0 for k in ("generate_s", "copy_s", "render_s", "index_s", "index_peak_mb"))
    assert not (built / "articles/2024/no-tags-and-no-source").exists()
    incremental = _html_files(built)
    assert main(["build", "--root", str(golden_archive), "--full"]) == 0
    assert "(clean" in capsys.readouterr().out
    clean = _html_files(built)
    assert sorted(incremental) == sorted(clean)
    differing = [name for name in clean if incremental[name] != clean[name] and not name.endswith("sitemap.xml.gz")]
    assert differing == []


def test_no_link_is_taken_for_a_translation(built):
    """Material fetches ``sitemap.xml`` next to the href of every ``link[rel=alternate]`` (an
    exact match: its language selector); a feed linked so cost every page a 404 for
    ``feeds/sitemap.xml``. Feeds keep the "alternate" token, so feed readers still find them."""
    for path in built.rglob("*.html"):
        text = path.read_text("utf-8")
        rels = re.findall(r'<link rel="([^"]*)"[^>]*type="application/atom\+xml"', text)
        assert 'rel="alternate"' not in text, path
        assert all("alternate" in rel.split() for rel in rels), (path, rels)
    assert re.search(r'<link rel="alternate feed" type="application/atom\+xml"[^>]*feeds/all\.xml', text)
