"""Stage 3: the normalization rules, written for any source rather than keyed to one.

``normalize(draft)`` returns the title (found once), the date, a summary, the source credit
and the Markdown body. The rules, in the order they run:

1. characters: non-breaking and zero-width spaces, stray ``<span>``/``<figure>``/``<br>``,
   pandoc's escaped end marks (``\\###``) and empty comments, script code pasted with a page;
2. blocks: lines are grouped into paragraphs, lists, headings and tables (pasted text keeps a
   paragraph per line; Markdown paragraphs are unwrapped);
3. metadata: "Label: value" lines and table rows at the top of the page (publication date,
   author, product number, topics, source) and datelines such as "Post on May 19, 2025",
   "Updated April 10, 2026", "Published 17 Jul 2023" are read and removed;
4. debris: repeated titles wherever they stand, "x min read", "Article with TOC", tables of
   contents, share/subscribe/citation/feedback links, breadcrumbs, "Advertisement", "Read
   More", "close", "Listen", PDF downloads and version lists, bylines (kept as the author),
   headings of the page header, a trailing disclaimer or footer;
5. sections: a short bare line without end punctuation followed by body text becomes ``##``; a
   short "Something:" line introducing a paragraph or list becomes ``###``; bullets become a
   Markdown list with a leading "Term:" in bold;
6. summary: a dek ending in " - " at the start of the first paragraph is split off; otherwise
   the lead sentence(s) of the first paragraph, at most 300 characters.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from ..schema import SUMMARY_MAX, TITLE_MAX
from . import detect as formats
from .sources import Draft, SourceError

# --- linear time ---------------------------------------------------------------------------
#
# Every pattern here sees pasted text, so each must run in time linear in it (tested on 100 kB
# lines of every character Markdown and HTML care about: tests/hostile/test_linear_time.py).
# Patterns cannot give back what they need not (possessive *+ ++, or one way only to match the
# same characters), and two more rules keep the regex engine from searching the same text again
# from every start: a pattern whose match ends with a closing (">", "-->", "</a>") only runs on
# the text up to the last closing, since from a start after it the search would run to the end;
# and where a start that fails makes every start before the end of its tag fail the same way,
# the starts are tried one by one and those are skipped (``_sub_each``).


def _closed_end(text: str, closing: str | re.Pattern) -> int:
    """The end of the last ``closing`` in ``text``, 0 if there is none."""
    if isinstance(closing, str):
        found = text.rfind(closing)
        return found + len(closing) if found >= 0 else 0
    end = 0
    for found in closing.finditer(text):
        end = found.end()
    return end


def _sub_closed(pattern: re.Pattern, repl, text: str, closing: str | re.Pattern) -> str:
    """``pattern.sub(repl, text)`` for a pattern each match of which ends with a ``closing``."""
    cut = _closed_end(text, closing)
    return pattern.sub(repl, text[:cut]) + text[cut:] if cut else text


def _sub_each(pattern: re.Pattern, repl, text: str, starts: re.Pattern, closing: str | re.Pattern) -> str:
    """``pattern.sub(repl, text)`` for a tag pattern: each match ends with a ``closing``, starts
    with a ``starts`` match, and when it fails from one start it fails from every start up to
    the next ">" (they all end their opening tag there and go on the same way)."""
    cut = _closed_end(text, closing)
    pieces, last, skip = [], 0, 0
    for start in starts.finditer(text, 0, cut):
        at = start.start()
        if at < last or at < skip:
            continue
        found = pattern.match(text, at, cut)
        if found is None:
            tag_end = text.find(">", at, cut)
            skip = tag_end if tag_end >= 0 else cut
            continue
        pieces += [text[last:at], repl(found) if callable(repl) else repl]
        last = found.end()
    return "".join(pieces) + text[last:] if pieces else text


def _remove_lines(text: str, find_core) -> str:
    r"""``re.sub(r"^\s*CORE\s*$", "", text, flags=re.M)`` where ``find_core(text, pos)`` gives
    the (start, end) of the first CORE at or after pos (CORE matching one way only), or None.
    The regex engine would scan the same blank lines again from each of their starts."""
    pieces, last, pos, size = [], 0, 0, len(text)
    while (core := find_core(text, pos)) is not None:
        begin, end = core
        lead = begin  # ^\s*: the first line start in the whitespace before the core
        while lead > last and text[lead - 1].isspace():
            lead -= 1
        if lead == 0 or text[lead - 1] == "\n":
            start = lead
        else:
            newline = text.find("\n", lead, begin)
            start = newline + 1 if newline >= 0 else -1
        tail = _SPACE_RUN.match(text, end).end()  # \s*$: the last line end in the whitespace after
        stop = size if tail == size else text.rfind("\n", end, tail)
        if start < 0 or stop < 0:
            pos = begin + 1
            continue
        pieces.append(text[last:start])
        last = pos = stop
    return "".join(pieces) + text[last:] if pieces else text


_SPACE_RUN = re.compile(r"\s*+")


# --- characters ------------------------------------------------------------------------------

_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u3000": " ", "\t": "    "}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
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


_DROPPED_ELEMENT = re.compile(r"<(script|style|iframe|video|audio|noscript|svg)\b", re.I)
_DROP_ELEMENTS = re.compile(r"<(script|style|iframe|video|audio|noscript|svg)\b.*?</\1\s*>", re.I | re.S)
_ANCHOR_START = re.compile(r"<a\b", re.I)
_ANCHOR = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a\s*>", re.I | re.S)
_ANCHOR_END = re.compile(r"</a\s*>", re.I)
_BLOCKQUOTE_START = re.compile(r"<blockquote\b", re.I)
_BLOCKQUOTE = re.compile(r"<blockquote\b[^>]*>(.*?)</blockquote\s*>", re.I | re.S)
_BLOCKQUOTE_END = re.compile(r"</blockquote\s*>", re.I)
_BLOCK_TAGS = re.compile(r"</?(p|blockquote|ul|ol|li|h[1-6]|table|tr|td|th|tbody|thead)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]+>")
_LINE_TAG = re.compile(r"</?(p|ul|ol|table|tbody|thead|tr)\b", re.I)  # [^>]*> ends it


def _drop_elements(text: str) -> str:
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
        last = found.end()
    return "".join(pieces) + text[last:] if pieces else text


def _line_tag(text: str, pos: int) -> tuple[int, int] | None:
    found = _LINE_TAG.search(text, pos)
    if found is None:
        return None
    end = text.find(">", found.end())
    return (found.start(), end + 1) if end >= 0 else None


def _untagged(text: str, space: str = "") -> str:
    return _sub_closed(_ANY_TAG, space, text, ">")


def html_fragments(text: str) -> str:
    """Raw HTML left inside Markdown (embedded posts, boxes) → Markdown text, links kept."""
    if "<" not in text:
        return text
    text = _drop_elements(text)
    text = _sub_each(
        _ANCHOR, lambda m: f"[{' '.join(_untagged(m[2]).split())}]({m[1]})", text, _ANCHOR_START, _ANCHOR_END
    )

    def quote(match: re.Match) -> str:
        inner = _sub_closed(_BLOCK_TAGS, "\n\n", _BR.sub("\n", match[1]), ">")
        inner = _sub_closed(_TAGS_DROPPED, "", inner, ">")
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", inner) if p.strip()]
        return "\n\n" + "\n>\n".join(f"> {p}" for p in paragraphs) + "\n\n"

    text = _sub_each(_BLOCKQUOTE, quote, text, _BLOCKQUOTE_START, _BLOCKQUOTE_END)
    text = _sub_closed(_HTML_TABLE, _table_to_markdown, text, _HTML_TABLE_END)
    text = _sub_closed(_LEFTOVER_TAGS, "", text, ">")
    return _remove_lines(text, _line_tag)  # ^\s*</?(p|ul|ol|table|tbody|thead|tr)\b[^>]*>\s*$


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
    """``pattern.findall(text)`` (one group) with the starts of ``_sub_each``."""
    found: list[str] = []
    _sub_each(pattern, lambda m: found.append(m[1]) or "", text, starts, closing)
    return found


def _table_to_markdown(match: re.Match) -> str:
    rows = []
    cut = _closed_end(match[0], _ROW_END)
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


def clean_characters(text: str) -> str:
    for char, replacement in _SPACES.items():
        text = text.replace(char, replacement)
    text = _INVISIBLE.sub("", text)
    text = _sub_closed(_COMMENT, "", text, "-->")
    text = html_fragments(text)
    text = _BR.sub("\n", text)
    text = _sub_closed(_TAGS_DROPPED, "", text, ">")
    text = _remove_lines(text, _end_mark)
    text = re.sub(r"\*{4,}", " ", text)  # empty strong emphasis between words
    text = re.sub(r"(?<![_\w])([^\W_]+)__(?=[^\W_])", r"\1 ", text)  # "defi__has": a space lost in pandoc
    return drop_code(text)


def drop_code(text: str) -> str:
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
        index = end
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


# --- blocks ----------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # para, list, heading, table, rule, code
    text: str = ""
    level: int = 0
    items: list[tuple[int, str]] = field(default_factory=list)  # list items: (depth, text)
    ordered: bool = False

    def plain(self) -> str:
        if self.kind == "list":
            return "\n".join(plain_text(text) for _, text in self.items)
        return plain_text(self.text)


_BULLET = re.compile(r"^(\s*)([•●▪◦‣∙·○■□➢►✓✔-]|\*|\+|\d{1,3}[.)])\s+(\S.*)$")


def _heading(line: str) -> tuple[str, str] | None:
    r"""(hashes, text) of an ATX heading line, as ^(#{1,6})\s+(.*?)\s*#*\s*$ reads it: the
    closing hashes and spaces stripped from the end (the lazy pattern retried its tail after
    every character: quadratic in a line of spaces)."""
    hashes = len(line) - len(line.lstrip("#"))
    if not 1 <= hashes <= 6 or hashes == len(line) or not line[hashes].isspace():
        return None
    return line[:hashes], line[hashes:].lstrip().rstrip().rstrip("#").rstrip()


_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_LABEL_LINE = re.compile(r"^\s*\*\*[^*\n]{1,60}:\s*\*\*")


def to_blocks(text: str, markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    fence: list[str] | None = None
    previous_blank = after_blank = False

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(part.strip() for part in para)))
            para.clear()

    for raw in text.split("\n"):
        if fence is not None:
            fence.append(raw)
            if raw.strip().startswith("```"):
                blocks.append(Block("code", "\n".join(fence)))
                fence = None
            continue
        line = raw.rstrip()
        hard_break = raw.endswith("  ") and markdown
        stripped = line.strip()
        after_blank, previous_blank = previous_blank, not stripped
        if not stripped:
            flush()
            continue
        if markdown and stripped.startswith("```"):
            flush()
            fence = [line]
            continue
        if _RULE.match(stripped) and not (para and stripped[0] in "-=" and markdown):
            flush()
            blocks.append(Block("rule"))
            continue
        if _RULE.match(stripped) and para and markdown:  # setext heading
            text_ = " ".join(para)
            para.clear()
            blocks.append(Block("heading", text_, 1 if stripped[0] == "=" else 2))
            continue
        heading = _heading(stripped) if markdown or stripped.startswith("#") else None
        if heading and (markdown or len(stripped) < 150):
            flush()
            blocks.append(Block("heading", heading[1], len(heading[0])))
            continue
        if _FOOTER_START.match(stripped):  # a footer label glued under the last paragraph
            flush()
            blocks.append(Block("para", stripped))
            continue
        if markdown and stripped.startswith(">") and not para:
            body = stripped[1:].strip()
            if blocks and blocks[-1].kind == "quote":
                blocks[-1].text += "\n" + (f"> {body}" if body else ">")
            else:
                blocks.append(Block("quote", f"> {body}"))
            continue
        if stripped.startswith("|"):
            if blocks and blocks[-1].kind == "table" and not para:
                blocks[-1].text += "\n" + stripped
            else:
                flush()
                blocks.append(Block("table", stripped))
            continue
        bullet = _BULLET.match(line)
        in_list = blocks and blocks[-1].kind == "list" and not para
        if bullet and not (markdown and bullet[2] in "•●▪" and False):
            flush()
            indent = len(bullet[1].replace("\t", "    "))
            item = bullet[3].strip()
            if in_list:
                blocks[-1].items.append((indent, item))
            else:
                blocks.append(Block("list", items=[(indent, item)], ordered=bullet[2][0].isdigit()))
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if in_list and markdown and indent and (not after_blank or 2 <= indent <= 12):  # a wrapped list item
            depth, item = blocks[-1].items[-1]
            blocks[-1].items[-1] = (depth, f"{item} {stripped}")
            continue
        if markdown and _LABEL_LINE.match(stripped):
            flush()
        para.append(stripped)
        if not markdown or hard_break:
            flush()
    flush()
    if fence:
        blocks.append(Block("code", "\n".join(fence)))
    for block in blocks:
        if block.kind == "list":
            block.items = _depths(block.items)
        if block.kind == "table" and "\n" not in block.text and block.text.strip("| ").count("|") == 0:
            block.kind, block.text = "para", block.text.strip("| ")  # a one-cell box: its title line
    return blocks


def _depths(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Turn indents into nesting depths 0, 1, 2 ... (a deeper indent than the previous = one deeper)."""
    stack: list[int] = []
    out = []
    for indent, text in items:
        while stack and indent < stack[-1]:
            stack.pop()
        if not stack or indent > stack[-1]:
            if stack and len(stack) >= 3:
                indent = stack[-1]
            else:
                stack.append(indent)
        out.append((len(stack) - 1, text))
    base = min((d for d, _ in out), default=0)
    return [(d - base, t) for d, t in out]


# --- text helpers ----------------------------------------------------------------------------

# A link or image: !?\[((?:\\.|[^\]\\])*)\]\(([^)\s]*(?:\([^)\s]*\))?[^)\s]*)(?:\s+"[^"]*")?\)
# (the optional "(...)" inside the target never changes a match: the target always ends at the
# first ")" or space). Found by ``_links`` below, in time linear in the text.
_LINK_TEXT = re.compile(r"(?:\\.|[^\]\\])*+")
_TARGET_STOP = re.compile(r"[)\s]")


class _Link:
    """One link as re.Match shows it: [0] all of it, [1] its text, [2] its target."""

    __slots__ = ("_groups", "_span")

    def __init__(self, text: str, span: tuple[int, int], label: tuple[int, int], target: tuple[int, int]):
        self._span = span
        self._groups = (text[span[0] : span[1]], text[label[0] : label[1]], text[target[0] : target[1]])

    def __getitem__(self, group: int) -> str:
        return self._groups[group]

    def start(self) -> int:
        return self._span[0]

    def end(self) -> int:
        return self._span[1]


def _links(text: str, only: int | None = None):
    """The links of ``text`` left to right, as ``_LINK.finditer`` would give them; with ``only``,
    just the one starting there (or None). A start that fails makes every "[" before the end of
    its link text fail the same way (they read the same text from there on), so those are
    skipped; the end of a target and of a title are looked up, not searched for again."""
    size = len(text)
    stops: list[int] | None = None
    space_ends: dict[int, int] = {}
    quote_ends: dict[int, int] = {}
    if only is not None:
        start = only + 1 if text.startswith("![", only) else only
        if not text.startswith("[", start):
            return
    elif "](" in text:
        start = text.find("[")
    else:
        return
    pos = skip = 0
    while start >= 0:
        if start >= skip:
            label_end = _LINK_TEXT.match(text, start + 1).end()
            end = -1
            if text.startswith("](", label_end):
                target = label_end + 2
                if only is not None:  # one link: its target read once
                    found = _TARGET_STOP.search(text, target)
                    stop = found.start() if found else size
                else:
                    if stops is None:
                        stops = [found.start() for found in _TARGET_STOP.finditer(text)]
                    index = bisect.bisect_left(stops, target)
                    stop = stops[index] if index < len(stops) else size
                if stop < size and text[stop] == ")":
                    end = stop + 1
                elif stop < size:  # \s+"title"\)
                    if stop not in space_ends:
                        space_ends[stop] = _SPACE_RUN.match(text, stop).end()
                    quote = space_ends[stop]
                    if quote < size and text[quote] == '"':
                        if quote not in quote_ends:
                            quote_ends[quote] = text.find('"', quote + 1)
                        close = quote_ends[quote]
                        if close >= 0 and text.startswith(")", close + 1):
                            end = close + 2
            if end >= 0:
                if only is not None:
                    begin = only
                else:
                    begin = start - 1 if start - 1 >= pos and text[start - 1] == "!" else start
                yield _Link(text, (begin, end), (start + 1, label_end), (label_end + 2, stop))
                if only is not None:
                    return
                pos = end
                start = text.find("[", end)
                continue
            skip = label_end
        if only is not None:
            return
        start = text.find("[", start + 1)


@lru_cache(maxsize=64)  # the rules look at the links of one block again and again
def _all_links(text: str) -> tuple[_Link, ...]:
    return tuple(_links(text))


def _link_sub(repl, text: str) -> str:
    """``_LINK.sub(repl, text)``; ``repl`` a function of the link or a string."""
    pieces, last = [], 0
    for link in _all_links(text):
        pieces += [text[last : link.start()], repl(link) if callable(repl) else repl]
        last = link.end()
    return "".join(pieces) + text[last:] if pieces else text


def _link_findall(text: str) -> list[tuple[str, str]]:
    return [(link[1], link[2]) for link in _all_links(text)]


def _link_at(text: str, at: int) -> _Link | None:
    return next(_links(text, at), None)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


_EMPHASIS = re.compile(r"(\*\*|__|\*|(?<!\w)_|_(?!\w)|`)")
_KEY_WORD = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W_][\w'’-]*")


def plain_text(markdown: str) -> str:
    text = _link_sub(lambda m: m[1], markdown) if "](" in markdown else markdown
    text = _EMPHASIS.sub("", text)
    text = text.replace("\\", "")
    return " ".join(text.split())


def key(text: str) -> str:
    """A comparison key: case, quotes, dashes, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", plain_text(text)).translate(_QUOTES).casefold()
    return " ".join(_KEY_WORD.findall(text))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


# --- dates -----------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DATE_PATTERN = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ][\d:.+\-Z]*)?"
    r"|\d{1,2}/\d{1,2}/\d{4})"
)
_DATE = re.compile(DATE_PATTERN, re.I)
_DATELINE = re.compile(
    rf"\b(?P<what>posted|post|published|publication date|updated|last updated|modified|date)\b:?\s*(?:on\s+)?(?P<date>{DATE_PATTERN})",
    re.I,
)


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text``: 'May 19, 2025', '17 Jul 2023', '2025-05-19T..', '04/10/2026' (US)."""
    match = _DATE.search(text or "")
    if not match:
        return None
    value = match[0].strip().rstrip(".,")
    try:
        if re.match(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value[:10])
        if "/" in value:
            month, day, year = (int(part) for part in value.split("/"))
            return dt.date(year, month, day)
        parts = re.findall(r"[a-z]+|\d+", value.lower())
        parts = [p for p in parts if p not in ("st", "nd", "rd", "th")]
        if parts[0].isdigit():
            day, month, year = int(parts[0]), _MONTHS[parts[1]], int(parts[2])
        else:
            month, day, year = _MONTHS[parts[0]], int(parts[1]), int(parts[2])
        return dt.date(year, month, day)
    except (ValueError, KeyError, IndexError):
        return None


# --- metadata and debris ---------------------------------------------------------------------

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
_LABEL_TO_FIELD = {label: name for name, labels in _META_LABELS.items() for label in labels}
# "Label: value", as ^\|?\s*(?:\*\*)?\s*([A-Za-z][A-Za-z .()/]{0,40}?)\s*:\s*(?:\*\*)?\s*\|?\s*(.*?)\s*\|?\s*$
# reads it (the value's end found by stripping, not by a lazy pattern retrying its tail).
_META_HEAD = re.compile(r"\|?\s*+(?:\*\*)?\s*+([A-Za-z][A-Za-z .()/]{0,40}?)\s*:\s*+(?:\*\*)?\s*+\|?\s*+")


def _meta_line(text: str) -> tuple[str, str] | None:
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
]
_BYLINE = re.compile(r"^(?i:by|written by)\s+([A-Z][\w.'’-]+(?:[ ,]+(?:and\s+)?[A-Z][\w.'’-]+){0,12})\.?$")
_FOOTER_START = re.compile(
    r"^(disclaimer|share this( article| page)?|related (articles|posts|stories)|more from|about the author)s?\s*:?$",
    re.I,
)
_VERSION_ITEM = re.compile(r"\bversion:?\s*\d+\b|\.pdf\)?$", re.I)
_SENTENCE_END = re.compile(r"[.!?…:][\"'”’)\]]*$")


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
    links = _link_findall(text)
    rest = _link_sub("", text).strip(" |>»/·•-–—\u203a")
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
        match = _link_at(text, _SPACE_RUN.match(text, at).end())
        if not match or key(match[1]) not in _CHROME_WORDS:
            return text[at:]
        at = match.end()


