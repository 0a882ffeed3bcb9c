"""A run of ``ingest``: each file through every stage (read → normalize → tag → render → decide →
write), and what became of it (an ``Outcome``, which the command prints)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..layout import ENTITY_KINDS, Project
from ..problems import Problem, display_path
from ..readers import read_vocabulary
from ..writers import write_atomic
from .decide import Decision, decide
from .normalize import Normalized, normalize
from .records import Records
from .sources import Draft, SourceError, read_source
from .tagging import Tagger
from .verify import Verifier
from .writer import Archive, InvalidArticle, render_article, slugify

SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", "")


@dataclass
class Ingested:
    source: Path
    normalized: Normalized
    slug: str
    meta: dict
    body: str
    warnings: list[Problem] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """The article file; raises InvalidArticle when the schema would not accept its frontmatter."""
        return render_article(self.meta, self.body)


def ingest_file(
    path: Path, tagger: Tagger, shown: str, draft: Draft | None = None, date: dt.date | None = None
) -> Ingested:
    """Raises SourceError with the reason when the file cannot be read or parsed (``draft``: the
    file already read; ``date``: the date of a source that states none, from ``--date``)."""
    draft = draft or read_source(path)
    if date is not None:
        draft.fallback["date"] = date
    normalized = normalize(draft)
    slug = slugify(normalized.title)
    if not slug:
        raise SourceError(f"no Latin letters or digits in the title {normalized.title!r} to make a slug from")
    publisher = normalized.source.get("name")
    tags = tagger.tag(normalized.title, normalized.summary, normalized.body, normalized.topics_stated, publisher)
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
        **{kind: tags.ids[kind] for kind in ENTITY_KINDS},
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


# What became of a file (``Outcome.status``), and the count of the run's summary it adds to.
WROTE, REPLACED, WOULD_WRITE = "wrote", "replaced", "would write"
DUPLICATE, EXISTS = "duplicate", "exists"  # skipped: a duplicate in the archive; a file already there
NEAR_DUPLICATE = "near-duplicate"  # skipped: nearly the text of another article (another slug or date)
FAILED = "failed"
TALLY = {
    WROTE: "written",
    REPLACED: "written",
    WOULD_WRITE: "written",
    DUPLICATE: "duplicates",
    EXISTS: "duplicates",
    NEAR_DUPLICATE: "duplicates",
}


@dataclass
class Outcome:
    """What became of one file: its status, the article and the decision when it got that far,
    and the reasons (one line each) when it failed."""

    status: str
    item: Ingested | None = None
    decision: Decision | None = None
    errors: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # what ``check`` says of the article written
    backup: Path | None = None  # where the edited article it replaced was kept (``--force``)

    @property
    def needs_editing(self) -> list[Problem]:
        """The errors ``check`` finds in the article written: an editor must fix them."""
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def tally(self) -> str:
        return TALLY.get(self.status, "failed")

    @property
    def warnings(self) -> list[Problem]:
        return self.item.warnings if self.item is not None else []


class CannotIngest(Exception):
    """The run cannot start (no articles/ folder, no valid vocabulary); ``lines`` say why."""

    def __init__(self, lines: list[str]):
        super().__init__(lines[-1])
        self.lines = lines


@dataclass
class Session:
    """One run over many files: the archive as it grows, the tagger, the checks and the options."""

    archive: Archive
    tagger: Tagger
    verifier: Verifier
    records: Records
    force: bool = False
    dry_run: bool = False
    date: dt.date | None = None  # for sources that state no date (--date)
    texts: list[str] = field(default_factory=list)  # title and plain text of every file read

    @classmethod
    def open(cls, project: Project, force: bool = False, dry_run: bool = False, date: dt.date | None = None) -> Session:
        """Raises CannotIngest when the archive has no articles/ folder or no valid vocabulary."""
        if not project.articles.is_dir():
            raise CannotIngest([f"ingest: Expected an articles/ folder in {project.root} but found none"])
        vocabulary, problems = read_vocabulary(project.vocabulary)
        errors = [problem.format() for problem in problems if problem.severity == "error"]
        if errors or not any(vocabulary.entries.values()):
            where = display_path(project.vocabulary)
            raise CannotIngest([*errors, f"ingest: Expected a valid vocabulary in {where}; nothing ingested"])
        verifier = Verifier.open(project, vocabulary)
        return cls(
            Archive.load(project.articles), Tagger(vocabulary), verifier, Records.load(project), force, dry_run, date
        )

    def ingest(self, path: Path, shown: str) -> Outcome:
        """Read, normalize and tag one file, decide what becomes of it and do it (a dry run writes
        nothing); the article is checked by the rules of ``check`` either way."""
        try:
            item = ingest_file(path, self.tagger, shown, date=self.date)
        except SourceError as exc:
            return Outcome(FAILED, errors=[str(exc)])
        except Exception as exc:  # noqa: BLE001 — one bad file must not stop the others
            return Outcome(FAILED, errors=[f"could not parse it ({type(exc).__name__}: {exc})"])
        self.texts.append(f"{item.meta['title']}\n\n{item.body}")  # for suggestions: lines kept
        try:
            text = item.text
        except InvalidArticle as exc:
            return Outcome(FAILED, item, errors=[f"not a valid article, not written: {line}" for line in exc.lines])
        decision = decide(self.archive, item, self.force)
        if not decision.write:
            return Outcome(DUPLICATE if decision.duplicate else NEAR_DUPLICATE, item, decision)
        problems = self.verifier.problems(text, decision.target)
        backup = None
        if not self.dry_run:
            try:
                backup = self.records.keep_edit(decision.target) if decision.replace else None
                write_atomic(decision.target, text, replace=decision.replace)
            except FileExistsError:
                return Outcome(EXISTS, item, decision)
            except OSError as exc:
                error = f"could not write {display_path(exc.filename or decision.target)}: {exc.strerror}"
                return Outcome(FAILED, item, decision, [error])
            self.records.note(decision.target, text)
        url = item.meta["source"].get("url")
        self.archive.add(decision.target, item.meta["date"].year, decision.slug, url, item.body)
        status = WOULD_WRITE if self.dry_run else REPLACED if decision.duplicate else WROTE
        return Outcome(status, item, decision, problems=problems, backup=backup)
