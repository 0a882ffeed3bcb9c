"""Stage 1: what a file is, decided from its content (the extension is only a tie-breaker)."""

from __future__ import annotations

import re

HTML = "html"
FRONTMATTER = "markdown+frontmatter"
MARKDOWN = "markdown"
TEXT = "text"

_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S)
_TAG = re.compile(r"</?(p|div|span|a|li|ul|h[1-6]|script|meta|link|section|article)[\s>/]", re.I)
_FRONTMATTER = re.compile(r"^---[ \t]*\n(.*?)\n(---|\.\.\.)[ \t]*(\n|$)", re.S)
_MD_SIGNS = (
    re.compile(r"^#{1,6} \S", re.M),  # ATX heading
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),  # inline link
    re.compile(r"\*\*[^*\n]+\*\*"),  # strong emphasis
    re.compile(r"^(-|\*|\+) {1,4}\S", re.M),  # list item with a Markdown marker
    re.compile(r"^\|.*\|", re.M),  # table row
)


def detect(text: str, suffix: str = "") -> str:
    """One of HTML, FRONTMATTER, MARKDOWN, TEXT."""
    head = text[:4000]
    if _HTML_START.match(head):
        return HTML
    match = _FRONTMATTER.match(text)
    if match and re.search(r"^[A-Za-z_][\w-]*\s*:", match[1], re.M):
        return FRONTMATTER  # even with raw HTML inside: Markdown exports embed some
    if len(_TAG.findall(head)) >= 8 and len(_TAG.findall(head)) * 40 > len(head.split("\n")):
        return HTML
    signs = sum(bool(sign.search(text)) for sign in _MD_SIGNS)
    if signs >= 2 or (signs == 1 and suffix.lower() in (".md", ".markdown")):
        return MARKDOWN
    return TEXT
