"""``generate``: write the Markdown pages of the archive into docs/.

It holds the archive's lock like ``build`` (``writers.archive_lock``): it waits for a running
build, which would otherwise exchange docs/ under it, or stops with ``--no-wait``.
"""

from __future__ import annotations

import argparse
import sys

from ..layout import Project
from ..pipeline import generate
from ..problems import InputError
from ..writers import ArchiveBusy, command_lock
from . import add_root, project_of, report


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write article, actor, topic, place, year and home pages into docs/",
        description="Read articles/ and its vocabulary, validate everything, and write the "
        "generated pages into docs/. On any error nothing is written and every error is listed.",
    )
    add_root(parser)
    parser.add_argument(
        "--full", action="store_true", help="render every page, ignoring what the last run remembered (.build/)"
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="if a build or another generate of this archive is running, stop (exit status 2) instead of waiting",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    try:
        with command_lock(project.root, "generate", wait=not args.no_wait):
            return _generate(args, project)
    except ArchiveBusy as busy:
        print(
            f"generate: another build of this archive is running ({busy.holder}); not waiting (--no-wait): "
            "nothing written",
            file=sys.stderr,
        )
        return 2


def _generate(args: argparse.Namespace, project: Project) -> int:
    try:
        result = generate(project, memo=not args.full)
    except InputError as exc:
        report(exc.problems)
        print("generate: nothing written; docs/ is unchanged")
        return 1
    print(
        f"generate: {result.count} pages in {project.docs} ({result.rendered} rendered, "
        f"{len(result.changed)} written, {len(result.removed)} removed)"
    )
    return 0