# --- headings --------------------------------------------------------------------------------

_SMALL_WORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "nor",
    "for",
    "of",
    "on",
    "in",
    "at",
    "to",
    "by",
    "with",
    "from",
    "as",
    "vs",
    "vs.",
    "via",
    "into",
    "over",
    "under",
    "per",
    "is",
    "are",
    "be",
    "its",
    "their",
    "do",
    "we",
}


def _title_case(text: str) -> bool:
    tokens = [w for w in words(plain_text(text)) if w.lower() not in _SMALL_WORDS]
    if not tokens:
        return False
    capital = sum(w[0].isupper() or w[0].isdigit() for w in tokens)
    return capital / len(tokens) >= 0.75


# **text** alone (with a colon): the text ends at its last character that is no space before the
# first "*" (the lazy [^*]+? retried \s*\*\* after every character: quadratic in spaces).
_BOLD_ONLY = re.compile(r"\*\*([^*]*[^*\s]|\s)\s*\*\*\s*(:?)")


def _bold_only(text: str) -> str | None:
    match = _BOLD_ONLY.fullmatch(text.strip())
    if match:
        return (match[1].strip() + match[2]).strip()
    return None


def _is_body(block: Block | None) -> bool:
    """Running text: a list, or a paragraph of several words that reads as sentences."""
    if block is None:
        return False
    if block.kind in ("list", "table"):
        return True
    if block.kind != "para":
        return False
    text = plain_text(block.text)
    count = len(words(text))
    return count >= 12 or (count >= 4 and bool(_SENTENCE_END.search(text)))


