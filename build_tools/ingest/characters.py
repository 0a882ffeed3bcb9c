"""Normalization rule 1, characters: non-breaking and zero-width spaces, stray ``<span>``,
``<figure>`` and ``<br>``, raw HTML left in Markdown (links, quotes and tables kept), pandoc's
escaped end marks (``\\###``) and empty comments, script code pasted with a page."""

from __future__ import annotations

import re

from ..schema import INVISIBLE
from .linear import closed_end, remove_lines, sub_closed, sub_each

_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u3000": " ", "\t": "    "}
# What the schema refuses in a title or a name (bidi controls, zero-width characters), and soft
# hyphens: invisible in pasted web text, so dropped rather than failing the article.
_INVISIBLE = re.compile("[" + "".join(INVISIBLE) + "\u00ad]")
_TAGS_DROPPED = re.compile(r"</?(span|figure|figcaption|font|div|section|picture|source|img|u|o:p)\b[^>]*>", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# pandoc's escaped "###" end of a release, on a line of its own: ^\s*\\?(#\s*){3}\s*$ (re.M)
_END_MARK = re.compile(r"\\?#\s*+#\s*+#")
_CODE_LINE = re.compile(
    r"^\s*+(//|/\*|\*/|\$\(|var\s|let\s|const\s|function\b|if\s*\(|else\b|return\b|[{}\[\]()]+[;,]?\s*$"
    r"|[\w.$\[\]\"']+\s*[:=]\s*+.*[,;{(\[]\s*$|.*\)\s*;\s*$|.*\{\s*$)"
)


def _end_mark(text: str, pos: int) -> tuple[int, int] | None:
    found = _END_MARK.search(text, pos)
    return found.span() if found else None


# An end mark as pandoc escapes it, or in bold: "\\# \\# \\#", "**\\###**", "\\#\\#\\#" on a line of its own.
_END_MARK_LINE = re.compile(r"(?:[ \t*\\]*+#){3}[ \t*\\#]*+")


def drop_end_marks(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not _END_MARK_LINE.fullmatch(line))


# A correction struck through (<s>, <strike>, <del>): kept readable as ~~struck~~ (pymdownx.tilde).
_STRUCK_START = re.compile(r"<(?:s|strike|del)\b", re.I)
_STRUCK = re.compile(r"<(s|strike|del)\b[^>]*+>(.*?)</\1\s*>", re.I | re.S)
_STRUCK_END = re.compile(r"</(?:s|strike|del)\s*>", re.I)


def _struck(match: re.Match) -> str:
    inner = " ".join(match[2].split())
    return f"~~{inner}~~" if inner else ""


_DROPPED_ELEMENT = re.compile(r"<(script|style|iframe|video|audio|noscript|svg)\b", re.I)
_DROP_ELEMENTS = re.compile(r"<(script|style|iframe|video|audio|noscript|svg)\b.*?</\1\s*>", re.I | re.S)
_ANCHOR_START = re.compile(r"<a\b", re.I)
_ANCHOR = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a\s*>", re.I | re.S)
_ANCHOR_END = re.compile(r"</a\s*>", re.I)
_DOWNLOAD = re.compile(r"\sdownload\b", re.I)
_BLOCKQUOTE_START = re.compile(r"<blockquote\b", re.I)
_BLOCKQUOTE = re.compile(r"<blockquote\b[^>]*>(.*?)</blockquote\s*>", re.I | re.S)
_BLOCKQUOTE_END = re.compile(r"</blockquote\s*>", re.I)
_BLOCK_TAGS = re.compile(r"</?(p|blockquote|ul|ol|li|h[1-6]|table|tr|td|th|tbody|thead)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]+>")
_LINE_TAG = re.compile(r"</?(p|ul|ol|table|tbody|thead|tr)\b", re.I)  # [^>]*> ends it


def _drop_elements(text: str, removed: list[tuple[str, str]] | None = None) -> str:
    """Scripts, styles, frames, media and drawings removed with what they hold: the matches of
    _DROP_ELEMENTS, each start tried once; an element never closed after one start is never
    closed after a later one either, so it is not searched for again."""
    pieces, last, unclosed = [], 0, set()
    for start in _DROPPED_ELEMENT.finditer(text):
        name = start[1].lower()
        if start.start() < last or name in unclosed:
            continue
        found = _DROP_ELEMENTS.match(text, start.start())
        if found is None:
            unclosed.add(name)
            continue
        pieces.append(text[last : start.start()])
        if removed is not None:
            removed.append(("html-markup", found[0]))
        last = found.end()
    return "".join(pieces) + text[last:] if pieces else text


def _line_tag(text: str, pos: int) -> tuple[int, int] | None:
    found = _LINE_TAG.search(text, pos)
    if found is None:
        return None
    end = text.find(">", found.end())
    return (found.start(), end + 1) if end >= 0 else None


def _untagged(text: str, space: str = "") -> str:
    return sub_closed(_ANY_TAG, space, text, ">")


def html_fragments(text: str, removed: list[tuple[str, str]] | None = None) -> str:
    """Raw HTML left inside Markdown (embedded posts, boxes) → Markdown text, links kept."""
    if "<" not in text:
        return text
    text = _drop_elements(text, removed)

    def anchor(match: re.Match) -> str:
        label = " ".join(_untagged(match[2]).split())
        if _DOWNLOAD.search(match[0], 0, match[0].find(">") + 1):  # a "Download" button beside a file's link
            if removed is not None:
                removed.append(("page-furniture", label))
            return " "
        return f"[{label}]({match[1]})"

    text = sub_each(_ANCHOR, anchor, text, _ANCHOR_START, _ANCHOR_END)

    def quote(match: re.Match) -> str:
        inner = sub_closed(_BLOCK_TAGS, "\n\n", _BR.sub("\n", match[1]), ">")
        inner = sub_closed(_TAGS_DROPPED, "", inner, ">")
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", inner) if p.strip()]
        return "\n\n" + "\n>\n".join(f"> {p}" for p in paragraphs) + "\n\n"

    text = sub_each(_BLOCKQUOTE, quote, text, _BLOCKQUOTE_START, _BLOCKQUOTE_END)
    text = sub_closed(_HTML_TABLE, _table_to_markdown, text, _HTML_TABLE_END)
    text = sub_closed(_LEFTOVER_TAGS, "", text, ">")
    return remove_lines(text, _line_tag)  # ^\s*</?(p|ul|ol|table|tbody|thead|tr)\b[^>]*>\s*$


_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_HTML_TABLE_END = re.compile(r"</table\s*>", re.I)
_LEFTOVER_TAGS = re.compile(
    r"</?(table|thead|tbody|tfoot|tr|td|th|col|colgroup|caption|p|blockquote|ul|ol|li|h[1-6]|section|article|"
    r"header|footer|nav|aside|em|strong|i|b|sup|sub|small|center|a|dl|dt|dd|hr|label|button|form|input)\b[^>]*>",
    re.I,
)
_ROW = re.compile(r"<tr\b.*?</tr\s*>", re.I | re.S)
_ROW_END = re.compile(r"</tr\s*>", re.I)
_CELL_START = re.compile(r"<t[dh]\b", re.I)
_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]\s*>", re.I | re.S)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)


