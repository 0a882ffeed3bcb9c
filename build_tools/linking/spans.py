"""Parts of an article's body that name places and people without being about them.

- the preamble of a transcript: its first short lines, before the first sentence ("James S.
  Brady Press Briefing Room", "Aboard Air Force One", "En Route Milwaukee, Wisconsin",
  "(January 17, 2024)", "2:33 P.M. EST");
- datelines: a paragraph opening with a place in capitals and a dash ("LONDON —",
  "KYIV, Ukraine (AP) —");
- bylines: a line "By <names>";
- a line (or heading) that is only a place and its country, "Munich, Germany": a venue; the
  place and date under a signature, "THE WHITE HOUSE, April 15, 2021.";
- link targets and bare web addresses, which spell words in lower case.

Every pattern here has bounded repetitions only: its time is linear in the body.
"""

from __future__ import annotations

import re

_DATELINE = re.compile(
    r"(?m)^[ \t>*_]{0,4}("
    r"[A-Z][A-Z.'’]{2,}(?:[ \t]+[A-Z][A-Z.'’]*){0,3}"  # LONDON, WASHINGTON D.C.
    r"(?:,[ \t]+[A-Z][A-Za-z.]*(?:[ \t]+[A-Z][A-Za-z.]*){0,3})?"  # , Ukraine
    r"(?:[ \t]+\([A-Za-z .]{1,30}\))?"  # (AP)
    r")[ \t]*[—–-]{1,2}[ \t]"
)
# A line that is only a place, "Munich, Germany": where a transcript goes on (a venue).
_VENUE = re.compile(r"(?m)^(?:#{1,6}[ \t]+)?([A-Z][\w.'’ -]{0,40},[ \t]+[A-Z][\w.'’ -]{0,40})(?<!\.)[ \t]*$")
# The place and date under a signature: "THE WHITE HOUSE, April 15, 2021."
_SIGNED_AT = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Z.'’ ]{2,40}),[ \t]*(?:\n[ \t]*){0,3}[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2},[ \t]+\d{4}\.?[ \t]*$"
)
_LINK_TARGET = re.compile(r"\]\([^)\s]{0,2000}\)|https?://[^\s)>\]]{1,2000}")
_BYLINE_WORDS = {"and", "of", "the", "de", "van", "von", "der", "al", "bin", "la", "du", "&"}
_OPEN_BLOCK = ("#", "-", "*", "+", ">", "|", "!", "[", "<")
_SENTENCE_END = tuple(".?!:;\"”'’")
PREAMBLE_LINES = 5
PREAMBLE_WORDS = 10


def excluded_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``body`` that hold no mention, sorted and not overlapping."""
    spans = _preamble(body)
    spans += [found.span(1) for found in _DATELINE.finditer(body)]
    spans += list(_bylines(body))
    spans += [found.span(1) for found in _VENUE.finditer(body) if len(found[1].split()) <= 6]
    spans += [found.span(1) for found in _SIGNED_AT.finditer(body)]
    spans += [found.span() for found in _LINK_TARGET.finditer(body)] if ("](" in body or "://" in body) else []
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _preamble(body: str) -> list[tuple[int, int]]:
    """The short leading lines of a transcript, each a paragraph of its own, when text follows."""
    offset = 0
    lines = []
    for block in body.split("\n\n")[:PREAMBLE_LINES]:
        line = block.strip()
        start = offset + (len(block) - len(block.lstrip()))
        offset += len(block) + 2
        if not line:
            continue
        if "\n" in line or line.startswith(_OPEN_BLOCK) or line.endswith(_SENTENCE_END):
            return lines
        if len(line.split()) > PREAMBLE_WORDS:
            return lines
        lines.append((start, start + len(line)))
    return lines if offset < len(body) else []


def _bylines(body: str):
    offset = 0
    for line in body.split("\n"):
        stripped = line.strip()
        if stripped[:3] in ("By ", "BY "):
            words = stripped[3:].replace(",", " ").split()
            if 0 < len(words) <= 12 and all(w[0].isupper() or w.lower() in _BYLINE_WORDS for w in words):
                yield offset, offset + len(line)
        offset += len(line) + 1


def lead_end(body: str) -> int:
    """Where the lead (the first paragraph of text, after any preamble and headings) ends."""
    preamble = _preamble(body)
    past = preamble[-1][1] if preamble else 0
    offset = 0
    for block in body.split("\n\n"):
        end = offset + len(block)
        text = block.strip()
        if text and end > past and not text.startswith("#"):
            return end
        offset = end + 2
    return len(body)