def heading_candidate(text: str) -> tuple[int, str] | None:
    """(level, text) if a single line reads as a section heading, else None."""
    text = _bold_only(text) or text
    plain = plain_text(text)
    if (
        not plain
        or len(plain) > 110
        or not (plain[0].isupper() or plain[0] in "\"'“‘" or plain[0].isdigit() and not re.match(r"^\d+[:.]\d", plain))
    ):
        return None
    if re.match(r"^\d", plain) and not re.match(r"^\d+(\.\d+)*\.?\s+[A-Z]", plain):
        return None
    count = len(words(plain))
    if count == 0 or count > 14 or _DATE.fullmatch(plain.strip()):
        return None
    if plain.endswith(":"):
        label = plain[:-1].strip()
        if re.search(r"[.!?;]\s", label) or count > 9 or not (count <= 3 or _title_case(label)):
            return None
        return 3, label
    unabbreviated = re.sub(r"\b(vs|v|Mr|Mrs|Ms|Dr|St|No|Jr|Sr|U\.S|Inc|Co|Gen)\.", "", plain)
    if re.search(r"[.,;!…]$", plain) or re.search(r"[.!?]\s+[A-Z]", unabbreviated):
        return None
    if plain.endswith("?") and not _title_case(plain):
        return None
    if not _title_case(plain) and count > 8:
        return None
    if plain.isupper() and count > 6:
        return None
    return 2, plain


