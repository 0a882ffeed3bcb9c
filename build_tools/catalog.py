"""Stage 2: link articles to the vocabulary and build every index once.

Generators only look things up here; none of them scans the whole archive per page.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .problems import Problem, display_path
from .readers import Article, Vocabulary
from .schema import ENTITY_KINDS, VocabularyEntry

Key = tuple[str, str]  # (kind, id), e.g. ("actors", "vladimir-putin")
RELATED_WINDOW = 100  # per tag, candidates are the articles nearest in time on either side
SINGULAR = {"actors": "actor", "topics": "topic", "places": "place"}


def newest_first(article: Article) -> tuple:
    return (-article.meta.date.toordinal(), article.slug)


def suggest(vocabulary: Vocabulary, kind: str, wrong: str, limit: int = 3) -> list[str]:
    """Vocabulary ids close to ``wrong``, matched on ids, names and aliases."""
    choices: dict[str, str] = {}
    for entry in vocabulary.entries[kind].values():
        for label in (entry.id, entry.name, *entry.aliases):
            choices.setdefault(label.lower(), entry.id)
    found = process.extract(wrong.lower(), list(choices), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=75)
    ids: list[str] = []
    for label, _score, _index in found:
        if choices[label] not in ids:
            ids.append(choices[label])
    return ids[:limit]


def unknown_id_problems(article: Article, vocabulary: Vocabulary) -> list[Problem]:
    problems = []
    shown = article.shown or display_path(article.path)
    for kind in ENTITY_KINDS:
        for index, entry_id in enumerate(article.ids(kind)):
            if (kind, entry_id) in vocabulary:
                continue
            hints = suggest(vocabulary, kind, entry_id)
            hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
            problems.append(
                Problem(
                    shown,
                    article.line_of(kind, index),
                    "error",
                    f"{kind}: Expected an id from vocabulary/{kind}.yml but received {entry_id!r}{hint}",
                    "vocabulary-id",
                )
            )
    return problems


@dataclass
class Catalog:
    """The published articles and the indexes every page is built from."""

    articles: list[Article]
    vocabulary: Vocabulary
    by_entity: dict[Key, list[Article]] = field(default_factory=dict)
    by_year: dict[int, list[Article]] = field(default_factory=dict)
    co_occurrence: dict[Key, Counter] = field(default_factory=dict)
    position: dict[tuple[Key, int], int] = field(default_factory=dict)
    rank: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(cls, articles: list[Article], vocabulary: Vocabulary) -> tuple[Catalog, list[Problem]]:
        problems: list[Problem] = []
        published = [a for a in articles if not a.meta.draft]
        for article in published:
            problems += unknown_id_problems(article, vocabulary)
        problems += duplicate_url_problems(published)
        catalog = cls(sorted(published, key=newest_first), vocabulary)
        catalog._index()
        return catalog, problems

    def _index(self) -> None:
        by_entity: dict[Key, list[Article]] = defaultdict(list)
        by_year: dict[int, list[Article]] = defaultdict(list)
        co: dict[Key, Counter] = defaultdict(Counter)
        position: dict[tuple[Key, int], int] = {}
        for article in self.articles:  # already newest first, so every list is too
            keys = self.keys_of(article)
            by_year[article.year].append(article)
            for key in keys:
                position[(key, id(article))] = len(by_entity[key])
                by_entity[key].append(article)
                co[key].update(other for other in keys if other != key)
        self.by_entity, self.by_year, self.co_occurrence = dict(by_entity), dict(by_year), dict(co)
        self.position = position
        self.rank = {id(article): index for index, article in enumerate(self.articles)}

    def keys_of(self, article: Article) -> list[Key]:
        return [(kind, i) for kind in ENTITY_KINDS for i in article.ids(kind) if (kind, i) in self.vocabulary]

    def entry(self, key: Key) -> VocabularyEntry:
        return self.vocabulary.entries[key[0]][key[1]]

    def entries(self, kind: str) -> list[tuple[VocabularyEntry, int]]:
        """Every entry of a kind with its article count, most covered first, then by name."""
        items = [(e, len(self.by_entity.get((kind, e.id), []))) for e in self.vocabulary.entries[kind].values()]
        return sorted(items, key=lambda item: (-item[1], item[0].name.lower(), item[0].id))

    def companions(self, key: Key, limit: int = 10) -> list[tuple[Key, int]]:
        counts = self.co_occurrence.get(key, Counter())
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def related(self, article: Article, limit: int = 5) -> list[Article]:
        """Articles sharing the most actors, topics and places; ties go to the newest.

        Each tag contributes only the RELATED_WINDOW articles nearest in time on either side,
        so the cost per article stays constant however popular a tag grows (a tag on half of
        10,000 articles would otherwise make this quadratic). Within that window the ranking
        is exact.
        """
        scores: Counter = Counter()
        rank = self.rank
        for key in self.keys_of(article):
            items = self.by_entity.get(key, [])
            at = self.position[(key, id(article))]
            for other in items[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1]:
                scores[rank[id(other)]] += 1
        scores.pop(rank[id(article)], None)
        # Bucket by score (at most the number of tags), best bucket first; within a bucket the
        # smaller rank is the newer article. Linear in the candidates, no sort of all of them.
        buckets: dict[int, list[int]] = defaultdict(list)
        for r, score in scores.items():
            buckets[score].append(r)
        best: list[int] = []
        for score in sorted(buckets, reverse=True):
            best += heapq.nsmallest(limit - len(best), buckets[score])
            if len(best) >= limit:
                break
        return [self.articles[r] for r in best]


def duplicate_url_problems(articles: list[Article]) -> list[Problem]:
    seen: dict[str, Article] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.path):
        first = seen.setdefault(article.url, article)
        if first is not article:
            problems.append(
                Problem(
                    article.shown,
                    1,
                    "error",
                    f"slug: {article.slug!r} is already used in {article.year} by "
                    f"{first.shown}; both would be published at /{article.url}",
                    "duplicate-slug",
                )
            )
    return problems
