"""Stage 6: the search index of the built site, made by Pagefind.

Pagefind holds every page it indexes in memory at once, about three times over (the parsed
pages, a copy per language, the word maps built from them): ~400 kB a page, 4.2 GB at 10,000
articles. It also has no incremental mode, so one corrected article meant indexing every page
again. Above ``SHARD_PAGES`` indexed pages the site is therefore indexed in shards — one per
year of articles (per month in a year of more than ``YEAR_PAGES``), one for the undated pages —
each by its own Pagefind run, and the shards' bundles are merged into the one bundle readers'
browsers load. A shard whose pages did not change keeps its bundle from the last build (in
``.build/search/``), so an edit re-indexes only the pages of its year.

Merging reads and writes Pagefind's own files (gzip'd CBOR, see ``merge_bundles``); the format
is checked against the version it was written for and, if it differs, the site is indexed in
one run as before. The merged bundle holds the same words, positions, filters and sort order
as one run over the whole site would (``tests/test_search_shards.py`` compares them).

Every Pagefind output is checked before it is used: Pagefind reports a page it could not read
("Failed to read …", e.g. a file deleted while it ran) on stderr and still exits 0, so its
stderr is read for that, and the page count its entry file records must equal the number of
HTML pages holding a ``data-pagefind-body`` element (but those without a word, which Pagefind
leaves out). Any difference, or no index at all, and the indexer exits 1 naming what failed —
and ``build`` keeps the previous site.

Kept bundles are reused only when this machine's own run wrote them: ``.build/`` is git-ignored,
but ``git add -f`` can commit it (and CI restores ``.build/search`` from its cache), so a bundle
there could carry any script into the published site. Each kept bundle has a stamp: the HMAC,
under the per-user key of ``caches.memo_key``, of the digest of its pages and of the digest of
its very files (``caches.folder_digest``). A bundle whose stamp does not verify is discarded,
with a note, and indexed afresh; without a usable key nothing is reused. The work folder and
everything in it must be real folders and files: a symbolic link (``.build``, ``.build/search``
or anything inside) is removed itself, never followed, and nothing is deleted whose resolved
location lies outside the work folder. Pagefind's files are decompressed to at most
``MAX_DATA_BYTES`` each.

Run as ``python -m build_tools.indexers SITE --work DIR [--root ARCHIVE]`` by the ``build``
command, so that the peak memory it measures is that of this step alone.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import heapq
import hmac
import importlib.metadata
import io
import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import unicodedata
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from operator import itemgetter
from pathlib import Path
from typing import Any

import cbor2

from .caches import KeyUnavailable, folder_digest, keyed_digest, memo_key
from .problems import display_path

SHARD_PAGES = int(os.environ.get("ARCHIVE_SEARCH_SHARD_PAGES", "2000"))  # indexed pages before sharding
FORMAT = "1.5.2"  # the Pagefind bundle format merge_bundles reads and writes
MAGIC = b"pagefind_dcd"
# Bytes of an index chunk before compression: Pagefind cuts chunks at 20,000 word positions,
# ~80 kB on explainer articles (measured on a 10,000-article archive); a chunk is cut once it
# passes this, so 60 kB gives chunks of about that size and about as many.
INDEX_CHUNK_BYTES = 60_000
BODY_MARK = b"data-pagefind-body"  # the attribute of the element Pagefind indexes (see _indexed)
BODY_ELEMENT = b"<div data-pagefind-body>"  # as overrides/partials/content.html writes it
FAILED_READ = re.compile(r"Failed to read (.+?)(?: after retries)?: ")  # Pagefind's per-file error
DATE_SORT = re.compile(rb'data-pagefind-sort="date"[^>]*>([^<]*)<')  # the value Pagefind sorts by
YEAR_PAGES = 4000  # a year with more indexed pages is split into months (memory per Pagefind run)
MERGED = "merged"  # where the last merged bundle is kept beside the shards
OTHER = "other"  # the shard of every indexed page without a date to sort by (entity pages)
PAGEFIND_ARGS = ("--silent", "--exclude-selectors", ".headerlink")
MAX_DATA_BYTES = 1 << 27  # a Pagefind data file larger than this once decompressed is not one it wrote
SHARD_STAMP = "digest"  # beside a shard's bundle: its pages' digest and the keyed stamp of both
MERGED_STAMP = ".digest"  # inside the merged bundle (not copied into the site)
STAMP_BYTES = 512  # a longer stamp file is not one this module wrote


class BundleFormatError(Exception):
    """A Pagefind bundle this module cannot merge (another Pagefind version or layout)."""


class UnsafeWorkFolder(Exception):
    """A path to delete that resolves outside the folder it should be in (never deleted)."""


@dataclass
class Shard:
    name: str
    pages: list[str]  # site-relative paths of the HTML files
    digest: str  # of the pages' paths and bytes, and of what else shapes the bundle (_salt)


def pagefind_command(site: Path, output: Path | None = None) -> list[str]:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), *PAGEFIND_ARGS]
    return command + (["--output-path", str(output)] if output else [])


def _salt() -> bytes:
    """What else shapes a shard's bundle besides its pages: the Pagefind release and options."""
    try:
        version = importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return f"{version}\0{FORMAT}\0{' '.join(PAGEFIND_ARGS)}".encode()


