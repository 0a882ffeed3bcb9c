"""Ingest, tag: propose actors, places and topics from the vocabulary's names and aliases.

- whole words only, the longest name first ("Russian President Vladimir Putin" is one mention
  of vladimir-putin, not also one of Russia);
- case-aware: a name written in capitals (``UN``, ``EU``, ``NATO``) matches only as written; a
  proper name matches in any case as long as it starts with a capital ("Biden Administration");
  a lowercase name (topics such as "sanctions") matches in any case;
- a name or alias claimed by two entries is reported, never guessed;
- an entry is proposed when it is mentioned in the title or summary, or at least
  ``min_mentions`` times in the body (so that passing mentions don't tag).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..readers import Vocabulary
from ..schema import ENTITY_KINDS


@dataclass
class Tags:
    ids: dict[str, list[str]]  # kind → ids, most mentioned first
    mentions: Counter = field(default_factory=Counter)  # (kind, id) → count in title+summary+body
    ambiguous: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name → entries


def min_mentions(word_count: int) -> int:
    """2 mentions in a short text, one more per 1,500 words beyond the first, at most 5."""
    return min(5, 2 + max(0, word_count - 500) // 1500)


class Tagger:
    def __init__(self, vocabulary: Vocabulary):
        owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
        spelled: dict[str, tuple[str, str]] = {}
        for kind in ENTITY_KINDS:
            for entry in vocabulary.entries[kind].values():
                for name in (entry.name, *entry.aliases):
                    name = " ".join(name.split())
                    if len(name) < 2:
                        continue
                    fold = _fold(name)
                    owners[fold].add((kind, entry.id))
                    spelled.setdefault(fold, (name, kind))
        self.forms: dict[str, tuple[str, str]] = {}
        self.shared: dict[str, list[tuple[str, str]]] = {}
        for fold, entries in owners.items():
            if len(entries) == 1:
                self.forms[fold] = next(iter(entries))
            else:
                self.shared[fold] = sorted(entries)
        names = sorted(spelled.values(), key=lambda n: (-len(n[0]), n[0]))
        self.known = {_fold(n) for n, _ in names}
        alternatives = [_pattern(name, kind) for name, kind in names]
        # A name can only start with one of its first letters: that check first, so that the
        # hundreds of names are tried at word starts only (a line of spaces or punctuation was
        # tried against every name at every character: seconds for 100 kB).
        gate = _first_letters(names)
        self.regex = (
            re.compile(gate + r"(?<![\w@/#])(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else None
        )

    def find(self, text: str) -> list[str]:
        """Every vocabulary name found in ``text`` (as written), longest first, not overlapping."""
        if self.regex is None:
            return []
        return [match[0] for match in self.regex.finditer(text)]

    def tag(self, title: str, summary: str, body: str, hints: list[str] = ()) -> Tags:
        counts: Counter = Counter()
        head: set[tuple[str, str]] = set()
        ambiguous: dict[str, list[tuple[str, str]]] = {}
        for part, text in (("head", f"{title}\n{summary}\n" + "\n".join(hints)), ("body", body)):
            for found in self.find(text):
                fold = _fold(found)
                if fold in self.shared:
                    ambiguous[found] = self.shared[fold]
                    continue
                owner = self.forms.get(fold)
                if owner is None:
                    continue
                counts[owner] += 1
                if part == "head":
                    head.add(owner)
        threshold = min_mentions(len(body.split()))
        chosen = {owner for owner, count in counts.items() if owner in head or count >= threshold}
        ids = {
            kind: [
                i
                for (k, i), _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                if k == kind and (k, i) in chosen
            ]
            for kind in ENTITY_KINDS
        }
        return Tags(ids, counts, ambiguous)


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").replace("–", "-").replace("—", "-").split()).casefold()


def _first_letters(names: list[tuple[str, str]]) -> str:
    """A lookahead for the characters any of ``_pattern``'s patterns can start with."""
    exact, folded = set(), set()
    for name, kind in names:
        first = name[0]
        if first in "'’":
            exact |= {"'", "’"}
        elif first in "-–":
            exact |= {"-", "–"}
        elif "(?i:" in _pattern(name, kind) and not _pattern(name, kind).startswith("(?="):
            folded.add(first)
        else:
            exact.add(first.upper() if _pattern(name, kind).startswith("(?=") else first)
    parts = []
    if exact:
        parts.append("[" + "".join(re.escape(c) for c in sorted(exact)) + "]")
    if folded:
        parts.append("(?i:[" + "".join(re.escape(c) for c in sorted(folded)) + "])")
    return "(?=" + "|".join(parts) + ")"


def _pattern(name: str, kind: str = "") -> str:
    letters = [c for c in name if c.isalpha()]
    pieces = []
    for char in name:
        if char.isspace():
            pieces.append(r"\s+")
        elif char in "'’":
            pieces.append("['’]")
        elif char in "-–":
            pieces.append("[-–]")
        else:
            pieces.append(re.escape(char))
    escaped = "".join(pieces)
    if letters and all(c.isupper() for c in letters):
        return escaped  # an acronym or a name in capitals: as written
    if kind == "topics" and not any(c.isupper() for c in letters[1:]):
        return f"(?i:{escaped})"  # "Sanctions", "War crimes": sentence case, a common noun
    if any(c.isupper() for c in letters):
        # a proper name: any case after a capital first letter
        return f"(?=[{re.escape(name[0].upper())}])(?i:{escaped})"
    return f"(?i:{escaped})"


