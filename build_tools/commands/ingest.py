"""``ingest``: turn raw texts (pasted text, HTML pages, Markdown exports) into archive articles.

The stages, and the decision of what becomes of each file, live in ``build_tools/ingest/``; this
module parses the arguments and prints. Exit status (README, "Ingesting raw texts"):

- 0: every file written clean (``check`` finds no error in it) or skipped as a duplicate (or
  near-duplicate: another article shares 90 % of its word 5-grams);
- 1: some file failed (not written: unreadable, no title or date, refused by the schema);
- 2: the command could not run (no archive or no vocabulary);
- 3: nothing failed, but some article written needs editing (``check`` finds an error in it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..checks.duplicates import DUPLICATE as DUPLICATE_SHARE
from ..ingest.pipeline import (
    DUPLICATE,
    EXISTS,
    NEAR_DUPLICATE,
    REPLACED,
    WOULD_WRITE,
    WROTE,
    CannotIngest,
    Ingested,
    Outcome,
    Session,
    expand,
)
from ..ingest.tagging import suggest_vocabulary
from ..layout import Project
from ..linking.suggest import print_suggestions
from ..problems import display_path
from . import add_root, project_of

PROGRESS_FROM = 20  # files; fewer go without a progress bar


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="turn raw texts (pasted text, HTML, Markdown) into articles/<YYYY>/<YYYY-MM-DD>-<slug>.md",
        description="Read each file (or every file in each folder), detect its format from its content, "
        "normalize it into an article (title, date, summary, sections, source credit), propose actors, "
        "topics and places from the vocabulary, and write it into articles/. An article already in the "
        "archive (same slug and text, same source URL, or same text) is skipped as a duplicate unless "
        "--force; so is a near-duplicate of another article (90% of its 5-word sequences shared, what "
        "check reports as a duplicate), which --force writes beside it. A file that cannot be read is "
        "reported and the others go on.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to ingest")
    parser.add_argument("--dry-run", action="store_true", help="print the articles instead of writing them")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing article this one duplicates; one edited since ingest wrote it is first "
        "copied to .build/ingest/edited/ (the path is printed); write a near-duplicate beside the article "
        "it nearly repeats",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print, for each file, what each rule removed from its text"
    )
    parser.add_argument(
        "--date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date of a source that states none (its metadata and text are read first)",
    )
    parser.add_argument(
        "--suggest-vocabulary",
        action="store_true",
        help="list the capitalised names in the texts that the vocabulary lacks, most widely mentioned first",
    )
    add_root(parser)
    parser.set_defaults(func=run)


EXIT_CLEAN, EXIT_FAILED, EXIT_CANNOT_RUN, EXIT_NEEDS_EDITING = 0, 1, 2, 3


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Expected a date like 2025-05-19 but received {text!r}") from None


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    project = project_of(args)
    try:
        session = Session.open(project, force=args.force, dry_run=args.dry_run, date=args.date)
    except CannotIngest as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return EXIT_CANNOT_RUN
    files, missing = expand(args.paths)
    for path, reason in missing:
        print(f"{display_path(path)}: error: {reason}", file=sys.stderr)
    counts = Counter(failed=len(missing))
    progress = _progress(files)
    say = progress.write if progress is not None else print
    report = _Report(project, say, args.dry_run, len(files) == 1, args.explain)
    # With a progress bar on a terminal the written files go unlisted; without a terminal every file is.
    quiet = progress is not None and not progress.disable
    for path in progress if progress is not None else files:
        shown = display_path(path)
        outcome = session.ingest(path, shown)
        counts[outcome.tally] += 1
        if outcome.tally == "written":
            counts["needs editing" if outcome.needs_editing else "clean"] += 1
        counts["near"] += outcome.status == NEAR_DUPLICATE
        report(outcome, shown, quiet=quiet)
    if progress is not None:
        progress.close()
    if args.suggest_vocabulary:
        _suggest(session)
    seconds = time.perf_counter() - started
    verb = "would write" if args.dry_run else "written"
    near = f" ({counts['near']} near-duplicate(s))" if counts["near"] else ""
    print(
        f"ingest: {counts['written']} {verb} ({counts['clean']} clean, {counts['needs editing']} need editing), "
        f"{counts['duplicates']} duplicate(s) skipped{near}, {counts['failed']} failed "
        f"({len(files) + len(missing)} file(s), {seconds:.1f} s)"
    )
    if counts["failed"]:
        return EXIT_FAILED
    return EXIT_NEEDS_EDITING if counts["needs editing"] else EXIT_CLEAN


@dataclass
class _Report:
    """Prints what became of each file: its warnings and errors, what the rules removed
    (``--explain``), then a line (in a dry run, the article)."""

    project: Project
    say: Callable[..., None]  # print, or the progress bar's write
    dry_run: bool
    single: bool  # one file: a dry run shows it even when it is a duplicate
    explain: bool = False

    def __call__(self, outcome: Outcome, shown: str, quiet: bool) -> None:
        say = self.say
        for warning in outcome.warnings:
            say(warning.format(), file=sys.stderr)
        for error in outcome.errors:
            say(f"{shown}: error: {error}", file=sys.stderr)
        if self.explain and outcome.item is not None:
            self.removed(outcome.item, shown)
        target = outcome.decision.target if outcome.decision is not None else None
        if outcome.status == DUPLICATE:
            found, why = outcome.decision.duplicate
            what = "would be skipped" if self.dry_run else "skipped"
            say(f"{shown}: duplicate of {display_path(found)} ({why}); {what} (use --force to replace it)")
            if self.dry_run and self.single:
                self.show(outcome.item, target)
        elif outcome.status == NEAR_DUPLICATE:
            found, score = outcome.decision.near
            what = "would not be written" if self.dry_run else "not written"
            say(
                f"{shown}: {what}: near-duplicate of {display_path(found)} ({score:.0%} of its 5-word sequences "
                f"shared; check reports {DUPLICATE_SHARE:.0%} or more as a duplicate); use --force to write it anyway"
            )
            if self.dry_run and self.single:
                self.show(outcome.item, target)
        elif outcome.status == WOULD_WRITE:
            self.show(outcome.item, target)
            say(f"{shown}: {_verdict(outcome, 'would write')}")
        elif outcome.status == EXISTS:
            say(f"{shown}: duplicate: {display_path(target)} already exists; skipped")
        elif outcome.status in (WROTE, REPLACED):
            if outcome.backup is not None:
                say(
                    f"{shown}: {display_path(target)} is not what ingest wrote there (edited since, or written by "
                    f"hand); the edited version is kept in {display_path(outcome.backup)}"
                )
            if outcome.decision.near is not None:
                found, score = outcome.decision.near
                say(
                    f"{shown}: near-duplicate of {display_path(found)} ({score:.0%} of its 5-word sequences "
                    "shared); written anyway (--force)"
                )
            if not quiet or outcome.needs_editing:
                verb = "replaced" if outcome.status == REPLACED else "written"
                say(f"{shown}: {_verdict(outcome, verb)}")

    def removed(self, item: Ingested, shown: str) -> None:
        """What each rule removed from the file's text (``--explain``)."""
        by_rule: dict[str, list[str]] = {}
        for rule, text in item.normalized.removed:
            by_rule.setdefault(rule, []).append(" ".join(text.split()))
        if not by_rule:
            self.say(f"{shown}: explain: no rule removed anything")
        for rule, texts in by_rule.items():
            self.say(f"{shown}: explain: {rule} removed {len(texts)}:")
            for text in texts:
                self.say(f"    {text if len(text) <= 160 else text[:159] + '…'}")

    def show(self, item: Ingested, target: Path) -> None:
        self.say(f"==> {display_path(target, self.project.root)}")
        self.say(item.text)


def _verdict(outcome: Outcome, verb: str = "written") -> str:
    """ "written <path>", or "written <path>, needs editing: RULE: line N: message" with the first
    error ``check`` finds in it."""
    line = f"{verb} {display_path(outcome.decision.target)}"
    errors = outcome.needs_editing
    if not errors:
        return line
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{line}, needs editing: {first.rule}: line {first.line}: {first.message}{more}"


def _suggest(session: Session) -> None:
    suggestions = suggest_vocabulary(session.tagger, session.texts)
    print(
        f"\nNames the vocabulary lacks, by the number of ingested texts mentioning them ({len(session.texts)} texts):"
    )
    print_suggestions(suggestions)


def _progress(files: list[Path]):
    if len(files) < PROGRESS_FROM:
        return None
    from tqdm import tqdm

    return tqdm(files, unit="file", desc="ingest", file=sys.stderr, disable=None, leave=False)
