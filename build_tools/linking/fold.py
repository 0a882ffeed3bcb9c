"""Folding: the one spelling under which names and article text are compared.

``fold`` keeps the length of the text, character for character, so a match found in the folded
text is at the same offsets in the original (where its case is then judged). It

- lowers case and strips diacritics ("Erdoğan" → "erdogan", "López" → "lopez"): each character
  is decomposed (NFKD) and its first base character kept;
- writes every apostrophe (’ ‘ ʼ ´ `) as ``'``;
- writes every hyphen and dash, and every kind of space or line break, as one space, so that
  "al-Qaeda", "al Qaeda" and "al–Qaeda" are one spelling, and "Russia-Ukraine" holds the words
  "russia" and "ukraine"; and brackets, double quotes and emphasis marks (``OPENERS``) as a
  space too, so that a short name is found after them ("(UN)", "“US”", "**EU**").

A name is folded by ``fold_name``, which also makes every run of spaces one space; the text is
not (it must keep its length): two spaces inside a name in the text do not match it.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'’‘ʼ´`"
DASHES = "-‐‑‒–—―−"
# What may stand right before a name and is not part of one: written as a space.
OPENERS = '([{"“”«*<'
# Unicode's own spaces and line breaks; NBSP and the narrow spaces too.
_SPACES = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)

_TABLE: dict[int, str] = {}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _char(char: str) -> str:
    """The folded form of one character: always one character."""
    if char in APOSTROPHES:
        return "'"
    if char in DASHES or char in _SPACES:
        return " "
    if char.isascii():
        return char.lower()
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    lowered = base.lower() if base else char.lower()
    return lowered[0] if len(lowered) >= 1 else char


for _code in range(128):
    _TABLE[_code] = _char(chr(_code))
for _c in APOSTROPHES + DASHES + _SPACES:
    _TABLE[ord(_c)] = _char(_c)
for _c in OPENERS:
    _TABLE[ord(_c)] = " "
# The ASCII characters ``fold`` writes otherwise than in lower case (one ``str.replace`` each).
_ASCII_SPECIAL = [chr(c) for c in range(128) if _TABLE[c] != chr(c).lower()]


def fold(text: str) -> str:
    """``text`` folded, of the same length (see the module's docstring)."""
    folded = text
    if not text.isascii():
        for char in set("".join(_NON_ASCII.findall(text))):
            code = ord(char)
            if code not in _TABLE:
                _TABLE[code] = _char(char)
            folded = folded.replace(char, _TABLE[code])
    lowered = folded.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: one by one
        return text.translate(_TABLE)
    for char in _ASCII_SPECIAL:
        if char in lowered:
            lowered = lowered.replace(char, _TABLE[ord(char)])
    return lowered


def fold_name(name: str) -> str:
    """A name or alias folded, with its spaces collapsed and trimmed (the automaton's key)."""
    return " ".join(fold(name).split())
