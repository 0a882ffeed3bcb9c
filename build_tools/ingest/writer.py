"""Ingest, write: the article file — its frontmatter, validated by the schema — and what the archive
already holds, to tell a new article from a duplicate (what becomes of it: ``decide``).

Duplicates are found three ways (``Archive.duplicate``): the same source URL, the same text, or
the same slug in the same year with largely the same text. A near-duplicate under another slug
or date (``Archive.near_duplicate``: an annual notice republished with a new date, a release
posted twice under two titles) is what ``check`` reports as an error, "a duplicate of that
article": at least ``DUPLICATE`` (90 %) of the two texts' word 5-grams shared (Jaccard), by the
same ``shingles`` as ``check``. To stay fast beside 10,000 articles, the archive is first narrowed
by a cheap key: a Jaccard of 0.9 needs the two texts' lengths within 10 % of each other, so only
articles whose word counts are within ``LENGTH_RATIO`` of the new one's are looked at (a sorted
list, bisected); of those, a 64-value MinHash sketch (computed once per article, when first
needed) keeps the few that share a fair part of it, and only these are compared exactly.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..checks.duplicates import DUPLICATE, MIN_SHINGLES, SHINGLE_WORDS, normalise_url, shingles  # as check
from ..layout import ARTICLE_FILENAME_RE, ENTITY_KINDS
from ..readers import article_paths
from ..schema import ArticleMeta, Source, explain, slugify  # the one slug rule of the archive
from ..yamlsafe import YamlError, decode_text, load, split_frontmatter

FIELD_ORDER = tuple(ArticleMeta.model_fields)  # title, date, summary, actors, topics, places, source, ...
SOURCE_ORDER = tuple(Source.model_fields)  # name, url, license, author, id
SIMILAR = 0.8  # share of 5-word shingles above which two texts with one slug are one article
LENGTH_RATIO = 0.8  # word counts of near-duplicates are within 10 %; 20 % leaves room for tokenizing
SKETCH = 64  # values of the MinHash sketch an article is first compared by
SKETCH_SHARE = 0.5  # share of the smaller sketch two texts must have in common to be compared exactly


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


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / max(1, len(a | b))


def sketch(body: str) -> frozenset[int]:
    """A bottom-k MinHash sketch of the body's word 5-grams, from words split at spaces (cheaper
    than ``shingles``, and only a filter: the candidates it keeps are compared with ``shingles``)."""
    tokens = body.casefold().split()
    grams = set(zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False))
    return frozenset(sorted(map(hash, grams))[:SKETCH])


def word_count(body: str) -> int:
    return len(body.split())


@dataclass
class Archive:
    """What the archive already holds, to tell a new article from a duplicate."""

    articles: Path
    by_slug: dict[tuple[int, str], Path] = field(default_factory=dict)
    by_url: dict[str, Path] = field(default_factory=dict)
    by_text: dict[str, Path] = field(default_factory=dict)
    bodies: dict[Path, str] = field(default_factory=dict)
    by_length: list[tuple[int, str]] = field(default_factory=list)  # (word count, path), sorted: the cheap key
    sketches: dict[str, frozenset[int]] = field(default_factory=dict)  # path -> sketch, when first needed
    _last_query: tuple[str, frozenset[int]] | None = field(default=None, repr=False)  # text and sketch

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
        previous = self.bodies.get(path)
        if previous is not None and previous.strip():  # written over (--force): its old text goes
            entry = (word_count(previous), str(path))
            index = bisect.bisect_left(self.by_length, entry)
            if index < len(self.by_length) and self.by_length[index] == entry:
                del self.by_length[index]
            self.sketches.pop(str(path), None)
        if body.strip():
            self.by_text[text_key(body)] = path
            bisect.insort(self.by_length, (word_count(body), str(path)))
            if self._last_query is not None and self._last_query[0] is body:
                self.sketches[str(path)] = self._last_query[1]
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

    def near_duplicate(self, body: str) -> tuple[Path, float] | None:
        """The article whose text this one's nearly repeats (Jaccard of word 5-grams at least
        ``DUPLICATE``, as ``check`` counts it) and that share, the most alike first; or None."""
        count = word_count(body)
        if count < MIN_SHINGLES:  # as check: too short to tell (fewer than 10 shingles)
            return None
        own = sketch(body)
        self._last_query = (body, own)  # add() reuses it when this text is then written
        mine: set[int] | None = None  # its shingles, once a candidate needs them
        low = bisect.bisect_left(self.by_length, (int(count * LENGTH_RATIO), ""))
        high = bisect.bisect_right(self.by_length, (int(count / LENGTH_RATIO) + 1, "\uffff"))
        best: tuple[Path, float] | None = None
        for _, name in self.by_length[low:high]:
            other = self._sketch(name)
            if len(own & other) < SKETCH_SHARE * min(len(own), len(other)):
                continue
            mine = shingles(body) if mine is None else mine
            if len(mine) < MIN_SHINGLES:
                return None
            score = jaccard(mine, shingles(self.bodies[Path(name)]))
            if score >= DUPLICATE and (best is None or score > best[1]):
                best = (Path(name), score)
        return best

    def _sketch(self, name: str) -> frozenset[int]:
        if name not in self.sketches:
            self.sketches[name] = sketch(self.bodies[Path(name)])
        return self.sketches[name]

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
