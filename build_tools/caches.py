"""What the last ``generate`` read and wrote, so the next one redoes only what an edit touches.

The memo lives in ``.build/generate-memo.cbor`` beside ``mkdocs.yml`` (never committed). It holds:

* every article file's signature (size, times, inode) with what reading it gave, so an
  unchanged file is not parsed again;
* the related articles of every article with a digest of what they were computed from
  (``Catalog.structure``), reused while no article's URL, date or tags changed;
* for every render job (``generators.Job``) the digest of its inputs and the signature of each
  ``docs/`` file it wrote. A job whose inputs and files are unchanged is not rendered again
  and its files are kept as they are;
* the digest of the bytes of each of those ``docs/`` files (``contents``).

Signatures are cheap (one ``stat``) but say nothing once files were copied: a fresh ``git
checkout`` of the articles, or ``.build/`` and ``docs/`` restored from a CI cache, give every
file a new inode and modification time. So when a memo is loaded, a file whose signature
differs but whose bytes are still those the memo describes (an article's ``Article.digest``,
a page's digest in ``contents``) counts as unchanged and gets its new signature (``_rebase``):
a pull request's build from the state of the last deploy re-reads and re-renders only what
the pull request changed. Modification times are never trusted to say a file is unchanged. The
memo also names the archive's folder, so it still applies when that moved (``_moved``).

A memo can only cost time, never correctness: it is discarded whole when this package's code,
the Python version or the site URL differ from the run that wrote it, or when it cannot be
read; a page whose ``docs/`` file was touched since is rendered again. During ``mkdocs serve``
the memo of the last run also stays in memory, so a rebuild does not even reload it.

Safety: ``.build/`` is git-ignored, but ``git add -f`` can commit it, so a memo may arrive by
``git pull``. The memo is therefore plain data: CBOR of strings, numbers, lists, maps and
dates, decoded without tag or object hooks (so it cannot name a class to build, let alone code
to run); ``Article`` and the rest are rebuilt from that data here. And it is signed (HMAC) with
a key that never leaves this machine (``memo_key``: in the user's cache folder, outside any work
tree). Nothing of a memo is decoded before its signature is checked, so a memo this machine did
not write is ignored, with a note, and every page is rendered. Without a usable key no memo is
read or written. The old pickled memo (``generate-memo.pickle``) is never read.
"""

from __future__ import annotations

import array
import contextlib
import dataclasses
import gc
import hashlib
import hmac
import itertools
import os
import stat
import sys
import tempfile
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cbor2
from pydantic import BaseModel

from .keys import KeyUnavailable, memo_key, open_file
from .layout import DOCS_DIR
from .problems import Problem, display_path
from .readers import Article, FileMemo, file_signature
from .schema import ArticleMeta

CACHE_FILE = Path(".build") / "generate-memo.cbor"  # not .cache/: `zensical build --clean` empties that
LEGACY_FILES = (Path(".build") / "generate-memo.pickle",)  # never read; removed when a memo is written
FORMAT = b"explainer-archive generate memo 2\n"
FORMAT_PREFIX = b"explainer-archive generate memo "
PACKAGE = Path(__file__).resolve().parent

MAC_SIZE = 32
FRAME_BYTES = 1 << 18  # records are signed and decoded in frames of about this size (bounded memory)
FRAME_HEAD = 4 + 1 + MAC_SIZE  # payload length, last-frame flag, signature
FRAME_MAX = 1 << 28  # a longer frame is not one this module wrote

LINE_TYPE = "q"  # line numbers of an article's frontmatter, as an array of this machine's int64

JobMemo = dict[str, tuple[bytes, dict[str, tuple[int, ...]]]]  # job key → (inputs digest, {page: signature})
Contents = dict[str, tuple[tuple[int, ...], bytes]]  # docs/ page → (its signature, digest of its bytes)


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
    contents: Contents = field(default_factory=dict)  # filled in by MemoStore when it writes the memo
    root: str = ""  # the archive whose absolute file names ``files`` holds (set when written)
    # Article.digest → its ranking (centrality.Ranking): which tags it is about; the vocabulary is
    # the same as in ``vocabulary`` (salience reads it)
    rankings: dict[bytes, tuple] = field(default_factory=dict)


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


def _first_signature(key: bytes, header: bytes) -> bytes:
    """What the first frame's signature chains to: the signature of the two header lines."""
    return hmac.digest(key, header, "sha256")