def plan_shards(site: Path, year_pages: int = YEAR_PAGES) -> list[Shard]:
    """The pages Pagefind would index, grouped by the date they sort by: ``other`` (no date)
    first, then one shard per year in ascending order, a year of more than ``year_pages``
    pages one shard per month. Shards so hold disjoint, ascending ranges of dates, which is
    what lets ``merge_bundles`` put their sort orders one after the other."""
    pages: dict[str, list[tuple[str, bytes]]] = {}
    for folder, subfolders, files in os.walk(site):
        subfolders.sort()
        if folder == str(site):
            subfolders[:] = [d for d in subfolders if d != "pagefind"]
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                content = handle.read()
            if not _indexed(content):
                continue
            found = DATE_SORT.search(content)
            date = found[1].decode("utf-8", "replace").strip() if found else ""
            digest = hashlib.blake2b(content, digest_size=16).digest()
            pages.setdefault(date, []).append((os.path.relpath(path, site), digest))
    groups: dict[str, list[tuple[str, bytes]]] = {}
    years: dict[str, int] = {}
    for date, entries in pages.items():
        years[date[:4]] = years.get(date[:4], 0) + len(entries)
    for date in sorted(pages):
        year = date[:4]
        key = (f"dated-{date[:7]}" if years[year] > year_pages else f"dated-{year}") if date else OTHER
        groups.setdefault(key, []).extend(pages[date])
    shards = []
    for key in sorted(groups, key=lambda k: (k != OTHER, k)):
        digest = hashlib.blake2b(_salt(), digest_size=16)
        for relative, page_digest in sorted(groups[key]):
            digest.update(relative.encode() + b"\0" + page_digest)
        shards.append(Shard(key, sorted(relative for relative, _ in groups[key]), digest.hexdigest()))
    return shards


def _indexed(content: bytes) -> bool:
    """Whether a page holds an element with the ``data-pagefind-body`` attribute, i.e. is one
    Pagefind indexes. The theme writes it as ``BODY_ELEMENT``; a page that holds the words
    otherwise (in an attribute value, say) is parsed to tell."""
    if BODY_ELEMENT in content:
        return True
    if BODY_MARK not in content:
        return False
    finder = _BodyFinder()
    finder.feed(content.decode("utf-8", "replace"))
    finder.close()
    return finder.found


class _BodyFinder(HTMLParser):
    found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found = self.found or any(name == BODY_MARK.decode() for name, _value in attrs)


# --- reading and writing Pagefind's files ---------------------------------------------


