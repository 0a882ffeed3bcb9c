"""Stage 5: the article file — frontmatter, path, duplicate checks against the archive, atomic write."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..checks.duplicates import normalise_url, shingles  # one rule for check and ingest
from ..readers import article_paths
from ..schema import ArticleMeta, Source, slugify  # the one slug rule of the archive
from ..writers import write_atomic
from ..yamlsafe import YamlError, decode_text, load, split_frontmatter

FIELD_ORDER = tuple(ArticleMeta.model_fields)  # title, date, summary, actors, topics, places, source, ...
SOURCE_ORDER = tuple(Source.model_fields)  # name, url, license, author, id
SIMILAR = 0.8  # share of 5-word shingles above which two texts with one slug are one article


def scalar(value: str) -> str:
    """One YAML scalar, quoted when YAML would read it as anything but this text."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def render_article(meta: dict, body: str) -> str:
    lines = ["---"]
    for name in FIELD_ORDER:
        if name not in meta or meta[name] is None:
            continue
        value = meta[name]
        if name in ("actors", "topics", "places"):
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
    lines += ["---", "", body.strip(), ""]
    return "\n".join(lines)


def article_path(articles: Path, date, slug: str) -> Path:
    return articles / f"{date.year:04d}" / f"{date.isoformat()}-{slug}.md"


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
            match = re.match(r"^(\d{4})-\d{2}-\d{2}-(.+)\.md$", path.name)
            url, body = None, ""
            try:
                front, body, _ = split_frontmatter(decode_text(path.read_bytes()))
                data = load(front).data
                if isinstance(data, dict) and isinstance(data.get("source"), dict):
                    url = data["source"].get("url")
            except (OSError, YamlError):
                pass
            archive.add(path, int(match[1]) if match else 0, match[2] if match else path.stem, url, body)
        return archive

    def add(self, path: Path, year: int, slug: str, url: str | None, body: str) -> None:
        self.by_slug[(year, slug)] = path
        if isinstance(url, str) and url:
            self.by_url[normalise_url(url)] = path
        if body.strip():
            self.by_text[text_key(body)] = path
        self.bodies[path] = body

    def remove(self, path: Path) -> None:
        for index in (self.by_slug, self.by_url, self.by_text):
            for k in [k for k, v in index.items() if v == path]:
                del index[k]
        self.bodies.pop(path, None)

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


__all__ = ["Archive", "article_path", "render_article", "slugify", "write_atomic"]
