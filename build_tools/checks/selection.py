"""Which files ``check`` looks at: the given files and folders, or those changed since a git ref.

Paths are compared as ``file_key`` makes them: absolute, folders resolved, a symbolic link kept
as the link (it is reported as one, not followed to its target elsewhere).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..layout import VOCABULARY_DIR, Project
from ..problems import display_path


class CheckError(Exception):
    """The checks could not run (bad path, bad git ref, no archive): exit status 2."""


def changed_files(project: Project, ref: str) -> list[Path]:
    """Article and vocabulary files added or changed since ``ref`` (its merge base with HEAD),
    including uncommitted and untracked files; deleted files are left out."""

    def git(*args: str) -> str:
        try:
            result = subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise CheckError(f"Cannot run git: {exc.strerror}") from None
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()
            raise CheckError(f"git {args[0]} failed: {detail[-1] if detail else 'no details'}")
        return result.stdout

    if ref.startswith("-"):
        raise CheckError(f"Expected a git ref such as main but received {ref!r}")
    top = Path(git("rev-parse", "--show-toplevel").strip())
    try:
        git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except CheckError:
        raise CheckError(f"--changed-since: Expected a git branch, tag or commit but received {ref!r}") from None
    base = git("merge-base", ref, "HEAD").strip()
    names = git("diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", base, "--").split("\0")
    names += git("ls-files", "--others", "--exclude-standard", "-z").split("\0")
    paths = {file_key(top / name) for name in names if name}
    return sorted(p for p in paths if (p.is_file() or p.is_symlink()) and _in_scope(project, p))


def file_key(path: Path) -> Path:
    """A file's absolute path with its folders resolved but not the file itself: a symbolic
    link stays the link (and is reported as one) instead of becoming its target elsewhere."""
    path = Path(os.path.abspath(path))
    return path.parent.resolve() / path.name


def _in_scope(project: Project, path: Path) -> bool:
    """Whether a file is the checks' business: every entry under articles/ (non-articles among
    them are reported by discovery), the .yml files of the vocabulary."""
    try:
        relative = file_key(path).relative_to(project.articles.resolve())
    except ValueError:
        return False
    if not relative.parts or relative.name.startswith("."):
        return False
    if relative.parts[0] == VOCABULARY_DIR:
        return path.suffix == ".yml"
    return not (len(relative.parts) == 1 and path.name.upper() == "README.MD")


def _entries_under(folder: Path) -> set[Path]:
    """Every file and symbolic link under a folder, without following links."""
    found = set()
    for current, subfolders, files in os.walk(folder):
        found |= {file_key(Path(current) / name) for name in files}
        found |= {file_key(Path(current) / name) for name in subfolders if os.path.islink(os.path.join(current, name))}
    return found


def selected_files(project: Project, paths: list[Path]) -> set[Path]:
    selected: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.is_absolute():
            path = Path.cwd() / path
        if path.is_dir() and not path.is_symlink():
            selected |= {p for p in _entries_under(path) if _in_scope(project, p)}
            continue
        if not path.exists() and not path.is_symlink():
            raise CheckError(f"{given}: Expected an article file but found nothing at this path")
        if not _in_scope(project, path):
            raise CheckError(
                f"{given}: Expected an article under {display_path(project.articles)}/<YYYY>/ "
                "or a vocabulary file but received a file outside them"
            )
        selected.add(file_key(path))
    return selected
