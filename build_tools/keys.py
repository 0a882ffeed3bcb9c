"""This machine's secret key, and digests keyed with it: what proves that a cache was written here.

Caches (the generate memo, the kept search bundles, the built site) live in the work tree, where
git can bring crafted ones (``git add -f``). Each is reused only under a signature made with a
per-user key kept outside any work tree, so only this machine's own runs can make one that
verifies. See ``caches`` (the memo), ``search_work`` (search bundles) and ``builders`` (site/).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

KEY_DIR_ENV = "ARCHIVE_CACHE_KEY_DIR"  # where the key is kept (tests point it at a temporary folder)
KEY_NAME = "memo-key"
KEY_SIZE = 32


# --- the key ------------------------------------------------------------------------------


class KeyUnavailable(Exception):
    """The memo key cannot be read or made safely; the memo is then neither read nor written."""


def key_dir() -> Path:
    """``$ARCHIVE_CACHE_KEY_DIR``, else ``$XDG_CACHE_HOME/explainer-archive``, else
    ``~/.cache/explainer-archive``: outside any work tree, so ``git`` never brings a key."""
    override = os.environ.get(KEY_DIR_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError as exc:  # no home folder to be found
            raise KeyUnavailable(f"no home folder for the memo key ({exc})") from None
    return Path(base) / "explainer-archive"


def open_file(path: Path):
    """``path`` opened for reading in binary, refusing a symbolic link (git can commit one)
    and never waiting (on a FIFO)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.fdopen(os.open(path, flags), "rb")


def _read_key(path: Path) -> bytes | None:
    """The key at ``path``, None if there is none; KeyUnavailable if the file is not a private
    regular file of this user (a key others can read or write proves nothing)."""
    try:
        stream = open_file(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyUnavailable(f"cannot read the memo key {path}: {exc.strerror}") from None
    with stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise KeyUnavailable(f"the memo key {path} is not a private file of this user (chmod 600 it)")
        key = stream.read(KEY_SIZE + 1)
    if len(key) != KEY_SIZE:
        raise KeyUnavailable(f"the memo key {path} is not {KEY_SIZE} bytes long")
    return key


def memo_key(root: Path | None = None) -> bytes:
    """This machine's secret memo key, made (mode 0600) on first use; KeyUnavailable if it
    cannot be read or made, or if it would live inside the archive at ``root``."""
    folder = key_dir()
    path = folder / KEY_NAME
    if root is not None:
        with contextlib.suppress(OSError, ValueError):
            if Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
                raise KeyUnavailable(f"the memo key {path} would be inside the archive")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError as exc:
        raise KeyUnavailable(f"cannot make the folder of the memo key {folder}: {exc.strerror or exc}") from None
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise KeyUnavailable(f"the folder of the memo key {folder} is not this user's alone")
    key = _read_key(path)
    if key is not None:
        return key
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=".memo-key.", dir=folder)  # mode 0600
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_SIZE))
        with contextlib.suppress(FileExistsError):  # another run made it first: use that one
            os.link(temporary, path)
    except OSError as exc:
        raise KeyUnavailable(f"cannot make the memo key in {folder}: {exc.strerror or exc}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    key = _read_key(path)
    if key is None:
        raise KeyUnavailable(f"the memo key {path} vanished")
    return key


# --- the other caches: search bundles and the built site ------------------------------------
# What decides that a kept search bundle (.build/search/) or a built site/ may be reused is
# keyed with the same key: a stamp is the HMAC of a purpose, the digest of what the output was
# made from, and the digest of the very files kept (folder_digest). A stamp made elsewhere, or
# files changed since, do not verify, so only what this machine's own run wrote is reused.


def keyed_digest(key: bytes, purpose: str, *parts: str | bytes) -> str:
    """HMAC-SHA256 under ``key`` of ``purpose`` and ``parts`` (each length-prefixed), as hex."""
    mac = hmac.new(key, b"explainer-archive " + purpose.encode() + b"\n", hashlib.sha256)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        mac.update(len(data).to_bytes(8, "big") + data)
    return mac.hexdigest()


def folder_digest(folder: Path, skip: Iterable[str] = ()) -> bytes | None:
    """A digest of every name and every file's bytes under ``folder`` (but the entries of
    ``folder`` named in ``skip``), or None when ``folder`` is not a real folder, or holds a
    symbolic link or anything else that is neither a folder nor a regular file (what git can
    bring and no run of ours writes), or cannot be read."""
    digest = hashlib.sha256()
    skipped = frozenset(skip)

    def walk(path: str, prefix: bytes, top: bool) -> bool:
        with os.scandir(path) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
        for entry in ordered:
            if top and entry.name in skipped:
                continue
            name = prefix + os.fsencode(entry.name)
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                digest.update(b"d" + name + b"\0")
                if not walk(entry.path, name + b"/", False):
                    return False
            elif stat.S_ISREG(mode):
                with open_file(entry.path) as stream:
                    if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                        return False
                    digest.update(b"f" + name + b"\0" + hashlib.file_digest(stream, "sha256").digest())
            else:
                return False
        return True

    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode) or not walk(os.fspath(folder), b"", True):
            return None
    except OSError:
        return None
    return digest.digest()