def _gunzip(path: Path, limit: int = MAX_DATA_BYTES) -> bytes:
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


def _raw(path: Path) -> bytes:
    data = _gunzip(path)
    if not data.startswith(MAGIC):
        raise BundleFormatError(f"{path.name}: not a Pagefind data file")
    return data[len(MAGIC) :]


def _load(path: Path) -> Any:
    return cbor2.loads(_raw(path))


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
            meta = _load(path / f"pagefind.{info['hash']}.pf_meta")
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
            data = _raw(self.path / "index" / f"{name}.pf_index")
            if data[0] != 0x81:
                raise BundleFormatError(f"{name}: expected an index chunk")
            count, pos = _read_head(data, 1)
            stream = io.BytesIO(data)
            stream.seek(pos)
            decoder = cbor2.CBORDecoder(stream)
            for _ in range(count):
                value = decoder.decode()
                end = stream.tell()
                yield WordEntry.parse(shard, data, pos, end, value)
                pos = end


def _head(major: int, length: int) -> bytes:
    """A CBOR item head: major type and length (or value) in the fewest bytes."""
    if length < 24:
        return bytes([major << 5 | length])
    for code, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | code]) + length.to_bytes(size, "big")
    raise ValueError(length)


def _read_head(data: bytes, pos: int) -> tuple[int, int]:
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
        pos = start + 1 + len(_head(3, len(encoded_word))) + len(encoded_word)
        count, pos = _read_head(data, pos)
        tail = len(cbor2.dumps(variants)) if variants else 1  # an empty array is one byte
        first = len(cbor2.dumps(pages[0])) if pages else 0
        return cls(word, shard, pages, variants, data[pos + first : end - tail])


def _remap_fields(locs: list[int], remap: list[int]) -> list[int]:
    """Meta positions switch field with ``-(field + 1)``; renumber fields to the merged list."""
    return [-(remap[-value - 1] + 1) if value < 0 else value for value in locs]


def _shifted(
    pages: list[Any], offset: int, last: int, remap: list[int] | None, rest: bytes | None
) -> tuple[bytes, int]:
    """One shard's postings of a word, encoded to follow postings ending at absolute page
    ``last``; returns them and their last absolute page. Page numbers are delta-coded, so only
    the first posting changes — unless the shard's meta fields are renumbered."""
    first = offset + pages[0][0]
    absolute = first + sum(map(itemgetter(0), pages[1:]))
    pages[0] = [first - last, pages[0][1], pages[0][2]]
    if remap is not None or rest is None:
        if remap is not None:
            pages = [[p[0], p[1], _remap_fields(p[2], remap) if p[2] else p[2]] for p in pages]
        return b"".join(map(cbor2.dumps, pages)), absolute
    return cbor2.dumps(pages[0]) + rest, absolute


def _merge_word(entries: list[WordEntry], offsets: list[int], remaps: list[Any]) -> bytes:
    parts, count, last = [], 0, 0
    variants: dict[str, list[Any]] = {}
    for entry in entries:
        offset, remap = offsets[entry.shard], remaps[entry.shard]
        if entry.pages:
            encoded, last = _shifted(entry.pages, offset, last, remap, entry.rest)
            parts.append(encoded)
            count += len(entry.pages)
        for form, form_pages in entry.variants:
            merged = variants.setdefault(form, [b"", 0, 0])
            if form_pages:
                encoded, merged[1] = _shifted(form_pages, offset, merged[1], remap, None)
                merged[0] += encoded
                merged[2] += len(form_pages)
    word = entries[0].word.encode()
    tail = _head(4, len(variants)) + b"".join(
        _head(4, 2) + cbor2.dumps(form) + _head(4, pages_count) + encoded
        for form, (encoded, _last, pages_count) in variants.items()
    )
    return b"\x83" + _head(3, len(word)) + word + _head(4, count) + b"".join(parts) + tail