_TERM = re.compile(r"^(?P<term>[A-Z0-9“\"'‘(][^:.!?]{0,58}?):\s+(?P<rest>\S.*)$")


def bold_term(item: str) -> str:
    """'Personal Ambition: Some believe ...' → '**Personal Ambition:** Some believe ...'."""
    if item.startswith("**"):
        return item
    match = _TERM.match(item)
    if not match or len(words(match["term"])) > 7 or "](" in match["term"] or "http" in match["term"]:
        return item
    return f"**{match['term'].strip()}:** {match['rest']}"


# --- the pipeline ----------------------------------------------------------------------------


@dataclass
class Normalized:
    title: str
    date: dt.date
    summary: str
    body: str
    source: dict  # name, url, license, author, id (as present)
    topics_stated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def normalize(draft: Draft) -> Normalized:
    markdown = draft.format != formats.TEXT
    text = clean_characters(draft.text)
    blocks = to_blocks(text, markdown)
    meta = dict(draft.meta)
    title = _find_title(draft, blocks)
    if not title:
        raise SourceError("no title found")
    title_key = key(title)
    blocks = _extract_metadata(blocks, meta, title_key)
    blocks = _remove_debris(blocks, title_key, meta)
    blocks = _remove_tables_of_contents(blocks)
    blocks = _structure(blocks)
    blocks = _drop_empty_headings(blocks)
    summary, blocks = _summary(blocks)
    date = _resolve_date(meta, draft.fallback)
    if date is None:
        raise SourceError("no publication date found in the text or its metadata")
    body = render(blocks)
    if len(words(plain_text(body))) < 5:
        raise SourceError("no article text left after removing the page furniture")
    source = _source(draft, meta)
    if not summary:
        summary = _lead(plain_text(title))
    return Normalized(_fit_title(title), date, summary, body, source, meta.get("topics", []))


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
            text = plain_text(_bold_only(block.text) or block.text)
            if (
                not text
                or is_chrome_text(block.text)
                or _DATELINE.search(text)
                or (meta_line := _meta_line(block.text))
                and _LABEL_TO_FIELD.get(key(meta_line[0]))
            ):
                continue
            if len(text) <= TITLE_MAX and not _SENTENCE_END.search(text.rstrip("?")) or len(text) <= 120:
                return text
    fallback = draft.fallback.get("title")
    return fallback


