"""Running Pagefind, and checking every bundle it wrote before the bundle is used.

Pagefind reports a page it could not read ("Failed to read …", e.g. a file deleted while it
ran) on stderr and still exits 0, so its stderr is read for that, and the page count its entry
file records must equal the number of HTML pages holding a ``data-pagefind-body`` element (but
those without a word, which Pagefind leaves out). Any difference, or no index at all, and the
indexer exits 1 naming what failed — and ``build`` keeps the previous site.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import cbor2

from .search_bundles import BundleFormatError, load_data, read_data

BODY_MARK = b"data-pagefind-body"  # the attribute of the element Pagefind indexes (see is_indexed)
BODY_ELEMENT = b"<div data-pagefind-body>"  # as overrides/partials/content.html writes it
FAILED_READ = re.compile(r"Failed to read (.+?)(?: after retries)?: ")  # Pagefind's per-file error
PAGEFIND_ARGS = ("--silent", "--exclude-selectors", ".headerlink")


def pagefind_command(site: Path, output: Path | None = None) -> list[str]:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), *PAGEFIND_ARGS]
    return command + (["--output-path", str(output)] if output else [])


def is_indexed(content: bytes) -> bool:
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


@dataclass
class PagefindRun:
    code: int
    peak_mb: int
    unread: list[str]  # files Pagefind reported it could not read


def run_pagefind(command: list[str]) -> PagefindRun:
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
        for name, _word_count in load_data(bundle / f"pagefind.{meta_hash}.pf_meta")[1]:
            fragment = json.loads(read_data(bundle / "fragment" / f"{name}.pf_fragment"))
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