def _chunk_bounds(chunks: list[list[str]]) -> None:
    """Pagefind's ``chunk_meta``: trim each chunk's first/last word to the shortest prefixes that
    still tell neighbouring chunks apart."""
    for left, right in itertools.pairwise(chunks):
        a, b = left[1], right[0]
        common = 0
        for x, y in zip(b, a, strict=False):
            if x != y:
                break
            common += 1
        a_prefix, b_prefix = a[: common + 1], b[: common + 1]
        if a_prefix >= left[0]:
            left[1] = a_prefix
        right[0] = b_prefix


def _write_words(bundles: list[Bundle], offsets: list[int], remaps: list[Any], writer: BundleWriter) -> list[Any]:
    merged = heapq.merge(*(bundle.words(i) for i, bundle in enumerate(bundles)), key=lambda e: (e.word, e.shard))
    chunks: list[list[str]] = []
    chunk: list[bytes] = []
    words: list[str] = []
    size = 0

    def flush() -> None:
        raw = MAGIC + b"\x81" + _head(4, len(chunk)) + b"".join(chunk)
        chunks.append([words[0], words[-1], writer.write_raw("index", "pf_index", raw, pool=pool)])

    with ThreadPoolExecutor(max_workers=1) as pool:
        for word, group in itertools.groupby(merged, key=lambda e: e.word):
            encoded = _merge_word(list(group), offsets, remaps)
            chunk.append(encoded)
            words.append(word)
            size += len(encoded)
            if size >= INDEX_CHUNK_BYTES:
                flush()
                chunk, words, size = [], [], 0
        if chunk:
            flush()
        for written in writer.pending:
            written.result()  # re-raises a failed write
        writer.pending.clear()
    _chunk_bounds(chunks)
    return chunks


def _write_filters(bundles: list[Bundle], offsets: list[int], writer: BundleWriter) -> list[Any]:
    values: dict[str, dict[str, list[int]]] = {}
    for bundle, offset in zip(bundles, offsets, strict=True):
        for _name, file_hash in bundle.meta[3]:
            filter_name, filter_values = _load(bundle.path / "filter" / f"{file_hash}.pf_filter")
            into = values.setdefault(filter_name, {})
            for value, pages in filter_values:
                into.setdefault(value, []).extend(page + offset for page in pages)
    filters = []
    for name in sorted(values):
        payload = [name, [[value, values[name][value]] for value in sorted(values[name])]]
        filters.append([name, writer.write("filter", "pf_filter", payload)])
    return filters


def _merge_sorts(bundles: list[Bundle], offsets: list[int]) -> list[Any]:
    """Each shard's pages in sort order, one shard after the other: valid because shards hold
    disjoint, ascending ranges of dates (``plan_shards``) — checked, not assumed."""
    orders: dict[str, list[int]] = {}
    for bundle, offset in zip(bundles, offsets, strict=True):
        for name, pages in bundle.meta[4]:
            orders.setdefault(name, []).extend(page + offset for page in pages)
    return [[name, orders[name]] for name in sorted(orders)]


