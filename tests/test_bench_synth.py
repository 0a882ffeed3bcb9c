"""The synthetic archive of ``bench/synth.py``: deterministic from its seed, and valid input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.synth import write_archive
from build_tools.layout import Project
from build_tools.pipeline import render_pages
from build_tools.readers import read_articles, read_vocabulary

N = 30


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "articles").rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "a"
    write_archive(root, N, seed=7)
    return root


def test_same_seed_same_bytes_other_seed_other_bytes(archive, tmp_path):
    write_archive(tmp_path / "b", N, seed=7)
    write_archive(tmp_path / "c", N, seed=8, site_files=False)
    same, other = _files(tmp_path / "b"), _files(tmp_path / "c")
    assert _files(archive) == same
    assert len([name for name in same if not name.startswith("articles/vocabulary/")]) == N
    assert same != other


def test_output_validates_and_renders(archive):
    project = Project(archive)
    vocabulary, problems = read_vocabulary(project.vocabulary)
    assert problems == []
    assert {kind: len(entries) for kind, entries in vocabulary.entries.items()} == {
        "actors": 300,
        "topics": 60,
        "places": 250,
    }
    articles, problems = read_articles(project.articles)
    assert problems == []
    assert len(articles) == N
    pages, catalog = render_pages(project)
    published = [a for a in articles if not a.meta.draft]
    assert len(catalog.articles) == len(published)
    assert sum(name.startswith("articles/") for name in pages) == len(published)
    assert (archive / "mkdocs.yml").is_file() and (archive / "docs" / "about.md").is_file()


def test_articles_have_a_realistic_shape(archive):
    articles, _ = read_articles(Project(archive).articles)
    years = {a.year for a in articles}
    assert len(years) >= 5
    for article in articles:
        words = len(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", article.body)))
        sections = len(re.findall(r"^## ", article.body, flags=re.M))
        assert 500 <= words <= 1700, (article.path.name, words)
        assert 3 <= sections <= 8
        assert article.meta.actors and article.meta.topics and article.meta.places
