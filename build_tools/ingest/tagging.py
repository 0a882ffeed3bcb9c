"""Stage 4: propose actors, places and topics from the vocabulary's names and aliases.

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
        self.regex = re.compile(r"(?<![\w@/#])(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else None

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

_CAPITALISED = re.compile(
    r"(?<![\w’'-])((?:[A-Z][a-zA-Z’'.-]*[a-z]|[A-Z]{2,6})(?:\s+(?:of|the|for|and|de|von|van|al|bin|la|du)?\s*(?:[A-Z][a-zA-Z’'.-]*[a-z]|[A-Z]{2,6}))*)"
)
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
    for match in _CAPITALISED.finditer(text):
        name = match[1].strip(" .’'-")
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
