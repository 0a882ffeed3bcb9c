"""Duplicates across the archive, one rule each, used by every stage that looks for them:

* ``duplicate_slug_problems``: two articles at one URL (``generate`` and ``check``; ``check``
  also warns of one slug in two years);
* ``normalise_url``: when two source URLs are one source (``check`` and ``ingest``);
* ``shingles``: the word 5-grams two texts are compared by (``check``'s near-duplicates and
  ``ingest``'s "largely the same text").

It imports no other check, so ``catalog`` and ``ingest`` load nothing else of ``checks``.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import defaultdict
from urllib.parse import urlsplit, urlunsplit

from ..problems import Problem
from ..readers import Article

SHINGLE_WORDS = 5
SKETCH_SIZE = 64  # bottom-k MinHash sketch per article
MIN_SHINGLES = 10  # shorter bodies are not compared
NEAR_DUPLICATE = 0.5  # Jaccard similarity of word 5-gram shingles: warning
DUPLICATE = 0.9  # ... error
COMMON_SHINGLE = 200  # sketch values shared by more articles are boilerplate, not evidence


def duplicate_slug_problems(articles: list[Article], other_years: bool = True) -> list[tuple[Article, Problem]]:
    """For each article whose slug another article has: an error when both are of one year (one
    URL), else, with ``other_years``, a warning (another page, but easily confused)."""
    by_slug: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_slug[article.slug].append(article)
    out = []
    for slug, group in by_slug.items():
        for article in group:
            for other in sorted(group, key=lambda a: a.path):
                if other is article or (other.year != article.year and not other_years):
                    continue
                if other.year == article.year:
                    message = (
                        f"slug: Expected a slug no other {article.year} article uses but received {slug!r}, "
                        f"also used by {other.shown}; both would be published at /{article.url}"
                    )
                    severity = "error"
                else:
                    message = (
                        f"slug: Expected a slug no other article uses but received {slug!r}, also used by "
                        f"{other.shown} (another year, so another page, but easily confused)"
                    )
                    severity = "warning"
                out.append((article, Problem(article.shown, 1, severity, message, "duplicate-slug")))
    return out


TRACKING_PARAMETERS = ("utm_", "fbclid=", "gclid=")
DEFAULT_PORTS = {"http": "80", "https": "443"}


def normalise_url(url: str) -> str:
    """The form in which two source URLs are one source: scheme and host case-insensitive (http
    as https, without "www."), the path case-sensitive and without a trailing slash, the query
    kept (``?id=1`` and ``?id=2`` are two pages) but sorted and without tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``); no fragment, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    user, at, host = parts.netloc.rpartition("@")
    name, colon, port = host.rpartition(":")
    if colon and (port.isdigit() or not port) and not name.endswith(":"):  # not inside [IPv6]
        host = name if port in ("", DEFAULT_PORTS.get(scheme)) else f"{name}:{port}"
    host = host.lower().removeprefix("www.")
    query = "&".join(q for q in sorted(parts.query.split("&")) if q and not q.lower().startswith(TRACKING_PARAMETERS))
    return urlunsplit(
        (
            "https" if scheme in ("http", "https") else scheme,
            f"{user}{at}{host}",
            parts.path.rstrip("/") or "/",
            query,
            "",
        )
    )


def duplicate_source_problems(articles: list[Article]) -> list[tuple[Article, Problem]]:
    by_url: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.meta.source and article.meta.source.url:
            by_url[normalise_url(article.meta.source.url)].append(article)
    out = []
    for group in by_url.values():
        for article in group:
            others = ", ".join(o.shown for o in sorted(group, key=lambda a: a.path) if o is not article)
            if others:
                out.append(
                    (
                        article,
                        Problem(
                            article.shown,
                            article.line_of("source", "url"),
                            "error",
                            f"source.url: Expected a source no other article uses but received "
                            f"{article.meta.source.url!r}, also the source of {others}",
                            "duplicate-source",
                        ),
                    )
                )
    return out


_WORD_IDS: dict[str, int] = {}
_WORD_RE = re.compile(r"\w+")
_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")


def shingles(text: str) -> set[int]:
    """Hashed word 5-grams of a text (NFKC, case-folded, words only, the targets of Markdown
    links left out; a text of fewer words is one shingle). Stable across runs."""
    cut = text.rfind(")") + 1  # link targets dropped: each ends at a ")", none after the last
    text = _LINK_TARGET_RE.sub("]", text[:cut]) + text[cut:]
    words = _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())
    ids = []
    for word in words:
        value = _WORD_IDS.get(word)
        if value is None:
            value = _WORD_IDS[word] = zlib.crc32(word.encode("utf-8"))
        ids.append(value)
    # hash() of a tuple of ints does not depend on PYTHONHASHSEED
    return {hash(tuple(ids[i : i + SHINGLE_WORDS])) for i in range(max(1, len(ids) - SHINGLE_WORDS + 1))}


def near_duplicate_pairs(texts: list[str]) -> list[tuple[int, int, float]]:
    """(i, j, Jaccard) for every pair of texts at least NEAR_DUPLICATE alike.

    Roughly linear: each text keeps a bottom-k MinHash sketch of its shingles; an inverted
    index from sketch value to texts proposes candidate pairs (texts sharing enough sketch
    values), and only those are compared exactly on their full shingle sets.
    """
    sets = [shingles(t) for t in texts]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, items in enumerate(sets):
        if len(items) >= MIN_SHINGLES:
            for value in sorted(items)[:SKETCH_SIZE] if len(items) > SKETCH_SIZE else items:
                postings[value].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if 1 < len(members) <= COMMON_SHINGLE:
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1 :]:
                    shared[(a, b)] += 1
    pairs = []
    for (a, b), count in shared.items():
        smallest = min(len(sets[a]), len(sets[b]), SKETCH_SIZE)
        # Jaccard J between sets shares about 2J/(1+J) of their sketches; ask for a third of that.
        if count < max(2, smallest * 2 * NEAR_DUPLICATE / (1 + NEAR_DUPLICATE) / 3):
            continue
        score = len(sets[a] & sets[b]) / len(sets[a] | sets[b])
        if score >= NEAR_DUPLICATE:
            pairs.append((a, b, score))
    return sorted(pairs)


def near_duplicate_problems(articles: list[Article]) -> list[tuple[Article, Problem]]:
    out = []
    for a, b, score in near_duplicate_pairs([article.body for article in articles]):
        for article, other in ((articles[a], articles[b]), (articles[b], articles[a])):
            severity = "error" if score >= DUPLICATE else "warning"
            limit = DUPLICATE if severity == "error" else NEAR_DUPLICATE
            what = "a duplicate" if severity == "error" else "a near-duplicate"
            out.append(
                (
                    article,
                    Problem(
                        article.shown,
                        article.body_line,
                        severity,
                        f"body: Expected less than {limit:.0%} of its {SHINGLE_WORDS}-word sequences shared with "
                        f"{other.shown} but received {score:.0%} (Jaccard {score:.2f}): {what} of that article",
                        "near-duplicate",
                    ),
                )
            )
    return out
