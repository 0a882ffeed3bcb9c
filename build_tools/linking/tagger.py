"""From mentions to tags: which entries an article should carry, most central first.

- an actor or a place is tagged when the article names it once (title, summary or body);
- a topic is a common noun ("sanctions", "the economy"): it is tagged when the title, the
  summary or the source's own subject line names it, or the body at least ``min_mentions``
  times, so that a passing word does not tag it;
- tags are ordered most central first (``salience``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from ..layout import ENTITY_KINDS, Key
from ..readers import Vocabulary
from .mentions import BODY, Found, find_mentions
from .names import Index
from .salience import Salience, rank, saliences

TOPICS = "topics"


@dataclass
class Tags:
    ids: dict[str, list[str]]  # kind -> ids, most central first
    mentions: Counter = field(default_factory=Counter)  # (kind, id) -> how often the text names it
    ambiguous: dict[str, list[Key]] = field(default_factory=dict)  # spelling -> the entries it may name
    salience: dict[Key, Salience] = field(default_factory=dict)  # every entry named, most central first
    found: Found | None = None


def min_mentions(word_count: int) -> int:
    """Body mentions that tag a topic: 2 in a short text, one more per 1,500 words beyond 500, at most 5."""
    return min(5, 2 + max(0, word_count - 500) // 1500)


class Tagger:
    """The vocabulary's automaton and the rules that turn an article's mentions into tags."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.index = Index(vocabulary)

    @cached_property
    def known(self) -> set[str]:
        """Every name and alias, folded (what suggestions leave out)."""
        return self.index.known

    def find(self, text: str) -> list[str]:
        """Every vocabulary spelling that is a mention in ``text``, as written, in text order."""
        return [m.written for m in find_mentions(self.index, text, "", "").mentions]

    def mentions(self, title: str, summary: str, body: str, publisher: str | None = None) -> Found:
        return find_mentions(self.index, title, summary, body, publisher)

    def tag(self, title: str, summary: str, body: str, hints: list[str] = (), publisher: str | None = None) -> Tags:
        """The tags the text supports (``hints``: the source's own subject lines, for topics)."""
        found = self.mentions(title, summary, body, publisher)
        counts = Counter(m.key for m in found.mentions)
        ranked = saliences(found)
        hinted = {m.key for m in find_mentions(self.index, "\n".join(hints), "", "").mentions} if hints else set()
        threshold = min_mentions(len(body.split()))
        head = {m.key for m in found.mentions if m.zone != BODY}

        def chosen(key: Key) -> bool:
            return key[0] != TOPICS or key in head or key in hinted or counts[key] >= threshold

        for key in hinted - set(ranked):
            ranked[key] = Salience(0.0, False)
        ids = {kind: [i for (k, i) in ranked if k == kind and chosen((k, i))] for kind in ENTITY_KINDS}
        return Tags(ids, counts, found.ambiguous, ranked, found)


def merge(kind: str, editor: list[str], tags: Tags) -> list[str]:
    """An article's ids of ``kind`` after tagging: the editor's and the proposed ones, the named
    ones most central first, then the editor's tags the text never names, in the editor's order."""
    named = [i for i in editor if (kind, i) in tags.salience]
    unnamed = [i for i in editor if (kind, i) not in tags.salience]
    every = list(dict.fromkeys([*tags.ids[kind], *named]))
    every.sort(key=lambda i: rank((kind, i), tags.salience[(kind, i)]))
    return every + unnamed
