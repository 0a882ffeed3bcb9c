"""Ingest, write: the article file — its frontmatter, validated by the schema — and what the archive
already holds, to tell a new article from a duplicate (what becomes of it: ``decide``)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..checks.duplicates import normalise_url, shingles  # one rule for check and ingest
from ..layout import ARTICLE_FILENAME_RE, ENTITY_KINDS
from ..readers import article_paths
from ..schema import ArticleMeta, Source, explain, slugify  # the one slug rule of the archive
from ..yamlsafe import YamlError, decode_text, load, split_frontmatter

FIELD_ORDER = tuple(ArticleMeta.model_fields)  # title, date, summary, actors, topics, places, source, ...
SOURCE_ORDER = tuple(Source.model_fields)  # name, url, license, author, id
SIMILAR = 0.8  # share of 5-word shingles above which two texts with one slug are one article


def scalar(value: str) -> str:
    """One YAML scalar, quoted when YAML would read it as anything but this text."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


class InvalidArticle(ValueError):
    """The frontmatter of an article would not pass the schema; ``lines``: "field: message" each."""

    def __init__(self, lines: list[str]):
        super().__init__("; ".join(lines))
        self.lines = lines


def render_article(meta: dict, body: str) -> str:
    """The article file: the frontmatter, its fields in the schema's order, then the body.
    Raises InvalidArticle with the schema's messages when the frontmatter would not validate."""
    front = frontmatter_lines(meta)
    check_frontmatter("\n".join(front))
    return "\n".join(["---", *front, "---", "", body.strip(), ""])


def check_frontmatter(front: str) -> None:
    """Read ``front`` back as the readers do and validate it with the schema (ArticleMeta)."""
    try:
        ArticleMeta.model_validate(load(front, first_line=2).data)
    except YamlError as exc:
        raise InvalidArticle([f"frontmatter: {exc.message}"]) from None
    except ValidationError as exc:
        raise InvalidArticle([f"{'.'.join(map(str, loc))}: {message}" for loc, message in explain(exc)]) from None


def frontmatter_lines(meta: dict) -> list[str]:
    lines = []
    for name in FIELD_ORDER:
        if name not in meta or meta[name] is None:
            continue
        value = meta[name]
        if name in ENTITY_KINDS:
            lines.append(f"{name}: [{', '.join(value)}]")
        elif name == "source":
            lines.append("source:")
            for sub in SOURCE_ORDER:
                if value.get(sub):
                    lines.append(f"  {sub}: {scalar(value[sub])}")
        elif name in ("date", "updated"):
            lines.append(f"{name}: {value.isoformat()}")
        elif name == "draft":
            lines.append(f"draft: {'true' if value else 'false'}")
        else:
            lines.append(f"{name}: {scalar(value)}")
    return lines


def text_key(body: str) -> str:
    words = re.findall(r"[^\W_]+", body.casefold())
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


def similarity(a: set[int], b: set[int]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


@dataclass
class Archive:
    """What the archive already holds, to tell a new article from a duplicate."""

    articles: Path
    by_slug: dict[tuple[int, str], Path] = field(default_factory=dict)
    by_url: dict[str, Path] = field(default_factory=dict)
    by_text: dict[str, Path] = field(default_factory=dict)
    bodies: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def load(cls, articles: Path) -> Archive:
        archive = cls(articles)
        for path in article_paths(articles) if articles.is_dir() else []:
            match = ARTICLE_FILENAME_RE.match(path.name)
            url, body = None, ""
            try:
                front, body, _ = split_frontmatter(decode_text(path.read_bytes()))
                data = load(front).data
                if isinstance(data, dict) and isinstance(data.get("source"), dict):
                    url = data["source"].get("url")
            except (OSError, YamlError):
                pass
            year, slug = (int(match["date"][:4]), match["slug"]) if match else (0, path.stem)
            archive.add(path, year, slug, url, body)
        return archive

    def add(self, path: Path, year: int, slug: str, url: str | None, body: str) -> None:
        self.by_slug[(year, slug)] = path
        if isinstance(url, str) and url:
            self.by_url[normalise_url(url)] = path
        if body.strip():
            self.by_text[text_key(body)] = path
        self.bodies[path] = body

    def duplicate(self, year: int, slug: str, url: str | None, body: str) -> tuple[Path, str] | None:
        """The article this one duplicates and why, or None."""
        if url and normalise_url(url) in self.by_url:
            return self.by_url[normalise_url(url)], "the same source URL"
        if text_key(body) in self.by_text:
            return self.by_text[text_key(body)], "the same text"
        existing = self.by_slug.get((year, slug))
        if existing is not None and similarity(shingles(body), shingles(self.bodies.get(existing, ""))) >= SIMILAR:
            return existing, "the same slug and largely the same text"
        return None

    def free_slug(self, year: int, slug: str, date) -> str:
        """``slug``, or when another article of that year has it, ``slug`` with the date added."""
        if (year, slug) not in self.by_slug:
            return slug
        base = slug[: 80 - 6].rstrip("-")
        candidate = f"{base}-{date.month:02d}-{date.day:02d}"
        number = 2
        while (year, candidate) in self.by_slug:
            candidate = f"{base}-{date.month:02d}-{date.day:02d}-{number}"
            number += 1
        return candidate


__all__ = ["Archive", "InvalidArticle", "render_article", "slugify"]