def _frame_signature(key: bytes, previous: bytes, flag: bytes, payload: bytes) -> bytes:
    """HMAC-SHA256 (SHA-256 has CPU instructions on most machines: ~1.4 GB/s, BLAKE2b ~0.75)."""
    mac = hmac.new(key, previous, hashlib.sha256)
    mac.update(flag)
    mac.update(payload)
    return mac.digest()


# --- memo ⇄ plain data ---------------------------------------------------------------------
# CBOR carries str, bytes, int, bool, None, lists, maps (tuple keys come back as tuples) and
# dates; everything else is taken apart here and put together again in _article().


@dataclass(frozen=True)
class _Layout:
    """How a pydantic model is written: its field names in order, and its nested model fields."""

    names: tuple[str, ...]
    # (index, name, model class, a list of them?) of each model field and list-of-models field
    nested: tuple[tuple[int, str, type[BaseModel], bool], ...]
    bits: dict[str, int] = field(compare=False)  # field name → its bit in the mask of the fields set
    sets: dict[int, frozenset[str]] = field(default_factory=dict, compare=False)  # mask → field names

    @classmethod
    def of(cls, model: type[BaseModel]) -> _Layout:
        names = tuple(model.model_fields)
        nested = []
        for index, (name, info) in enumerate(model.model_fields.items()):
            annotation = info.annotation
            union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
            for candidate in (annotation, *(typing.get_args(annotation) if union else ())):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    nested.append((index, name, candidate, False))
            item = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None
            if isinstance(item, type) and issubclass(item, BaseModel):  # ArticleMeta.images
                nested.append((index, name, item, True))
        return cls(names, tuple(nested), {name: 1 << index for index, name in enumerate(names)})

    def fields_set(self, mask: int) -> set[str]:
        names = self.sets.get(mask)
        if names is None:
            names = self.sets[mask] = frozenset(n for i, n in enumerate(self.names) if mask >> i & 1)
        return set(names)


_LAYOUTS: dict[type[BaseModel], _Layout] = {}


def _layout(model: type[BaseModel]) -> _Layout:
    layout = _LAYOUTS.get(model)
    if layout is None:
        layout = _LAYOUTS[model] = _Layout.of(model)
    return layout


def _model_plain(model: BaseModel) -> list:
    """[bit mask of the fields set, the value of each field in order]; nested models likewise."""
    layout = _layout(type(model))
    plain = [sum(map(layout.bits.__getitem__, model.model_fields_set))]
    plain += map(model.__dict__.__getitem__, layout.names)
    for index, _name, _nested, many in layout.nested:
        if plain[index + 1] is not None:
            value = plain[index + 1]
            plain[index + 1] = [_model_plain(v) for v in value] if many else _model_plain(value)
    return plain


def _model(cls: type[BaseModel], plain: list) -> BaseModel:
    """A model from ``_model_plain``'s data without validating it again: only for data whose
    signature proved that this machine's own run wrote it from a validated model."""
    layout = _layout(cls)
    values = dict(zip(layout.names, plain[1:], strict=True))
    for _index, name, nested, many in layout.nested:
        if values[name] is not None:
            value = values[name]
            values[name] = [_model(nested, v) for v in value] if many else _model(nested, value)
    return cls.model_construct(layout.fields_set(plain[0]), **values)


def _article_plain(name: str, article: Article, shapes: dict[tuple, int]) -> list:
    """An article as a list. Its ``lines`` (frontmatter path → line) go as the line numbers
    only, with the index of the keys' tuple in ``shapes`` — or the keys themselves where they
    first occur: few articles have keys of their own, so they are written (and kept) once."""
    path = str(article.path)
    keys = tuple(article.lines)
    shape = shapes.get(keys)
    if shape is None:
        shapes[keys] = len(shapes)
        shape = list(keys)
    return [
        None if path == name else path,
        article.shown,
        article.body,
        article.body_line,
        article.digest,
        article.meta_digest,
        _model_plain(article.meta),
        shape,
        array.array(LINE_TYPE, article.lines.values()).tobytes(),  # 4 times faster to write than a list
    ]


def _article(name: str, plain: list, shapes: list[tuple]) -> Article:
    path, shown, body, body_line, digest, meta_digest, meta, shape, lines = plain
    if isinstance(shape, int):
        keys = shapes[shape]
    else:
        keys = tuple(map(tuple, shape))
        shapes.append(keys)
    return Article(
        Path(name if path is None else path),
        _model(ArticleMeta, meta),
        body,
        body_line,
        dict(zip(keys, _line_numbers(lines), strict=True)),
        shown,
        digest,
        meta_digest,
    )