def _findall_each(pattern: re.Pattern, text: str, starts: re.Pattern, closing: re.Pattern) -> list[str]:
    """``pattern.findall(text)`` (one group) with the starts of ``sub_each``."""
    found: list[str] = []
    sub_each(pattern, lambda m: found.append(m[1]) or "", text, starts, closing)
    return found


def _table_to_markdown(match: re.Match) -> str:
    rows = []
    cut = closed_end(match[0], _ROW_END)
    for row in _ROW.findall(match[0][:cut]):
        cells = _findall_each(_CELL, row, _CELL_START, _CELL_END)
        cells = [" ".join(_untagged(c, " ").split()).replace("|", "\\|") for c in cells]
        if any(cells):
            rows.append(cells)
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    if width == 1:
        return "\n\n" + "\n\n".join(r[0] for r in rows if r[0]) + "\n\n"
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width] + [
        "| " + " | ".join(r) + " |" for r in rows[1:]
    ]
    return "\n\n" + "\n".join(lines) + "\n\n"


def clean_characters(text: str, removed: list[tuple[str, str]] | None = None) -> str:
    """The text with its characters and leftovers cleaned; what goes with text in it (scripts,
    styles, comments, script code) is appended to ``removed`` as (rule, text)."""
    for char, replacement in _SPACES.items():
        text = text.replace(char, replacement)
    text = _INVISIBLE.sub("", text)
    if removed is not None:
        for found in _COMMENT.findall(text[: closed_end(text, "-->")]):
            if found[4:-3].strip():
                removed.append(("html-markup", found))
    text = sub_closed(_COMMENT, "", text, "-->")
    text = sub_each(_STRUCK, _struck, text, _STRUCK_START, _STRUCK_END)
    text = html_fragments(text, removed)
    text = _BR.sub("\n", text)
    text = sub_closed(_TAGS_DROPPED, "", text, ">")
    text = drop_end_marks(remove_lines(text, _end_mark))
    text = re.sub(r"\*{4,}", " ", text)  # empty strong emphasis between words
    text = _GLUED_UNDERSCORES.sub(_unglue, text)  # "defi__has": a space lost in pandoc (not inside an address)
    return drop_code(text, removed)


# A link target or an address (kept as it is), or a word glued to the next by "__".
# (The target is skipped up to its first ")" or space without requiring the ")": a pattern that
# required it would search again from every "](" of a line of them.)
_GLUED_UNDERSCORES = re.compile(r"(\]\([^)\s]*+|\bhttps?://\S++)|(?<![_\w])([^\W_]+)__(?=[^\W_])")


def _unglue(match: re.Match) -> str:
    return match[1] or f"{match[2]} "


def drop_code(text: str, removed: list[tuple[str, str]] | None = None) -> str:
    """Remove runs of at least three script-like lines (JavaScript pasted along with a page)."""
    lines = text.split("\n")
    code = [
        bool(line.strip()) and bool(_CODE_LINE.match(line)) and not line.lstrip().startswith(("|", "- ", "* "))
        for line in lines
    ]
    keep = [True] * len(lines)
    index = 0
    while index < len(lines):
        if not code[index]:
            index += 1
            continue
        end, count = index, 0
        while end < len(lines) and (code[end] or not lines[end].strip()):
            count += code[end]
            end += 1
        if count >= 3:
            for position in range(index, end):
                keep[position] = False
            if removed is not None:
                removed.append(("script-code", "\n".join(lines[index:end]).strip()))
        index = end
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)
