"""``diff``: the preview report — pages added, changed and removed between two git refs, and why.

Exit status, which the preview workflow reads:

0
    the report is written and lists no error;
1
    the report is written and lists errors: the HEAD does not generate, or a check of a
    changed article found an error (problems found, shown in the report);
2
    no report: ``diff`` could not run — a bad ref, git failing or missing, a folder that cannot
    be read, the BASE not generating, the report not writable, or any unexpected failure
    (reported in one line, never as a traceback, whose status 1 would read as "problems found").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..checks.selection import CheckError
from ..previews import GitError, compare_refs, to_json, to_markdown
from ..problems import InputError, Problem
from . import add_root, project_of
from .check import describe, printable


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="list the pages a change adds, changes and removes (the pull-request preview report)",
        description="Generate the pages of BASE and HEAD (each in a temporary git worktree; without "
        "HEAD, the working tree as it is) and list the pages added, changed and removed, with their "
        "URLs and why each index page changed, plus the checks of the changed articles. Exit status: "
        "0 no errors, 1 the report lists errors (HEAD does not generate, or a check found an error), "
        "2 diff could not run (bad ref, git failure, BASE does not generate, unreadable files).",
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
    try:
        return _run(args)
    except GitError as exc:
        fail(f"diff: {exc}")
    except InputError as exc:
        show(exc.problems)
        fail(f"diff: the pages of the base {args.base} could not be generated, so there is nothing to compare with")
    except CheckError as exc:
        fail(f"diff: the checks could not run: {exc}")
    except OSError as exc:
        fail(f"diff: could not run: {exc}")
    except Exception as exc:  # a bug: exit 2 (could not run), never a traceback's 1 (problems found)
        fail(f"diff: could not run: {describe(exc)}")
    return 2


def _run(args: argparse.Namespace) -> int:
    project = project_of(args)
    preview = compare_refs(project, args.base, args.head)
    text = (to_json if args.format == "json" else to_markdown)(preview, args.base_url)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if preview.head_problems:
        show(preview.head_problems)
        print(f"diff: the pages of {printable(preview.head)} could not be generated", file=sys.stderr)
        return 1
    return 1 if preview.checks.errors else 0


def fail(message: str) -> None:
    print(printable(message), file=sys.stderr)


def show(problems: list[Problem]) -> None:
    """Problems on stderr, one inert line each (paths and messages come from the articles)."""
    for problem in sorted(problems):
        print(printable(problem.format()), file=sys.stderr)
    errors = sum(p.severity == "error" for p in problems)
    print(f"{errors} error(s), {len(problems) - errors} warning(s)", file=sys.stderr)