def _line_numbers(data: bytes) -> array.array:
    numbers = array.array(LINE_TYPE)
    numbers.frombytes(data)
    return numbers


def _signature(plain: list | None) -> tuple[int, ...] | None:
    return None if plain is None else tuple(plain)


def _file_record(name: str, entry: tuple, shapes: dict[tuple, int]) -> list:
    signature, article, problems = entry
    return [
        name,
        signature,
        None if article is None else _article_plain(name, article, shapes),
        [[p.path, p.line, p.severity, p.message, p.rule] for p in problems],
    ]


def _array_head(count: int) -> bytes:
    """The head of a CBOR array of ``count`` items (major type 4)."""
    if count < 24:
        return bytes([0x80 | count])
    for code, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if count < 1 << (8 * size):
            return bytes([0x80 | code]) + count.to_bytes(size, "big")
    raise ValueError(count)


# --- the file -----------------------------------------------------------------------------
# FORMAT line, salt line (hex), then frames: payload length (4 bytes, big-endian), 1 if it is
# the last frame else 0 (1 byte), signature (MAC_SIZE bytes), payload. A frame's signature is
# the HMAC-SHA256, with this machine's key, of the previous signature (for the first frame, the
# HMAC of the two header lines), the flag and the payload: frames cannot be changed, left out,
# reordered or cut off, and each is checked before a byte of it is decoded. A payload is a CBOR
# array: the name of a section (SECTIONS), then records of that section.


def _sections(memo: Memo) -> Iterator[tuple[str, Iterable[list]]]:
    """The memo as (section, records), in the order written and read."""
    yield "head", [[memo.structure, list(memo.vocabulary), memo.root]]
    yield "related", ([url, urls] for url, urls in memo.related.items())
    yield "jobs", ([key, digest, pages] for key, (digest, pages) in memo.jobs.items())
    yield "contents", ([page, list(signature), digest] for page, (signature, digest) in memo.contents.items())
    yield "rankings", ([digest, [[*key, about] for key, about in ranked]] for digest, ranked in memo.rankings.items())
    shapes: dict[tuple, int] = {}
    yield "files", (_file_record(name, entry, shapes) for name, entry in memo.files.items())


class _FrameWriter:
    def __init__(self, stream, key: bytes, header: bytes):
        self.stream = stream
        self.key = key
        self.previous = _first_signature(key, header)
        stream.write(header)

    def section(self, name: str, records: Iterable[list]) -> None:
        """Write the records in frames of about FRAME_BYTES each."""
        frame, size = [], 0
        for record in records:
            encoded = cbor2.dumps(record)
            frame.append(encoded)
            size += len(encoded)
            if size >= FRAME_BYTES:
                self.write(name, frame)
                frame, size = [], 0
        if frame:
            self.write(name, frame)

    def write(self, name: str, items: list[bytes], last: bool = False) -> None:
        payload = _array_head(len(items) + 1) + cbor2.dumps(name) + b"".join(items)
        flag = b"\x01" if last else b"\x00"
        self.previous = _frame_signature(self.key, self.previous, flag, payload)
        self.stream.write(len(payload).to_bytes(4, "big") + flag + self.previous)
        self.stream.write(payload)


def _dump(memo: Memo, stream, key: bytes) -> None:
    """Write the memo record by record: no copy of the whole memo, in objects or in bytes, is
    ever held (the pickle of old kept a table of every object written: ~10 kB an article)."""
    writer = _FrameWriter(stream, key, FORMAT + memo.salt.hex().encode() + b"\n")
    for name, records in _sections(memo):
        writer.section(name, records)
    writer.write("end", [], last=True)


class MemoRejected(Exception):
    """A memo file that is not this machine's own, or not of this version of the code."""

    def __init__(self, reason: str, quiet: bool = False):
        super().__init__(reason)
        self.quiet = quiet  # an ordinary stale memo (other code or format): ignored without a note


def _frames(stream, key: bytes, header: bytes):
    """The payload of each frame, each one only after its signature was checked."""
    size = os.fstat(stream.fileno()).st_size
    start = stream.read(len(FORMAT_PREFIX))
    if start != FORMAT_PREFIX:
        raise MemoRejected("not a generate memo")
    start += stream.readline(64)
    if start != FORMAT:
        raise MemoRejected("a memo of another format", quiet=True)
    if stream.readline(64) != header[len(FORMAT) :]:
        raise MemoRejected("a memo of other code or another site URL", quiet=True)
    previous = _first_signature(key, header)
    while True:
        head = stream.read(FRAME_HEAD)
        if len(head) != FRAME_HEAD:
            raise MemoRejected("cut short or damaged")
        length, flag, signature = int.from_bytes(head[:4], "big"), head[4:5], head[5:]
        if length > min(FRAME_MAX, size) or flag not in (b"\x00", b"\x01"):
            raise MemoRejected("not written by this machine's own run")
        payload = stream.read(length)
        if len(payload) != length:
            raise MemoRejected("cut short or damaged")
        previous = _frame_signature(key, previous, flag, payload)
        if not hmac.compare_digest(previous, signature):
            raise MemoRejected("not written by this machine's own run")
        last = flag == b"\x01"
        if last and stream.read(1):
            raise MemoRejected("not written by this machine's own run")
        yield payload
        if last:
            return


