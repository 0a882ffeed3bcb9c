"""Which files ``check`` looks at: the given files and folders, or those changed since a git ref.

Paths are compared as ``file_key`` makes them: absolute, folders resolved, a symbolic link kept
as the link (it is reported as one, not followed to its target elsewhere).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..images import is_image_folder
from ..layout import VOCABULARY_DIR, Project
from ..problems import display_path
from ..yamlsafe import YamlError, decode_text, load


class CheckError(Exception):
    """The checks could not run (bad path, bad git ref, no archive): exit status 2."""


def changed_files(project: Project, ref: str) -> list[Path]:
    """Article and vocabulary files added or changed since ``ref`` (its merge base with HEAD),
    including uncommitted and untracked files; deleted files are left out."""
    return changed_since(project, ref)[0]


def changed_since(project: Project, ref: str) -> tuple[list[Path], dict[Path, EntryFilter]]:
    """The files ``changed_files`` lists, and for each vocabulary file among them that existed at
    the merge base, which of its entries were added or edited (see ``EntryFilter``)."""
    git = _git_runner(project)
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
    paths = {p for p in paths if (p.is_file() or p.is_symlink()) and _in_scope(project, p)}
    files = sorted(paths | _articles_of_images(paths))
    filters = {}
    vocabulary = file_key(project.vocabulary)
    for path in files:
        if path.parent == vocabulary and not path.is_symlink():
            found = _entry_filter(path, _text_at(git, base, path.relative_to(top.resolve()).as_posix()))
            if found is not None:
                filters[path] = found
    return files, filters


def _git_runner(project: Project) -> Callable[..., str]:
    def git(*args: str) -> str:
        try:
            result = subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise CheckError(f"Cannot run git: {exc.strerror}") from None
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()
            raise CheckError(f"git {args[0]} failed: {detail[-1] if detail else 'no details'}")
        return result.stdout

    return git


def _text_at(git: Callable[..., str], commit: str, name: str) -> str | None:
    """A file's text at a commit, or None when it did not exist there (or cannot be read)."""
    try:
        return git("show", f"{commit}:{name}")
    except CheckError:
        return None


@dataclass(frozen=True)
class EntrySpan:
    """The lines of one entry of a vocabulary file, from its ``- id:`` to before the next."""

    start: int
    end: int
    key: str  # its id, or "line <start>" for an entry without one
    data: Any  # the entry as read (every scalar a string)


def entry_spans(text: str) -> list[EntrySpan] | None:
    """The entries of a vocabulary file's text with their lines; None when it is no list of
    entries (then the file is reported whole)."""
    try:
        located = load(text)
    except YamlError:
        return None
    if not isinstance(located.data, list):
        return None
    starts = [located.line_of((index,), 1) or 1 for index in range(len(located.data))]
    ends = [start - 1 for start in starts[1:]] + [text.count("\n") + 1]
    spans = []
    for raw, start, end in zip(located.data, starts, ends, strict=True):
        ident = raw.get("id") if isinstance(raw, dict) else None
        spans.append(EntrySpan(start, end, ident if isinstance(ident, str) else f"line {start}", raw))
    return spans


@dataclass(frozen=True)
class EntryFilter:
    """Which problems of a vocabulary file a ``--changed-since`` run reports: those of entries
    added or edited since the ref (compared as data, entry by entry: moving an entry or editing a
    comment changes nothing), and those of the file as a whole (outside every entry)."""

    spans: tuple[EntrySpan, ...]
    changed: frozenset[str]  # the keys of the entries added or edited
    removed: frozenset[str] = frozenset()  # ids of the ref's entries that are gone (or renamed)

    def span_at(self, line: int) -> EntrySpan | None:
        return next((span for span in self.spans if span.start <= line <= span.end), None)

    def reports(self, line: int, ids: tuple[str, ...] = ()) -> bool:
        """Whether a problem on ``line`` (about the entries ``ids``, when it names several) is one
        of the change's."""
        span = self.span_at(line)
        return span is None or span.key in self.changed or any(i in self.changed for i in ids)


def _entry_filter(path: Path, before: str | None) -> EntryFilter | None:
    """The filter of a vocabulary file that existed at the ref; None: report the whole file (it is
    new, or either version is no list of entries)."""
    if before is None:
        return None
    try:
        now = entry_spans(decode_text(path.read_bytes()))
    except (OSError, YamlError):
        return None
    old = entry_spans(before)
    if now is None or old is None:
        return None
    earlier: dict[str, list[Any]] = {}
    for span in old:
        earlier.setdefault(span.key if not span.key.startswith("line ") else "", []).append(span.data)
    changed = frozenset(
        span.key
        for span in now
        if span.data not in earlier.get(span.key if not span.key.startswith("line ") else "", [])
    )
    removed = frozenset(earlier) - {span.key for span in now} - {""}
    return EntryFilter(tuple(now), changed, removed)


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


def _articles_of_images(paths: set[Path]) -> set[Path]:
    """The article whose image folder holds each of ``paths``: a changed or given image is
    checked by checking the article that shows it (the image rules are the article's)."""
    return {file_key(Path(f"{p.parent}.md")) for p in paths if is_image_folder(p.parent)}


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
    return selected | _articles_of_images(selected)
