"""Regex helpers that keep every rule of ``ingest`` in time linear in the text.

Every pattern of ingest sees pasted text, so each must run in time linear in it (tested on 100 kB
lines of every character Markdown and HTML care about: tests/hostile/test_linear_time.py).
Patterns cannot give back what they need not (possessive *+ ++, or one way only to match the
same characters), and two more rules keep the regex engine from searching the same text again
from every start: a pattern whose match ends with a closing (">", "-->", "</a>") only runs on
the text up to the last closing, since from a start after it the search would run to the end;
and where a start that fails makes every start before the end of its tag fail the same way,
the starts are tried one by one and those are skipped (``sub_each``).
"""

from __future__ import annotations

import re


def closed_end(text: str, closing: str | re.Pattern) -> int:
    """The end of the last ``closing`` in ``text``, 0 if there is none."""
    if isinstance(closing, str):
        found = text.rfind(closing)
        return found + len(closing) if found >= 0 else 0
    end = 0
    for found in closing.finditer(text):
        end = found.end()
    return end


def sub_closed(pattern: re.Pattern, repl, text: str, closing: str | re.Pattern) -> str:
    """``pattern.sub(repl, text)`` for a pattern each match of which ends with a ``closing``."""
    cut = closed_end(text, closing)
    return pattern.sub(repl, text[:cut]) + text[cut:] if cut else text


def sub_each(pattern: re.Pattern, repl, text: str, starts: re.Pattern, closing: str | re.Pattern) -> str:
    """``pattern.sub(repl, text)`` for a tag pattern: each match ends with a ``closing``, starts
    with a ``starts`` match, and when it fails from one start it fails from every start up to
    the next ">" (they all end their opening tag there and go on the same way)."""
    cut = closed_end(text, closing)
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


def remove_lines(text: str, find_core) -> str:
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
        tail = SPACE_RUN.match(text, end).end()  # \s*$: the last line end in the whitespace after
        stop = size if tail == size else text.rfind("\n", end, tail)
        if start < 0 or stop < 0:
            pos = begin + 1
            continue
        pieces.append(text[last:start])
        last = pos = stop
    return "".join(pieces) + text[last:] if pieces else text


SPACE_RUN = re.compile(r"\s*+")
