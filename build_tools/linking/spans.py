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

# Each matched at the start of a line (``Pattern.match`` from the line's offset).
_DATELINE = re.compile(
    r"[ \t>*_]{0,4}("
    r"[A-Z][A-Z.'’]{2,}(?:[ \t]+[A-Z][A-Z.'’]*){0,3}"  # LONDON, WASHINGTON D.C.
    r"(?:,[ \t]+[A-Z][A-Za-z.]*(?:[ \t]+[A-Z][A-Za-z.]*){0,3})?"  # , Ukraine
    r"(?:[ \t]+\([A-Za-z .]{1,30}\))?"  # (AP)
    r")[ \t]*[—–-]{1,2}[ \t]"
)
# A line that is only a place, "Munich, Germany": where a transcript goes on (a venue).
_VENUE = re.compile(r"(?:#{1,6}[ \t]+)?([A-Z][\w.'’ -]{0,40},[ \t]+[A-Z][\w.'’ -]{0,40})(?<!\.)[ \t]*$")
# The place and date under a signature: "THE WHITE HOUSE," and, a line or two below, "April 15, 2021."
_SIGNED_AT = re.compile(r"[ \t]*([A-Z][A-Z.'’ ]{2,40}),[ \t]*$")
_SIGNED_ON = re.compile(r"[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2},[ \t]+\d{4}\.?[ \t]*$")
_LINK_TARGETS = (re.compile(r"\]\([^()\[\]\s]{0,2000}\)"), re.compile(r"https?://[^\s)>\]]{1,2000}"))
_BYLINE_WORDS = {"and", "of", "the", "de", "van", "von", "der", "al", "bin", "la", "du", "&"}
_OPEN_BLOCK = ("#", "-", "*", "+", ">", "|", "!", "[", "<")
_SENTENCE_END = tuple(".?!:;\"”'’")
PREAMBLE_LINES = 5
PREAMBLE_WORDS = 10


def excluded_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``body`` that hold no mention, sorted and not overlapping."""
    spans = _preamble(body) + _line_spans(body)
    for pattern in _LINK_TARGETS:
        spans += [found.span() for found in pattern.finditer(body)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _line_spans(body: str) -> list[tuple[int, int]]:
    """Datelines, venues, signatures' places and bylines: each looked for from a line's start."""
    spans = []
    lines = body.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        start, end = offset, offset + len(line)
        offset = end + 1
        first = line.lstrip(" \t>*_#")[:1]
        if not first or not first.isupper():
            continue
        for pattern in (_DATELINE, _VENUE):
            found = pattern.match(body, start, end)
            if found and (pattern is _DATELINE or len(found[1].split()) <= 6):
                spans.append(found.span(1))
        signed = _SIGNED_AT.match(body, start, end)
        if signed and any(
            _SIGNED_ON.match(following) for following in lines[index + 1 : index + 4] if following.strip()
        ):
            spans.append(signed.span(1))
        if line.lstrip()[:3] in ("By ", "BY "):
            words = line.strip()[3:].replace(",", " ").split()
            if 0 < len(words) <= 12 and all(w[0].isupper() or w.lower() in _BYLINE_WORDS for w in words):
                spans.append((start, end))
    return spans


def _preamble(body: str) -> list[tuple[int, int]]:
    """The short leading lines of a transcript, each a paragraph of its own, when text follows."""
    offset = 0
    lines = []
    for block in body.split("\n\n", PREAMBLE_LINES)[:PREAMBLE_LINES]:
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
