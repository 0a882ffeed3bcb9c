"""Normalization rules 3 and 4, the page's furniture: metadata read and removed ("Label: value"
lines and table rows of the page header, datelines, bylines), then debris removed (repeated
titles, "x min read", share/subscribe/citation links, breadcrumbs, PDF downloads and version
lists, headings of the page header, a trailing disclaimer or footer, tables of contents)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .blocks import FOOTER_START, Block
from .dates import DATELINE_RE, parse_date
from .linear import SPACE_RUN
from .text import key, link_at, link_findall, link_sub, plain_text, words

_META_LABELS = {
    "date": ("publication date", "published", "date published", "date", "posted", "release date"),
    "updated": ("updated", "last updated", "modified", "date modified"),
    "author": ("author", "authors", "author(s)", "by", "written by", "byline"),
    "id": (
        "report no.",
        "report no",
        "report number",
        "product number",
        "crs product number",
        "document number",
        "product no.",
    ),
    "topics": ("topics", "topic", "subjects", "tags", "categories"),
    "url": ("source", "url", "source url", "original url", "canonical url"),
    "license": ("license", "licence", "copyright", "rights"),
    "_": (
        "product type",
        "crs product type",
        "version",
        "referenced legislation",
        "type",
        "format",
        "pages",
        "reading time",
    ),
}
LABEL_TO_FIELD = {label: name for name, labels in _META_LABELS.items() for label in labels}
# "Label: value", as ^\|?\s*(?:\*\*)?\s*([A-Za-z][A-Za-z .()/]{0,40}?)\s*:\s*(?:\*\*)?\s*\|?\s*(.*?)\s*\|?\s*$
# reads it (the value's end found by stripping, not by a lazy pattern retrying its tail).
_META_HEAD = re.compile(r"\|?\s*+(?:\*\*)?\s*+([A-Za-z][A-Za-z .()/]{0,40}?)\s*:\s*+(?:\*\*)?\s*+\|?\s*+")


def meta_line(text: str) -> tuple[str, str] | None:
    """(label, value) of a "Label: value" line or table row."""
    head = _META_HEAD.match(text)
    if head is None:
        return None
    value = text[head.end() :].rstrip()
    if value.endswith("|"):
        value = value[:-1].rstrip()
    return None if "\n" in value else (head[1], value)


_CHROME_WORDS = {
    "article with toc",
    "table of contents",
    "contents",
    "toc",
    "advertisement",
    "advertisements",
    "ad",
    "read more",
    "read next",
    "close",
    "listen",
    "listen to this article",
    "share",
    "share this",
    "share this article",
    "share/save",
    "share save",
    "subscribe",
    "print",
    "email",
    "citation",
    "cite",
    "site feedback",
    "feedback",
    "hide overview",
    "show overview",
    "skip to content",
    "skip to main content",
    "back to top",
    "top",
    "menu",
    "search",
    "jump to main text of report",
    "pdf version history",
    "download pdf",
    "sponsored",
    "related",
    "related articles",
    "recommended",
    "more stories",
    "follow us",
    "copy link",
    "comments",
    "save",
    "home",
    "tweet",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "reddit",
    "x",
    "sign up",
    "log in",
    "newsletter",
}
_CHROME_LINE = [
    re.compile(r"^\d+\s*(min|mins|minute|minutes)\s*read\b", re.I),
    re.compile(r"^(download|view)\s+(the\s+)?pdf\b", re.I),
    re.compile(r"^(print|download) (this )?(article|page|report)$", re.I),
    re.compile(
        r"^(share|subscribe|follow)( (on|to|us on))? (facebook|twitter|x|linkedin|email|our newsletter)\b", re.I
    ),
    re.compile(r"^(photo|image) credit:", re.I),
    re.compile(r"^\d[\d,.]*[kKmM]?\s+(comments?|replies|shares?|views|likes)$", re.I),  # a byline's counters
]
_BYLINE = re.compile(r"^(?i:by|written by)\s+([A-Z][\w.'’-]+(?:[ ,]+(?:and\s+)?[A-Z][\w.'’-]+){0,12})\.?$")
_VERSION_ITEM = re.compile(r"\bversion:?\s*\d+\b|\.pdf\)?$", re.I)


def is_chrome_text(text: str) -> bool:
    """A line of web page furniture rather than article text."""
    plain = plain_text(text)
    if not plain:
        return True
    lowered = key(plain)
    if lowered in _CHROME_WORDS:
        return True
    if any(rule.match(plain) for rule in _CHROME_LINE):
        return True
    links = link_findall(text)
    rest = link_sub("", text).strip(" |>»/·•-–—\u203a")
    if links and re.search(r"(^|[\s)])[>»›](\s|\[|$)", text) and len(words(rest)) <= 4:
        return True  # a breadcrumb: Home > Section > Page
    if links and not re.sub(r"[\s>|»/·•›\u203a-]+", "", rest):
        labels = [key(label) for label, _ in links]
        if all(label in _CHROME_WORDS or not label for label in labels):
            return True
        if all(url.endswith(".pdf") or "#" in url.split("/")[-1][:1] for _, url in links) and all(
            _VERSION_ITEM.search(label) or label.startswith(("download", "pdf")) for label in labels
        ):
            return True
    return False


def _strip_leading_chrome_links(text: str) -> str:
    """'[Listen](url)Title Updated ...' → 'Title Updated ...' (chrome links glued to text)."""
    at = 0
    while True:
        match = link_at(text, SPACE_RUN.match(text, at).end())
        if not match or key(match[1]) not in _CHROME_WORDS:
            return text[at:]
        at = match.end()


def _meta_field(block: Block) -> tuple[str, str] | None:
    if block.kind not in ("para", "table"):
        return None
    match = meta_line(block.text.strip())
    if not match:
        return None
    name = LABEL_TO_FIELD.get(match[0].strip().lower())
    value = plain_text(match[1]).strip(" |")
    if not name or not value:
        return None
    return name, value


def _store(meta: dict, name: str, value: str) -> None:
    if name == "date":
        if parse_date(value):
            meta.setdefault("stated_date", parse_date(value))
    elif name == "updated":
        if parse_date(value):
            meta.setdefault("stated_updated", parse_date(value))
    elif name == "topics":
        meta.setdefault("topics", [t.strip() for t in re.split(r"[;,]", value) if t.strip()])
    elif name == "url":
        url = re.search(r"https?://\S+", value)
        if url:
            meta.setdefault("url", url[0].rstrip(").,"))
    elif name != "_":
        meta.setdefault(name, value)


def _header_end(blocks: list[Block]) -> int:
    """Index of the first block of running text: what comes before it is the page header."""
    for index, block in enumerate(blocks):
        if block.kind == "para" and len(words(plain_text(block.text))) >= 20 and not is_chrome_text(block.text):
            return index
    return len(blocks)


def extract_metadata(blocks: list[Block], meta: dict, title_key: str) -> list[Block]:
    """Read "Label: value" lines and table rows of the header, and datelines anywhere near the top."""
    end = _header_end(blocks)
    out = []
    for index, block in enumerate(blocks):
        if index < end and block.kind == "table":
            rows = block.text.split("\n")
            kept = []
            for row in rows:
                found = _meta_field(Block("para", row))
                if found:
                    _store(meta, *found)
                else:
                    kept.append(row)
            if not kept:
                continue
            block = Block("table", "\n".join(kept))
        if index < end:
            found = _meta_field(block)
            if found:
                _store(meta, *found)
                continue
        if index <= end + 1 and block.kind == "para":
            text = plain_text(_strip_leading_chrome_links(block.text))
            dateline = DATELINE_RE.search(text)
            if dateline and len(words(text)) <= 12 + len(words(title_key)):
                what = dateline["what"].lower()
                target = "stated_updated" if what in ("updated", "last updated", "modified") else "stated_date"
                if parse_date(dateline["date"]):
                    meta.setdefault(target, parse_date(dateline["date"]))
                rest = key(text[: dateline.start()] + " " + text[dateline.end() :])
                rest = re.sub(r"\b\d+ (min|mins|minute|minutes) read\b", "", rest).strip()
                if (
                    not rest
                    or rest == title_key
                    or rest in _CHROME_WORDS
                    or (rest.startswith(title_key) and len(rest) - len(title_key) < 30)
                ):
                    continue
            byline = _BYLINE.match(text)
            if byline and index < end + 2:
                meta.setdefault("author", byline[1].strip())
                continue
        out.append(block)
    return out


_ORDINAL = ("st", "nd", "rd", "th")
_FILE = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|csv|zip)$", re.I)


def _links_a_file(text: str) -> bool:
    """Whether ``text`` links a document file (the report itself, as a page offers it)."""
    return any(_FILE.search(urlsplit(url).path) for _, url in link_findall(text))


def _after_title(line_key: str, title_key: str) -> str | None:
    """What follows the title in a line that starts with it (compared as keys), or None. A pasted
    page loses superscripts ("15<sup>th</sup>" → "15") and the space before a date glued to the
    title ("PrioritiesApril 16, 2026"): a word of the line may lack the ordinal ending of the
    title's word, and the title's last word may run on into the next."""
    if line_key.startswith(title_key):
        return line_key[len(title_key) :]
    line_words, title_words = line_key.split(), title_key.split()
    if len(line_words) < len(title_words) or not title_words:
        return None
    for ours, theirs in zip(line_words, title_words[:-1], strict=False):
        if ours != theirs and not (theirs.startswith(ours) and theirs[len(ours) :] in _ORDINAL and ours.isdigit()):
            return None
    last = line_words[len(title_words) - 1]
    if not last.startswith(title_words[-1]):
        return None
    rest = [last[len(title_words[-1]) :], *line_words[len(title_words) :]]
    return " " + " ".join(word for word in rest if word)


def remove_debris(blocks: list[Block], title_key: str, meta: dict) -> list[Block]:
    end = _header_end(blocks)
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if block.kind == "rule":
            continue
        if block.kind in ("para", "heading"):
            block.text = _strip_leading_chrome_links(block.text)
            text = block.text
            if is_chrome_text(text):
                continue
            plain_key = key(text)
            if plain_key == title_key and not _links_a_file(text):
                continue  # a repeated title, wherever it stands (not the link to the document itself)
            after_title = _after_title(plain_key, title_key)
            if after_title is not None and index <= end and not _links_a_file(text):
                rest = after_title
                if len(rest) < 60 and (parse_date(plain_text(text)) or not rest.strip()):
                    date = parse_date(plain_text(text))
                    if date and re.search(r"\bupdated\b", rest):
                        meta.setdefault("stated_updated", date)
                    elif date:
                        meta.setdefault("stated_date", date)
                    continue
            if block.kind == "heading" and index < end and plain_text(text).isupper():
                continue  # section labels of the page header ("CRS PRODUCT (LIBRARY OF CONGRESS)")
            if FOOTER_START.match(plain_text(text)) and index > len(blocks) * 0.6:
                break  # a trailing disclaimer or footer, and everything after it
        if block.kind == "list":
            items = [(d, _strip_leading_chrome_links(t)) for d, t in block.items]
            items = [(d, t) for d, t in items if not is_chrome_text(t)]
            if not items:
                continue
            if all(_VERSION_ITEM.search(plain_text(t)) and parse_date(plain_text(t)) for _, t in items):
                continue  # a list of versions of the document
            block.items = items
        if block.kind == "table" and all(
            is_chrome_text(cell) for row in block.text.split("\n") for cell in row.split("|") if cell.strip()
        ):
            continue
        out.append(block)
    return out


def _anchor_only(text: str) -> bool:
    links = link_findall(text)
    return (
        bool(links)
        and not link_sub("", text).strip()
        and all(
            "#" in url and not urlsplit(url).path.strip("/") or url.startswith("#") or "#_Toc" in url
            for _, url in links
        )
    )


def remove_tables_of_contents(blocks: list[Block]) -> list[Block]:
    """A list of in-page anchor links, or lines repeating the headings that follow, is a TOC."""
    later_keys = {key(b.text) for b in blocks if b.kind in ("heading", "para") and len(b.text) < 120}
    out = []
    for block in blocks:
        if block.kind == "list":
            if all(_anchor_only(text) for _, text in block.items):
                if out and out[-1].kind == "heading" and len(words(out[-1].text)) <= 3:
                    out.pop()  # its "Contents" / "Figures" / "Tables" heading
                continue
            if len(block.items) >= 3 and sum(key(t) in later_keys for _, t in block.items) >= len(block.items) * 0.8:
                continue
        out.append(block)
    return out
