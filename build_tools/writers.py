"""Stage 4: write generated pages into ``docs/`` without ever leaving it half-written.

Two modes:

* ``swap`` (the ``generate`` command): the whole new ``docs/`` is built beside the old
  one and exchanged with it in one atomic ``renameat2(RENAME_EXCHANGE)``; a crash or a
  ``kill -9`` at any moment leaves the previous ``docs/`` whole.
* ``in_place`` (``mkdocs serve``): only files whose bytes changed are replaced, each by an
  atomic rename, so the live-reload watcher sees just the edited pages.

Only one run at a time writes an archive's docs/ and site/: ``archive_lock`` (``build``,
``generate`` and the ``mkdocs serve`` hook take it), so staging folders left beside them can
only be those of dead runs; ``remove_leftovers`` still keeps any named after a live process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime
import fcntl
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .layout import GENERATED

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
    """Delete staging folders that an interrupted earlier run left beside ``target``
    (``<name>.tmp-<pid>``, ``<name>.old-<pid>``). With ``archive_lock`` held these can only be
    a dead run's; a folder named after another live process is kept all the same, so that no
    run ever deletes what another one is writing (a dead run's pid taken by an unrelated process
    keeps its folder until that process ends)."""
    for pattern in (f"{target.name}.tmp-*", f"{target.name}.old-*"):
        for stale in target.parent.glob(pattern):
            suffix = stale.name[len(target.name) + len(".tmp-") :]
            pid = int(suffix) if suffix.isdigit() else None
            if pid is not None and pid != os.getpid() and process_alive(pid):
                continue
            shutil.rmtree(stale, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether a process of this id runs (a zombie, dead but not yet reaped, does not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", "replace")
    except OSError:
        return True  # no /proc: os.kill said it exists
    return stat.rpartition(")")[2].split()[:1] not in (["Z"], ["X"])


# --- one run at a time ------------------------------------------------------------------------

LOCK_FILE = Path(".build") / "lock"  # under the archive root; holds the holder's pid and start time
_held: dict[Path, list[int]] = {}  # lock files this process holds: [descriptor, depth]


class ArchiveBusy(Exception):
    """Another run holds the archive's lock and the caller would not wait."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def lock_holder(path: Path) -> str:
    """Who holds the lock file ``path``, for a message: ``pid 1234, started 12:01:03`` (with the
    command when it is not ``build``), or ``pid unknown`` while the holder has not written it yet
    (the file is empty, or still names a killed holder)."""
    try:
        info = json.loads(path.read_text("utf-8"))
        pid, started, command = int(info["pid"]), float(info["started"]), str(info.get("command", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return "pid unknown"
    if not process_alive(pid):
        return "pid unknown"
    when = datetime.datetime.fromtimestamp(started)
    shown = when.strftime("%H:%M:%S") if when.date() == datetime.date.today() else when.strftime("%Y-%m-%d %H:%M:%S")
    return f"{command + ', ' if command and command != 'build' else ''}pid {pid}, started {shown}"


def _open_lock_file(path: Path) -> int:
    """Open (creating) the lock file without following a symbolic link: ``.build/`` can arrive
    through git (``git add -f``), and a committed ``.build`` or ``.build/lock`` link would make the
    lock truncate a file elsewhere. Such a link is removed itself, never what it points to."""
    folder = path.parent
    if folder.is_symlink():
        print(f"{folder.name} is a symbolic link: removed the link itself (not what it points to)", file=sys.stderr)
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        return os.open(path, flags, 0o644)
    except OSError:
        if not path.is_symlink() and path.is_file():
            raise
        print(f"{folder.name}/{path.name} is not a plain file: removed it (not what it points to)", file=sys.stderr)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        return os.open(path, flags | os.O_EXCL, 0o644)


@contextlib.contextmanager
def archive_lock(
    root: Path, command: str, wait: bool = True, waiting: Callable[[str], None] | None = None
) -> Iterator[int]:
    """Hold the archive's lock (``flock`` on ``root/.build/lock``) for the block; yields its
    file descriptor. If another process holds it: without ``wait`` raise ArchiveBusy, else call
    ``waiting(holder)`` once and block until it is free. The kernel drops the lock when every
    descriptor of it is closed, so a killed holder never leaves it stale; a process that already
    holds it (``build`` generating in-process) just goes on. The holder's pid, start time and
    ``command`` are written into the file for the message the next one prints."""
    path = root.resolve() / LOCK_FILE
    if path in _held:
        _held[path][1] += 1
        try:
            yield _held[path][0]
        finally:
            _held[path][1] -= 1
        return
    fd = _open_lock_file(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_when_written(path)
            if not wait:
                raise ArchiveBusy(holder) from None
            if waiting is not None:
                waiting(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        info = {"pid": os.getpid(), "started": time.time(), "command": command}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        _held[path] = [fd, 1]
        try:
            yield fd
        finally:
            del _held[path]
            os.ftruncate(fd, 0)  # only a killed holder leaves its line, and then the lock is free
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def command_lock(root: Path, command: str, wait: bool = True) -> Iterator[int]:
    """``archive_lock`` for a command line: says on stderr that it waits, and when it goes on."""
    waited = []

    def waiting(holder: str) -> None:
        waited.append(holder)
        message = f"another build of this archive is running ({holder}); waiting for it to finish…"
        print(f"{command}: {message}", file=sys.stderr, flush=True)

    with archive_lock(root, command, wait, waiting) as fd:
        if waited:
            now = "building" if command == "build" else "generating"
            print(f"{command}: the other build finished; {now} now", file=sys.stderr, flush=True)
        yield fd


def _holder_when_written(path: Path, patience: float = 1.0) -> str:
    """The holder's description; a holder that has just taken the lock writes it a moment later."""
    deadline = time.monotonic() + patience
    while True:
        holder = lock_holder(path)
        if holder != "pid unknown" or time.monotonic() > deadline:
            return holder
        time.sleep(0.05)


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


def _write_file(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(_encoded(text))
    os.replace(tmp, path)


def _encoded(content: str | bytes) -> bytes:
    """A page's bytes; an article's image (images.py) is already bytes."""
    return content if isinstance(content, bytes) else content.encode("utf-8")


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


class Staging:
    """A new docs/ being built beside the old one, a page at a time (``DocsWriter.stage``).

    Each page added is written (or, when the old docs/ has the same bytes, hard-linked from it)
    at once, so the caller need not hold every page in memory until the end. ``finish`` links
    what was not added (the pages kept, the files that are not generated) and exchanges the
    folders; ``abort`` deletes the staging folder and leaves docs/ as it was.
    """

    def __init__(self, docs_dir: Path) -> None:
        remove_leftovers(docs_dir)
        self.docs_dir = docs_dir
        self.root = docs_dir.with_name(f"{docs_dir.name}.tmp-{os.getpid()}")
        self._resolved_root = self.root.resolve()
        self.old = _files_under(docs_dir) if docs_dir.exists() else []
        self._old_generated = {name for name in self.old if name.split("/", 1)[0] in GENERATED}
        self.added: set[str] = set()
        self.changed: list[str] = []
        self.root.mkdir(parents=True)

    def add(self, name: str, content: str | bytes) -> None:
        """Put one generated page (or an article's image) into the new docs/."""
        target = (self.root / name).resolve()
        if not target.is_relative_to(self._resolved_root) or not _is_generated(Path(name)):
            raise ValueError(f"refusing to write {name!r}: outside the generated folders of {self.root}")
        data = _encoded(content)
        self.added.add(name)
        path = self.root / name
        old = self.docs_dir / name
        if name in self._old_generated and old.read_bytes() == data:
            _link_or_copy(old, path)  # unchanged: keeps its modification time (mkdocs --dirty)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)  # a new file, never one linked from the old docs/
        self.changed.append(name)

    def finish(self, keep: Iterable[str] = ()) -> Changes:
        """Link the old files that stay, exchange the folders, and say what changed."""
        keep = set(keep)
        removed: list[str] = []
        for name in self.old:
            if name in self.added:
                continue
            if name in self._old_generated and name not in keep:
                removed.append(name)
                continue
            _link_or_copy(self.docs_dir / name, self.root / name)
        swap_in(self.root, self.docs_dir)
        return Changes(self.changed, removed)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class DocsWriter:
    def __init__(self, docs_dir: Path):
        self.docs_dir = docs_dir

    def _check_inside(self, pages: dict[str, str], root: Path) -> None:
        resolved_root = root.resolve()
        for name in pages:
            target = (root / name).resolve()
            if not target.is_relative_to(resolved_root) or not _is_generated(Path(name)):
                raise ValueError(f"refusing to write {name!r}: outside the generated folders of {root}")

    def stage(self) -> Staging:
        """A new docs/ to add pages to one by one; ``finish`` swaps it in, ``abort`` drops it."""
        return Staging(self.docs_dir)

    def swap(self, pages: dict[str, str], keep: Iterable[str] = ()) -> Changes:
        """Build the new docs/ beside the old one and exchange them.

        ``pages`` are the rendered pages; ``keep`` names generated pages that were not
        rendered because nothing they depend on changed: their current files stay. Unchanged
        files are hard-linked into the new tree, so they keep their modification time and
        ``mkdocs build --dirty`` re-renders only the pages that really changed. Nothing ever
        writes into a linked file: changed pages are new files.
        """
        self._check_inside(pages, self.docs_dir.with_name(f"{self.docs_dir.name}.tmp-{os.getpid()}"))
        staging = self.stage()
        try:
            for name, text in pages.items():
                staging.add(name, text)
            return staging.finish(keep)
        except BaseException:
            staging.abort()
            raise

    def in_place(self, pages: dict[str, str], keep: Iterable[str] = ()) -> Changes:
        """Write changed pages, delete generated ones neither in ``pages`` nor in ``keep``."""
        self._check_inside(pages, self.docs_dir)
        keep = set(keep)
        changed, removed = [], []
        for name, text in pages.items():
            path = self.docs_dir / name
            try:
                if path.read_bytes() == _encoded(text):
                    continue
            except OSError:
                pass
            _write_file(path, text)
            changed.append(name)
        for name in _files_under(self.docs_dir) if self.docs_dir.is_dir() else []:
            if name.split("/", 1)[0] in GENERATED and name not in pages and name not in keep:
                (self.docs_dir / name).unlink()
                removed.append(name)
        return Changes(changed, removed)