def _load(stream, key: bytes, salt: bytes) -> Memo:
    memo = Memo(salt)
    shapes: list[tuple] = []
    for payload in _frames(stream, key, FORMAT + salt.hex().encode() + b"\n"):
        # Only signed frames get here: what follows rebuilds our own data and trusts its shape.
        records = cbor2.loads(payload)
        name = records[0]
        if name == "files":
            files = memo.files
            for path, signature, article, problems in itertools.islice(records, 1, None):
                files[path] = (
                    tuple(signature),
                    None if article is None else _article(path, article, shapes),
                    [Problem(*problem) for problem in problems],
                )
        elif name == "jobs":
            jobs = memo.jobs
            for job, digest, pages in itertools.islice(records, 1, None):
                jobs[job] = (digest, {page: _signature(signature) for page, signature in pages.items()})
        elif name == "related":
            memo.related.update(itertools.islice(records, 1, None))
        elif name == "contents":
            for page, signature, digest in itertools.islice(records, 1, None):
                memo.contents[page] = (tuple(signature), digest)
        elif name == "rankings":
            for digest, ranked in itertools.islice(records, 1, None):
                memo.rankings[digest] = tuple(((kind, entry), about) for kind, entry, about in ranked)
        elif name == "head":
            memo.structure, vocabulary, *root = records[1]
            memo.root = root[0] if root else ""
            memo.vocabulary = tuple(map(_signature, vocabulary))
        elif name != "end":
            raise ValueError(f"a section {name!r} this code does not know")
    return memo


# --- signatures by content ---------------------------------------------------------------


def _blake(prefix: bytes = b""):
    return hashlib.blake2b(prefix, digest_size=16)


def content_digest(path: Path | str, prefix: bytes = b"") -> bytes | None:
    """BLAKE2b-128 of ``prefix`` and the bytes of the regular file at ``path`` (no link
    followed), or None if it cannot be read. With the file name and a NUL as ``prefix`` it is
    ``Article.digest`` (``readers.read_article``)."""
    try:
        with open_file(Path(path)) as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            return hashlib.file_digest(stream, lambda: _blake(prefix)).digest()
    except OSError:
        return None


def _moved(memo: Memo, root: str) -> None:
    """The memo's article files named under ``root``, the archive's place now (a checkout
    elsewhere: each CI job may get another folder)."""
    old, new = memo.root.rstrip("/") + "/", root.rstrip("/") + "/"
    files: FileMemo = {}
    for name, (signature, article, problems) in memo.files.items():
        if name.startswith(old):
            name = new + name[len(old) :]
            if article is not None:
                article = dataclasses.replace(article, path=Path(name))
        files[name] = (signature, article, problems)
    memo.files, memo.root = files, root


def _rebase(memo: Memo, docs: Path, root: Path) -> tuple[int, int]:
    """Give the memo's files whose bytes are unchanged their current signature (see the module's
    docstring); returns how many article files and pages were found unchanged that way."""
    if memo.root and memo.root != str(root):
        _moved(memo, str(root))
    articles = pages = 0
    for name, (signature, article, problems) in memo.files.items():
        if article is None:
            continue
        current = file_signature(name)
        if current is None or current == signature:
            continue
        if content_digest(name, Path(name).name.encode() + b"\0") == article.digest:
            memo.files[name] = (current, article, problems)
            articles += 1
    contents = memo.contents
    for _inputs, signatures in memo.jobs.values():
        for page, signature in signatures.items():
            current = docs_signature(f"{docs}/{page}")
            if current is None or current == signature:
                continue
            known = contents.get(page)
            if known is not None and known[0] == signature and content_digest(f"{docs}/{page}") == known[1]:
                signatures[page] = current
                contents[page] = (current, known[1])
                pages += 1
    return articles, pages


