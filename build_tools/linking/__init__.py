"""Entity linking: the mentions of vocabulary entries in an article, its tags, and their salience.

The bottom layer of tagging: it imports ``layout``, ``schema`` and ``readers`` only, and is used
by ``ingest``, ``tag``, ``check`` (rule ``untagged-mention``) and the generator.

- ``fold``      — the one spelling names and text are compared in (case, accents, dashes, quotes);
- ``names``     — the vocabulary as one Aho–Corasick automaton;
- ``spans``     — datelines, bylines, preambles and link targets, which hold no mention;
- ``mentions``  — every mention in an article, ambiguity resolved by the vocabulary's context;
- ``salience``  — how central each tag is (``about``) or not (``mentions``);
- ``tagger``    — the tags an article should carry, most central first;
- ``suggest``   — names the vocabulary lacks;
- ``retag``     — tag lists rewritten in an article file, nothing else touched.

The stable API for pages and search, cheap per article (memoised per vocabulary and article)::

    from build_tools.linking import salience
    salience(article, vocabulary)  # -> {(kind, id): Salience(score, central, mentions, where)}
"""

from __future__ import annotations

from dataclasses import replace

from ..layout import ENTITY_KINDS, KIND, Key
from ..readers import Article, Vocabulary
from .salience import UNNAMED, Salience, rank
from .tagger import Tagger, Tags

__all__ = ["Salience", "Tagger", "Tags", "article_tags", "salience", "tagger_for"]

_TAGGERS: dict[int, tuple[Vocabulary, Tagger]] = {}
_TAGS: dict[tuple[int, object], Tags] = {}
_SALIENCE: dict[tuple[int, object], dict[Key, Salience]] = {}
_MEMO_SIZE = 50_000


def tagger_for(vocabulary: Vocabulary) -> Tagger:
    """One tagger per vocabulary object (building the automaton costs ~1 ms per 100 entries)."""
    held = _TAGGERS.get(id(vocabulary))
    if held is None or held[0] is not vocabulary:
        if len(_TAGGERS) >= 4:
            _TAGGERS.clear()
            _TAGS.clear()
            _SALIENCE.clear()
        held = _TAGGERS[id(vocabulary)] = (vocabulary, Tagger(vocabulary))
    return held[1]


def article_tags(article: Article, vocabulary: Vocabulary) -> Tags:
    """What the text of ``article`` names and would tag (memoised by the file's digest)."""
    tagger = tagger_for(vocabulary)
    meta = article.meta
    memo_key = (id(tagger), _content(article))
    tags = _TAGS.get(memo_key)
    if tags is None:
        if len(_TAGS) >= _MEMO_SIZE:
            _TAGS.clear()
        publisher = meta.source.name if meta.source else None
        tags = _TAGS[memo_key] = tagger.tag(meta.title, meta.summary, article.body, publisher=publisher)
    return tags


def salience(article: Article, vocabulary: Vocabulary) -> dict[Key, Salience]:
    """The salience of each of the article's tags, most central first (``linking.salience``):
    ``central`` True is "about" (JSON-LD ``about``), False "mentions"; an actor or place the
    text never names has score 0 and is a mention; a topic tag is always central."""
    memo_key = (id(tagger_for(vocabulary)), _content(article))
    found = _SALIENCE.get(memo_key)
    if found is None:
        if len(_SALIENCE) >= _MEMO_SIZE:
            _SALIENCE.clear()
        found = _SALIENCE[memo_key] = _salience(article, vocabulary)
    return found


def _salience(article: Article, vocabulary: Vocabulary) -> dict[Key, Salience]:
    named = article_tags(article, vocabulary).salience
    result = {
        (kind, entry_id): _as_tagged(kind, named.get((kind, entry_id), UNNAMED))
        for kind in ENTITY_KINDS
        for entry_id in article.ids(kind)
    }
    return dict(sorted(result.items(), key=lambda kv: rank(kv[0], kv[1])))


def _as_tagged(kind: str, found: Salience) -> Salience:
    """A tag of a kind whose entries an article is filed under (``Kind.jsonld == "about"``: topics)
    is always central: a topic is a subject an editor (or the tagger, which proposes one only when
    the title, summary or several passages name it) files the article under, not a name dropped in
    passing. Actors and places keep the salience their mentions give them."""
    if KIND[kind].jsonld == "about" and not found.central:
        return replace(found, central=True)
    return found


def _content(article: Article) -> object:
    """What an article's memo entry is keyed by: its file's digest (or its text)."""
    meta = article.meta
    return article.digest or hash((meta.title, meta.summary, article.body))
