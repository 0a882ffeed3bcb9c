"""Every mention of a vocabulary entry in an article's title, summary and body.

``find_mentions`` folds the three parts as one text (``fold``), runs the automaton over it once,
keeps the spellings that stand as whole words in the right case, lets the longest of
overlapping spellings win (topics apart from actors and places: the topic "war in Ukraine"
still names the place Ukraine; places and organisations inside an actor's name are named too,
``_inner``), and then resolves what each one means:

1. a name or alias of one entry, not marked ambiguous, is a mention of it ("firm");
2. an ambiguous name (``context.ambiguous``) or a name two entries share is a mention of the one
   entry the article supports: firmly named elsewhere in it, or one of its ``context.requires``
   present — in the same paragraph first, else anywhere in the article. Supported by none or by several, it is reported in ``Found.ambiguous`` (shared) or
   dropped (ambiguous), never guessed. An ambiguous place name followed by a capitalised word
   ("Chad Wolf", "Jordan Peterson") is someone else's name;
3. a person's surname is a mention of the one person of that surname the article has already
   named in full, unless it follows another capitalised word that is not a title ("Hunter
   Biden" is not Joe Biden);
4. the article's own publisher (its ``source.name``) citing or describing itself in its body is
   not a mention: "CRS Report R4…", "see CRS In Focus IF1…", "CRS analysis", "accessed by CRS"
   in a report of the Congressional Research Service (``SELF_CITATION``), while "a White House
   spokesperson" in a White House statement is one.

Datelines, bylines, a transcript's preamble and link targets hold no mention (``spans``). A US
state's postal code after a city ("Kenner, LA") is a mention of the state (``postal``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..layout import Key
from .fold import fold
from .names import BLOCK, CASE_CAPITAL, CASE_EXACT, CASE_UPPER, CUE, NAME, SURNAME, Index, Spelling
from .postal import postal_codes
from .spans import excluded_spans, lead_end

TITLE, SUMMARY, BODY = "title", "summary", "body"
ACTORS, PLACES, TOPICS = "actors", "places", "topics"
_BEFORE = set("@/#_")
_PARAGRAPH_BREAK = re.compile(r"\n\n")
# Words before a surname that do not make it someone else's: "President Biden", "Mr. Kirby".
TITLES = {
    "president", "vice", "secretary", "senator", "sen.", "rep.", "representative", "mr.", "mrs.", "ms.", "mr",
    "mrs", "ms", "dr.", "general", "gen.", "admiral", "adm.", "minister", "chancellor", "prime", "king", "queen",
    "prince", "governor", "gov.", "mayor", "speaker", "leader", "ambassador", "director", "chairman", "chair",
    "judge", "justice", "pope", "premier", "former", "the", "and", "said", "says", "with", "by", "to", "as",
}  # fmt: skip


# The words around a publisher's name that make it cite or describe itself.
SELF_CITATION = frozenset(
    ["report", "reports", "in focus", "insight", "insights", "legal sidebar", "sidebar", "analysis", "analyses",
     "estimate", "estimates", "calculation", "calculations", "product", "products", "memorandum", "testimony",
     "graphic", "figure", "table", "data", "review", "presentation", "compilation", "search", "legal update",
     "update", "attorney", "attorneys", "analyst", "analysts", "staff", "experts", "seminar", "seminars"]
)  # fmt: skip
CITED_BY = frozenset(["see", "by", "to", "source:", "sources:", "from", "also"])


@dataclass(frozen=True)
class Mention:
    key: Key
    start: int  # offset in the article's text: title, "\n\n", summary, "\n\n", body
    end: int
    zone: str  # TITLE, SUMMARY or BODY
    written: str  # as the text spells it


@dataclass
class Found:
    """What ``find_mentions`` found in one article, in text order."""

    mentions: list[Mention]
    ambiguous: dict[str, list[Key]] = field(default_factory=dict)  # spelling -> the entries it may name
    body_start: int = 0  # offsets in the article's text
    body_end: int = 0
    lead_end: int = 0

    def keys(self) -> list[Key]:
        return list(dict.fromkeys(m.key for m in self.mentions))


def find_mentions(index: Index, title: str, summary: str, body: str, publisher: str | None = None) -> Found:
    """Every mention in an article (see the module's docstring)."""
    text = f"{title}\n\n{summary}\n\n{body}"
    body_start = len(title) + len(summary) + 4
    summary_start = len(title) + 2
    excluded = [(body_start + s, body_start + e) for s, e in excluded_spans(body)]
    hits, cues = _hits(index, text, excluded)
    found = Found([], {}, body_start, len(text), body_start + lead_end(body))

    def zone(at: int) -> str:
        return TITLE if at < summary_start else SUMMARY if at < body_start else BODY

    support = Support(text, list(cues))
    for start, _end, spellings in hits:
        names = [s for s in spellings if s.role == NAME]
        if _firm(names):
            support.firm.setdefault(names[0].key, start)
            support.places.append((start, names[0].key))
    support.places.sort()
    own = set(_publisher(index, publisher)) if publisher else set()
    for start, end, spellings in hits:
        key = _resolve(text, start, end, spellings, support, found.ambiguous)
        if key is None or (key in own and zone(start) == BODY and _cites_itself(text, start, end)):
            continue
        found.mentions.append(Mention(key, start, end, zone(start), text[start:end]))
    return found


def _hits(index: Index, text: str, excluded: list[tuple[int, int]]):
    """The winning spellings (start, end, spellings) in text order, and the entries cued."""
    folded = f" {fold(text)} "  # the spaces: see Index.iter; offsets are one more than in text
    size = len(folded)
    starts = [s for s, _ in excluded]
    entities, topics = [], []  # candidates of each layer
    cues: list[tuple[int, Key]] = []
    for last, (length, spellings, trail, plain, mixed) in index.iter(folded):
        last -= trail
        before, after = folded[last - length], folded[last + 1]
        if before.isalnum() or before in _BEFORE or after.isalnum() or after == "_":
            continue
        start, end = last - length, last  # in text
        if starts:
            at = bisect.bisect_right(starts, start) - 1
            if at >= 0 and excluded[at][1] > start:
                continue
        if not plain:
            written = text[start:end]
            spellings = tuple(s for s in spellings if _case_fits(s, written))
        if not mixed:
            if spellings:
                (topics if spellings[0].key[0] == TOPICS else entities).append((start, end, spellings))
            continue
        cues += [(start, s.key) for s in spellings if s.role == CUE]
        kept = tuple(s for s in spellings if s.role != CUE and s.key[0] != TOPICS)
        if kept:
            entities.append((start, end, kept))
        kept = tuple(s for s in spellings if s.role != CUE and s.key[0] == TOPICS)
        if kept:
            topics.append((start, end, kept))
    entities += _postal(index, text, starts, excluded)
    found = _longest(list(entities), size)
    # topics apart: "war in Ukraine" is a topic and names Ukraine
    winners = found + _inner(index, entities, found, size) + _longest(topics, size)
    winners.sort(key=lambda w: (w[0], w[1]))
    return winners, cues


def _postal(index: Index, text: str, starts: list[int], excluded: list[tuple[int, int]]) -> list:
    """The states written as postal codes after a city ("Hampton, VA"), as names of their entries."""
    found = []
    for start, end, state in postal_codes(text) if ", " in text else ():
        at = bisect.bisect_right(starts, start) - 1
        if at >= 0 and excluded[at][1] > start:
            continue
        spellings = index.lookup(state)
        if spellings:
            found.append((start, end, tuple(Spelling(s.key, NAME, s.case, False, s.written) for s in spellings)))
    return found


def _inner(index: Index, candidates: list, winners: list, size: int) -> list:
    """Places and organisations named inside an actor's name, which belongs to them: "Israel" in
    "Israel Defense Forces", "U.S." in "U.S. Department of State", "UN" in "UN Security Council".
    Not a person in the name of what they lead ("Biden administration"), nor an ambiguous name
    ("House" in "White House"), nor anything inside a place's name ("Gulf of Mexico")."""
    actors = sorted(
        (s, e, {x.key for x in spellings})
        for s, e, spellings in winners
        if any(x.role == NAME and x.key[0] == ACTORS for x in spellings)
    )
    if not actors:
        return []
    starts = [s for s, _, _ in actors]
    blocks = sorted((s, e) for s, e, spellings in candidates if any(x.role == BLOCK for x in spellings))
    inside = []
    for start, end, spellings in candidates:
        if any(s <= start and end <= e for s, e in blocks):
            continue  # "Atlantic" in "North Atlantic Treaty Organization": forbidden there
        at = bisect.bisect_right(starts, start) - 1
        if at < 0 or end > actors[at][1] or (start, end) == actors[at][:2]:
            continue
        skip = index.people | actors[at][2]  # a person, or the actor itself ("Vladimir Putin")
        kept = tuple(x for x in spellings if x.role == NAME and not x.guarded and x.key not in skip)
        if kept:
            inside.append((start, end, kept))
    return _longest(inside, size)


def _longest(candidates: list, size: int) -> list:
    """The longest of overlapping candidates, then the leftmost: none of those kept overlap."""
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken = bytearray(size + 1)
    winners = []
    for start, end, spellings in candidates:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        winners.append((start, end, spellings))
    return winners


def _case_fits(spelling: Spelling, written: str) -> bool:
    case = spelling.case
    if case == CASE_CAPITAL:
        return written[:1].isupper() or (not written[:1].isalpha() and _first_letter_upper(written))
    if case == CASE_UPPER:
        return written == written.upper()
    if case == CASE_EXACT:
        return written == spelling.written
    return True


def _first_letter_upper(written: str) -> bool:
    return next((c for c in written if c.isalpha()), "").isupper()


@dataclass
class Support:
    """What supports an ambiguous name: the entries the article names firmly and those cued by
    their ``context.requires``, with where; the paragraph around a name is asked first."""

    text: str
    places: list[tuple[int, Key]]  # (offset, entry) of each cue and firm name, sorted
    firm: dict[Key, int] = field(default_factory=dict)  # entry -> where it is first named in full
    anywhere: set[Key] | None = None  # every entry of ``places`` (made once, when first asked)
    breaks: list[int] | None = None  # where paragraphs end (made once, when first asked)
    paragraphs: dict[int, set[Key]] = field(default_factory=dict)  # paragraph -> the entries it supports

    def backing(self, keys: list[Key], start: int, end: int) -> list[Key]:
        """Of ``keys``, those supported in the paragraph around start..end, else in the article."""
        if self.breaks is None:
            self.breaks = [found.start() for found in _PARAGRAPH_BREAK.finditer(self.text)]
        paragraph = bisect.bisect_left(self.breaks, start)
        near = self.paragraphs.get(paragraph)
        if near is None:
            first = self.breaks[paragraph - 1] + 1 if paragraph else 0
            last = self.breaks[paragraph] if paragraph < len(self.breaks) else len(self.text)
            low, high = bisect.bisect_left(self.places, (first,)), bisect.bisect_left(self.places, (last,))
            near = self.paragraphs[paragraph] = {self.places[index][1] for index in range(low, high)}
        backed = [key for key in keys if key in near]
        if backed:
            return backed
        if self.anywhere is None:
            self.anywhere = {key for _, key in self.places}
        return [key for key in keys if key in self.anywhere]


def _resolve(text: str, start: int, end: int, spellings, support: Support, ambiguous) -> Key | None:
    """The entry a winning spelling is a mention of, or None."""
    names = [s for s in spellings if s.role == NAME]
    if _firm(names):
        return names[0].key
    if names:
        if any(s.guarded and s.key[0] == PLACES for s in names) and _capitalised_after(text, end):
            return None
        keys = list(dict.fromkeys(s.key for s in names))
        backed = support.backing(keys, start, end)
        if len(backed) == 1:
            return backed[0]
        if len(keys) > 1:
            ambiguous.setdefault(text[start:end], sorted(keys))
        return None
    if any(s.role == BLOCK for s in spellings):
        return None
    people = [s.key for s in spellings if s.role == SURNAME and support.firm.get(s.key, end) < start]
    if len(people) == 1 and not _named_before(text, start):
        return people[0]
    return None


def _firm(names: list[Spelling]) -> bool:
    """Names of one entry, none of them marked ambiguous (two spellings may fold alike)."""
    return bool(names) and len({s.key for s in names}) == 1 and not any(s.guarded for s in names)


def _capitalised_after(text: str, end: int) -> bool:
    """A capitalised word right after ``end`` on the same line: "Chad Wolf"."""
    return end + 1 < len(text) and text[end] == " " and text[end + 1].isupper()


def _named_before(text: str, start: int) -> bool:
    """A capitalised word right before ``start`` that is not a title: "Hunter Biden"."""
    if start < 2 or text[start - 1] != " ":
        return False
    before = text[max(0, start - 40) : start - 1]
    words = before.rsplit(None, 2)
    word = words[-1].strip("(\"“'‘") if words else ""
    if not word or not word[0].isupper() or word.casefold() in TITLES or word.endswith("."):
        return False
    earlier = words[-2] if len(words) > 1 else ""
    return bool(earlier) and not earlier.endswith((".", "!", "?", ":", "\n")) and "\n" not in before[-len(word) - 2 :]


def _cites_itself(text: str, start: int, end: int) -> bool:
    """The publisher's name followed by what it wrote ("CRS Report") or after "see", "by", "Source:"."""
    after = text[end : end + 40]
    if after[:2] in ("'s", "’s"):
        return True  # "CRS's institutional role"
    words = " ".join(after.split()[:3]).casefold()
    before = [w for w in (w.strip("*_([").casefold() for w in text[max(0, start - 16) : start].split()) if w]
    cited = any(f" {word}" in f" {words}" for word in SELF_CITATION)
    return cited or bool(before and before[-1] in CITED_BY)


def _publisher(index: Index, publisher: str) -> list[Key]:
    """The entries the article's publisher names ("Congressional Research Service", "The White House")."""
    return find_mentions(index, publisher, "", "").keys()