def _link_fragments(bundles: list[Bundle], target: Path, writer: BundleWriter) -> list[Any]:
    """Every shard's page fragments under one folder; a name two different fragments share
    (a clash of their short hashes) is lengthened for the second."""
    folder = target / "fragment"
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for bundle in bundles:
        for name, word_count in bundle.pages:
            source = bundle.path / "fragment" / f"{name}.pf_fragment"
            if name in writer.taken:
                content = source.read_bytes()
                if (folder / f"{name}.pf_fragment").read_bytes() != content:
                    name = writer.name_for(content, len(name) - len(writer.language))
                    _link(source, folder / f"{name}.pf_fragment")
            else:
                writer.taken.add(name)
                _link(source, folder / f"{name}.pf_fragment")
            pages.append([name, word_count])
    return pages


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def merge_bundles(paths: list[Path], target: Path, undated_first: bool = False) -> int:
    """Merge shard bundles into one bundle at ``target``; returns its page count.

    The shards must hold ascending, disjoint ranges of sort values (years or months, in
    order: ``plan_shards``); with ``undated_first`` the first shard must have no sorted pages at all. Raises
    BundleFormatError if a bundle is not of the expected format or breaks that promise."""
    bundles = [Bundle.read(path) for path in paths]
    first = bundles[0]
    if any(b.language != first.language for b in bundles):
        raise BundleFormatError("shards of different languages")
    if any(b.entry.get("include_characters") != first.entry.get("include_characters") for b in bundles):
        raise BundleFormatError("shards indexed with different word characters")
    if undated_first and len(bundles) > 1 and any(pages for _name, pages in first.meta[4]):
        raise BundleFormatError("pages of the undated shard carry a sort value")
    offsets = list(itertools.accumulate((len(b.pages) for b in bundles[:-1]), initial=0))
    fields = sorted({name for bundle in bundles for name in bundle.meta[5]})
    remaps = []
    for bundle in bundles:
        remap = [fields.index(name) for name in bundle.meta[5]]
        remaps.append(None if remap == list(range(len(remap))) else remap)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in first.path.iterdir():  # the runtime: scripts, styles, WebAssembly (same in every shard)
        if item.is_file() and item.name != "pagefind-entry.json" and not item.name.endswith(".pf_meta"):
            shutil.copy2(item, target / item.name)
    writer = BundleWriter(target, first.language)
    pages = _link_fragments(bundles, target, writer)
    chunks = _write_words(bundles, offsets, remaps, writer)
    filters = _write_filters(bundles, offsets, writer)
    sorts = _merge_sorts(bundles, offsets)
    meta_hash = writer.write("", "pf_meta", [FORMAT, pages, chunks, filters, sorts, fields], length=10)
    entry = {
        "version": FORMAT,
        "languages": {first.language: {"hash": meta_hash, "wasm": first.language, "page_count": len(pages)}},
        "include_characters": first.entry.get("include_characters", []),
    }
    (target / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return len(pages)


# --- running Pagefind per shard ----------------------------------------------------------


@dataclass
class IndexReport:
    pages: int = 0
    shards: int = 0
    reindexed: list[str] = field(default_factory=list)
    peak_mb: int = 0
    note: str = ""
    error: str = ""  # why the index is not whole (the indexer then exits 1)
    merge_reused: bool = False  # the merged bundle of the last build was reused
    notes: list[str] = field(default_factory=list)  # kept bundles or links discarded, one line each


@dataclass
class PagefindRun:
    code: int
    peak_mb: int
    unread: list[str]  # files Pagefind reported it could not read


def _run(command: list[str]) -> PagefindRun:
    """Run Pagefind, passing its stderr on and noting each file it says it failed to read."""
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, errors="replace")
    unread: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        sys.stderr.write(line)
        found = FAILED_READ.search(line)
        if found and found[1] not in unread:
            unread.append(found[1])
    sys.stderr.flush()
    process.stderr.close()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return PagefindRun(process.returncode, round(usage.ru_maxrss / 1024), unread)