def _meta_field(block: Block) -> tuple[str, str] | None:
    if block.kind not in ("para", "table"):
        return None
    match = _meta_line(block.text.strip())
    if not match:
        return None
    name = _LABEL_TO_FIELD.get(match[0].strip().lower())
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


def _extract_metadata(blocks: list[Block], meta: dict, title_key: str) -> list[Block]:
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
            dateline = _DATELINE.search(text)
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


def _remove_debris(blocks: list[Block], title_key: str, meta: dict) -> list[Block]:
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
            if plain_key == title_key:
                continue  # a repeated title, wherever it stands
            if plain_key.startswith(title_key) and index <= end:
                rest = plain_key[len(title_key) :]
                if len(rest) < 60 and (parse_date(plain_text(text)) or not rest.strip()):
                    date = parse_date(plain_text(text))
                    if date and re.search(r"\bupdated\b", rest):
                        meta.setdefault("stated_updated", date)
                    elif date:
                        meta.setdefault("stated_date", date)
                    continue
            if block.kind == "heading" and index < end and plain_text(text).isupper():
                continue  # section labels of the page header ("CRS PRODUCT (LIBRARY OF CONGRESS)")
            if _FOOTER_START.match(plain_text(text)) and index > len(blocks) * 0.6:
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
    links = _link_findall(text)
    return (
        bool(links)
        and not _link_sub("", text).strip()
        and all(
            "#" in url and not urlsplit(url).path.strip("/") or url.startswith("#") or "#_Toc" in url
            for _, url in links
        )
    )


