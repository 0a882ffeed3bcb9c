"""One module per CLI command; shared helpers for printing problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..layout import Project
from ..problems import Problem


def report(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    for problem in sorted(problems):
        print(problem.format(), file=stream)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})
    if problems:
        print(f"{errors} error(s), {warnings} warning(s) in {files} file(s)", file=stream)


def add_root(parser: argparse.ArgumentParser) -> None:
    """The ``--root`` option every command shares."""
    parser.add_argument("--root", type=Path, default=None, help="archive folder (default: found from here)")


def project_of(args: argparse.Namespace) -> Project:
    """The archive a command works on: ``--root``, else the nearest folder with mkdocs.yml and articles/."""
    return Project(args.root.resolve()) if args.root else Project.find()
