"""Stage 2: link articles to the vocabulary and build every index once.

Generators only look things up here; none of them scans the whole archive per page.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .checks.duplicates import duplicate_slug_problems
from .layout import ENTITY_KINDS, Key
from .problems import Problem
from .readers import Article, Vocabulary, unknown_id_problems
from .schema import VocabularyEntry

RELATED_WINDOW = 100  # per tag, candidates are the articles nearest in time on either side


def newest_first(article: Article) -> tuple:
    return (-article.meta.date.toordinal(), article.slug)


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
    ranks: dict[Key, list[int]] = field(default_factory=dict)  # by_entity as positions in articles
    _keys: dict[int, list[Key]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, articles: list[Article], vocabulary: Vocabulary) -> tuple[Catalog, list[Problem]]:
        problems: list[Problem] = []
        published = [a for a in articles if not a.meta.draft]
        for article in published:
            problems += unknown_id_problems(article, vocabulary)
        problems += [problem for _, problem in duplicate_slug_problems(published, other_years=False)]
        catalog = cls(sorted(published, key=newest_first), vocabulary)
        catalog._index()
        return catalog, problems

    def _index(self) -> None:
        by_entity: dict[Key, list[Article]] = defaultdict(list)
        by_year: dict[int, list[Article]] = defaultdict(list)
        co: dict[Key, Counter] = defaultdict(Counter)
        position: dict[tuple[Key, int], int] = {}
        keys_by_article: dict[int, list[Key]] = {}
        for article in self.articles:  # already newest first, so every list is too
            keys_by_article[id(article)] = keys = self.keys_of(article)
            by_year[article.year].append(article)
            for key in keys:
                position[(key, id(article))] = len(by_entity[key])
                by_entity[key].append(article)
                co[key].update(keys)  # counted in C; each key's count of itself is dropped below
        for key, counts in co.items():
            del counts[key]
        self.by_entity, self.by_year, self.co_occurrence = dict(by_entity), dict(by_year), dict(co)
        self.position = position
        self._keys = keys_by_article
        self.rank = {id(article): index for index, article in enumerate(self.articles)}
        self.ranks = {key: [self.rank[id(a)] for a in items] for key, items in self.by_entity.items()}

    def replace(self, old: Article, new: Article) -> None:
        """Put ``new`` where ``old`` is, in every index. Only for an article whose frontmatter and
        file name are unchanged (equal ``meta_digest``): then no index changes shape."""
        if old.meta.draft:
            return  # drafts are in no index
        rank = self.rank.pop(id(old))
        self.rank[id(new)] = rank
        self.articles[rank] = new
        keys = self._keys.pop(id(old))
        self._keys[id(new)] = keys
        for key in keys:
            at = self.position.pop((key, id(old)))
            self.position[(key, id(new))] = at
            self.by_entity[key][at] = new
        year = self.by_year[old.year]
        year[year.index(old)] = new

    def structure(self) -> bytes:
        """A digest of what related() reads: every article's URL, date and tags, in order.
        Equal digests mean equal related lists, so they can be remembered between runs."""
        digest = hashlib.blake2b(digest_size=16)
        for article in self.articles:
            keys = ",".join(f"{k[0]}/{k[1]}" for k in self.keys_of(article))
            digest.update(f"{article.url}\t{article.meta.date.isoformat()}\t{keys}\n".encode())
        return digest.digest()

    def keys_of(self, article: Article) -> list[Key]:
        """The article's tags that are in the vocabulary, kind by kind in the order of layout.KINDS."""
        known = self._keys.get(id(article))
        if known is not None:
            return known
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
        own = self.rank[id(article)]
        for key in self.keys_of(article):
            at = self.position[(key, id(article))]
            scores.update(self.ranks[key][max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1])  # counted in C
        scores.pop(own, None)
        if not scores:
            return []
        # The limit-th best score is the cut: only candidates at or above it can be chosen, and
        # within them (-score, rank) orders best first, then newest (a smaller rank is newer).
        cut = heapq.nlargest(limit, scores.values())[-1]
        best = sorted((-score, r) for r, score in scores.items() if score >= cut)[:limit]
        return [self.articles[r] for _, r in best]

    # -- what the home page reports -------------------------------------------------------------

    def newest_date(self) -> dt.date | None:
        """The date of the newest article: "this month" and "the last 12 months" count back from
        it, not from the clock, so the same archive always builds the same home page."""
        return self.articles[0].meta.date if self.articles else None

    def recent(self, since: dt.date) -> list[Article]:
        """The articles dated ``since`` or later, newest first."""
        ordinals = [-a.meta.date.toordinal() for a in self.articles]  # ascending
        return self.articles[: bisect.bisect_right(ordinals, -since.toordinal())]

    def most_covered(self, kind: str, since: dt.date, limit: int) -> list[tuple[Key, int]]:
        """The entries of a kind with the most articles dated ``since`` or later, then by name."""
        counts: Counter = Counter(k for a in self.recent(since) for k in self.keys_of(a) if k[0] == kind)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], self.entry(kv[0]).name.lower(), kv[0]))
        return ranked[:limit]

    def monthly(self, key: Key, last: dt.date, months: int = 12) -> list[int]:
        """Articles on ``key`` per calendar month, the ``months`` months up to ``last``'s, oldest first."""
        end = last.year * 12 + last.month - 1
        counts = [0] * months
        for article in self.by_entity.get(key, []):  # newest first: stop at the first too old
            at = end - (article.meta.date.year * 12 + article.meta.date.month - 1)
            if at >= months:
                break
            if at >= 0:
                counts[months - 1 - at] += 1
        return counts

    def longest_running(self, kind: str, limit: int) -> list[tuple[Key, int, int, int]]:
        """Entries by the span of years their articles cover, widest first, then most articles:
        ``(key, first year, last year, articles)``."""
        spans = []
        for entry in self.vocabulary.entries[kind].values():
            articles = self.by_entity.get((kind, entry.id))
            if articles:
                spans.append(((kind, entry.id), articles[-1].year, articles[0].year, len(articles)))
        spans.sort(key=lambda s: (s[1] - s[2], -s[3], self.entry(s[0]).name.lower(), s[0]))
        return spans[:limit]
