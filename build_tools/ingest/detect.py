"""Ingest, detect: what a file is, decided from its content (the extension is only a tie-breaker).

Every check runs in time linear in the text (see linear.py).
"""

from __future__ import annotations

import bisect
import re

HTML = "html"
FRONTMATTER = "markdown+frontmatter"
MARKDOWN = "markdown"
TEXT = "text"

_HTML_OPEN = re.compile(r"\s*+(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_SPACE_RUN = re.compile(r"\s*+")
_TAG = re.compile(r"</?(p|div|span|a|li|ul|h[1-6]|script|meta|link|section|article)[\s>/]", re.I)
FRONTMATTER_RE = re.compile(r"^---[ \t]*\n(.*?)\n(---|\.\.\.)[ \t]*(\n|$)", re.S)
_TARGET_STOP = re.compile(r"[)\s]")


def _starts_as_html(head: str) -> bool:
    r"""Whether ``head`` matches ^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])
    (case-insensitive, "." matching line breaks): an HTML start after spaces and comments. A
    comment's lazy .*? may run on to any later "-->" (which made that pattern exponential in
    the number of comments: 24 of them took seconds), so this is: an HTML start after the
    spaces, or a "<!--" there and an HTML start after the spaces following some later "-->"."""
    if _HTML_OPEN.match(head):
        return True
    begin = _SPACE_RUN.match(head).end()
    if not head.startswith("<!--", begin):
        return False
    end = head.find("-->", begin + 4)
    while end >= 0:
        if _HTML_OPEN.match(head, end + 3):
            return True
        end = head.find("-->", end + 1)
    return False


def _has_inline_link(text: str) -> bool:
    r"""Whether \[[^\]\n]+\]\([^)\s]+\) occurs in ``text``: a "](" whose target (no space) ends
    with ")" and, before it on its line, a "[" with at least one character but no "]" between.
    The regex engine read the same text again from every "[" and every "](" (quadratic)."""
    stops: list[int] | None = None
    close = text.find("](")
    while close >= 0:
        if stops is None:
            stops = [found.start() for found in _TARGET_STOP.finditer(text)]
        index = bisect.bisect_left(stops, close + 2)
        stop = stops[index] if index < len(stops) else -1
        if stop > close + 2 and text[stop] == ")":
            bound = text.rfind("]", 0, close)  # the label: after the last "]" and line break
            bound = max(bound, text.rfind("\n", bound + 1, close))
            if close - 1 > bound + 1 and text.rfind("[", bound + 1, close - 1) >= 0:
                return True
        close = text.find("](", close + 1)
    return False


_MD_SIGNS = (
    re.compile(r"^#{1,6} \S", re.M).search,  # ATX heading
    _has_inline_link,  # inline link
    re.compile(r"\*\*[^*\n]+\*\*").search,  # strong emphasis
    re.compile(r"^(-|\*|\+) {1,4}\S", re.M).search,  # list item with a Markdown marker
    re.compile(r"^\|.*\|", re.M).search,  # table row
)


def detect(text: str, suffix: str = "") -> str:
    """One of HTML, FRONTMATTER, MARKDOWN, TEXT."""
    head = text[:4000]
    if _starts_as_html(head):
        return HTML
    match = FRONTMATTER_RE.match(text)
    if match and re.search(r"^[A-Za-z_][\w-]*\s*:", match[1], re.M):
        return FRONTMATTER  # even with raw HTML inside: Markdown exports embed some
    if len(_TAG.findall(head)) >= 8 and len(_TAG.findall(head)) * 40 > len(head.split("\n")):
        return HTML
    signs = sum(bool(sign(text)) for sign in _MD_SIGNS)
    if signs >= 2 or (signs == 1 and suffix.lower() in (".md", ".markdown")):
        return MARKDOWN
    return TEXT
