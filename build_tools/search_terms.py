"""What search knows of an entity besides its page's text: every name it goes by.

A reader looks for an actor, place or topic by any of its names ("Bibi Netanyahu", "Erdogan",
"al Qaeda", "President Trump"), and its page should come first. Pagefind (1.5) searches
metadata and adds to a page's score, for each metadata field, the field's weight (the search
page's ``ranking.metaWeights``) times the inverse document frequency of the query words the
field holds, times the square of the share of the query they make up. So an entity page carries
its name and aliases as metadata, each also as a reader may type it: without diacritics, with
hyphens as spaces or dropped, without apostrophes (search drops them from a query itself).

Which of two entities a name belongs to is told by how *exactly* it matches: "Russia" is the
place's whole name but one word of "Government of Russia". Pagefind measures only how much of
the query a field holds, never how much of the field the query is, so each name goes to a field
by its number of words (:data:`TIERS`: ``names1`` for one-word names, ``names2`` for two ...),
and the search page weighs shorter names' fields more, each at least the sum of all longer
ones. The entity with the tightest name holding the query's words comes first; any of them
outranks an article that only mentions the name (the title boost is below every names field).

Pagefind also counts each distinct word of a field that *begins with* a query word, and the
boost grows with the cube of that count: a tier holding "Russia-Ukraine war" (indexed as
"russiaukraine" as well as "russia") would count twice for "Russia" and take the place's
query. So the tiers hold hyphenated names with spaces, and the one-word forms a query makes of
them ("jeanpierre") go to a field of their own (:data:`JOINED`). Very short names get one more
field (:data:`SHORT`), as "UK" is also the start of "Ukraine". tests/test_search_ranks.py
measures the result in a browser.

The fields are empty elements' attributes (``data-pagefind-meta="names1:…"``): searched and
weighted, but not page text, so they change neither what a reader sees nor the excerpts. They
are the first elements of the page, before its heading, which is how ``sanitize`` tells them
from anything an article body could write (``sanitize.SEARCH_BLOCK_RE``).
"""

from __future__ import annotations

import html
import re
import unicodedata

from .schema import VocabularyEntry

#: The metadata fields with an entity's names, by the number of words of the name (the last
#: takes every longer one), and the weight docs/search.md gives each: each at least the sum of
#: those after it (tests/test_search_terms.py checks the search page against these).
TIERS = {"names1": 64.0, "names2": 32.0, "names3": 16.0, "names4": 8.0}
#: Hyphenated names as a query types them: search drops the hyphen, so "Jean-Pierre" is the
#: one word "jeanpierre". Kept apart from the tiers, where "bidenharris" would count as a
#: second word beginning with "biden" and lift "Biden-Harris administration" above Joe Biden.
JOINED = "joined"
#: One-word names of at most :data:`SHORT_LETTERS` letters ("UK", "U.S.A.", "AI") once more:
#: search takes a query word as the start of longer ones, so "UK" meets "Ukraine" and "USA"
#: "USAID" in the same tier, and the page whose whole name it is needs this much more.
SHORT = "short"
SHORT_LETTERS = 4
FIELDS = {**TIERS, JOINED: 16.0, SHORT: 16.0}
#: The class of the elements that carry them (the generator's ``entity`` family).
BLOCK_CLASS = "entity-search"
_DASHES_RE = re.compile(r"[-‐‑‒–—]")
_JOINED_RE = re.compile(r"\w+(?:[-‐‑‒–—]\w+)+")
_APOSTROPHES_RE = re.compile(r"['’ʼ]")


def without_diacritics(text: str) -> str:
    """``text`` with combining marks removed ("Erdoğan" → "Erdogan", "López" → "Lopez")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _variants(text: str) -> list[str]:
    text = " ".join(_APOSTROPHES_RE.sub("", text).split())
    return list(dict.fromkeys(f for f in (text, without_diacritics(text)) if f))


def forms(name: str) -> list[str]:
    """``name`` as the tiers hold it, with and without diacritics: dashes as spaces
    ("al Qaeda"), apostrophes dropped ("Russias war", as search reads "Russia's war")."""
    return _variants(_DASHES_RE.sub(" ", name))


def joined_forms(name: str) -> list[str]:
    """``name`` with each hyphenated word as the one word a query makes of it ("Karine
    jeanpierre"), in lower case so that search does not split it again; none without a hyphen."""
    if not _DASHES_RE.search(name):
        return []
    return _variants(_JOINED_RE.sub(lambda m: _DASHES_RE.sub("", m.group()).lower(), name))


def names_by_field(entry: VocabularyEntry) -> dict[str, list[str]]:
    """Every form of the entry's name and aliases, in the field for its number of words, and
    the joined forms of hyphenated ones."""
    fields: dict[str, dict[str, None]] = {field: {} for field in FIELDS}
    last = len(TIERS)
    for name in [entry.name, *entry.aliases]:
        for form in forms(name):
            fields[f"names{min(len(form.split()), last)}"][form] = None
        fields[JOINED].update(dict.fromkeys(joined_forms(name)))
        fields[SHORT].update(dict.fromkeys(f for f in forms(name) if _is_short(f)))
    return {field: list(found) for field, found in fields.items() if found}


def _is_short(form: str) -> bool:
    return len(form.split()) == 1 and sum(c.isalnum() for c in form) <= SHORT_LETTERS


def entity_block(entry: VocabularyEntry) -> str:
    """The Markdown (raw HTML) that puts the entry's names in its page's search metadata.

    Written before the page's heading; ``sanitize`` keeps these attributes only there."""
    return "".join(
        f'<div class="{BLOCK_CLASS}" data-pagefind-meta="{field}:{html.escape(" · ".join(found), quote=True)}"></div>\n'
        for field, found in names_by_field(entry).items()
    )
