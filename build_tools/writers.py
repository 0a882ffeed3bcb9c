"""Stage 4: write generated pages into ``docs/`` without ever leaving it half-written.

Two modes:

* ``swap`` (the ``generate`` command): the whole new ``docs/`` is built beside the old
  one and exchanged with it in one atomic ``renameat2(RENAME_EXCHANGE)``; a crash or a
  ``kill -9`` at any moment leaves the previous ``docs/`` whole.
* ``in_place`` (``mkdocs serve``): only files whose bytes changed are replaced, each by an
  atomic rename, so the live-reload watcher sees just the edited pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .generators import GENERATED

RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). Returns False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def swap_in(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target`` and delete what was there."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)
        return
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)


def remove_leftovers(target: Path) -> None:
    """Delete staging folders that an interrupted earlier run left beside ``target``."""
    for stale in target.parent.glob(f"{target.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in target.parent.glob(f"{target.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


def write_atomic(path: Path, text: str, replace: bool = False) -> None:
    """Write the whole file at once or not at all; without ``replace`` never touch an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the path exists, atomically
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def _files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` as a sorted list of ``/``-separated relative names."""
    names = []
    for parent, _subfolders, files in os.walk(folder):
        prefix = os.path.relpath(parent, folder).replace(os.sep, "/")
        names += [name if prefix == "." else f"{prefix}/{name}" for name in files]
    return sorted(names)


def _is_generated(relative: Path) -> bool:
    return relative.parts[0] in GENERATED


@dataclass(frozen=True)
class Changes:
    """Generated pages (docs/-relative names) written anew and removed by one run."""

    changed: list[str]
    removed: list[str]


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class DocsWriter:
    def __init__(self, docs_dir: Path):
        self.docs_dir = docs_dir

    def _check_inside(self, pages: dict[str, str], root: Path) -> None:
        resolved_root = root.resolve()
        for name in pages:
            target = (root / name).resolve()
            if not target.is_relative_to(resolved_root) or not _is_generated(Path(name)):
                raise ValueError(f"refusing to write {name!r}: outside the generated folders of {root}")

    def swap(self, pages: dict[str, str], keep: Iterable[str] = ()) -> Changes:
        """Build the new docs/ beside the old one and exchange them.

        ``pages`` are the rendered pages; ``keep`` names generated pages that were not
        rendered because nothing they depend on changed: their current files stay. Unchanged
        files are hard-linked into the new tree, so they keep their modification time and
        ``mkdocs build --dirty`` re-renders only the pages that really changed. Nothing ever
        writes into a linked file: changed pages are new files.
        """
        remove_leftovers(self.docs_dir)
        staging = self.docs_dir.with_name(f"{self.docs_dir.name}.tmp-{os.getpid()}")
        self._check_inside(pages, staging)
        keep = set(keep)
        staging.mkdir(parents=True)
        kept: set[str] = set()
        removed: list[str] = []
        if self.docs_dir.exists():
            for name in _files_under(self.docs_dir):
                path = self.docs_dir / name
                if name.split("/", 1)[0] in GENERATED and name not in keep:
                    if name not in pages:
                        removed.append(name)
                        continue
                    if path.read_bytes() != pages[name].encode("utf-8"):
                        continue
                    kept.add(name)
                _link_or_copy(path, staging / name)
        changed = []
        for name, text in pages.items():
            if name in kept:
                continue
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(name)
        swap_in(staging, self.docs_dir)
        return Changes(changed, removed)

    def in_place(self, pages: dict[str, str], keep: Iterable[str] = ()) -> Changes:
        """Write changed pages, delete generated ones neither in ``pages`` nor in ``keep``."""
        self._check_inside(pages, self.docs_dir)
        keep = set(keep)
        changed, removed = [], []
        for name, text in pages.items():
            path = self.docs_dir / name
            try:
                if path.read_text(encoding="utf-8") == text:
                    continue
            except (OSError, UnicodeDecodeError):
                pass
            _write_file(path, text)
            changed.append(name)
        for name in _files_under(self.docs_dir) if self.docs_dir.is_dir() else []:
            if name.split("/", 1)[0] in GENERATED and name not in pages and name not in keep:
                (self.docs_dir / name).unlink()
                removed.append(name)
        return Changes(changed, removed)
