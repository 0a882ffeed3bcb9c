"""Finding by any name: ranks measured with Pagefind's own search API on the built sample archive.

For every entity that at least one published article tags, its page must be the first result
for its name, and for at least 95 % of its aliases (their forms without diacritics and with
hyphens or apostrophes as spaces included: "Erdogan" must find Erdoğan's page). A distinctive
three-word phrase of every article's title must find that article first for at least 90 % of
articles. Every expectation is computed at run time from the vocabulary and the articles, so an
entry or alias added later is measured too.

The queries run in headless Chromium against the site as served, with the options the search
page itself gives Pagefind (``data-pagefind-options`` on ``#archive-search``).

``python -m tests.test_search_ranks [ROOT]`` builds ROOT (default: a copy of this repository's
archive) and prints the three figures and every miss.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import unicodedata
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from build_tools.catalog import Catalog
from build_tools.cli import main
from build_tools.layout import Key, Project, entity_page, page_url
from build_tools.pipeline import checked_catalog
from tests.browsing import browser_page, chromium_path, serve
from tests.conftest import REPO, copy_site_config

NAME_SHARE = 1.0
ALIAS_SHARE = 0.95
TITLE_SHARE = 0.90
PHRASE_WORDS = 3
_WORD_RE = re.compile(r"(?:[^\W_]\.){2,}|[^\W_]+(?:['’][^\W_]+)*")  # "U.S." is one word
COMMON = 0.5  # a word in more than this share of articles says nothing of one (search's IDF agrees)


def fold(text: str) -> str:
    """Lower case, no diacritics, one space between words: how two queries are told apart."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def variants(text: str) -> list[str]:
    """``text`` as a reader may type it: as written, without diacritics, with hyphens as spaces
    ("al-Qa'ida" → "al Qa'ida"), in that order, without repeats. (Search drops apostrophes from
    a query itself: "Women's" and "Womens" are one query.)"""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    spaced = " ".join(re.sub(r"[-‐‑–]", " ", plain).split())
    return list(dict.fromkeys([text, plain, spaced]))


@dataclass
class Query:
    """One search a reader might make, and the pages that may rightly come first."""

    text: str
    group: str  # "name", "alias" or "title"
    expected: str  # the page it is about (site-relative URL)
    accepted: frozenset[str]  # pages that may come first (an alias two entries share)
    first: str | None = None
    top: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.first in self.accepted


def entity_queries(catalog: Catalog) -> list[Query]:
    """The name and every alias variant of every entity an article uses.

    A variant that folds to another used entity's name is that entity's query, not this one's
    (the name is the stronger claim); a variant that several entities share as an alias may
    find any of them."""
    used: list[Key] = sorted(catalog.by_entity)
    url = {key: page_url(entity_page(key)) for key in used}
    by_name: dict[str, set[str]] = {}
    by_alias: dict[str, set[str]] = {}
    for key in used:
        entry = catalog.entry(key)
        by_name.setdefault(fold(entry.name), set()).add(url[key])
        for alias in [entry.name, *entry.aliases]:
            for variant in variants(alias):
                by_alias.setdefault(fold(variant), set()).add(url[key])
    queries: list[Query] = []
    for key in used:
        entry = catalog.entry(key)
        queries.append(Query(entry.name, "name", url[key], frozenset(by_name[fold(entry.name)])))
        seen = {fold(entry.name)}
        for alias in [entry.name, *entry.aliases]:
            for variant in variants(alias):
                folded = fold(variant)
                if folded in seen or (folded in by_name and url[key] not in by_name[folded]):
                    continue
                seen.add(folded)
                queries.append(Query(variant, "alias", url[key], frozenset(by_alias[folded])))
    return queries


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def stems(text: str) -> frozenset[str]:
    """The words of ``text`` folded, without a possessive or punctuation, cut to five letters: a
    rough stem ("imposing" and "impose" are one), as search itself matches "impose" in "imposing"."""
    return frozenset(re.sub(r"\W", "", re.sub(r"['’]s$", "", fold(w)))[:5] for w in words(text))


