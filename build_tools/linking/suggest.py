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
from collections import defaultdict
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
    "furthermore moreover yesterday tonight tomorrow last next first second third more god lady title chief"
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
    "question questions answer answers doctor president secretary street avenue register charter dream",
    "advisor adviser general staff assistant director officer officers spokesperson ambassador envoy members",
    "member leader leaders chair chairman chairwoman commissioner administrator counsel deputy allies ally",
    "one first based pledge scam deal campaign challenge goal goals agenda",
)
_DEMONYM = re.compile(r"(?:ian|ians|ese|ish|ans|ean|eans|ic)$")
_CUT = re.compile(r"[-–—](?![A-Za-z])| on [A-Z]")
_COMPOUND = re.compile(r"-[A-Za-z]")  # "U.S.-based", "Gender-Based"; "Export-Import Bank" is let through below
_CONTRACTION = re.compile(r"(?i)n['’]t\b|['’](?:re|ve|ll|m|d)\b")
_LINK_TARGET = re.compile(r"\]\([^()\[\]\s]{0,2000}\)")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z]+(?![\w'’-])")
_ACRONYM_DEFINED = re.compile(r"\(([A-Z][A-Z&.]{1,7})\)")
_SENTENCE_END = set('.!?:;"“”—–(\n')
ORGANISATION_WORDS = _words(
    "agency department council committee commission office bureau service administration association "
    "institute organization organisation party bank company corporation inc group forces army navy court "
    "university board union ministry foundation center centre authority federation fund alliance "
    "coalition network league movement front brigade brigades guard command corps parliament assembly "
    "senate house congress cabinet government secretariat caucus institution laboratory college school "
    "times post news press network media journal"
)
PLACE_WORDS = _words(
    "strait sea gulf island islands river province region county city state mountains ocean bay peninsula "
    "valley lake desert coast border basin canal republic territory territories district oblast hill garden lawn"
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


@dataclass
class _Evidence:
    """What the texts say about one candidate name."""

    texts: int = 0  # texts naming it
    seen: int = 0  # times, in lines of prose
    inside: int = 0  # of those, inside a sentence (not its first word)
    in_place: int = 0  # after "in", "to", "from"…
    titled: int = 0  # after a title ("President", "Mr.", "Secretary"…)
    example: str = ""
    acronym: str = ""  # "(FEMA)" right after it


def suggest_vocabulary(tagger: Tagger, texts: list[str], limit: int = 40) -> list[Suggestion]:
    """The names ``texts`` use that the vocabulary lacks, the most widely named first. Each text
    is a title, a blank line and the Markdown body (the title and headings are left out: every
    word of them is capitalised)."""
    evidence: dict[str, _Evidence] = defaultdict(_Evidence)
    lowercase: set[str] = set()  # every word the texts write in lower case
    for text in texts:
        _gather(text, evidence, lowercase)
    places = {k for k in tagger.known if " " not in k and k.isalpha()}
    ranked = []
    for name, found in evidence.items():
        if (found.texts < 2 and len(texts) > 1) or not _proper(name, found, lowercase, places):
            continue
        if not _plausible(name) or fold_name(name) in tagger.known or _titled_known(tagger, name):
            continue
        kind = _kind(name, found.in_place, found.titled, found.seen)
        aliases = (found.acronym,) if found.acronym and fold_name(found.acronym) not in tagger.known else ()
        ranked.append(Suggestion(name, found.texts, found.example, slugify(name), kind, aliases))
    ranked.sort(key=lambda s: (-s.count, -len(s.name.split()), s.name))
    return _not_common_phrases(ranked, texts, limit)


def _not_common_phrases(ranked: list[Suggestion], texts: list[str], limit: int) -> list[Suggestion]:
    """The first ``limit`` suggestions whose words the texts never write in lower case as one
    phrase: "armed forces", "task force", "chief of staff" are common nouns written capitalised."""
    joined = " ".join(" ".join(text.split()) for text in texts)
    kept = []
    for suggestion in ranked:
        if " " in suggestion.name and f" {suggestion.name.lower()} " in joined:
            continue
        kept.append(suggestion)
        if len(kept) == limit:
            break
    return kept


def _gather(text: str, evidence: dict[str, _Evidence], lowercase: set[str]) -> None:
    text = _LINK_TARGET.sub("]", text)
    lowercase.update(_LOWER_WORD.findall(text))
    named = set()
    for line in text.split("\n")[1:]:
        if _headline(line):
            continue
        for start, end, name in _candidates(line):
            found = evidence[name]
            found.seen += 1
            named.add(name)
            before = line[max(0, start - 24) : start].rstrip()
            previous = before.rsplit(None, 1)[-1].casefold().strip(".*") if before.split() else ""
            if before and before[-1] not in _SENTENCE_END and not _sentence_start(before) and previous != "q":
                found.inside += 1
            found.in_place += previous in ("in", "to", "from", "across", "near")
            found.titled += previous in _LEADING and previous not in ("the", "a", "an", "in", "to", "from")
            found.example = found.example or _sentence(line, start, end)
            after = _ACRONYM_DEFINED.match(line, end + 1) if line[end : end + 2] == " (" else None
            if after and not found.acronym:
                found.acronym = after[1].replace(".", "")
    for name in named:
        evidence[name].texts += 1


def _headline(line: str) -> bool:
    """A heading, a table row, or a line that does not end a sentence and whose long words are
    mostly capitalised (a headline, a bold lead-in, a venue line): every word of it looks like a
    name."""
    stripped = line.strip().lstrip("*_>- ")
    if not stripped or line.lstrip().startswith(("#", "|")):
        return True
    if stripped.rstrip("*_ ").endswith((".", "?", "!", '"', "”", ";")):
        return False  # a sentence, however many names it holds
    words = [w for w in stripped.split() if len(w) >= 4 and w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) * 10 >= len(words) * 6


def _proper(name: str, found: _Evidence, lowercase: set[str], places: set[str]) -> bool:
    """Written as a name where it stands: inside sentences, and, for one word, never in lower
    case in the texts ("Look", "State", "Administration") nor a place's demonym ("American")."""
    if not found.inside:
        return False
    if " " in name:
        return found.inside * 10 >= found.seen * 3 and not _demonym(name.split()[-1].casefold(), places)
    word = name.casefold()
    if word in lowercase or found.inside * 2 < found.seen or found.in_place * 3 < found.seen:
        return False  # one word: a place ("in Canberra"), else a first name, a surname, a demonym
    return not _demonym(word, places)


def _demonym(word: str, places: set[str]) -> bool:
    """A word made from a place's name: "American", "Canadian", "Jordanian"."""
    return any(
        word != place and word.startswith(place[: max(4, len(place) - 2)]) and len(word) - len(place) <= 4
        for place in places
    )


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
        cut = text[start + len(name) : start + len(name) + 5]
        if _CUT.match(cut):
            continue  # "Amer- —" (a word cut short), "Global Partnership for Action on Gender…" (a name cut)
        if len(name) >= 3:
            yield start, start + len(name), name


def _sentence_start(before: str) -> bool:
    """Whether the text before a word ends a sentence ("... said. Today")."""
    tail = before.rsplit(None, 1)[-1] if before.split() else ""
    return tail.endswith((".", "!", "?", ":", '"', "”")) and not re.fullmatch(
        r"(?:[A-Z]\.)+|Mr\.|Ms\.|Mrs\.|Dr\.|St\.", tail
    )


def _plausible(name: str) -> bool:
    """Not a speaker label, cut word, contraction, demonym, law, document or event."""
    words = name.split()
    folded = [w.casefold().strip(".,") for w in words]
    if _CONTRACTION.search(name) or any(w in _MONTHS_DAYS for w in folded):
        return False
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return False  # capitals alone: a speaker label, a cut or shouted word (an acronym comes with its long form)
    if any(w.isupper() and len(w) > 1 and not w.replace(".", "").isalpha() for w in words):
        return False
    if folded[-1] in _NOT_ACTORS or folded[0] in _NOT_ACTORS:
        return False
    if any(w in ("fact", "sheet", "fiscal", "war", "wars") for w in folded):
        return False
    if "and" in folded and not any(w in ORGANISATION_WORDS or w in PLACE_WORDS for w in folded):
        return False  # "Israelis and Palestinians": two names, or a phrase
    if _COMPOUND.search(name) and not any(w in ORGANISATION_WORDS for w in folded):
        return False  # "U.S.-based", "Biden-era", "Gender-Based": an adjective
    if len(words) == 1 and (_DEMONYM.search(folded[0]) or folded[0] in _LEADING):
        return False
    return not any(c.isdigit() for c in name)


def _titled_known(tagger: Tagger, name: str) -> bool:
    """A vocabulary name with other words around it ("President Zelenskyy", "NATO Allies", "UN
    Charter"), or a part of one ("Health and Human Services"): the entry is known, or the rest
    is no name. Only an organisation's own word keeps it ("House Armed Services Committee")."""
    folded = fold_name(name)
    if any(f" {folded} " in f" {known} " for known in tagger.known if len(known) > len(folded)):
        return True
    hits = [text for _, _, text in _known_spellings(tagger, folded)]
    if not hits:
        return False
    rest = f" {folded} "
    for hit in hits:
        rest = rest.replace(f" {hit} ", " ")
    return not any(w in ORGANISATION_WORDS for w in rest.split())


def _known_spellings(tagger: Tagger, folded: str):
    """(start, end, spelling) of every vocabulary spelling (names and forbidden phrases) in ``folded``."""
    padded = f" {folded} "
    for last, (length, _spellings, trail, _plain, _mixed) in tagger.index.iter(padded):
        last -= trail
        start = last - length
        if not padded[start].isalnum() and not padded[last + 1].isalnum():
            yield start, last, padded[start + 1 : last + 1]


def _kind(name: str, in_place: int, titled: int, count: int) -> str:
    words = [w.casefold() for w in name.split()]
    if any(w in ORGANISATION_WORDS for w in words):
        return "actors/organization"
    if any(w in PLACE_WORDS for w in words) or (in_place > titled and in_place * 5 >= count):
        return "places"
    if 2 <= len(words) <= 3 and all(w[:1].isalpha() for w in words):
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
