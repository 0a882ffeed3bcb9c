"""One module per CLI command; shared helpers for printing problems."""

from __future__ import annotations

import sys

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
