"""Stage 2: read a file into a :class:`Draft`, whatever its format.

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
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..yamlsafe import YamlError, decode_text
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
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise SourceError("is a folder") from None
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise SourceError(f"file larger than {MAX_BYTES // (1024 * 1024)} MB")
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


# --- Markdown with a frontmatter that is not ours -------------------------------------------

_URL_KEYS = ("source_url", "url", "canonical_url", "canonical", "link", "permalink", "original_url")
_DATE_KEYS = ("date", "published_time", "published", "pubdate", "date_published", "created")


def _from_frontmatter(path: Path, text: str) -> Draft:
    match = formats._FRONTMATTER.match(text)
    try:
        data = yaml.safe_load(match[1])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise SourceError(f"invalid YAML frontmatter{where}: {getattr(exc, 'problem', None) or exc}") from None
    body = text[match.end() :]
    if not isinstance(data, dict):
        return Draft(path, formats.MARKDOWN, body)
    meta: dict = {}
    for key in _DATE_KEYS:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            meta["date"] = value.date()
        elif isinstance(value, dt.date):
            meta["date"] = value
        elif isinstance(value, str) and value.strip():
            meta["date_text"] = value.strip()
        else:
            continue
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


# --- HTML pages ------------------------------------------------------------------------------

_TIME = re.compile(r"<time[^>]*\bdatetime=[\"']([^\"']+)[\"']", re.I)
_META = re.compile(r"<meta\s+[^>]*>", re.I)


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
    meta: dict = {}
    title = None
    page_meta = _meta_tags(html)
    published = page_meta.get("article:published_time") or page_meta.get("date") or page_meta.get("pubdate")
    if published:
        meta["date_text"] = published
    else:
        found = _TIME.search(html)
        if found:
            meta["date_text"] = found[1]
        elif metadata is not None and metadata.date:
            meta["date_text"] = metadata.date
    if metadata is not None:
        title = metadata.title
        if metadata.url and metadata.url.startswith(("http://", "https://")):
            meta["url"] = metadata.url
        if metadata.author:
            meta["author"] = metadata.author
        if metadata.sitename:
            meta["site"] = metadata.sitename
        if metadata.license:
            meta["license"] = metadata.license
    title = page_meta.get("og:title") or title
    if title:
        title = re.sub(r"\s*[|–—]\s*[\w .]+\.(gov|com|org|net)\s*$", "", title).strip()
    return Draft(path, formats.HTML, body, title, meta)


def _meta_tags(html: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in _META.findall(html[:200_000]):
        name = re.search(r"\b(?:property|name|itemprop)=[\"']([^\"']+)[\"']", tag, re.I)
        content = re.search(r"\bcontent=[\"']([^\"']*)[\"']", tag, re.I)
        if name and content:
            out.setdefault(name[1].lower(), content[1].strip())
    return out


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
