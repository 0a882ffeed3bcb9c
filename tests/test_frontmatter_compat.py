"""The archive's files stay readable by python-frontmatter, the common library for Markdown with
YAML frontmatter: every article gives it the same fields, as text, and the same body as the
strict reader (``yamlsafe``) that the project uses.

Why the project keeps its own reader (README, "Development"), pinned here as behaviour of
python-frontmatter: an unclosed frontmatter reads as no frontmatter at all without an error, a
YAML mistake is an exception without the file's name, YAML 1.1 turns ``NO`` into false and
``3.10`` into 3.1, and the body comes back stripped, so its line numbers are not the file's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import frontmatter
import pytest
import yaml

from build_tools.readers import read_article
from build_tools.yamlsafe import YamlError, load, split_frontmatter

REPO = Path(__file__).resolve().parents[1]


def as_text(value: object) -> object:
    """A value python-frontmatter typed, written back as the text the file holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_text(item) for item in value]
    return value


def strict(text: str) -> tuple[object, str]:
    front, body, _ = split_frontmatter(text)
    return load(front, first_line=2).data, body  # as readers.read_article: line 1 is the fence


def test_every_article_reads_the_same_with_python_frontmatter() -> None:
    articles = sorted((REPO / "articles").glob("*/*.md"))
    assert articles, "no article in articles/"
    for path in articles:
        article, problems = read_article(path, REPO / "articles")
        assert article is not None, problems
        text = path.read_text(encoding="utf-8")
        fields, body = strict(text)
        post = frontmatter.loads(text)
        assert as_text(post.metadata) == fields, path
        assert post.content == body.strip(), path


def test_why_the_strict_reader_exists() -> None:
    unclosed = "---\ntitle: Talks\ndate: 2025-05-19\n\n## Text\n"
    assert frontmatter.loads(unclosed).metadata == {}  # no error: the fields are silently gone
    with pytest.raises(YamlError) as caught:
        strict(unclosed)
    assert caught.value.line == 1

    broken = "---\ntitle: Talks\nsummary: Talks resume: in Geneva\n---\n\n## Text\n"
    with pytest.raises(yaml.YAMLError):
        frontmatter.loads(broken)
    with pytest.raises(YamlError) as caught:
        strict(broken)
    assert caught.value.line == 3

    typed = "---\ntitle: NO\nversion: 3.10\n---\n\n\n## Text\n"
    assert frontmatter.loads(typed).metadata == {"title": False, "version": 3.1}
    assert strict(typed)[0] == {"title": "NO", "version": "3.10"}
    # "## Text" is the file's line 7: the strict reader says so, python-frontmatter's body starts with it
    assert split_frontmatter(typed)[1:] == ("## Text\n", 7)
    assert frontmatter.loads(typed).content == "## Text"