def _remove_tables_of_contents(blocks: list[Block]) -> list[Block]:
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


def _structure(blocks: list[Block]) -> list[Block]:
    """Headings: '#' in the body → '##'; bare lines → '##'; 'Something:' lines → '###'. Lists: bold terms."""
    out: list[Block] = []
    seen_h2 = False
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == "heading":
            text = (
                plain_text(block.text).rstrip(":").strip() if not _link_findall(block.text) else block.text.rstrip(":")
            )
            if not text:
                continue
            level = max(2, min(block.level, 6))
            if level > 2 and not seen_h2:
                level = 2
            seen_h2 = seen_h2 or level == 2
            out.append(Block("heading", text, level))
            continue
        if block.kind == "para":
            found = heading_candidate(block.text)
            if found and (
                _is_body(following)
                or (
                    found[0] == 2
                    and following is not None
                    and following.kind == "para"
                    and heading_candidate(following.text)
                    and heading_candidate(following.text)[0] == 3
                )
            ):
                level, text = found
                if level == 3 and not seen_h2:
                    level = 2
                seen_h2 = seen_h2 or level == 2
                out.append(Block("heading", text, level))
                continue
        if block.kind == "list":
            block.items = [(depth, bold_term(text)) for depth, text in block.items]
        out.append(block)
    return out


