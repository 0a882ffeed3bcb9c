"""Read a Pagefind bundle into plain data keyed by page URL, so that two bundles of the same
site (one Pagefind run, or shards merged by build_tools.indexers) can be compared."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import cbor2

MAGIC = b"pagefind_dcd"


def _raw(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(MAGIC), path
    return data[len(MAGIC) :]


def search_documents(site: Path) -> list[dict]:
    """The documents of a built site's Pagefind index (its fragments, decompressed)."""
    fragments = sorted((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    return [json.loads(_raw(fragment)) for fragment in fragments]


def _pages_by_number(bundle: Path, pages: list[list[Any]]) -> tuple[list[str], dict[str, dict]]:
    urls, fragments = [], {}
    for name, _word_count in pages:
        fragment = json.loads(_raw(bundle / "fragment" / f"{name}.pf_fragment"))
        urls.append(fragment["url"])
        fragments[fragment["url"]] = fragment
    return urls, fragments


def _postings(pages: list[list[Any]], urls: list[str], fields: list[str]) -> dict[str, Any]:
    out, number = {}, 0
    for delta, locs, meta_locs in pages:
        number += delta
        named = [fields[-value - 1] if value < 0 else value for value in meta_locs]
        out[urls[number]] = (tuple(locs), tuple(named))
    return out


def read_bundle(bundle: Path) -> dict[str, Any]:
    """Everything a search can return from the bundle, with page numbers replaced by URLs."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    ((language, info),) = entry["languages"].items()
    version, pages, chunks, filters, sorts, fields = cbor2.loads(_raw(bundle / f"pagefind.{info['hash']}.pf_meta"))
    urls, fragments = _pages_by_number(bundle, pages)
    words: dict[str, Any] = {}
    for _first, _last, name in chunks:
        (chunk_words,) = cbor2.loads(_raw(bundle / "index" / f"{name}.pf_index"))
        for word, word_pages, variants in chunk_words:
            assert word not in words, f"{word!r} in two chunks"
            words[word] = (
                _postings(word_pages, urls, fields),
                {form: _postings(form_pages, urls, fields) for form, form_pages in variants},
            )
    filter_values = {}
    for filter_name, name in filters:
        loaded_name, values = cbor2.loads(_raw(bundle / "filter" / f"{name}.pf_filter"))
        assert loaded_name == filter_name
        filter_values[filter_name] = {value: sorted(urls[n] for n in numbers) for value, numbers in values}
    return {
        "version": version,
        "language": language,
        "page_count": info["page_count"],
        "word_counts": {urls[n]: count for n, (_name, count) in enumerate(pages)},
        "fragments": fragments,
        "words": words,
        "filters": filter_values,
        # Pages with equal sort values may come in either order: compare the values in order.
        "sorts": {name: [fragments[urls[n]]["meta"].get(name) for n in numbers] for name, numbers in sorts},
        "sorted_pages": {name: sorted(urls[n] for n in numbers) for name, numbers in sorts},
        "chunk_ranges": [(first, last) for first, last, _name in chunks],
    }
