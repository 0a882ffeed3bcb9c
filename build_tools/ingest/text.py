"""Text helpers of every rule: the links of a Markdown text, its plain text, comparison keys, words."""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from .linear import SPACE_RUN

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
                        space_ends[stop] = SPACE_RUN.match(text, stop).end()
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


def link_sub(repl, text: str) -> str:
    """``_LINK.sub(repl, text)``; ``repl`` a function of the link or a string."""
    pieces, last = [], 0
    for link in _all_links(text):
        pieces += [text[last : link.start()], repl(link) if callable(repl) else repl]
        last = link.end()
    return "".join(pieces) + text[last:] if pieces else text


def link_findall(text: str) -> list[tuple[str, str]]:
    return [(link[1], link[2]) for link in _all_links(text)]


def link_at(text: str, at: int) -> _Link | None:
    return next(_links(text, at), None)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


_EMPHASIS = re.compile(r"(\*\*|__|\*|(?<!\w)_|_(?!\w)|`)")
_KEY_WORD = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W_][\w'’-]*")


def plain_text(markdown: str) -> str:
    text = link_sub(lambda m: m[1], markdown) if "](" in markdown else markdown
    text = _EMPHASIS.sub("", text)
    text = text.replace("\\", "")
    return " ".join(text.split())


def key(text: str) -> str:
    """A comparison key: case, quotes, dashes, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", plain_text(text)).translate(_QUOTES).casefold()
    return " ".join(_KEY_WORD.findall(text))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


SENTENCE_END = re.compile(r"[.!?…:][\"'”’)\]]*$")  # the end of a sentence (or of a label)
