"""``ingest``: turn raw texts (pasted text, HTML pages, Markdown exports) into archive articles.

The stages live in ``build_tools/ingest/``. Exit status: 0 every file ingested or skipped as a
duplicate, 1 some file failed, 2 the command could not run (no archive or no vocabulary).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..ingest.normalize import plain_text
from ..ingest.pipeline import expand, ingest_file
from ..ingest.sources import SourceError
from ..ingest.tagging import Tagger, suggest_vocabulary
from ..ingest.writer import Archive, article_path, write_atomic
from ..pipeline import Project
from ..problems import display_path
from ..readers import read_vocabulary
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
    if not project.articles.is_dir():
        print(f"ingest: Expected an articles/ folder in {project.root} but found none", file=sys.stderr)
        return 2
    vocabulary, problems = read_vocabulary(project.vocabulary)
    errors = [p for p in problems if p.severity == "error"]
    if errors or not any(vocabulary.entries.values()):
        for problem in errors:
            print(problem.format(), file=sys.stderr)
        print(
            f"ingest: Expected a valid vocabulary in {display_path(project.vocabulary)}; nothing ingested",
            file=sys.stderr,
        )
        return 2
    tagger = Tagger(vocabulary)
    archive = Archive.load(project.articles)
    files, missing = expand(args.paths)
    written, duplicates, failed = 0, 0, len(missing)
    for path, reason in missing:
        print(f"{display_path(path)}: error: {reason}", file=sys.stderr)
    texts: list[str] = []
    progress = _progress(files)
    say = progress.write if progress is not None else print
    for path in progress if progress is not None else files:
        shown = display_path(path)
        try:
            item = ingest_file(path, tagger, shown)
        except SourceError as exc:
            failed += 1
            say(f"{shown}: error: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # noqa: BLE001 — one bad file must not stop the others
            failed += 1
            say(f"{shown}: error: could not parse it ({type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        texts.append(f"{item.meta['title']}\n{plain_text(item.body)}")
        for warning in item.warnings:
            say(warning.format(), file=sys.stderr)
        date, year = item.meta["date"], item.meta["date"].year
        url = item.meta["source"].get("url")
        found = archive.duplicate(year, item.slug, url, item.body)
        slug = item.slug if found else archive.free_slug(year, item.slug, date)
        target = found[0] if found and args.force else article_path(project.articles, date, slug)
        if found and args.force and found[0].name != target.name:
            target = article_path(project.articles, date, slug)
        if found and not args.force:
            duplicates += 1
            what = "would be skipped" if args.dry_run else "skipped"
            say(f"{shown}: duplicate of {display_path(found[0])} ({found[1]}); {what} (use --force to replace it)")
            if args.dry_run and len(files) == 1:
                _show(item, target, project, say)
            continue
        if args.dry_run:
            _show(item, target, project, say)
            written += 1
            archive.add(target, year, slug, url, item.body)
            continue
        try:
            if found and found[0] != target:
                found[0].unlink(missing_ok=True)
                archive.remove(found[0])
            write_atomic(target, item.text, replace=bool(found) or args.force)
        except FileExistsError:
            duplicates += 1
            say(f"{shown}: duplicate: {display_path(target)} already exists; skipped")
            continue
        except OSError as exc:
            failed += 1
            say(f"{shown}: error: could not write {display_path(target)}: {exc.strerror}", file=sys.stderr)
            continue
        archive.add(target, year, slug, url, item.body)
        written += 1
        if progress is None:
            verb = "replaced" if found else "wrote"
            say(f"{shown}: {verb} {display_path(target)}")
    if progress is not None:
        progress.close()
    if args.suggest_vocabulary:
        suggestions = suggest_vocabulary(tagger, texts)
        print(f"\nNames the vocabulary lacks, by the number of ingested texts mentioning them ({len(texts)} texts):")
        for name, count in suggestions:
            print(f"  {count:5d}  {name}")
        if not suggestions:
            print("  (none)")
    seconds = time.perf_counter() - started
    verb = "would write" if args.dry_run else "written"
    print(
        f"ingest: {written} {verb}, {duplicates} duplicate(s) skipped, {failed} failed "
        f"({len(files) + len(missing)} file(s), {seconds:.1f} s)"
    )
    return 1 if failed else 0


def _show(item, target: Path, project: Project, say) -> None:
    say(f"==> {display_path(target, project.root)}")
    say(item.text)


def _progress(files: list[Path]):
    if len(files) < PROGRESS_FROM:
        return None
    from tqdm import tqdm

    return tqdm(files, unit="file", desc="ingest", file=sys.stderr, disable=None, leave=False)