def _contents(jobs: JobMemo, known: Contents, docs: Path) -> Contents:
    """The digest of every page the jobs wrote, read again only for a page whose signature
    changed since ``known`` (the last memo's). A page changed while it was read is left out."""
    contents: Contents = {}
    for _inputs, signatures in jobs.values():
        for page, signature in signatures.items():
            if signature is None:
                continue
            old = known.get(page)
            if old is not None and old[0] == signature:
                contents[page] = old
                continue
            path = f"{docs}/{page}"
            digest = content_digest(path)
            if digest is not None and docs_signature(path) == signature:
                contents[page] = (signature, digest)
    return contents


_live: dict[Path, tuple[tuple[int, ...] | None, Memo]] = {}  # path → (signature of the file, memo)
_noted: set[str] = set()


def _note(message: str, once: bool = False) -> None:
    if once:
        if message in _noted:
            return
        _noted.add(message)
    print(message, file=sys.stderr)


class MemoStore:
    def __init__(self, path: Path, salt: bytes, root: Path | None = None):
        self.path = path
        self.salt = salt
        self.root = root if root is not None else path.parent.parent  # the archive (path is root/CACHE_FILE)
        self.known: Contents = {}  # the page digests of the memo last loaded (see _contents)

    def _shown(self) -> str:
        return display_path(self.path, self.root)

    def load(self) -> Memo:
        """The memo of the last run, or an empty one (render everything) when there is none or
        it is not this machine's own memo for this code; nothing is decoded unsigned."""
        signature = docs_signature(self.path)
        live = _live.get(self.path)
        if live is not None and live[0] == signature and live[1].salt == self.salt:
            self.known = live[1].contents
            return live[1]
        if signature is None:
            return Memo(self.salt)
        try:
            key = memo_key(self.root)
        except KeyUnavailable as exc:
            _note(f"generate: ignoring {self._shown()}: cannot check it ({exc}); rendering every page")
            return Memo(self.salt)
        collecting = gc.isenabled()
        gc.disable()  # hundreds of thousands of objects, none in a cycle: collecting only costs time
        try:
            with open_file(self.path) as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    raise MemoRejected("not a regular file")
                memo = _load(stream, key, self.salt)
            self._rebased(memo)
            return memo
        except MemoRejected as exc:
            if not exc.quiet:
                _note(f"generate: ignoring {self._shown()}: {exc}; rendering every page")
        except OSError as exc:
            _note(f"generate: ignoring {self._shown()}: cannot read it ({exc.strerror}); rendering every page")
        except Exception as exc:  # signed by us yet unreadable: a bug, which must only cost time
            _note(f"generate: ignoring {self._shown()}: cannot decode it ({type(exc).__name__}); rendering every page")
        finally:
            if collecting:
                gc.enable()
        return Memo(self.salt)

    def _rebased(self, memo: Memo) -> None:
        articles, pages = _rebase(memo, self.root / DOCS_DIR, self.root)
        if articles or pages:
            _note(
                f"generate: {articles} article file(s) and {pages} page(s) moved or copied since the last run, unchanged"
            )
        self.known = memo.contents

    def save(self, memo: Memo, persist: bool = True) -> None:
        """Write the memo atomically; a memo that cannot be written only costs the next run time.

        Without ``persist`` (``mkdocs serve``, where writing ~10 kB per article after every
        edit would cost more than it saves) it is kept in memory only, for this process. Without
        a usable key (``memo_key``) nothing is written either."""
        if persist:
            self._write(memo)
        _live.clear()
        _live[self.path] = (docs_signature(self.path), memo)

    def _write(self, memo: Memo) -> None:
        try:
            key = memo_key(self.root)
        except KeyUnavailable as exc:
            _note(f"generate: not remembering this run for the next one: {exc}", once=True)
            return
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".generate.", suffix=".tmp", dir=self.path.parent)
            memo.contents = _contents(memo.jobs, self.known, self.root / DOCS_DIR)
            memo.root = str(self.root)
            with os.fdopen(handle, "wb") as stream:
                _dump(memo, stream, key)
            os.replace(temporary, self.path)
        except (OSError, cbor2.CBOREncodeError, TypeError, ValueError) as exc:
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
            if not isinstance(exc, OSError):  # a value CBOR cannot carry: a field this module does not know
                _note(f"generate: not remembering this run for the next one: {type(exc).__name__}: {exc}", once=True)
            return
        for legacy in LEGACY_FILES:
            with contextlib.suppress(OSError):
                (self.root / legacy).unlink()

    def forget(self) -> None:
        _live.pop(self.path, None)
        with contextlib.suppress(OSError):
            self.path.unlink()
