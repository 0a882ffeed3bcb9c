"""Problems found in input, collected across a whole run and reported together."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: str  # "error" or "warning"
    message: str
    rule: str = "schema"

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the user would type it: relative to the working folder when inside it,
    else to ``root``. Called for every file read, so it avoids resolving symlinks."""
    try:
        cwd = os.getcwd()
    except OSError:  # the working folder was deleted
        cwd = None
    absolute = Path(os.path.abspath(path))
    for base in (cwd, root):
        if base is None:
            continue
        try:
            return absolute.relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            continue
    return Path(path).as_posix()


class InputError(Exception):
    """Raised by a stage when its input has errors; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)
