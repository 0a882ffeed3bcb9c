"""The slug rule (``schema.slugify``, python-slugify underneath): every slug the archive already
has stays as it is, and titles in other scripts get a readable slug instead of losing letters.

The rule before python-slugify is kept here, for ASCII titles, as the reference the new one must
reproduce: lowercase, an apostrophe removed, every other run of non-alphanumerics one dash, cut at
a word boundary at 80 characters.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from build_tools import cli
from build_tools.readers import read_article
from build_tools.schema import SLUG_MAX, slugify
from build_tools.yamlsafe import load, split_frontmatter
from tests.check.archive import make_archive

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "MANIFEST.tsv"


def ascii_rule(title: str) -> str:
    """The slug rule as it was for ASCII titles."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower().replace("'", "")).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[: SLUG_MAX + 1].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug.strip("-")


def _title(path: Path) -> str | None:
    try:
        frontmatter, _, first = split_frontmatter(path.read_text(encoding="utf-8"))
        title = load(frontmatter, first).data.get("title")
    except Exception:  # a deliberately broken fixture: it has no title to slug
        return None
    return title if isinstance(title, str) else None


def test_every_article_keeps_its_slug() -> None:
    articles = sorted((REPO / "articles").glob("*/*.md"))
    assert articles, "no article in articles/"
    for path in articles:
        article, problems = read_article(path, REPO / "articles")
        assert article is not None, problems
        assert slugify(article.meta.title) == path.stem[len("YYYY-MM-DD-") :], path


def test_every_ascii_title_of_the_fixtures_gets_the_slug_it_had() -> None:
    titles = {t for path in sorted((REPO / "tests").rglob("*.md")) if (t := _title(path)) and t.isascii()}
    assert len(titles) > 20
    changed = {title: (ascii_rule(title), slugify(title)) for title in titles if slugify(title) != ascii_rule(title)}
    assert changed == {}


def test_every_ascii_title_of_the_corpus_gets_the_slug_it_had() -> None:
    if not CORPUS.is_file():
        pytest.skip(f"{CORPUS} is absent: the shared corpus of real articles is not on this machine")
    with CORPUS.open(encoding="utf-8", newline="") as manifest:
        titles = [row["title"] for row in csv.DictReader(manifest, delimiter="\t") if row["title"].isascii()]
    assert len(titles) > 1000
    changed = {title: (ascii_rule(title), slugify(title)) for title in titles if slugify(title) != ascii_rule(title)}
    assert changed == {}


@pytest.mark.parametrize(
    "title",
    [
        "Don't Panic: 1,000 Troops & 3.5% (Q&A) -- What's Next?",
        "  leading and trailing  ",
        "x" * 100,
        "a " + "y" * 90,
        ("word " * 15) + "z" * 30,
        "The &amp; entity stays text",
        "ends-exactly-" + "w" * (SLUG_MAX - len("ends-exactly-")) + " more",
    ],
)
def test_ascii_edge_cases_keep_the_old_rule(title: str) -> None:
    assert slugify(title) == ascii_rule(title)
    assert len(slugify(title)) <= SLUG_MAX


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Łódź", "lodz"),
        ("Straße & Ørsted", "strasse-orsted"),
        ("Путин и переговоры", "putin-i-peregovory"),
        ("Ukraine–Russia Family Reunification", "ukraine-russia-family-reunification"),
        ("Readout of Biden’s Call with Erdoğan of Türkiye", "readout-of-bidens-call-with-erdogan-of-turkiye"),
    ],
)
def test_other_scripts_are_transliterated(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_new_accepts_a_cyrillic_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_archive(tmp_path / "archive")
    assert cli.main(["new", "Путин и переговоры", "--date", "2025-05-19", "--root", str(root)]) == 0
    created = root / "articles" / "2025" / "2025-05-19-putin-i-peregovory.md"
    assert created.is_file()
    assert str(Path("articles/2025/2025-05-19-putin-i-peregovory.md")) in capsys.readouterr().out
