"""Which of an article's tags it is about: ``linking.salience`` in the generator's terms.

An article's ranking is its tags, most central first, each with whether the article is about it
(``central``) or only mentions it. The pages need it twice: an article page (the tags under the
headline, the order of the full list) and the page of every entry it is tagged with (about or
only mentions). It depends only on the article's file and the vocabulary, so it is computed
once per file digest, kept by the caller (``PageGenerator.rankings``, which the memo of the
last run may fill), and for many articles computed in forked worker processes.
"""

from __future__ import annotations

import multiprocessing
import os

from .layout import Key
from .linking import salience
from .readers import Article, Vocabulary

Ranking = tuple[tuple[Key, bool], ...]  # the article's tags, most central first, each with "about"
PARALLEL_MIN = 1500  # below this many articles to rank, worker processes cost more than they save
MAX_WORKERS = 4
_WORK: tuple[list[Article], Vocabulary] | None = None


def ranking(article: Article, vocabulary: Vocabulary) -> Ranking:
    return tuple((key, found.central) for key, found in salience(article, vocabulary).items())


def rank_all(articles: list[Article], vocabulary: Vocabulary, known: dict[bytes, Ranking]) -> None:
    """Add to ``known`` the ranking of every article not in it (by ``Article.digest``)."""
    missing = list({a.digest: a for a in articles if a.digest and a.digest not in known}.values())
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(missing) < PARALLEL_MIN or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        known.update((a.digest, ranking(a, vocabulary)) for a in missing)
        return
    global _WORK
    _WORK = (missing, vocabulary)
    size = -(-len(missing) // (workers * 4))
    spans = [(i, min(i + size, len(missing))) for i in range(0, len(missing), size)]
    try:
        canonical: dict[Key, Key] = {}  # one tuple per tag, not one per article that carries it
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap_unordered(_rank_span, spans):
                known.update(
                    (digest, tuple((canonical.setdefault(key, key), about) for key, about in ranked))
                    for digest, ranked in part
                )
    finally:
        _WORK = None


def _rank_span(span: tuple[int, int]) -> list[tuple[bytes, Ranking]]:
    assert _WORK is not None, "set before the pool forks"
    articles, vocabulary = _WORK
    return [(a.digest, ranking(a, vocabulary)) for a in articles[span[0] : span[1]]]