def check_bundle(bundle: Path, pages: list[str] | None, site: Path, run: PagefindRun | None = None) -> str:
    """Why the Pagefind bundle at ``bundle`` is not a whole index of ``pages`` (site-relative
    paths of the HTML pages under ``site`` that hold a data-pagefind-body element; None: any
    pages), or "" when it is. ``run`` is the Pagefind run that wrote it, if one did. Pagefind
    leaves out a page whose indexed part has no word at all; such a page is not missed."""
    if run is not None and run.code != 0:
        return f"Pagefind exited with status {run.code}"
    if run is not None and run.unread:
        shown = ", ".join(run.unread[:5]) + (f" and {len(run.unread) - 5} more" if len(run.unread) > 5 else "")
        return f"Pagefind could not read {len(run.unread)} page(s): {shown}"
    entry_path = bundle / "pagefind-entry.json"
    try:
        languages = json.loads(entry_path.read_text("utf-8"))["languages"]
        counts = {info["hash"]: int(info["page_count"]) for info in languages.values()}
    except FileNotFoundError:
        return f"Pagefind wrote no index ({entry_path} is missing)"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"{entry_path} is not a Pagefind entry file ({exc})"
    missing = [name for name in counts if not (bundle / f"pagefind.{name}.pf_meta").is_file()]
    if missing or not counts:
        return f"the index in {bundle} is not whole: no metadata file {', '.join(missing) or 'at all'}"
    count = sum(counts.values())
    if pages is None or count == len(pages):
        return ""
    mismatch = (
        f"Pagefind indexed {count} page(s) in {bundle}, but {len(pages)} HTML page(s) hold a data-pagefind-body element"
    )
    try:
        indexed = _indexed_urls(bundle, list(counts))
    except (OSError, ValueError, KeyError, TypeError, IndexError, BundleFormatError, cbor2.CBORDecodeError):
        return mismatch
    left_out = [page for page in pages if _url(page) not in indexed]
    lost = [page for page in left_out if _has_words(site / page)]
    if lost:
        shown = ", ".join(lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
        return f"Pagefind left out {len(lost)} of the {len(pages)} page(s) to index: {shown}"
    return "" if count + len(left_out) == len(pages) else mismatch


def _url(page: str) -> str:
    """The URL Pagefind records for a site-relative page path (``index.html`` left off)."""
    url = "/" + page.replace(os.sep, "/")
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def _indexed_urls(bundle: Path, meta_hashes: list[str]) -> set[str]:
    urls = set()
    for meta_hash in meta_hashes:
        for name, _word_count in _load(bundle / f"pagefind.{meta_hash}.pf_meta")[1]:
            fragment = json.loads(_raw(bundle / "fragment" / f"{name}.pf_fragment"))
            urls.add(urllib.parse.unquote(fragment["url"]))
    return urls


def _has_words(path: Path) -> bool:
    """Whether the indexed part of a page (its data-pagefind-body element but what is marked
    data-pagefind-ignore) holds a letter, digit or symbol; a page that cannot be read does."""
    try:
        content = path.read_bytes()
    except OSError:
        return True
    reader = _BodyText()
    reader.feed(content.decode("utf-8", "replace"))
    reader.close()
    return any(not unicodedata.category(char).startswith(("P", "Z", "C")) for char in "".join(reader.text))


class _BodyText(HTMLParser):
    """The text Pagefind indexes of a page, near enough to tell whether it has any words."""

    VOID = frozenset(
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
    )

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.depth = 0  # open elements
        self.body_at = 0  # depth of the data-pagefind-body element, if inside it
        self.ignore_at = 0  # depth of the outermost data-pagefind-ignore element inside it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self.depth += 1
        names = {name for name, _value in attrs}
        if not self.body_at and BODY_MARK.decode() in names:
            self.body_at = self.depth
        elif self.body_at and not self.ignore_at and "data-pagefind-ignore" in names:
            self.ignore_at = self.depth

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self.depth == self.ignore_at:
            self.ignore_at = 0
        if self.depth == self.body_at:
            self.body_at = 0
        self.depth = max(self.depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.body_at and not self.ignore_at:
            self.text.append(data)


# --- the work folder: real folders only, stamps keyed with this machine's key ------------------


def _discard(path: Path, within: Path) -> None:
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


def _shown(path: Path, root: Path | None) -> str:
    return display_path(path, root) if root is not None else str(path)


def _prepare_work(work: Path, root: Path | None, report: IndexReport) -> None:
    """Make ``work`` (and each folder between ``root`` and it) a real folder: a symbolic link
    where one should be is removed itself, with a note — never followed, never emptied."""
    chain = [work]
    if root is not None:
        with contextlib.suppress(ValueError):
            parts = work.absolute().relative_to(root.absolute()).parts
            chain = [root.absolute().joinpath(*parts[: i + 1]) for i in range(len(parts))]
    for path in chain:
        if path.is_symlink():
            report.notes.append(
                f"{_shown(path, root)} is a symbolic link: removed the link itself (not what it points to); "
                "indexing every shard afresh"
            )
            os.unlink(path)
        elif path.exists() and not path.is_dir():
            os.unlink(path)
    work.mkdir(parents=True, exist_ok=True)


def _clean_folder(folder: Path, keep: dict[str, bool], root: Path | None, report: IndexReport) -> None:
    """Remove every entry of ``folder`` but those named in ``keep`` (name → whether it is to be
    a folder) that are of that kind; a symbolic link is removed itself, with a note."""
    with os.scandir(folder) as entries:
        found = list(entries)
    for entry in found:
        if entry.is_symlink():
            report.notes.append(
                f"{_shown(Path(entry.path), root)} is a symbolic link: removed the link itself (not what it points to)"
            )
            os.unlink(entry.path)
        elif entry.name not in keep or keep[entry.name] != entry.is_dir(follow_symlinks=False):
            _discard(Path(entry.path), folder)


def _cache_key(root: Path | None, report: IndexReport) -> bytes | None:
    """This machine's key (``caches.memo_key``), or None — then no kept bundle is reused."""
    try:
        return memo_key(root)
    except KeyUnavailable as exc:
        report.notes.append(f"cannot check kept shards ({exc}); indexing every shard afresh")
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


def _verified(
    key: bytes | None,
    purpose: str,
    digest: str,
    bundle: Path,
    stamp: Path,
    report: IndexReport,
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
    report.notes.append(f"discarding the kept {what}: not written by this machine's own run; indexing it afresh")
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


def _index_shard(
    site: Path, shard: Shard, folder: Path, report: IndexReport, key: bytes | None, root: Path | None
) -> bool:
    """(Re-)index one shard into ``folder/bundle`` unless its pages are unchanged and the kept
    bundle is this machine's own; on failure says why in ``report.error``."""
    bundle, stamp = folder / "bundle", folder / SHARD_STAMP
    _clean_folder(folder, {"bundle": True, SHARD_STAMP: False}, root, report)
    what = f"bundle of shard {shard.name}"
    if _verified(key, "search shard", shard.digest, bundle, stamp, report, what) and not check_bundle(
        bundle, shard.pages, site
    ):
        return True
    source = folder / "input"
    for relative in shard.pages:
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        _link(site / relative, target)
    _discard(bundle, folder)
    _discard(stamp, folder)
    run = _run(pagefind_command(source, bundle))
    _discard(source, folder)
    report.peak_mb = max(report.peak_mb, run.peak_mb)
    report.reindexed.append(shard.name)
    problem = check_bundle(bundle, shard.pages, site, run)
    if problem:
        report.error = f"shard {shard.name}: {problem}"
        return False
    write_stamp(key, "search shard", shard.digest, bundle, stamp)
    return True


def merged_digest(shards: list[Shard]) -> str:
    return hashlib.blake2b("\0".join(f"{s.name}:{s.digest}" for s in shards).encode()).hexdigest()


def _merge_cached(shards: list[Shard], work: Path, target: Path, key: bytes | None, report: IndexReport) -> None:
    """Merge the shards' bundles into ``target``, or reuse the last merge if no shard changed
    and it is this machine's own."""
    merged, stamp = work / MERGED, work / MERGED / MERGED_STAMP
    digest = merged_digest(shards)
    if _verified(key, "search merged", digest, merged, stamp, report, "merged bundle", [MERGED_STAMP]):
        report.merge_reused = True
    else:
        _discard(merged, work)
        paths = [work / shard.name / "bundle" for shard in shards]
        merge_bundles(paths, merged, undated_first=shards[0].name == OTHER)
        write_stamp(key, "search merged", digest, merged, stamp, [MERGED_STAMP])
    _discard(target, target.parent)
    shutil.copytree(merged, target, copy_function=_link)
    (target / MERGED_STAMP).unlink(missing_ok=True)


def index_site(
    site: Path, work: Path, shard_pages: int = SHARD_PAGES, fresh: bool = False, root: Path | None = None
) -> tuple[int, IndexReport]:
    """Write ``site/pagefind/``; returns an exit status (1: ``report.error`` says why the index
    is missing or not whole) and what was done. ``fresh`` ignores the shards kept from earlier
    builds. ``root``: the archive ``work`` lies in (every folder between them must be real)."""
    report = IndexReport()
    output = site / "pagefind"
    if output.is_symlink():  # Pagefind would write through it
        report.notes.append(f"{output} is a symbolic link: removed the link itself (not what it points to)")
        os.unlink(output)
    try:
        shards = plan_shards(site)
    except OSError as exc:  # e.g. a page deleted while this ran, or a dangling link
        report.error = f"could not read a page of the site: {exc}"
        return 1, report
    report.pages = sum(len(shard.pages) for shard in shards)
    # Without any data-pagefind-body element Pagefind indexes every page: no list to hold it to.
    expected = [page for shard in shards for page in shard.pages] or None
    if report.pages < shard_pages or len(shards) < 2:
        report.shards = 1
        return _one_run(site, expected, report), report
    key = _cache_key(root, report)
    names = {shard.name for shard in shards}
    try:
        _prepare_work(work, root, report)
        kept = {} if fresh or key is None else dict.fromkeys(names | {MERGED}, True)
        _clean_folder(work, kept, root, report)
        for name in names:
            (work / name).mkdir(exist_ok=True)
        report.shards = len(shards)
        for shard in shards:
            if not _index_shard(site, shard, work / shard.name, report, key, root):
                return 1, report
        try:
            _merge_cached(shards, work, output, key, report)
        except BundleFormatError as exc:
            report.note = f"shards not merged ({exc}); indexed in one run"
            _discard(work / MERGED, work)
            _discard(output, site)
            return _one_run(site, expected, report), report
    except (OSError, UnsafeWorkFolder) as exc:
        report.error = f"cannot use the work folder {_shown(work, root)}: {exc}"
        return 1, report
    problem = check_bundle(output, expected, site)
    if problem:
        report.error = f"merged shards: {problem}"
        shutil.rmtree(work / MERGED, ignore_errors=True)  # not reused by the next build
        return 1, report
    return 0, report


def _one_run(site: Path, expected: list[str] | None, report: IndexReport) -> int:
    run = _run(pagefind_command(site))
    report.peak_mb = max(report.peak_mb, run.peak_mb)
    report.error = check_bundle(site / "pagefind", expected, site, run)
    return 1 if report.error else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools.indexers", description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="where shard bundles are kept between builds")
    parser.add_argument("--shard-pages", type=int, default=SHARD_PAGES, help="index in shards from this many pages")
    parser.add_argument("--fresh", action="store_true", help="re-index every shard")
    parser.add_argument("--root", type=Path, help="the archive the work folder lies in (its folders must be real)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    code, report = index_site(args.site, args.work, args.shard_pages, args.fresh, args.root)
    for note in report.notes:
        print(f"search index: {note}", file=sys.stderr)
    if report.note:
        print(f"search index: {report.note}", file=sys.stderr)
    if report.error:
        print(f"search index failed: {report.error}", file=sys.stderr)
    if report.shards > 1:
        print(
            f"search index: {report.pages} pages in {report.shards} shards, "
            f"{len(report.reindexed)} re-indexed, merged bundle {'reused' if report.merge_reused else 'written'}, "
            f"in {time.monotonic() - started:.1f} s"
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
