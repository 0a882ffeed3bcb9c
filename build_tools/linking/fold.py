"""Folding: the one spelling under which names and article text are compared.

``fold`` keeps the length of the text, character for character, so a match found in the folded
text is at the same offsets in the original (where its case is then judged). It

- lowers case and strips diacritics ("Erdoğan" → "erdogan", "López" → "lopez"): each character
  is decomposed (NFKD) and its first base character kept;
- writes every apostrophe (’ ‘ ʼ ´ `) as ``'``;
- writes every hyphen and dash, and every kind of space or line break, as one space, so that
  "al-Qaeda", "al Qaeda" and "al–Qaeda" are one spelling, and "Russia-Ukraine" holds the words
  "russia" and "ukraine".

A name is folded by ``fold_name``, which also makes every run of spaces one space; the text is
not (it must keep its length): two spaces inside a name in the text do not match it.
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = "'’‘ʼ´`"
DASHES = "-‐‑‒–—―−"
# Unicode's own spaces and line breaks; NBSP and the narrow spaces too.
_SPACES = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)

_TABLE: dict[int, str] = {}


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


def fold(text: str) -> str:
    """``text`` folded, of the same length (see the module's docstring)."""
    if not text.isascii():
        for char in set(text):
            code = ord(char)
            if code not in _TABLE:
                _TABLE[code] = _char(char)
    return text.translate(_TABLE)


def fold_name(name: str) -> str:
    """A name or alias folded, with its spaces collapsed and trimmed (the automaton's key)."""
    return " ".join(fold(name).split())