# --- vocabulary suggestions -------------------------------------------------------------------

# Runs of capitalised words, as the pattern
#   (?<![\w’'-])((?:W)(?:\s+(?:of|the|for|and|de|von|van|al|bin|la|du)?\s*(?:W))*)
#   with W = [A-Z][a-zA-Z’'.-]*[a-z]|[A-Z]{2,6}
# finds them, in time linear in the text (``_capitalised_runs``): the regex engine scanned a run
# such as "A.B.C.D." from each of its letters again, and split each run of spaces between two
# words every possible way.
_CAPITAL = re.compile(r"(?<![\w’'-])[A-Z]")
_WORD_RUN = re.compile(r"[a-zA-Z’'.-]+")
_SPACE_RUN = re.compile(r"\s*+")
_CONNECTORS = ("of", "the", "for", "and", "de", "von", "van", "al", "bin", "la", "du")  # none starts another


def _capitalised_runs(text: str) -> list[str]:
    runs = [found.span() for found in _WORD_RUN.finditer(text)]
    run_starts = [start for start, _ in runs]
    last_lower: dict[int, int] = {}  # run -> its last [a-z], or -1

    def capital(at: int) -> bool:
        return at < len(text) and "A" <= text[at] <= "Z"

    def word(at: int) -> int:
        """The end of W at ``at``, or -1."""
        if not capital(at):
            return -1
        index = bisect.bisect_right(run_starts, at) - 1  # the run holding this letter
        if index not in last_lower:
            start, end = runs[index]
            last_lower[index] = next((i for i in range(end - 1, start - 1, -1) if "a" <= text[i] <= "z"), -1)
        if last_lower[index] > at:  # [A-Z][a-zA-Z’'.-]*[a-z]: to the run's last lowercase letter
            return last_lower[index] + 1
        capitals = 1  # [A-Z]{2,6}
        while capitals < 6 and capital(at + capitals):
            capitals += 1
        return at + capitals if capitals >= 2 else -1

    found, pos = [], 0
    for initial in _CAPITAL.finditer(text):
        start = initial.start()
        if start < pos:
            continue
        end = word(start)
        if end < 0:
            continue
        while True:  # (?:\s+(?:connector)?\s*W)*
            space_end = _SPACE_RUN.match(text, end).end()
            if space_end == end:
                break
            following = -1
            connector = next((c for c in _CONNECTORS if text.startswith(c, space_end)), None)
            if connector:
                following = word(_SPACE_RUN.match(text, space_end + len(connector)).end())
            if following < 0:
                following = word(space_end)
            if following < 0:
                break
            end = following
        found.append(text[start:end])
        pos = end
    return found


_SENTENCE_START_NOISE = {
    "the",
    "this",
    "that",
    "these",
    "those",
    "a",
    "an",
    "in",
    "on",
    "at",
    "for",
    "and",
    "but",
    "or",
    "if",
    "as",
    "it",
    "its",
    "we",
    "our",
    "they",
    "their",
    "he",
    "his",
    "she",
    "her",
    "i",
    "you",
    "your",
    "there",
    "today",
    "when",
    "while",
    "with",
    "after",
    "before",
    "since",
    "under",
    "over",
    "by",
    "from",
    "to",
    "of",
    "what",
    "why",
    "how",
    "who",
    "where",
    "some",
    "many",
    "most",
    "all",
    "each",
    "every",
    "also",
    "however",
    "according",
    "yes",
    "no",
    "mr",
    "mrs",
    "ms",
    "q",
    "thank",
    "thanks",
    "so",
    "well",
    "now",
    "here",
    "both",
    "one",
    "two",
    "then",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "president",
    "secretary",
    "section",
    "sec",
    "figure",
    "table",
    "see",
    "source",
    "notes",
    "end",
}


def capitalised_names(text: str) -> set[str]:
    """Names in ``text``: runs of capitalised words, less sentence-initial common words."""
    found = set()
    for run in _capitalised_runs(text):
        name = run.strip(" .’'-")
        parts = name.split()
        while parts and parts[0].lower().strip(".") in _SENTENCE_START_NOISE:
            parts = parts[1:]
        while parts and parts[-1].lower() in ("of", "the", "for", "and", "de", "la", "du"):
            parts = parts[:-1]
        name = " ".join(parts)
        if len(name) < 3 or name.isdigit():
            continue
        if len(parts) == 1 and name.isupper() and len(name) > 6:
            continue  # a shouted word, not an acronym
        found.add(name)
    return found


def suggest_vocabulary(tagger: Tagger, texts: list[str], limit: int = 40) -> list[tuple[str, int]]:
    """Capitalised names the vocabulary lacks, with how many of ``texts`` mention them, most first."""
    counts: Counter = Counter()
    for text in texts:
        names = capitalised_names(text)
        names = {n for n in names if _fold(n) not in tagger.known and tagger.find(n) != [n]}
        counts.update(names)
    ranked = [(name, count) for name, count in counts.items() if count >= 2 or len(texts) == 1]
    ranked.sort(key=lambda kv: (-kv[1], -len(kv[0].split()), kv[0]))
    return ranked[:limit]
