"""Normalization rule 5, sections: a short bare line without end punctuation followed by body
text becomes ``##``; a short "Something:" line introducing a paragraph or list becomes ``###``;
headings of the body start at ``##``, none left empty; list items lead with their "Term:" in bold."""

from __future__ import annotations

import re

from .blocks import Block
from .dates import DATE_RE
from .text import SENTENCE_END, link_findall, plain_text, words

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


def bold_only(text: str) -> str | None:
    match = _BOLD_ONLY.fullmatch(text.strip())
    if match:
        return (match[1].strip() + match[2]).strip()
    return None


def is_body(block: Block | None) -> bool:
    """Running text: a list, or a paragraph of several words that reads as sentences."""
    if block is None:
        return False
    if block.kind in ("list", "table") or block.turn:
        return True
    if block.kind != "para":
        return False
    text = plain_text(block.text)
    count = len(words(text))
    return count >= 12 or (count >= 4 and bool(SENTENCE_END.search(text)))


def heading_candidate(text: str) -> tuple[int, str] | None:
    """(level, text) if a single line reads as a section heading, else None."""
    text = bold_only(text) or text
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
    if count == 0 or count > 14 or DATE_RE.fullmatch(plain.strip()):
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


def structure(blocks: list[Block]) -> list[Block]:
    """Headings: '#' in the body → '##'; bare lines → '##'; 'Something:' lines → '###'. Lists: bold terms."""
    out: list[Block] = []
    seen_h2 = False
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == "heading":
            text = (
                plain_text(block.text).rstrip(":").strip() if not link_findall(block.text) else block.text.rstrip(":")
            )
            if not text:
                continue
            level = max(2, min(block.level, 6))
            if level > 2 and not seen_h2:
                level = 2
            seen_h2 = seen_h2 or level == 2
            out.append(Block("heading", text, level))
            continue
        if block.kind == "para" and not block.turn:
            found = heading_candidate(block.text)
            if found and (
                is_body(following)
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


def drop_empty_headings(blocks: list[Block]) -> list[Block]:
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
