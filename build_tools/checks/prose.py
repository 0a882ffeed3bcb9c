"""An article body as Markdown prose: its lines outside fenced code, inline code blanked, and
the patterns the rules read it with (headings, fences, HTML tags and attributes, comments)."""

from __future__ import annotations

import re
from functools import lru_cache

# Every pattern here (and in body.py and links.py) sees article text, so each runs in time
# linear in the line: no two ways for a pattern to match the same characters, possessive (*+,
# ++) where a greedy part must not give back, and what a regex would search for again from every
# start (a code span's closing backticks, a comment's end here, a link's closing ">" in links.py)
# is found once by hand. A 100 kB line of any character is checked in well under a second
# (tests/hostile/test_linear_time.py).
# [ \t]+ is greedy and the text ends at its last character that is not a space, tab or #
# (the lazy (.*?) before [ \t#]*$ used to try every shorter text: quadratic).
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+((?:.*[^ \t#])?))?[ \t#]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# The attributes end where the last one does: the lazy part only stops at a character that is
# no space and is followed by nothing but [\s/]* and ">" (so that "<a" and spaces fail fast).
TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)((?:\s++(?:[^<>]*?[^<>\s](?=\s*/?>))??)?)\s*/?>")
ATTR_RE = re.compile(r"([^\s=/>]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_BACKTICKS_RE = re.compile(r"`+")


def blank_code_spans(text: str) -> str:
    """``text`` with its inline code spans blanked (each character a space): the matches, left
    to right, of the pattern (`+)(?:(?!\\1).)+?\\1 , found in time linear in the line.

    At a start inside a run of backticks with ``r`` of them left, that pattern closes with
    ``k`` backticks (``r/2 < k <= r``: a shorter opener would close at once on the run's own
    rest), at the first later run of at least ``k``; it takes the largest such ``k``, so the
    longest later run ``longest`` decides: ``k = min(r, longest)`` when ``2 * longest > r``.
    """
    if "`" not in text:
        return text
    out = []
    for segment in text.split("\n"):  # "." never matches a line break: spans stay in a line
        runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS_RE.finditer(segment)]
        if len(runs) < 2:
            out.append(segment)
            continue
        longest_after = [0] * len(runs)  # the longest run after each run
        for index in range(len(runs) - 2, -1, -1):
            longest_after[index] = max(longest_after[index + 1], runs[index + 1][1])
        spans = []
        index, start, left = 0, runs[0][0], runs[0][1]  # scanning: run, position, backticks left
        while index < len(runs):
            longest = longest_after[index]
            if 2 * longest <= left:  # no opener of this run closes: skip to where one can
                if longest == 0:
                    break
                start, left = start + left - (2 * longest - 1), 2 * longest - 1
            k = min(left, longest)
            close = next(i for i in range(index + 1, len(runs)) if runs[i][1] >= k)
            end = runs[close][0] + k
            spans.append((start, end))
            index, start, left = close, end, runs[close][1] - k
            if left == 0:
                index += 1
                if index < len(runs):
                    start, left = runs[index]
        if not spans:
            out.append(segment)
            continue
        pieces, last = [], 0
        for begin, end in spans:
            pieces += [segment[last:begin], " " * (end - begin)]
            last = end
        pieces.append(segment[last:])
        out.append("".join(pieces))
    return "\n".join(out)


def is_comment(text: str) -> bool:
    """Whether all of ``text`` is one HTML comment (what <!--.*?--> fullmatches)."""
    return len(text) >= 7 and text.startswith("<!--") and text.endswith("-->")


def without_comments(text: str) -> str:
    """``text`` with each HTML comment replaced by its line breaks (so lines keep their
    numbers): the matches of <!--.*?--> (DOTALL), left to right, found in linear time."""
    start = text.find("<!--")
    if start < 0:
        return text
    pieces, last = [], 0
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # no comment closes after this one opens: none after it either
        pieces += [text[last:start], "\n" * text.count("\n", start, end)]
        last = end + 3
        start = text.find("<!--", last)
    pieces.append(text[last:])
    return "".join(pieces)


@lru_cache(maxsize=4)  # each rule of an article asks for the same lines
def prose_lines(body: str, first_line: int) -> tuple[tuple[int, str], ...]:
    """(file line, text) of every body line outside fenced code, inline code spans blanked."""
    out, fence = [], None
    for offset, text in enumerate(body.split("\n")):
        match = FENCE_RE.match(text)
        if fence:
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                fence = None
            continue
        if match:
            fence = match[1]
            continue
        out.append((first_line + offset, blank_code_spans(text)))
    return tuple(out)
