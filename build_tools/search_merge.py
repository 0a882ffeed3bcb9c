"""Merging shards' Pagefind bundles into the one bundle readers' browsers load.

Merging reads and writes Pagefind's own files (``search_bundles``); the format is checked
against the version it was written for and, if it differs, BundleFormatError tells the
indexer to index the site in one run as before. The merged bundle holds the same words,
positions, filters and sort order as one run over the whole site would
(``tests/test_search_shards.py`` compares them).
"""

from __future__ import annotations

import heapq
import itertools
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter
from pathlib import Path
from typing import Any

import cbor2

from .search_bundles import (
    FORMAT,
    MAGIC,
    Bundle,
    BundleFormatError,
    BundleWriter,
    WordEntry,
    cbor_head,
    link_file,
    load_data,
)

# Bytes of an index chunk before compression: Pagefind cuts chunks at 20,000 word positions,
# ~80 kB on explainer articles (measured on a 10,000-article archive); a chunk is cut once it
# passes this, so 60 kB gives chunks of about that size and about as many.
INDEX_CHUNK_BYTES = 60_000


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
    tail = cbor_head(4, len(variants)) + b"".join(
        cbor_head(4, 2) + cbor2.dumps(form) + cbor_head(4, pages_count) + encoded
        for form, (encoded, _last, pages_count) in variants.items()
    )
    return b"\x83" + cbor_head(3, len(word)) + word + cbor_head(4, count) + b"".join(parts) + tail


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
        raw = MAGIC + b"\x81" + cbor_head(4, len(chunk)) + b"".join(chunk)
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
            filter_name, filter_values = load_data(bundle.path / "filter" / f"{file_hash}.pf_filter")
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
                    link_file(source, folder / f"{name}.pf_fragment")
            else:
                writer.taken.add(name)
                link_file(source, folder / f"{name}.pf_fragment")
            pages.append([name, word_count])
    return pages


def _field_order(bundles: list[Bundle]) -> list[str]:
    """The merged bundle's meta fields: first the field list of the most pages (the article
    shards share one), then the others sorted. A bundle whose list is that very list keeps its
    field numbers, and its postings are copied as encoded instead of re-encoded one by one
    (most of a merge's time when every shard was renumbered)."""
    pages: dict[tuple[str, ...], int] = {}
    for bundle in bundles:
        key = tuple(bundle.meta[5])
        pages[key] = pages.get(key, 0) + len(bundle.pages)
    first = list(min(pages, key=lambda key: (-pages[key], key)))
    return first + sorted({name for bundle in bundles for name in bundle.meta[5]} - set(first))


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
    fields = _field_order(bundles)
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