def _drop_empty_headings(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []  # from the end, reversed at the end (inserting at the front: quadratic)
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.kind == "heading":
            nxt = out[-1] if out else None
            if nxt is None or (nxt.kind == "heading" and nxt.level <= block.level):
                continue
        out.append(block)
    out.reverse()
    return out


_DEK = re.compile(r"^(?P<dek>[^\n]{12,300}?)\s++-\s++(?P<rest>[\"“'‘A-Z0-9].+)$", re.S)


def _summary(blocks: list[Block]) -> tuple[str, list[Block]]:
    """A dek ('Dek? - The lead ...') split off the first paragraph; else its lead sentence(s)."""
    for index, block in enumerate(blocks):
        if block.kind != "para" or not _is_body(block):
            continue
        match = _DEK.match(block.text)
        if match and "](" not in match["dek"] and len(words(match["dek"])) >= 4 and not match["dek"].isupper():
            dek = plain_text(match["dek"])
            blocks[index] = Block("para", match["rest"].strip())
            return _fit_summary(dek), blocks
        return _lead(plain_text(block.text)), blocks
    return "", blocks


_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Jr|Sr|No|U\.S|U\.N|Inc|Co|Corp|Ltd|vs|etc|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.$"
)


def sentences(text: str) -> list[str]:
    """The text cut after each sentence end that does not end an abbreviation ("U.S.", "Mr.")."""
    parts: list[str] = []
    current: list[str] = []  # pieces of the sentence so far, joined by spaces (then stripped)
    for piece in _SENTENCE.split(text):
        if current and current != [""]:
            current.append(piece)
            tail = " ".join(current[-8:]).rstrip()  # an abbreviation is a few characters at the end
        else:
            current = [piece]
            tail = piece
        if not _ABBREVIATION.search(tail, max(0, len(tail) - 8)):
            parts.append(_joined(current))
            current = []
    if current and _joined(current):
        parts.append(_joined(current))
    return parts