@dataclass
class TitlePhrases:
    """What makes a three-word phrase of a title distinctive, from the whole archive."""

    titles: list[frozenset[str]]  # each article's title stems
    frequency: Counter[str]  # in how many articles' text each stem occurs
    names: list[frozenset[str]]  # per used entity, the stems of its names, aliases and description

    @classmethod
    def of(cls, catalog: Catalog) -> TitlePhrases:
        texts = [stems(f"{a.meta.title} {a.meta.summary} {a.body}") for a in catalog.articles]
        names = [
            frozenset().union(
                stems(entry.description), *(stems(v) for a in [entry.name, *entry.aliases] for v in variants(a))
            )
            for entry in map(catalog.entry, catalog.by_entity)
        ]
        return cls([stems(a.meta.title) for a in catalog.articles], Counter(s for t in texts for s in t), names)

    def phrase(self, title: str) -> str:
        """The first three consecutive words of ``title`` that no other title shares and whose
        telling words (those in at most half the articles) are not all from one entity's page,
        its names and its one-line description ("Trudeau of Canada" finds Justin Trudeau's page,
        rightly): the phrase a reader who remembers the article types. Failing that, the one
        fewest other titles share."""
        tokens = words(title)
        if len(tokens) <= PHRASE_WORDS:
            return " ".join(tokens)
        windows = [tokens[i : i + PHRASE_WORDS] for i in range(len(tokens) - PHRASE_WORDS + 1)]
        common = {s for s, n in self.frequency.items() if n > COMMON * len(self.titles)}

        def cost(position: int) -> tuple[bool, int, int]:
            found = stems(" ".join(windows[position]))
            naming = any(found - common <= name for name in self.names)
            sharing = sum(1 for other in self.titles if found <= other) - 1  # the title itself
            return (naming, sharing, position)

        return " ".join(windows[min(range(len(windows)), key=cost)])


def title_queries(catalog: Catalog) -> list[Query]:
    phrases = TitlePhrases.of(catalog)
    return [Query(phrases.phrase(a.meta.title), "title", a.url, frozenset({a.url})) for a in catalog.articles]


# The search page's own Pagefind options, then every query in turn: the first three results.
_RUN_QUERIES = """
async ([queries, override]) => {
  const root = document.getElementById("archive-search");
  const options = override || JSON.parse(root.dataset.pagefindOptions || "{}");
  const pagefind = await import(new URL("../pagefind/pagefind.js", location.href).href);
  await pagefind.options({ ...options, baseUrl: "/" });
  await pagefind.init();
  const out = [];
  for (const query of queries) {
    const search = await pagefind.search(query);
    const top = await Promise.all(search.results.slice(0, 3).map((r) => r.data()));
    out.push(top.map((d) => d.url));
  }
  return out;
}
"""


def run_queries(site: Path, queries: list[Query], options: dict | None = None) -> None:
    """Fill in ``first`` and ``top`` of every query (URLs site-relative, as ``page_url``), with
    the search page's Pagefind options or ``options`` instead."""
    with serve(site) as base, browser_page() as page:
        page.goto(base + "search/")
        page.wait_for_selector("#archive-search")
        tops = page.evaluate(_RUN_QUERIES, [[q.text for q in queries], options])
    for query, top in zip(queries, tops, strict=True):
        query.top = [url.lstrip("/") for url in top]
        query.first = query.top[0] if query.top else None


@dataclass(frozen=True)
class Figures:
    names: float
    aliases: float
    titles: float

    def __str__(self) -> str:
        return f"names {self.names:.1%}, aliases {self.aliases:.1%}, title phrases {self.titles:.1%}"


def share(queries: list[Query], group: str) -> float:
    mine = [q for q in queries if q.group == group]
    return sum(q.found for q in mine) / len(mine) if mine else 1.0


def figures(queries: list[Query]) -> Figures:
    return Figures(share(queries, "name"), share(queries, "alias"), share(queries, "title"))


