"""``generate``: write the Markdown pages of the archive into docs/."""

from __future__ import annotations

import argparse

from ..pipeline import generate
from ..problems import InputError
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
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