def _joined(pieces: list[str]) -> str:
    return pieces[0] if len(pieces) == 1 else " ".join(pieces).strip()


def _lead(text: str) -> str:
    text = re.sub(r"^[A-Z][A-Z0-9 .,'’&-]{3,}:\s+(?=[A-Z])", "", text)  # an all-capitals label
    chosen = ""
    for sentence in sentences(text):
        candidate = f"{chosen} {sentence}".strip()
        if len(candidate) > SUMMARY_MAX:
            break
        chosen = candidate
        if len(chosen) >= 120:
            break
    return _fit_summary(chosen or text)


def _fit_summary(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SUMMARY_MAX:
        return text
    cut = text[: SUMMARY_MAX - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:-–—") + "…"


def _resolve_date(meta: dict, fallback: dict) -> dt.date | None:
    for value in (meta.get("date"), meta.get("stated_date"), parse_date(meta.get("date_text", ""))):
        if isinstance(value, dt.date):
            return value
    if meta.get("stated_updated"):
        return meta["stated_updated"]
    return parse_date(fallback.get("date_text", ""))


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


# --- rendering -------------------------------------------------------------------------------


_GOOD_TARGET = re.compile(
    r"^(https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+([/?#:][^\s]*)?|mailto:(?=\S*?\S@\S)\S+|/\S*|#\S*)$"
)  # mailto:\S+@\S+ tried every "@" and every end: quadratic


def fix_links(text: str) -> str:
    """A link whose target is no address (pasted text, 'https://[') keeps its text and loses the link."""

    def repair(match: re.Match) -> str:
        if match[0].startswith("!") or _GOOD_TARGET.match(match[2]):
            return match[0]
        return match[1]

    return _link_sub(repair, text)


def render(blocks: list[Block]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "heading":
            parts.append(f"{'#' * block.level} {block.text}")
        elif block.kind == "list":
            lines = []
            for number, (depth, text) in enumerate(block.items, start=1):
                marker = f"{number}." if block.ordered and depth == 0 else "-"
                lines.append(f"{'    ' * depth}{marker} {text}")
            parts.append("\n".join(lines))
        elif block.kind == "table":
            parts.append(_render_table(block.text))
        elif block.kind in ("para", "code", "quote"):
            parts.append(block.text)
    return fix_links("\n\n".join(part for part in parts if part.strip())) + "\n"


def _render_table(text: str) -> str:
    """Keep a real table (with a |---| row); turn a layout table (figure boxes) into paragraphs."""
    rows = text.split("\n")
    if len(rows) >= 2 and re.match(r"^\|?\s*:?-{3,}", rows[1]):
        return text
    cells = [cell.strip() for row in rows for cell in row.strip().strip("|").split("|") if cell.strip()]
    return "\n\n".join(cells)
