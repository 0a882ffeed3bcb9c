"""Ingest, read: read a file into a :class:`Draft`, whatever its format.

A draft is Markdown-ish text plus what the source states about itself: the foreign frontmatter
of a Markdown export, the metadata of an HTML page, or the row of a ``MANIFEST.tsv`` found in a
folder above the file (matched by relative path; used only as a fallback).

HTML pages: the article is found inside the page by trafilatura. Measured on the corpus's three
whole whitehouse.gov pages against the paragraphs of the page's own body field (see
``tests/ingest/README.md``): trafilatura kept every body paragraph (recall 1.00 on all three,
precision 0.92-0.99, the extra lines being the dateline), readability-lxml 0.9 lost one paragraph
of one page (0.989) and let navigation into another (precision 0.69); trafilatura is also already
a dependency. So trafilatura it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..yamlsafe import SEPARATOR_RE, YamlError, decode_text, load
from . import detect as formats

MAX_BYTES = 20 * 1024 * 1024


class SourceError(Exception):
    """A file that cannot be read or parsed; the message is the reason shown to the user."""


@dataclass
class Draft:
    path: Path
    format: str
    text: str  # Markdown (or plain text) of the page, chrome still in it
    title: str | None = None  # stated by the source's metadata
    meta: dict = field(default_factory=dict)  # date, updated, url, author, id, topics, license, name
    fallback: dict = field(default_factory=dict)  # the same keys, from a MANIFEST.tsv row


def read_source(path: Path) -> Draft:
    raw = read_limited(path)
    if not raw.strip():
        raise SourceError("the file is empty")
    try:
        text = decode_text(raw)
    except YamlError as exc:
        if "UTF-8" not in exc.message:
            # control characters: drop them rather than refuse a pasted page
            text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", raw.decode("utf-8", "replace"))
        else:
            try:
                text = raw.decode("cp1252").replace("\r\n", "\n")
            except UnicodeDecodeError:
                raise SourceError(f"line {exc.line}: {exc.message}") from None
    kind = formats.detect(text, path.suffix)
    if kind == formats.HTML:
        draft = _from_html(path, text)
    elif kind == formats.FRONTMATTER:
        draft = _from_frontmatter(path, text)
    else:
        draft = Draft(path, kind, text)
    draft.fallback = manifest_row(path)
    return draft


def read_limited(path: Path) -> bytes:
    """The file's bytes. A file larger than MAX_BYTES is refused from its size, before reading
    (and one that grows meanwhile is never read beyond MAX_BYTES + 1 bytes); a folder, a pipe
    or a device is refused without waiting on it."""
    too_large = SourceError(f"file larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise SourceError("is a folder") from None
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror}") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise SourceError("is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise SourceError("is not a regular file")
        if info.st_size > MAX_BYTES:
            raise too_large
        with open(descriptor, "rb", closefd=False) as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror}") from None
    finally:
        os.close(descriptor)
    if len(raw) > MAX_BYTES:
        raise too_large
    return raw


# --- Markdown with a frontmatter that is not ours -------------------------------------------

_URL_KEYS = ("source_url", "url", "canonical_url", "canonical", "link", "permalink", "original_url")
_DATE_KEYS = ("date", "published_time", "published", "pubdate", "date_published", "created")
# YAML 1.1's timestamp (a date, or a date and time with an optional zone), as PyYAML resolves it.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)|(\d{4})-(\d\d?)-(\d\d?)(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?"
    r"(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?"
)


def _from_frontmatter(path: Path, text: str) -> Draft:
    """The frontmatter is read like the archive's own (``yamlsafe``): every value a string,
    no anchors or aliases (a few hundred bytes of them expand into gigabytes), at most
    MAX_DEPTH levels of nesting, duplicate keys refused. A frontmatter it refuses fails the
    file with the reason and its line: ingesting the text without it would lose its date
    and source."""
    match = formats.FRONTMATTER_RE.match(text)
    # invisible line separators: YAML counts them as line breaks (lines would be off); a space
    front = SEPARATOR_RE.sub(" ", match[1])
    try:
        data = load(front, first_line=2).data
    except YamlError as exc:
        reason = exc.message.removeprefix("Invalid YAML: ")
        raise SourceError(f"invalid YAML frontmatter at line {exc.line}: {reason}") from None
    body = text[match.end() :]
    if not isinstance(data, dict):
        return Draft(path, formats.MARKDOWN, body)
    meta: dict = {}
    for key in _DATE_KEYS:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        day = _timestamp_date(value.strip())
        if day is not None:
            meta["date"] = day
        else:
            meta["date_text"] = value.strip()
        break
    modified = data.get("modified_time") or data.get("updated") or data.get("lastmod")
    if modified is not None:
        meta["updated_text"] = str(modified)
    for key in _URL_KEYS:
        if isinstance(data.get(key), str) and data[key].startswith(("http://", "https://")):
            meta["url"] = data[key].strip()
            break
    author = data.get("author") or data.get("authors")
    if isinstance(author, list):
        author = "; ".join(str(a) for a in author if a)
    if isinstance(author, str) and author.strip():
        meta["author"] = author.strip()
    if isinstance(data.get("license"), str):
        meta["license"] = data["license"].strip()
    tags = data.get("tags") or data.get("topics") or data.get("categories")
    if isinstance(tags, str):
        tags = [tags]
    if isinstance(tags, list):
        meta["topics"] = [str(t) for t in tags if t]
    title = data.get("title")
    return Draft(path, formats.FRONTMATTER, body, str(title).strip() if title else None, meta)


def _timestamp_date(text: str) -> dt.date | None:
    """The day of a YAML timestamp (which a typed YAML loader reads as a date), else None."""
    stamp = _TIMESTAMP.fullmatch(text)
    if stamp is None:
        return None
    try:
        return dt.date(*(int(part) for part in stamp.group(*((1, 2, 3) if stamp[1] else (4, 5, 6)))))
    except ValueError:
        return None


# --- HTML pages ------------------------------------------------------------------------------

_SITE_SUFFIX = re.compile(r"\.(gov|com|org|net)")
_NOT_SITE_NAME = re.compile(r"[^\w .]")
# Where a page states its publication date: meta tags (Open Graph, Dublin Core, schema.org),
# first found wins. Never a link's address: a date in a URL is the date of what it links to.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "sailthru.date",
)
_TITLE_META = ("og:title", "twitter:title", "dc.title", "headline")


def _without_site_name(title: str) -> str:
    r"""``re.sub(r"\s*[|–—]\s*[\w .]+\.(gov|com|org|net)\s*$", "", title).strip()``: a site name
    after the last separator dropped. Checked by hand: that pattern split every run of spaces
    between \s* and [\w .]+ in every way (quadratic in a title of spaces)."""
    separator = max(title.rfind("|"), title.rfind("–"), title.rfind("—"))
    if separator < 0:
        return title.strip()
    rest = title[separator + 1 :].rstrip()
    site = rest[:-4]  # \s*[\w .]+ before the ".gov": spaces, then at least one name character
    others = [found.start() for found in _NOT_SITE_NAME.finditer(site)]
    if (
        _SITE_SUFFIX.fullmatch(rest, len(rest) - 4)
        and site
        and (not others or (site[: others[-1] + 1].isspace() and others[-1] + 1 < len(site)))
    ):
        return title[:separator].strip()
    return title.strip()


def _from_html(path: Path, html: str) -> Draft:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    body = trafilatura.extract(
        html,
        output_format="markdown",
        include_links=True,
        include_formatting=True,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
    )
    if not body or not body.strip():
        raise SourceError("HTML page: no article text found in it")
    metadata = trafilatura.extract_metadata(html)
    page = page_metadata(html)
    meta: dict = {}
    if page.date:
        meta["date_text"] = page.date
    extracted_title = None
    if metadata is not None:
        extracted_title = metadata.title
        if metadata.url and metadata.url.startswith(("http://", "https://")):
            meta["url"] = metadata.url
        if metadata.author:
            meta["author"] = metadata.author
        if metadata.sitename:
            meta["site"] = metadata.sitename
        if metadata.license:
            meta["license"] = metadata.license
    if "url" not in meta and page.url:
        meta["url"] = page.url
    title = choose_title([extracted_title, *page.titles], page.headings)
    return Draft(path, formats.HTML, body, _without_site_name(title) if title else None, meta)


@dataclass
class PageMetadata:
    """What an HTML page states about itself, read with a parser (entities decoded)."""

    titles: list[str] = field(default_factory=list)  # meta tags, then <title>
    headings: list[str] = field(default_factory=list)  # the texts of its <h1> elements
    date: str | None = None
    url: str | None = None


def page_metadata(html: str) -> PageMetadata:
    """Titles, <h1> texts, the publication date (meta tags, else the first <time datetime>) and
    the canonical address of a page."""
    import lxml.html

    # What is read lies in the head and the first <h1>: only that much of the page is parsed
    # (the extractor parses all of it anyway; a second whole parse doubled the time of a large page).
    h1_end = html.find("</h1>")
    head_end = html.find("</head>")
    cut = h1_end + 5 if h1_end >= 0 else head_end + 7 if head_end >= 0 else 20_000
    try:
        root = lxml.html.document_fromstring(html[:cut].encode("utf-8"))
    except (ValueError, lxml.etree.ParserError):
        return PageMetadata()
    tags: dict[str, str] = {}
    for element in root.iter("meta"):
        name = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if name and content and content.strip():
            tags.setdefault(name.strip().lower(), " ".join(content.split()))
    out = PageMetadata()
    out.titles = [tags[name] for name in _TITLE_META if name in tags]
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        out.titles.append(" ".join(title.text_content().split()))
    out.headings = [" ".join(h1.text_content().split()) for h1 in root.iter("h1") if h1.text_content().strip()]
    out.date = next((tags[name] for name in _DATE_META if name in tags), None)
    if out.date is None:
        found = next((t.get("datetime") for t in root.iter("time") if (t.get("datetime") or "").strip()), None)
        out.date = found.strip() if found else None
    canonical = next((link.get("href") for link in root.iter("link") if link.get("rel") == "canonical"), None)
    url = tags.get("og:url") or canonical
    out.url = url if url and url.startswith(("http://", "https://")) else None
    return out


def choose_title(candidates: list[str | None], headings: list[str]) -> str | None:
    """The title candidate (the extractor's, then the meta tags', then <title>) that agrees with
    one of the page's <h1>: equal once case, quotes and punctuation are ignored, or one holding
    the other (a site name added). With no agreement, the first candidate."""
    from .text import key

    titles = [" ".join(c.split()) for c in candidates if c and c.strip()]
    heading_keys = [key(h) for h in headings if key(h)]
    for title in titles:
        title_key = key(_without_site_name(title))
        if title_key and any(title_key == h or title_key in h or h in title_key for h in heading_keys):
            return title
    return titles[0] if titles else None


# --- MANIFEST.tsv fallback --------------------------------------------------------------------


def manifest_row(path: Path) -> dict:
    """The row of the nearest MANIFEST.tsv above ``path`` that names it (relative path), if any."""
    path = path.resolve()
    for folder in list(path.parents)[:6]:
        rows = _manifest(folder / "MANIFEST.tsv")
        if rows:
            row = rows.get(path.relative_to(folder).as_posix())
            if row:
                out = {"url": row.get("source"), "license": row.get("license"), "title": row.get("title")}
                out["date_text"] = row.get("date")
                return {k: v.strip() for k, v in out.items() if v and v.strip()}
    return {}


@lru_cache(maxsize=16)
def _manifest(path: Path) -> dict[str, dict]:
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return {row["file"]: row for row in csv.DictReader(stream, delimiter="\t") if row.get("file")}
    except (OSError, KeyError, csv.Error, UnicodeDecodeError):
        return {}
