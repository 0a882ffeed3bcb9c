"""One file through every stage: read → normalize → tag → the article's text and path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem
from .normalize import Normalized, normalize
from .sources import read_source
from .tagging import Tagger
from .writer import render_article, slugify

SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", "")


@dataclass
class Ingested:
    source: Path
    normalized: Normalized
    slug: str
    meta: dict
    body: str
    warnings: list[Problem] = field(default_factory=list)

    @property
    def text(self) -> str:
        return render_article(self.meta, self.body)


def ingest_file(path: Path, tagger: Tagger, shown: str) -> Ingested:
    """Raises SourceError with the reason when the file cannot be read or parsed."""
    from .sources import SourceError

    draft = read_source(path)
    normalized = normalize(draft)
    slug = slugify(normalized.title)
    if not slug:
        raise SourceError(f"no Latin letters or digits in the title {normalized.title!r} to make a slug from")
    tags = tagger.tag(normalized.title, normalized.summary, normalized.body, normalized.topics_stated)
    warnings = [
        Problem(
            shown,
            1,
            "warning",
            f"tagging: {name!r} names {' and '.join(f'{k}/{i}' for k, i in owners)}; not tagged",
            "ingest-ambiguous",
        )
        for name, owners in sorted(tags.ambiguous.items())
    ]
    meta = {
        "title": normalized.title,
        "date": normalized.date,
        "summary": normalized.summary,
        "actors": tags.ids["actors"],
        "topics": tags.ids["topics"],
        "places": tags.ids["places"],
        "source": normalized.source,
    }
    return Ingested(path, normalized, slug, meta, normalized.body, warnings)


def expand(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files named, and the files inside folders named (hidden ones and MANIFEST/README left out)."""
    files: list[Path] = []
    missing: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if not found.is_file() or any(part.startswith(".") for part in relative):
                    continue
                if found.suffix.lower() not in SOURCE_SUFFIXES or found.name.upper() in ("MANIFEST.TSV", "README.MD"):
                    continue
                files.append(found)
        elif path.exists():
            files.append(path)
        else:
            missing.append((path, "no such file or folder"))
    return files, missing
