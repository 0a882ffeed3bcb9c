"""``generate``: write the Markdown pages of the archive into docs/."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..pipeline import Project, generate
from ..problems import InputError
from . import report


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write article, actor, topic, place, year and home pages into docs/",
        description="Read articles/ and its vocabulary, validate everything, and write the "
        "generated pages into docs/. On any error nothing is written and every error is listed.",
    )
    parser.add_argument("--root", type=Path, default=None, help="archive folder (default: found from here)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = Project(args.root.resolve()) if args.root else Project.find()
    try:
        count, changed, removed = generate(project)
    except InputError as exc:
        report(exc.problems)
        print("generate: nothing written; docs/ is unchanged")
        return 1
    print(f"generate: {count} pages in {project.docs} ({len(changed)} written, {len(removed)} removed)")
    return 0
