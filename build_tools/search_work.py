"""The indexer's work folder: real folders only, bundles stamped with this machine's key.

Kept bundles are reused only when this machine's own run wrote them: ``.build/`` is git-ignored,
but ``git add -f`` can commit it (and CI restores ``.build/search`` from its cache), so a bundle
there could carry any script into the published site. Each kept bundle has a stamp: the HMAC,
under the per-user key of ``keys.memo_key``, of the digest of its pages and of the digest of
its very files (``keys.folder_digest``). A bundle whose stamp does not verify is discarded,
with a note, and indexed afresh; without a usable key nothing is reused. The work folder and
everything in it must be real folders and files: a symbolic link (``.build``, ``.build/search``
or anything inside) is removed itself, never followed, and nothing is deleted whose resolved
location lies outside the work folder.

The functions here that find something to say append a line to ``notes`` (the indexer's report).
"""

from __future__ import annotations

import contextlib
import hmac
import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from .keys import KeyUnavailable, folder_digest, keyed_digest, memo_key
from .problems import display_path

SHARD_STAMP = "digest"  # beside a shard's bundle: its pages' digest and the keyed stamp of both
MERGED_STAMP = ".digest"  # inside the merged bundle (not copied into the site)
STAMP_BYTES = 512  # a longer stamp file is not one this module wrote


class UnsafeWorkFolder(Exception):
    """A path to delete that resolves outside the folder it should be in (never deleted)."""


def discard(path: Path, within: Path) -> None:
    """Remove ``path``: a symbolic link or file itself (never what a link points to), a real
    folder with everything in it (``shutil.rmtree`` follows no link inside) — but a folder only
    if it resolves to a place inside ``within``; UnsafeWorkFolder otherwise."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(info.st_mode):
        os.unlink(path)
        return
    real, base = os.path.realpath(path), os.path.realpath(within)
    if not real.startswith(base.rstrip(os.sep) + os.sep):
        raise UnsafeWorkFolder(f"{path} resolves to {real}, outside {within}: not deleted")
    shutil.rmtree(path, ignore_errors=True)


def shown(path: Path, root: Path | None) -> str:
    return display_path(path, root) if root is not None else str(path)


def prepare_work(work: Path, root: Path | None, notes: list[str]) -> None:
    """Make ``work`` (and each folder between ``root`` and it) a real folder: a symbolic link
    where one should be is removed itself, with a note — never followed, never emptied."""
    chain = [work]
    if root is not None:
        with contextlib.suppress(ValueError):
            parts = work.absolute().relative_to(root.absolute()).parts
            chain = [root.absolute().joinpath(*parts[: i + 1]) for i in range(len(parts))]
    for path in chain:
        if path.is_symlink():
            notes.append(
                f"{shown(path, root)} is a symbolic link: removed the link itself (not what it points to); "
                "indexing every shard afresh"
            )
            os.unlink(path)
        elif path.exists() and not path.is_dir():
            os.unlink(path)
    work.mkdir(parents=True, exist_ok=True)


def clean_folder(folder: Path, keep: dict[str, bool], root: Path | None, notes: list[str]) -> None:
    """Remove every entry of ``folder`` but those named in ``keep`` (name → whether it is to be
    a folder) that are of that kind; a symbolic link is removed itself, with a note."""
    with os.scandir(folder) as entries:
        found = list(entries)
    for entry in found:
        if entry.is_symlink():
            notes.append(
                f"{shown(Path(entry.path), root)} is a symbolic link: removed the link itself (not what it points to)"
            )
            os.unlink(entry.path)
        elif entry.name not in keep or keep[entry.name] != entry.is_dir(follow_symlinks=False):
            discard(Path(entry.path), folder)


def cache_key(root: Path | None, notes: list[str]) -> bytes | None:
    """This machine's key (``keys.memo_key``), or None — then no kept bundle is reused."""
    try:
        return memo_key(root)
    except KeyUnavailable as exc:
        notes.append(f"cannot check kept shards ({exc}); indexing every shard afresh")
        return None


def _read_stamp(path: Path) -> tuple[str, str] | None:
    """(pages digest, keyed stamp) of a stamp file; None if there is none or it is not a small
    regular file (a link is not followed, a FIFO not waited for)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        with os.fdopen(os.open(path, flags), "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            text = stream.read(STAMP_BYTES + 1).decode("ascii")
    except (OSError, UnicodeDecodeError):
        return None
    fields = text.split()
    if len(text) > STAMP_BYTES or not fields:
        return None
    return fields[0], fields[1] if len(fields) == 2 else ""


def _stamp(key: bytes, purpose: str, digest: str, folder: Path, skip: Iterable[str] = ()) -> str | None:
    """The keyed stamp of the files in ``folder`` made from pages of ``digest``; None if the
    folder holds a symbolic link or anything but folders and regular files."""
    files = folder_digest(folder, skip)
    return None if files is None else keyed_digest(key, purpose, digest, files)


def verified(
    key: bytes | None,
    purpose: str,
    digest: str,
    bundle: Path,
    stamp: Path,
    notes: list[str],
    what: str,
    skip: Iterable[str] = (),
) -> bool:
    """Whether the bundle kept at ``bundle`` was written by this machine's own run for pages of
    ``digest`` and is unchanged since. A kept bundle for these very pages that does not verify
    (another machine's, or changed) is noted; one for other pages is just stale."""
    stored = _read_stamp(stamp)
    if key is None or stored is None or not hmac.compare_digest(stored[0], digest):
        return False
    expected = _stamp(key, purpose, digest, bundle, skip)
    if expected is not None and hmac.compare_digest(expected, stored[1]):
        return True
    notes.append(f"discarding the kept {what}: not written by this machine's own run; indexing it afresh")
    return False


def write_stamp(
    key: bytes | None, purpose: str, digest: str, bundle: Path, stamp: Path, skip: Iterable[str] = ()
) -> None:
    """Stamp the bundle just written (nothing without a key: then nothing is reused)."""
    if key is None:
        return
    value = _stamp(key, purpose, digest, bundle, skip)
    stamp.unlink(missing_ok=True)  # a link there is removed, not written through
    if value is None:
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(stamp, flags, 0o644), "w", encoding="ascii") as stream:
        stream.write(f"{digest} {value}\n")
