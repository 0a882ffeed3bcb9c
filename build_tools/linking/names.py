"""The vocabulary as one Aho–Corasick automaton: every spelling a mention can take, and what it means.

One pass over an article's folded text finds every spelling of every entry at once, so the cost
grows with the text and the matches, not with the number of entries (``bench/linking.py``).

A spelling (``Spelling``) has a role:

- ``NAME``: the entry's name or one of its aliases; a name without its bracketed qualifier
  ("Georgia" of "Georgia (country)") or a surname only when ``context.ambiguous`` lists it;
- ``SURNAME``: a person's last word, a mention only once the article has named them in full;
- ``BLOCK``: a phrase of ``context.forbids`` ("Party Congress"), or a school or newspaper named
  after a place ("University of Wyoming", ``BORROWED``): where it holds a name, that name is not
  a mention (the longer phrase wins the overlap and means nothing);
- ``CUE``: a phrase of ``context.requires``: its presence in the article supports the entry's
  ambiguous names.

Case (``CASE_*``) is judged on the text as written: a short spelling of mixed case ("Xi")
matches only as written (not the numeral "XI"); a spelling in capitals ("UN", "U.S.")
matches only in capitals, so "us" and "un-related" do not; a spelling that starts with a
capital matches where the text starts it with one ("Biden Administration", "BIDEN"); one that
starts lower-case ("al-Qaeda", "von der Leyen") and a topic in sentence case ("Sanctions")
match in any case.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import ahocorasick

from ..layout import ENTITY_KINDS, Key
from ..readers import Vocabulary
from ..schema import VocabularyEntry, bare_name
from .fold import fold_name

NAME, SURNAME, BLOCK, CUE = "name", "surname", "block", "cue"
SHORT = 3  # spellings this long or shorter are found as whole words only
WORD_ENDS = " .,'):;!?\"”*]"
CASE_UPPER, CASE_CAPITAL, CASE_ANY, CASE_EXACT = "upper", "capital", "any", "exact"
PLACES, TOPICS = "places", "topics"
# Names that borrow a place's name without naming the place: a school, a newspaper, a bank, a
# state's court, a declaration or process named after the city it was made in.
BORROWED = (
    "University of {}", "{} University", "{} State University", "{} Times", "{} Post", "{}-class", "{} Airways",
    "{} Airlines", "Bank of {}", "{} Supreme Court", "{} Declaration", "{} Process", "{} Mechanism", "{} Format",
    "{} Statute",
)  # fmt: skip
# Last words that are not surnames: "Martin Luther King Jr.", "Abdullah II of Jordan".
_NOT_SURNAMES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"}


@dataclass(frozen=True)
class Spelling:
    key: Key  # the entry (for a BLOCK, the entry whose context forbids it)
    role: str
    case: str
    guarded: bool = False  # a NAME listed in the entry's context.ambiguous
    written: str = ""  # as the vocabulary writes it


def case_of(spelling: str, kind: str) -> str:
    letters = [c for c in spelling if c.isalpha()]
    if len(spelling) <= 3 and not all(c.isupper() for c in letters):
        return CASE_EXACT  # "Xi" is not the numeral "XI"
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return CASE_UPPER
    if not letters or letters[0].islower():
        return CASE_ANY
    if kind == "topics" and not any(c.isupper() for c in letters[1:]):
        return CASE_ANY
    return CASE_CAPITAL


def surname(entry: VocabularyEntry) -> str | None:
    """A person's last word ("Putin" of "Vladimir Putin"), or None when it is too short to be one."""
    if _kind(entry) != "person":
        return None
    words = [w for w in bare_name(entry.name).split() if w.casefold() not in _NOT_SURNAMES]
    if " of " in f" {bare_name(entry.name)} ":  # "Abdullah II of Jordan": no surname
        return None
    if len(words) < 2 or len(words[-1]) < 3 or not words[-1][0].isupper():
        return None
    return words[-1]


