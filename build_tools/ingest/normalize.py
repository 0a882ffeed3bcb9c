"""Ingest, normalize: the normalization rules, written for any source rather than keyed to one.

``normalize(draft)`` returns the title (found once), the date, a summary, the source credit
and the Markdown body. The rules, in the order they run, one module each:

1. ``characters``: non-breaking and zero-width spaces, stray ``<span>``/``<figure>``/``<br>``,
   pandoc's escaped end marks (``\\###``) and empty comments, script code pasted with a page;
2. ``blocks``: lines are grouped into paragraphs, lists, headings and tables (pasted text keeps a
   paragraph per line; Markdown paragraphs are unwrapped);
3. ``furniture``, metadata: "Label: value" lines and table rows at the top of the page
   (publication date, author, product number, topics, source) and datelines such as "Post on
   May 19, 2025", "Updated April 10, 2026", "Published 17 Jul 2023" (``dates``) are read and removed;
4. ``furniture``, debris: repeated titles wherever they stand, "x min read", "Article with TOC",
   tables of contents, share/subscribe/citation/feedback links, breadcrumbs, "Advertisement",
   "Read More", "close", "Listen", PDF downloads and version lists, bylines (kept as the
   author), headings of the page header, a trailing disclaimer or footer;
5. ``sections``: a short bare line without end punctuation followed by body text becomes ``##``;
   a short "Something:" line introducing a paragraph or list becomes ``###``; bullets become a
   Markdown list with a leading "Term:" in bold;
6. ``summary``: a dek ending in " - " at the start of the first paragraph is split off;
   otherwise the lead sentence(s) of the first paragraph, at most 300 characters.

Here: the flow, the title, the date and the source credit with the publishers' data.
Every rule runs in time linear in the text (see ``linear``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..schema import TITLE_MAX
from . import detect as formats
from .blocks import Block, absolute_links, render, to_blocks
from .characters import clean_characters
from .dates import DATELINE_RE, parse_date
from .furniture import (
    LABEL_TO_FIELD,
    extract_metadata,
    is_chrome_text,
    meta_line,
    remove_debris,
    remove_tables_of_contents,
)
from .ledger import Ledger
from .sections import bold_only, drop_empty_headings, structure
from .sources import Draft, SourceError
from .speakers import mark_turns
from .summary import lead, split_summary
from .text import SENTENCE_END, key, plain_text, words


@dataclass
class Normalized:
    title: str
    date: dt.date
    summary: str
    body: str
    source: dict  # name, url, license, author, id (as present)
    topics_stated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, text) of what each rule removed


def normalize(draft: Draft) -> Normalized:
    markdown = draft.format != formats.TEXT
    ledger = Ledger()
    text = clean_characters(draft.text, ledger.removed)
    blocks = to_blocks(text, markdown)
    meta = dict(draft.meta)
    title = _find_title(draft, blocks)
    if not title:
        raise SourceError("no title found")
    title_key = key(title)
    blocks = ledger.stage("metadata", blocks, lambda b: extract_metadata(b, meta, title_key))
    blocks = ledger.stage("page-furniture", blocks, lambda b: remove_debris(b, title_key, meta))
    blocks = ledger.stage("table-of-contents", blocks, remove_tables_of_contents)
    blocks = ledger.stage("speakers", blocks, mark_turns)
    blocks = ledger.stage("sections", blocks, structure)
    blocks = ledger.stage("empty-heading", blocks, drop_empty_headings)
    summary, blocks = split_summary(blocks)
    date = _resolve_date(meta, draft.fallback)
    if date is None:
        raise SourceError("no publication date found in the text or its metadata; give one with --date YYYY-MM-DD")
    body = absolute_links(render(blocks), meta.get("url") or draft.fallback.get("url"))
    if len(words(plain_text(body))) < 5:
        raise SourceError("no article text left after removing the page furniture")
    source = _source(draft, meta)
    if not summary:
        summary = lead(plain_text(title))
    return Normalized(_fit_title(title), date, summary, body, source, meta.get("topics", []), removed=ledger.removed)


def _fit_title(title: str) -> str:
    title = " ".join(plain_text(title).split())
    if len(title) <= TITLE_MAX:
        return title
    return title[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _find_title(draft: Draft, blocks: list[Block]) -> str | None:
    """The stated title, else the first heading, else the first short line of the text."""
    if draft.title and plain_text(clean_characters(draft.title)):
        return " ".join(plain_text(clean_characters(draft.title)).split())
    for block in blocks[:15]:
        if block.kind == "heading" and block.level == 1 and plain_text(block.text):
            return plain_text(block.text)
    for block in blocks[:15]:
        if block.kind in ("para", "heading"):
            text = plain_text(bold_only(block.text) or block.text)
            if (
                not text
                or is_chrome_text(block.text)
                or DATELINE_RE.search(text)
                or (found := meta_line(block.text))
                and LABEL_TO_FIELD.get(key(found[0]))
            ):
                continue
            if len(text) <= TITLE_MAX and not SENTENCE_END.search(text.rstrip("?")) or len(text) <= 120:
                return text
    fallback = draft.fallback.get("title")
    return fallback


def _resolve_date(meta: dict, fallback: dict) -> dt.date | None:
    """The date the source states about itself (its frontmatter or meta tags) wins over a date
    read in the body (a "Publication Date:" row, a dateline); then a MANIFEST.tsv row, then
    ``--date``. No date is read from a link's address."""
    for value in (
        meta.get("date"),
        parse_date(meta.get("date_text", "")),
        meta.get("stated_date"),
        meta.get("stated_updated"),
        parse_date(fallback.get("date_text", "")),
        fallback.get("date"),
    ):
        if isinstance(value, dt.date):
            return value
    return None


