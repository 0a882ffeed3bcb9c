"""What becomes of an ingested article, given what the archive holds: written under its
slug (with its date added when its year has that slug already), skipped as a duplicate, or with
``--force`` written over the article it duplicates, under that article's name. A near-duplicate
of another article (``Archive.near_duplicate``: another slug or date, 90 % of its word 5-grams
shared) is not written either; with ``--force`` it is written beside that article, as a new one
(it may be a later edition of it; ``check`` will then report the pair)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..layout import article_source
from .writer import Archive

if TYPE_CHECKING:
    from .pipeline import Ingested


@dataclass(frozen=True)
class Decision:
    """Where an article goes and whether it is written."""

    target: Path
    slug: str
    duplicate: tuple[Path, str] | None = None  # the archive's article this one duplicates, and why
    near: tuple[Path, float] | None = None  # the article it nearly repeats, and the share of 5-grams
    write: bool = True  # False: skipped as a duplicate
    replace: bool = False  # write over a file that may be there


def decide(archive: Archive, item: Ingested, force: bool) -> Decision:
    date = item.meta["date"]
    found = archive.duplicate(date.year, item.slug, item.meta["source"].get("url"), item.body)
    if found is None:
        slug = archive.free_slug(date.year, item.slug, date)
        near = archive.near_duplicate(item.body)
        target = article_source(archive.articles, date, slug)
        return Decision(target, slug, near=near, write=near is None or force, replace=force)
    if force:
        return Decision(found[0], item.slug, found, replace=True)
    return Decision(article_source(archive.articles, date, item.slug), item.slug, found, write=False)