def _kind(entry: VocabularyEntry) -> str:
    """The entry's kind ("person", "agency"…) as text, whether the schema holds it as text or an enum."""
    return str(getattr(entry.kind, "value", entry.kind) or "")


class Index:
    """Every spelling of a vocabulary in one automaton (``automaton.iter`` on folded text)."""

    def __init__(self, vocabulary: Vocabulary):
        table: dict[str, list[Spelling]] = defaultdict(list)
        self.entries: dict[Key, VocabularyEntry] = {}
        for kind in ENTITY_KINDS:
            for entry in vocabulary.entries[kind].values():
                key = (kind, entry.id)
                self.entries[key] = entry
                for spelling in _spellings(kind, entry):
                    folded = fold_name(spelling.written)
                    if len(folded) >= 2 and spelling not in table[folded]:
                        table[folded].append(spelling)
        self.automaton = ahocorasick.Automaton()
        self.table = {folded: (len(folded), tuple(spellings)) for folded, spellings in table.items()}
        for folded, (length, spellings) in self.table.items():
            plain = all(s.case == CASE_ANY and s.role != CUE for s in spellings)
            layers = {s.key[0] == TOPICS for s in spellings}
            mixed = len(layers) > 1 or any(s.role == CUE for s in spellings)
            if len(folded) > SHORT:
                self.automaton.add_word(folded, (length, spellings, 0, plain, mixed))
                continue
            # Spellings of 2-3 characters ("un", "us", "eu") are inside countless words: they
            # are looked for as words only, between a space and a character that ends a word
            # (the folded text has a space at each end).
            for after in WORD_ENDS:
                self.automaton.add_word(f" {folded}{after}", (length, spellings, 1, plain, mixed))
        self.empty = not self.table
        if not self.empty:
            self.automaton.make_automaton()
        self.people = {key for key, entry in self.entries.items() if _kind(entry) == "person"}
        self.known = {folded for folded, spellings in table.items() if any(s.role == NAME for s in spellings)}

    def lookup(self, written: str) -> tuple[Spelling, ...]:
        """The NAME spellings of the places named exactly ``written`` (for postal codes)."""
        _, spellings = self.table.get(fold_name(written), (0, ()))
        return tuple(s for s in spellings if s.key[0] == PLACES and (s.role == NAME or s.guarded))

    def iter(self, folded: str):
        """(end index inclusive, (length, spellings, 1 if a character after the spelling was
        matched too, whether every spelling matches in any case and is no cue, whether they mix
        topics with other kinds or cues)) of every spelling found in ``folded`` (which must start
        and end with a space), overlaps included."""
        return () if self.empty else self.automaton.iter(folded)


def _spellings(kind: str, entry: VocabularyEntry):
    key = (kind, entry.id)
    context = entry.context
    guarded = {name.casefold() for name in context.ambiguous} if context else set()
    # A bare name ("Georgia" of "Georgia (country)") is a name only where the entry's context
    # lists it as ambiguous: editors qualify a name because it is ambiguous.
    names = {entry.name: None, **dict.fromkeys(entry.aliases)}
    names.update(dict.fromkeys(context.ambiguous if context else ()))
    for written in names:
        yield Spelling(key, NAME, case_of(written, kind), written.casefold() in guarded, written)
    last = surname(entry)
    if last and last not in names:
        yield Spelling(key, SURNAME, CASE_CAPITAL, last.casefold() in guarded, last)
    if kind == PLACES:
        for written in names:
            for pattern in BORROWED:
                yield Spelling(key, BLOCK, CASE_CAPITAL, False, pattern.format(written))
    if context:
        for phrase in context.forbids:
            yield Spelling(key, BLOCK, CASE_ANY, False, phrase)
        for phrase in context.requires:
            yield Spelling(key, CUE, case_of(phrase, kind), False, phrase)
