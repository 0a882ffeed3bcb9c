"""End to end: `build` runs `mkdocs build --strict` and the built pages link up."""

from __future__ import annotations

import json

import pytest

from build_tools.cli import main

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
    index = json.loads((built / "search/search_index.json").read_text("utf-8"))
    assert any(doc["location"].startswith("articles/2025/putin-and-the-talks/") for doc in index["docs"])


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
