"""Names the vocabulary lacks: candidates for new entries, each with the evidence to judge it.

A candidate is a run of capitalised words (``runs``) that

- is a proper name where it stands: it is seen at least once inside a sentence, not only at
  its start ("Today", "However", "Thank You" are sentence starts);
- is not a transcript's speaker label ("MR. KIRBY:", "THE PRESIDENT:"), a word in capitals that
  no long form spells out ("PRESID", a cut word; "KIRBY"), a contraction ("Don't", "We're"),
  a title without a name ("Mr.", "Secretary"), a demonym ("Russian", "Americans") or the name
  of a law, a document or an event ("Inflation Reduction Act", "Fact Sheet", "Fiscal Year");
- names no vocabulary entry, and is not a vocabulary name with a title in front;
- is named in at least two texts (any number in a single text).

Each comes with how many texts name it, one sentence as an example, a proposed id and kind,
and a YAML entry ready to paste into the vocabulary file its kind belongs to.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..schema import slugify
from .fold import fold_name
from .runs import capitalised_runs
from .tagger import Tagger


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


_LEADING = _words(
    "the this that these those a an in on at for and but or if as it its we our they their he his she her i "
    "you your there today when while with after before since under over by from to of what why how who where "
    "some many most all each every also however according yes no q so well now here both one two then "
    "thank thanks mr mrs ms dr sen rep gov gen adm president secretary senator representative governor "
    "ambassador minister chairman chair speaker leader vice deputy acting former general admiral director "
    "dear congressman congresswoman judge justice prime chancellor king queen prince see section figure "
    "table source sources note notes end please let just because again meanwhile additionally further "
    "furthermore moreover yesterday tonight tomorrow last next first second third new more"
)
_MONTHS_DAYS = _words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
# Last words of names of laws, documents, programmes and events: not actors or places.
_NOT_ACTORS = _words(
    "act acts bill bills law laws amendment amendments order orders report reports program programs "
    "programme initiative initiatives plan plans strategy policy policies code rule rules agreement "
    "agreements treaty treaties accord accords resolution resolutions declaration summit conference "
    "war wars crisis day days week month year years budget request authorization section title chapter "
    "article figure table page appendix index statement statements memorandum remarks briefing sheet "
    "review assessment framework doctrine standard standards guidance regulation regulations "
    "proclamation directive directives project projects system systems index month era period "
    "question questions answer answers doctor president secretary street avenue"
)
_DEMONYM = re.compile(r"(?:ian|ians|ese|ish|ans|ean|eans|ic)$")
_CONTRACTION = re.compile(r"(?i)n['’]t\b|['’](?:re|ve|ll|m|d)\b")
_ACRONYM_DEFINED = re.compile(r"\(([A-Z][A-Z&.]{1,7})\)")
_SENTENCE_END = set('.!?:;"“”—–(\n')
ORGANISATION_WORDS = _words(
    "agency department council committee commission office bureau service administration association "
    "institute organization organisation party bank company corporation inc group forces army navy court "
    "university board union ministry foundation center centre authority federation fund alliance "
    "coalition network league movement front brigade brigades guard command corps parliament assembly "
    "senate house congress cabinet government secretariat caucus institution laboratory college school "
    "times post news press network media"
)
PLACE_WORDS = _words(
    "strait sea gulf island islands river province region county city state mountains ocean bay peninsula "
    "valley lake desert coast border basin canal republic territory territories district oblast"
)


@dataclass(frozen=True)
class Suggestion:
    name: str
    count: int  # texts naming it
    example: str  # one sentence naming it
    id: str
    kind: str  # "actors/person", "actors/organization" or "places"
    aliases: tuple[str, ...] = ()

    def yaml(self) -> str:
        """A vocabulary entry ready to paste (its description is the editor's to write)."""
        file_kind, _, entity_kind = self.kind.partition("/")
        lines = [f"# {file_kind}.yml", f"- id: {self.id}", f"  name: {_quote(self.name)}"]
        if entity_kind:
            lines.append(f"  kind: {entity_kind}")
        lines.append(f"  aliases: [{', '.join(_quote(a) for a in self.aliases)}]")
        lines.append("  description: (who or what this is, in one sentence)")
        return "\n".join(lines)


def _quote(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z][A-Za-z .'’-]*[A-Za-z.]", text) else '"' + text.replace('"', '\\"') + '"'


def suggest_vocabulary(tagger: Tagger, texts: list[str], limit: int = 40) -> list[Suggestion]:
    """The names ``texts`` use that the vocabulary lacks, the most widely named first."""
    texts_naming: Counter = Counter()
    inside: Counter = Counter()  # seen inside a sentence at least once
    examples: dict[str, str] = {}
    places: Counter = Counter()  # seen after "in", "to", "from"
    titled: Counter = Counter()  # seen after a person's title
    acronyms: dict[str, str] = {}
    for text in texts:
        seen: set[str] = set()
        for start, end, name in _candidates(text):
            before = text[max(0, start - 24) : start].rstrip()
            previous = before.rsplit(None, 1)[-1].casefold().strip(".") if before.split() else ""
            if not before or before[-1] in _SENTENCE_END or _sentence_start(before):
                pass
            else:
                inside[name] += 1
            places[name] += previous in ("in", "to", "from", "across", "near")
            titled[name] += previous in _LEADING and previous not in ("the", "a", "an", "in", "to", "from")
            seen.add(name)
            examples.setdefault(name, _sentence(text, start, end))
            after = _ACRONYM_DEFINED.match(text, end + 1) if text[end : end + 2] == " (" else None
            if after:
                acronyms.setdefault(name, after[1].replace(".", ""))
        texts_naming.update(seen)
    known = tagger.known
    ranked = []
    for name, count in texts_naming.items():
        if count < 2 and len(texts) > 1 or not inside[name] or not _plausible(name, acronyms):
            continue
        if fold_name(name) in known or _titled_known(tagger, name):
            continue
        kind = _kind(name, places[name], titled[name], count)
        aliases = (acronyms[name],) if name in acronyms and fold_name(acronyms[name]) not in known else ()
        ranked.append(Suggestion(name, count, examples[name], slugify(name), kind, aliases))
    ranked.sort(key=lambda s: (-s.count, -len(s.name.split()), s.name))
    return ranked[:limit]


def _candidates(text: str):
    """(start, end, name) of each capitalised run, trimmed of its leading common words and possessive."""
    for start, end in capitalised_runs(text):
        words = text[start:end].split()
        while words and words[0].casefold().strip(".,") in _LEADING | _MONTHS_DAYS:
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        while words and words[-1].casefold() in ("of", "the", "for", "and", "de", "la", "du", "on"):
            words = words[:-1]
        if not words:
            continue
        start = text.index(words[0], start)
        name = " ".join(words)
        for suffix in ("’s", "'s", "’", "'"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        name = name.rstrip(".,")
        if len(name) >= 3:
            yield start, start + len(name), name


def _sentence_start(before: str) -> bool:
    """Whether the text before a word ends a sentence ("... said. Today")."""
    tail = before.rsplit(None, 1)[-1] if before.split() else ""
    return tail.endswith((".", "!", "?", ":", '"', "”")) and not re.fullmatch(
        r"(?:[A-Z]\.)+|Mr\.|Ms\.|Mrs\.|Dr\.|St\.", tail
    )


def _plausible(name: str, acronyms: dict[str, str]) -> bool:
    """Not a speaker label, cut word, contraction, demonym, law, document or event."""
    words = name.split()
    folded = [w.casefold().strip(".,") for w in words]
    if _CONTRACTION.search(name) or any(w in _MONTHS_DAYS for w in folded):
        return False
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return len(words) == 1 and name in acronyms.values() and len(name) <= 6
    if any(w.isupper() and len(w) > 1 and not w.replace(".", "").isalpha() for w in words):
        return False
    if folded[-1] in _NOT_ACTORS or any(w in ("fact", "sheet", "fiscal") for w in folded):
        return False
    if len(words) == 1 and (_DEMONYM.search(folded[0]) or folded[0] in _LEADING):
        return False
    return not any(c.isdigit() for c in name)


def _titled_known(tagger: Tagger, name: str) -> bool:
    """A vocabulary name with titles or common words around it ("President Zelenskyy", "Putin Regime")."""
    found = tagger.find(name)
    if not found:
        return False
    rest = name
    for spelling in found:
        rest = rest.replace(spelling, " ")
    return all(w.casefold().strip(".,'’s") in _LEADING | _NOT_ACTORS | ORGANISATION_WORDS for w in rest.split())


def _kind(name: str, in_place: int, titled: int, count: int) -> str:
    words = [w.casefold() for w in name.split()]
    if any(w in ORGANISATION_WORDS for w in words):
        return "actors/organization"
    if any(w in PLACE_WORDS for w in words):
        return "places"
    if 2 <= len(words) <= 4 and all(w[:1].isalpha() for w in words) and titled:
        return "actors/person"
    if in_place * 3 >= count:
        return "places"
    if 2 <= len(words) <= 3:
        return "actors/person"
    return "actors/organization"


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``, on one line, at most about 200 characters."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    sentence = " ".join(text[left + 1 : right].split())
    if len(sentence) > 200:
        at = sentence.find(text[start:end])
        begin = max(0, at - 90)
        sentence = ("…" if begin else "") + sentence[begin : begin + 200].strip() + "…"
    return sentence


def print_suggestions(suggestions: list[Suggestion], say=print) -> None:
    """Each suggestion: count, name, proposed id and kind, an example, and its YAML entry."""
    for suggestion in suggestions:
        say(f"  {suggestion.count:5d}  {suggestion.name}  ({suggestion.kind}, id {suggestion.id})")
        say(f"         e.g. “{suggestion.example}”")
        say("\n".join("         " + line for line in suggestion.yaml().splitlines()))
    if not suggestions:
        say("  (none)")
