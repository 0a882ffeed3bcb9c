"""The whole flow in one place: read → catalog → generate → write.

Used by the ``generate`` and ``build`` commands, the ``mkdocs serve`` hook and ``diff``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog
from .generators import PageGenerator
from .problems import InputError, Problem
from .readers import read_articles, read_vocabulary
from .writers import DocsWriter
from .yamlsafe import YamlError, decode_text, load


@dataclass(frozen=True)
class Project:
    """Where an archive's folders are; every path the tools use derives from ``root``."""

    root: Path

    @property
    def articles(self) -> Path:
        return self.root / "articles"

    @property
    def vocabulary(self) -> Path:
        return self.articles / "vocabulary"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def site_url(self) -> str:
        """The public address from mkdocs.yml (``site_url``, or ``!ENV [SITE_URL, default]``)."""
        return read_site_url(self.root / "mkdocs.yml")

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above ``start`` that holds ``mkdocs.yml`` and ``articles/``."""
        start = (start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / "articles").is_dir() and (folder / "mkdocs.yml").is_file():
                return cls(folder)
        return cls(start)


def read_site_url(config: Path) -> str:
    default = "https://example.org/"
    try:
        data = load(decode_text(config.read_bytes())).data
    except (OSError, YamlError):
        return default
    value = data.get("site_url") if isinstance(data, dict) else None
    if isinstance(value, list) and value:  # !ENV [NAME, fallback]
        value = os.environ.get(value[0]) or (value[1] if len(value) > 1 else None)
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return default
    return value.rstrip("/") + "/"


def load_catalog(project: Project) -> tuple[Catalog, list[Problem]]:
    vocabulary, problems = read_vocabulary(project.vocabulary)
    articles, article_problems = read_articles(project.articles)
    catalog, link_problems = Catalog.build(articles, vocabulary)
    return catalog, problems + article_problems + link_problems


def render_pages(project: Project) -> tuple[dict[str, str], Catalog]:
    """All pages of the archive, or InputError with every problem found."""
    if not project.articles.is_dir():
        raise InputError([Problem(str(project.articles), 1, "error", "Expected an articles/ folder but found none")])
    catalog, problems = load_catalog(project)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return PageGenerator(catalog, project.site_url).pages(), catalog


def generate(project: Project, in_place: bool = False) -> tuple[int, list[str], list[str]]:
    """Write the pages into docs/; returns (page count, pages written anew, pages removed)."""
    pages, _ = render_pages(project)
    writer = DocsWriter(project.docs)
    if in_place:
        changed = writer.in_place(pages)
        return len(pages), changed, []
    changes = writer.swap(pages)
    return len(pages), changes.changed, changes.removed
