"""``diff``: the preview report — pages added, changed and removed between two git refs, and why."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..previews import GitError, compare_refs, to_json, to_markdown
from ..problems import InputError
from . import add_root, project_of, report


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="list the pages a change adds, changes and removes (the pull-request preview report)",
        description="Generate the pages of BASE and HEAD (each in a temporary git worktree; without "
        "HEAD, the working tree as it is) and list the pages added, changed and removed, with their "
        "URLs and why each index page changed, plus the checks of the changed articles.",
    )
    parser.add_argument("base", metavar="BASE", help="git ref to compare against, e.g. origin/main or HEAD~1")
    parser.add_argument("head", metavar="HEAD", nargs="?", default=None, help="git ref (default: the working tree)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown", help="default: markdown")
    parser.add_argument(
        "--base-url", default="", help="absolute URL of the built preview site, to link pages from the report"
    )
    parser.add_argument("--output", type=Path, default=None, help="write the report to this file (default: stdout)")
    add_root(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    try:
        preview = compare_refs(project, args.base, args.head)
    except GitError as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        report(exc.problems)
        print(f"diff: the pages of {args.base} could not be generated", file=sys.stderr)
        return 2
    text = (to_json if args.format == "json" else to_markdown)(preview, args.base_url)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if preview.head_problems:
        report(preview.head_problems)
        return 1
    return 1 if preview.checks.errors else 0
