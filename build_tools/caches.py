"""What the last ``generate`` read and wrote, so the next one redoes only what an edit touches.

The memo lives in ``.build/generate-memo.pickle`` beside ``mkdocs.yml`` (never
committed). It holds:

* every article file's signature (size, times, inode) with what reading it gave, so an
  unchanged file is not parsed again;
* the related articles of every article with a digest of what they were computed from
  (``Catalog.structure``), reused while no article's URL, date or tags changed;
* for every render job (``generators.Job``) the digest of its inputs and the signature of each
  ``docs/`` file it wrote. A job whose inputs and files are unchanged is not rendered again
  and its files are kept as they are.

A memo can only cost time, never correctness: it is discarded whole when this package's code,
the Python version or the site URL differ from the run that wrote it, or when it cannot be
read; a page whose ``docs/`` file was touched since is rendered again. During ``mkdocs serve``
the memo of the last run also stays in memory, so a rebuild does not even reload it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .readers import FileMemo, file_signature

CACHE_FILE = Path(".build") / "generate-memo.pickle"  # not .cache/: `zensical build --clean` empties that
FORMAT = b"explainer-archive generate memo 1\n"
PACKAGE = Path(__file__).resolve().parent

JobMemo = dict[str, tuple[bytes, dict[str, tuple[int, ...]]]]  # job key → (inputs digest, {page: signature})


@dataclass
class Memo:
    salt: bytes
    files: FileMemo = field(default_factory=dict)
    structure: bytes = b""
    related: dict[str, list[str]] = field(default_factory=dict)  # article URL → related article URLs
    jobs: JobMemo = field(default_factory=dict)
    vocabulary: tuple = ()  # signatures of the vocabulary files
    # Kept in memory only (mkdocs serve): the last catalog, patched when only bodies change.
    catalog: Any = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "catalog": None}


def code_salt(site_url: str) -> bytes:
    """A digest of everything that shapes every page besides the articles and vocabulary."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(FORMAT + sys.version.encode() + b"\0" + site_url.encode() + b"\0")
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def inputs_digest(inputs: tuple | None) -> bytes | None:
    """A digest of a job's inputs (nested tuples of bytes and strings); None stays None."""
    if inputs is None:
        return None
    return hashlib.blake2b(repr(inputs).encode(), digest_size=16).digest()


def docs_signature(path: Path | str) -> tuple[int, ...] | None:
    return file_signature(path, ctime=False)


def _dump(memo: Memo, stream) -> None:
    """Pickle without the pickler's table of every object written: that table alone costs about
    10 kB of memory per article at 10,000 articles. The memo has no cycles and no object
    referenced twice, which is what the table is for; should that ever change, the pickler
    refuses in fast mode (ValueError) and the memo is written the ordinary way."""
    start = stream.tell()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    try:
        pickler.dump(memo)
    except (ValueError, RecursionError):
        stream.seek(start)
        stream.truncate()
        pickle.dump(memo, stream, protocol=pickle.HIGHEST_PROTOCOL)


_live: dict[Path, tuple[tuple[int, ...] | None, Memo]] = {}  # path → (signature of the file, memo)


class MemoStore:
    def __init__(self, path: Path, salt: bytes):
        self.path = path
        self.salt = salt

    def load(self) -> Memo:
        signature = docs_signature(self.path)
        live = _live.get(self.path)
        if live is not None and live[0] == signature and live[1].salt == self.salt:
            return live[1]
        try:
            with open(self.path, "rb") as stream:
                if stream.readline() != FORMAT or stream.readline().strip() != self.salt.hex().encode():
                    return Memo(self.salt)
                memo = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return Memo(self.salt)
        return memo if isinstance(memo, Memo) and memo.salt == self.salt else Memo(self.salt)

    def save(self, memo: Memo, persist: bool = True) -> None:
        """Write the memo atomically; a memo that cannot be written only costs the next run time.

        Without ``persist`` (``mkdocs serve``, where writing ~10 kB per article after every
        edit would cost more than it saves) it is kept in memory only, for this process."""
        if not persist:
            _live.clear()
            _live[self.path] = (docs_signature(self.path), memo)
            return
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".generate.", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(FORMAT + self.salt.hex().encode() + b"\n")
                _dump(memo, stream)
            os.replace(temporary, self.path)
        except OSError:
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
            return
        _live.clear()
        _live[self.path] = (docs_signature(self.path), memo)

    def forget(self) -> None:
        _live.pop(self.path, None)
        with contextlib.suppress(OSError):
            self.path.unlink()