_PUBLISHERS = {
    # host suffix: (credit name, licence); only for publishers whose licence is a matter of law
    "whitehouse.gov": ("The White House", "Public domain (US Government work, 17 USC 105)"),
    "bidenwhitehouse.archives.gov": (
        "The White House (Biden administration archive)",
        "Public domain (US Government work, 17 USC 105)",
    ),
    "trumpwhitehouse.archives.gov": (
        "The White House (Trump administration archive)",
        "Public domain (US Government work, 17 USC 105)",
    ),
    "obamawhitehouse.archives.gov": (
        "The White House (Obama administration archive)",
        "Public domain (US Government work, 17 USC 105)",
    ),
    "congress.gov": ("Congressional Research Service", None),
    "crsreports.congress.gov": ("Congressional Research Service", None),
}
_PUBLIC_DOMAIN_STATEMENT = re.compile(r"work of the United States Government, are not subject to copyright", re.I)


def _source(draft: Draft, meta: dict) -> dict:
    url = meta.get("url") or draft.fallback.get("url")
    source: dict = {}
    host = (urlsplit(url).hostname or "").lower() if url else ""
    name, licence = None, None
    for suffix, (publisher, law) in _PUBLISHERS.items():
        if host == suffix or host.endswith("." + suffix):
            name, licence = publisher, law
    if host.endswith("congress.gov") and "/crs-product/" not in (url or ""):
        name = "Congress.gov"
    if name is None and host:
        name = meta.get("site") or host.removeprefix("www.")
    if name is None:
        name = meta.get("site") or "Pasted web article (original publisher not recorded)"
    if _PUBLIC_DOMAIN_STATEMENT.search(draft.text):
        licence = "Public domain (US Government work, 17 USC 105)"
    stated = draft.fallback.get("license", "").split(";")[0].strip()  # notes about the repository after ';'
    licence = stated or meta.get("license") or licence
    source["name"] = name
    if url:
        source["url"] = url
    if licence:
        source["license"] = licence
    if meta.get("author"):
        source["author"] = meta["author"]
    if meta.get("id"):
        source["id"] = meta["id"]
    return source
