"""Normalization rule 6, the summary: a dek ending in " - " at the start of the first paragraph is
split off; otherwise the lead sentence(s) with substance, at most 300 characters.

A transcript opens with pleasantries ("Good afternoon, everyone.", "Thank you. (Applause.)",
"Please, have a seat."), which say nothing of what the text is about; the lead skips them. A
sentence is a pleasantry when, once speaker labels and stage directions are set aside, every word
is a word of greeting, thanks, welcome or seating, a filler word, or a capitalised name (whom the
speaker addresses), and one of them is a greeting, thanks, welcome or seating word. The lead is
taken from the first sentence that is not a pleasantry, in the first paragraphs that hold one;
when none does, it is the first paragraph's lead as before."""

from __future__ import annotations

import re

from ..schema import SUMMARY_MAX
from .blocks import Block
from .sections import is_body
from .text import plain_text, words

_DEK = re.compile(r"^(?P<dek>[^\n]{12,300}?)\s++-\s++(?P<rest>[\"“'‘A-Z0-9].+)$", re.S)
LOOK_AHEAD = 8  # body paragraphs searched for a sentence with substance
MIN_WORDS = 4  # a shorter sentence ("Whoa.", "Big day!", "How are you?") is no lead to start from


def split_summary(blocks: list[Block]) -> tuple[str, list[Block]]:
    """A dek ('Dek? - The lead ...') split off the first paragraph; else the lead sentence(s)
    with substance of the first paragraphs (pleasantries skipped)."""
    paragraphs: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind != "para" or not is_body(block):
            continue
        if not paragraphs:
            match = _DEK.match(block.text)
            if match and "](" not in match["dek"] and len(words(match["dek"])) >= 4 and not match["dek"].isupper():
                dek = plain_text(match["dek"])
                blocks[index] = Block("para", match["rest"].strip())
                return _fit_summary(dek), blocks
        paragraphs.append(plain_text(block.text))
        if len(paragraphs) >= LOOK_AHEAD:
            break
    if not paragraphs:
        return "", blocks
    return substantive_lead(paragraphs), blocks


def substantive_lead(paragraphs: list[str]) -> str:
    """The lead of the first paragraph with a sentence of substance, from that sentence on;
    the first paragraph's lead when every sentence of them is a pleasantry."""
    for paragraph in paragraphs:
        kept = [s for s in sentences(_without_directions(_without_label(paragraph))) if _words_of(s)]
        for number, sentence in enumerate(kept):
            if _has_substance(sentence):
                return lead(" ".join(kept[number:]))
    return lead(paragraphs[0])


_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Jr|Sr|No|U\.S|U\.N|Inc|Co|Corp|Ltd|vs|etc|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.$"
)


def sentences(text: str) -> list[str]:
    """The text cut after each sentence end that does not end an abbreviation ("U.S.", "Mr.")."""
    parts: list[str] = []
    current: list[str] = []  # pieces of the sentence so far, joined by spaces (then stripped)
    for piece in _SENTENCE.split(text):
        if current and current != [""]:
            current.append(piece)
            tail = " ".join(current[-8:]).rstrip()  # an abbreviation is a few characters at the end
        else:
            current = [piece]
            tail = piece
        if not _ABBREVIATION.search(tail, max(0, len(tail) - 8)):
            parts.append(_joined(current))
            current = []
    if current and _joined(current):
        parts.append(_joined(current))
    return parts


def _joined(pieces: list[str]) -> str:
    return pieces[0] if len(pieces) == 1 else " ".join(pieces).strip()


def lead(text: str) -> str:
    text = re.sub(r"^[A-Z][A-Z0-9 .,'’&-]{3,}:\s+(?=[A-Z])", "", text)  # an all-capitals label
    chosen = ""
    for sentence in sentences(text):
        candidate = f"{chosen} {sentence}".strip()
        if len(candidate) > SUMMARY_MAX:
            break
        chosen = candidate
        if len(chosen) >= 120:
            break
    return _fit_summary(chosen or text)


def _fit_summary(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SUMMARY_MAX:
        return text
    cut = text[: SUMMARY_MAX - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:-–—") + "…"


def _has_substance(sentence: str) -> bool:
    """A sentence to start the lead from: no pleasantry, not a fragment cut off by a dash, and
    of MIN_WORDS words or more."""
    cut_off = sentence.rstrip().endswith(("—", "–", "-"))
    return not cut_off and len(_words_of(sentence)) >= MIN_WORDS and not is_pleasantry(sentence)


# A stage direction of a transcript: a parenthesis of one to six words, the first Capitalised
# (or quoted), ending in a full stop: "(Applause.)", "(As interpreted.)", "(“Hail to the Chief”
# concludes.)"; "(NATO)", "(U.S.)", "(EO 14024.)" or an editor's "[American AI company]" are not.
_DIRECTION = re.compile(r"\s*\([\"“‘']?[A-Z][a-z'’]*+[.!]?(?:[ \t]++[^()\s]++){0,5}(?<=[.!])\)")
# A speaker label: one to seven words in capitals and a colon, or the interviewer's "Q".
_LABEL = re.compile(r"^(?:Q[:.]?\s++|[A-Z][A-Z0-9.'’()-]*+(?:[ \t]++[A-Z][A-Z0-9.'’()-]*+){0,6}:\s++)(?=\S)")


def _without_label(text: str) -> str:
    return _LABEL.sub("", text, count=1)


def _without_directions(text: str) -> str:
    return " ".join(_DIRECTION.sub("", text).split())


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry a greeting, thanks, a welcome or an invitation to sit: one must be there.
_CUES = _word_set(
    "hello hi hey greetings good morning afternoon evening welcome happy thank thanks appreciate please seat "
    "seated sit okay ok bye goodbye"
)
# Words that may stand beside them without giving the sentence a subject of its own.
_FILLER = _CUES | _word_set(
    "a all again and as back be being both colleagues day distinguished do dear everybody everyone fellow folks "
    "for friends gentlemen guests guys have "
    "here i i'm it it's just ladies let's me much my now of oh on one our really right so sir sit down take "
    "that thank the there this to today tonight too us very we we're well with wow yes you you're your yours "
    "y'all joining coming having if madam mr mrs ms dr excellency excellencies everyone's"
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def _words_of(sentence: str) -> list[str]:
    return words(sentence.translate(_APOSTROPHES))


def is_pleasantry(sentence: str) -> bool:
    """A sentence that only greets, thanks, welcomes or seats (see the module's docstring):
    "Hello, everybody.", "Thank you all for being here.", "Well, Mr. President, welcome.";
    not "Thank you for your tireless advocacy for our students." (it names what for)."""
    found = _words_of(sentence)
    if not found:
        return True  # a stage direction or punctuation alone
    cue = False
    for word in found:
        folded = word.casefold()
        if folded in _CUES:
            cue = True
        elif folded not in _FILLER and not (word[:1].isupper() and word[1:] == word[1:].lower()):
            return False  # a word of substance (names are Capitalised; acronyms are not names)
    return cue
