"""The generator against golden output, and the `generate` command's guarantees.

Golden files: tests/golden/archive/ (input) → tests/golden/expected/ (pages).
Regenerate them with `python -m tests.golden` and review the diff.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from build_tools.cli import main
from build_tools.layout import Project
from build_tools.pipeline import render_pages
from tests.conftest import write_article

EXPECTED = Path(__file__).parent / "golden" / "expected"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_pages_match_golden_files(golden_archive):
    pages, _ = render_pages(Project(golden_archive))
    expected = {p.relative_to(EXPECTED).as_posix(): p.read_text("utf-8") for p in EXPECTED.rglob("*") if p.is_file()}
    assert sorted(pages) == sorted(expected)
    for name, text in pages.items():
        assert text == expected[name], f"{name} differs from golden; run `python -m tests.golden` and review"


def test_generate_is_deterministic_and_keeps_hand_written_pages(golden_archive, capsys):
    assert main(["generate", "--root", str(golden_archive)]) == 0
    first = snapshot(golden_archive / "docs")
    assert "about.md" in first and "stylesheets/archive.css" in first
    assert main(["generate", "--root", str(golden_archive)]) == 0
    assert snapshot(golden_archive / "docs") == first


def test_drafts_are_left_out(golden_archive):
    pages, _ = render_pages(Project(golden_archive))
    assert not any("draft" in name for name in pages)
    assert "archive/2023.md" not in pages
    assert all("A draft is left out" not in text for text in pages.values())


def test_deleting_an_article_removes_its_page_and_every_mention(golden_archive):
    assert main(["generate", "--root", str(golden_archive)]) == 0
    docs = golden_archive / "docs"
    assert (docs / "articles/2025/putin-and-the-talks.md").exists()
    (golden_archive / "articles/2025/2025-05-19-putin-and-the-talks.md").unlink()
    assert main(["generate", "--root", str(golden_archive)]) == 0
    assert not (docs / "articles/2025/putin-and-the-talks.md").exists()
    for page in docs.rglob("*.md"):
        assert "Putin and the talks" not in page.read_text("utf-8"), page
    nato = (docs / "actors/nato.md").read_text("utf-8")
    assert "0 articles" in nato and "No articles yet." in nato


def test_bad_input_lists_every_error_and_leaves_docs_unchanged(golden_archive, capsys):
    assert main(["generate", "--root", str(golden_archive)]) == 0
    before = snapshot(golden_archive / "docs")
    write_article(golden_archive, "2025-06-01-missing-title.md", "date: 2025-06-01\nsummary: s")
    write_article(golden_archive, "2025-06-02-bad-date.md", "title: T\ndate: 19/05/25\nsummary: s")
    write_article(golden_archive, "2025-06-03-wrong-date.md", "title: T\ndate: 2025-06-04\nsummary: s")
    write_article(
        golden_archive,
        "2025-06-05-unknown-actor.md",
        "title: T\ndate: 2025-06-05\nsummary: s\nactors: [vladimir-puttin]",
    )
    write_article(  # a schema error does not hide the unknown ids of the same file
        golden_archive,
        "2025-06-06-bad-date-and-place.md",
        "title: T\ndate: 06/06/25\nsummary: s\nactors: [Vladimir Putin]\nplaces: [russia, rusia]",
    )
    capsys.readouterr()
    assert main(["generate", "--root", str(golden_archive)]) == 1
    err = capsys.readouterr().err
    assert "articles/2025/2025-06-01-missing-title.md:2: error: title: Required field is missing" in err
    assert "2025-06-02-bad-date.md:3: error: date: Expected a date like 2025-05-19 but received '19/05/25'" in err
    assert (
        "2025-06-03-wrong-date.md:3: error: date: Expected 2025-06-03 to match the file name but received 2025-06-04"
        in err
    )
    assert (
        "2025-06-05-unknown-actor.md:5: error: actors: Expected an id from articles/vocabulary/actors.yml "
        "but received 'vladimir-puttin'; did you mean 'vladimir-putin'?" in err
    )
    both = [line for line in err.splitlines() if "2025-06-06-bad-date-and-place.md" in line]
    assert both == [
        "articles/2025/2025-06-06-bad-date-and-place.md:3: error: date: Expected a date like 2025-05-19 "
        "but received '06/06/25'",
        "articles/2025/2025-06-06-bad-date-and-place.md:5: error: actors[0]: Expected a lowercase id "
        "like 'vladimir-putin' but received 'Vladimir Putin'; did you mean 'vladimir-putin'?",
        "articles/2025/2025-06-06-bad-date-and-place.md:6: error: places: Expected an id from "
        "articles/vocabulary/places.yml but received 'rusia'; did you mean 'russia'? A new place needs an entry "
        'there (id, name, description): python -m build_tools new --entry places "Rusia"',
    ]
    assert "Traceback" not in err
    assert snapshot(golden_archive / "docs") == before


def test_article_page_shows_tags_byline_source_and_related(golden_archive):
    pages, _ = render_pages(Project(golden_archive))
    page = pages["articles/2025/putin-and-the-talks.md"]
    assert "tags:\n- Vladimir Putin\n- NATO\n- Peace negotiations\n- Russia\n- Ukraine\n" in page
    assert "tag_links:\n- actors/vladimir-putin/\n- actors/nato/\n" in page
    assert "1 min read" in page
    assert "**Source:** [Example News](https://example.org/putin-talks). License: Public domain." in page
    assert "## Related articles" in page and "(markdown-in-title-and-summary.md)" in page


def test_related_articles_rank_by_shared_tags_then_recency(tmp_path):
    """Against a brute-force ranking on an archive small enough for the window to cover it all."""
    import random

    from build_tools.catalog import Catalog, newest_first
    from build_tools.readers import read_articles, read_vocabulary

    rng = random.Random(7)
    vocabulary = tmp_path / "articles" / "vocabulary"
    vocabulary.mkdir(parents=True)
    for kind, prefix in (("actors", "a"), ("topics", "t"), ("places", "p")):
        entries = "".join(f"- id: {prefix}{i}\n  name: {prefix.upper()}{i}\n  description: d\n" for i in range(6))
        (vocabulary / f"{kind}.yml").write_text(entries, encoding="utf-8")
    for n in range(60):
        day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
        tags = {k: rng.sample(range(6), rng.randint(0, 3)) for k in ("a", "t", "p")}
        write_article(
            tmp_path,
            f"{day}-article-{n}.md",
            f"title: Article {n}\ndate: {day}\nsummary: s\n"
            f"actors: [{', '.join(f'a{i}' for i in tags['a'])}]\n"
            f"topics: [{', '.join(f't{i}' for i in tags['t'])}]\n"
            f"places: [{', '.join(f'p{i}' for i in tags['p'])}]",
        )
    vocab, _ = read_vocabulary(vocabulary)
    articles, problems = read_articles(tmp_path / "articles")
    assert problems == []
    catalog, _ = Catalog.build(articles, vocab)
    for article in catalog.articles:
        mine = set(catalog.keys_of(article))
        scored = [(len(mine & set(catalog.keys_of(o))), o) for o in catalog.articles if o is not article]
        expected = [o for s, o in sorted(scored, key=lambda so: (-so[0], *newest_first(so[1]))) if s > 0][:5]
        assert catalog.related(article) == expected


def test_parallel_article_rendering_gives_the_same_pages(golden_archive, monkeypatch):
    import build_tools.generators as generators

    serial, _ = render_pages(Project(golden_archive))
    monkeypatch.setattr(generators, "PARALLEL_MIN", 1)
    monkeypatch.setattr(generators.os, "cpu_count", lambda: 2)
    parallel, _ = render_pages(Project(golden_archive))
    assert parallel == serial