def misses(queries: list[Query], group: str) -> list[str]:
    return [
        f"{q.text!r} → {q.first or 'nothing'} (expected {q.expected}; top 3: {', '.join(q.top) or '-'})"
        for q in queries
        if q.group == group and not q.found
    ]


def build_copy(folder: Path, articles: Path = REPO / "articles") -> Project:
    """The archive at ``articles`` with this repository's site configuration, built in ``folder``."""
    root = folder / "archive"
    shutil.copytree(articles, root / "articles")
    copy_site_config(root)
    assert main(["build", "--root", str(root)]) == 0
    return Project(root)


# -- the test --------------------------------------------------------------------------------

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="no Chromium on this machine (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def measured_site(tmp_path_factory) -> Path:
    """The repository's sample archive, built once for this module."""
    return build_copy(tmp_path_factory.mktemp("ranks")).site


@pytest.fixture(scope="module")
def measured(measured_site) -> list[Query]:
    catalog = checked_catalog(Project(measured_site.parent))
    queries = entity_queries(catalog) + title_queries(catalog)
    run_queries(measured_site, queries)
    return queries


def test_queries_are_measured_for_every_used_entity_and_article(measured, measured_site):
    catalog = checked_catalog(Project(measured_site.parent))
    assert catalog.by_entity and catalog.articles
    assert {q.expected for q in measured if q.group == "name"} == {page_url(entity_page(k)) for k in catalog.by_entity}
    assert {q.expected for q in measured if q.group == "title"} == {a.url for a in catalog.articles}
    assert any(q.group == "alias" for q in measured) and all(q.text.strip() for q in measured)


def test_every_used_entity_comes_first_for_its_name(measured):
    found = share(measured, "name")
    assert found >= NAME_SHARE, f"{found:.1%} of names find their page first:\n" + "\n".join(misses(measured, "name"))


def test_entities_come_first_for_their_aliases(measured):
    found = share(measured, "alias")
    assert found >= ALIAS_SHARE, f"{found:.1%} of aliases find their page first:\n" + "\n".join(
        misses(measured, "alias")
    )


def test_articles_come_first_for_a_phrase_of_their_title(measured):
    found = share(measured, "title")
    assert found >= TITLE_SHARE, f"{found:.1%} of title phrases find their article first:\n" + "\n".join(
        misses(measured, "title")
    )


def test_the_search_page_ranks_as_measured(measured, measured_site):
    """The search page itself (archive-search.js, with its options) puts first what the
    measurement found first, for a sample of the alias queries measured."""
    sample = [q for q in measured if q.group == "alias" and q.first][::25]
    assert sample
    with serve(measured_site) as base, browser_page() as page:
        for query in sample:
            page.goto(base + "search/?" + urllib.parse.urlencode({"q": query.text}))
            first = page.locator(".archive-search__result a").first
            first.wait_for(timeout=15_000)
            assert urllib.parse.urljoin(page.url, first.get_attribute("href")) == base + query.first, query.text


def test_folded_variants_are_among_the_queries():
    assert variants("Recep Tayyip Erdoğan") == ["Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"]
    assert variants("al-Qa'ida") == ["al-Qa'ida", "al Qa'ida"]
    assert words("The U.S. Army’s Typhon") == ["The", "U.S.", "Army’s", "Typhon"]
    assert stems("Imposing costs, the Army’s") == {"impos", "costs", "the", "army"}
    assert fold(" López  Obrador ") == "lopez obrador"


def _report(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        project = build_copy(Path(folder), Path(argv[0]) / "articles" if argv else REPO / "articles")
        catalog = checked_catalog(project)
        queries = entity_queries(catalog) + title_queries(catalog)
        run_queries(project.site, queries)
    counts = Counter(q.group for q in queries)
    for group in ("name", "alias", "title"):
        print(f"\n{group}: {counts[group]} queries, {len(misses(queries, group))} missed")
        print("\n".join("  " + line for line in misses(queries, group)))
    print(json.dumps({"queries": dict(counts)}), "\n" + str(figures(queries)))
    return 0


if __name__ == "__main__":
    sys.exit(_report(sys.argv[1:]))
