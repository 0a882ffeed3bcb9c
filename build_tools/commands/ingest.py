"""``ingest``: turn raw texts (pasted text, HTML pages, Markdown exports) into archive articles.

The stages, and the decision of what becomes of each file, live in ``build_tools/ingest/``; this
module parses the arguments and prints. Exit status: 0 every file ingested or skipped as a
duplicate, 1 some file failed, 2 the command could not run (no archive or no vocabulary).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..ingest.pipeline import (
    DUPLICATE,
    EXISTS,
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
        "--force. A file that cannot be read is reported and the others go on.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to ingest")
    parser.add_argument("--dry-run", action="store_true", help="print the articles instead of writing them")
    parser.add_argument("--force", action="store_true", help="replace an existing article this one duplicates")
    parser.add_argument(
        "--suggest-vocabulary",
        action="store_true",
        help="list the capitalised names in the texts that the vocabulary lacks, most widely mentioned first",
    )
    add_root(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    project = project_of(args)
    try:
        session = Session.open(project, force=args.force, dry_run=args.dry_run)
    except CannotIngest as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 2
    files, missing = expand(args.paths)
    for path, reason in missing:
        print(f"{display_path(path)}: error: {reason}", file=sys.stderr)
    counts = Counter(failed=len(missing))
    progress = _progress(files)
    report = _Report(project, progress.write if progress is not None else print, args.dry_run, len(files) == 1)
    for path in progress if progress is not None else files:
        shown = display_path(path)
        outcome = session.ingest(path, shown)
        counts[outcome.tally] += 1
        report(outcome, shown, quiet=progress is not None)
    if progress is not None:
        progress.close()
    if args.suggest_vocabulary:
        _suggest(session)
    seconds = time.perf_counter() - started
    verb = "would write" if args.dry_run else "written"
    print(
        f"ingest: {counts['written']} {verb}, {counts['duplicates']} duplicate(s) skipped, {counts['failed']} failed "
        f"({len(files) + len(missing)} file(s), {seconds:.1f} s)"
    )
    return 1 if counts["failed"] else 0


@dataclass
class _Report:
    """Prints what became of each file: its warnings and errors, then a line (in a dry run, the article)."""

    project: Project
    say: Callable[..., None]  # print, or the progress bar's write
    dry_run: bool
    single: bool  # one file: a dry run shows it even when it is a duplicate

    def __call__(self, outcome: Outcome, shown: str, quiet: bool) -> None:
        say = self.say
        for warning in outcome.warnings:
            say(warning.format(), file=sys.stderr)
        for error in outcome.errors:
            say(f"{shown}: error: {error}", file=sys.stderr)
        target = outcome.decision.target if outcome.decision is not None else None
        if outcome.status == DUPLICATE:
            found, why = outcome.decision.duplicate
            what = "would be skipped" if self.dry_run else "skipped"
            say(f"{shown}: duplicate of {display_path(found)} ({why}); {what} (use --force to replace it)")
            if self.dry_run and self.single:
                self.show(outcome.item, target)
        elif outcome.status == WOULD_WRITE:
            self.show(outcome.item, target)
        elif outcome.status == EXISTS:
            say(f"{shown}: duplicate: {display_path(target)} already exists; skipped")
        elif outcome.status in (WROTE, REPLACED) and not quiet:
            verb = "replaced" if outcome.status == REPLACED else "wrote"
            say(f"{shown}: {verb} {display_path(target)}")

    def show(self, item: Ingested, target: Path) -> None:
        self.say(f"==> {display_path(target, self.project.root)}")
        self.say(item.text)


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
