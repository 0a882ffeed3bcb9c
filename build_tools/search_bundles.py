"""Pagefind's bundle files, read and written: gzip'd CBOR data files behind a magic header,
the entry file, the metadata index and its word chunks (``FORMAT``, Pagefind 1.5's layout).

Every data file is decompressed to at most ``MAX_DATA_BYTES``: a file in a kept bundle may
have been crafted, and must not fill the memory. Anything else this module does not expect
raises BundleFormatError, and the indexer then indexes the site in one run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import zlib
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

FORMAT = "1.5.2"  # the Pagefind bundle format merge_bundles reads and writes
MAGIC = b"pagefind_dcd"
MAX_DATA_BYTES = 1 << 27  # a Pagefind data file larger than this once decompressed is not one it wrote


class BundleFormatError(Exception):
    """A Pagefind bundle that cannot be merged (another Pagefind version or layout)."""


def gunzip(path: Path, limit: int = MAX_DATA_BYTES) -> bytes:
    """The decompressed bytes of a gzip file; BundleFormatError past ``limit`` bytes (a crafted
    file cannot fill the memory) or if it is not whole gzip."""
    parts: list[bytes] = []
    size = 0
    decompressor, fed = zlib.decompressobj(wbits=31), False
    try:
        with open(path, "rb") as stream:
            pending = b""
            while True:
                if not pending:
                    pending = stream.read(1 << 16)
                    if not pending:
                        break
                fed = True
                piece = decompressor.decompress(pending, limit + 1 - size)
                size += len(piece)
                if size > limit:
                    raise BundleFormatError(f"{path.name}: more than {limit} bytes once decompressed")
                parts.append(piece)
                if decompressor.eof:  # another gzip member may follow
                    pending = decompressor.unused_data
                    decompressor, fed = zlib.decompressobj(wbits=31), False
                else:
                    pending = decompressor.unconsumed_tail
    except zlib.error as exc:
        raise BundleFormatError(f"{path.name}: not gzip ({exc})") from None
    if fed or not parts:
        raise BundleFormatError(f"{path.name}: cut short")
    return b"".join(parts)


def read_data(path: Path) -> bytes:
    data = gunzip(path)
    if not data.startswith(MAGIC):
        raise BundleFormatError(f"{path.name}: not a Pagefind data file")
    return data[len(MAGIC) :]


def load_data(path: Path) -> Any:
    return cbor2.loads(read_data(path))


class BundleWriter:
    """Writes data files named like Pagefind's (language + a content hash, lengthened on a clash)."""

    def __init__(self, folder: Path, language: str) -> None:
        self.folder = folder
        self.language = language
        self.taken: set[str] = set()
        self.pending: list[Future] = []

    def name_for(self, raw: bytes, length: int = 7) -> str:
        digest = hashlib.blake2b(raw, digest_size=20).hexdigest()
        while f"{self.language}_{digest[:length]}" in self.taken:
            length += 1
        name = f"{self.language}_{digest[:length]}"
        self.taken.add(name)
        return name

    def write(self, subfolder: str, suffix: str, payload: Any, length: int = 7) -> str:
        return self.write_raw(subfolder, suffix, MAGIC + cbor2.dumps(payload), length)

    def write_raw(self, subfolder: str, suffix: str, raw: bytes, length: int = 7, pool: Executor | None = None) -> str:
        """Name and write one file; with a ``pool``, compress and write it there (zlib lets go of
        the interpreter lock, so this overlaps with decoding the next words)."""
        name = self.name_for(raw, length)
        target = (
            self.folder / subfolder / f"{name}.{suffix}" if subfolder else self.folder / f"pagefind.{name}.{suffix}"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        if pool is None:
            _write_compressed(target, raw)
        else:
            self.pending.append(pool.submit(_write_compressed, target, raw))
        return name


def _write_compressed(target: Path, raw: bytes) -> None:
    target.write_bytes(gzip.compress(raw, compresslevel=6, mtime=0))


@dataclass
class Bundle:
    """One shard's Pagefind output, read: its entry file and metadata index."""

    path: Path
    language: str
    meta: list[Any]
    entry: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> Bundle:
        try:
            entry = json.loads((path / "pagefind-entry.json").read_text("utf-8"))
            (language, info), *others = entry["languages"].items()
            meta = load_data(path / f"pagefind.{info['hash']}.pf_meta")
        except (OSError, ValueError, KeyError, TypeError, cbor2.CBORDecodeError) as exc:
            raise BundleFormatError(f"{path}: {exc}") from exc
        if others or entry.get("version") != FORMAT or not isinstance(meta, list) or len(meta) != 6:
            raise BundleFormatError(f"{path}: expected one language of Pagefind {FORMAT}'s format")
        if meta[0] != FORMAT:
            raise BundleFormatError(f"{path}: metadata of version {meta[0]!r}, expected {FORMAT}")
        return cls(path, language, meta, entry)

    @property
    def pages(self) -> list[list[Any]]:
        return self.meta[1]

    def words(self, shard: int) -> Iterator[WordEntry]:
        """The bundle's words in order, read one at a time from its index chunks."""
        for _first, _last, name in self.meta[2]:
            data = read_data(self.path / "index" / f"{name}.pf_index")
            if data[0] != 0x81:
                raise BundleFormatError(f"{name}: expected an index chunk")
            count, pos = read_cbor_head(data, 1)
            stream = io.BytesIO(data)
            stream.seek(pos)
            decoder = cbor2.CBORDecoder(stream)
            for _ in range(count):
                value = decoder.decode()
                end = stream.tell()
                yield WordEntry.parse(shard, data, pos, end, value)
                pos = end


def cbor_head(major: int, length: int) -> bytes:
    """A CBOR item head: major type and length (or value) in the fewest bytes."""
    if length < 24:
        return bytes([major << 5 | length])
    for code, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | code]) + length.to_bytes(size, "big")
    raise ValueError(length)


def read_cbor_head(data: bytes, pos: int) -> tuple[int, int]:
    """(length, position after the head) of the CBOR item head at ``pos``."""
    info = data[pos] & 0x1F
    if info < 24:
        return info, pos + 1
    size = 1 << (info - 24)
    return int.from_bytes(data[pos + 1 : pos + 1 + size], "big"), pos + 1 + size


@dataclass
class WordEntry:
    """One word of one shard: decoded, with the encoded bytes of its postings after the first,
    which a merge copies unchanged (only the first posting's page delta changes)."""

    word: str
    shard: int
    pages: list[Any]
    variants: list[Any]
    rest: bytes

    @classmethod
    def parse(cls, shard: int, data: bytes, start: int, end: int, value: list[Any]) -> WordEntry:
        word, pages, variants = value
        encoded_word = word.encode()
        pos = start + 1 + len(cbor_head(3, len(encoded_word))) + len(encoded_word)
        count, pos = read_cbor_head(data, pos)
        tail = len(cbor2.dumps(variants)) if variants else 1  # an empty array is one byte
        first = len(cbor2.dumps(pages[0])) if pages else 0
        return cls(word, shard, pages, variants, data[pos + first : end - tail])


def link_file(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
