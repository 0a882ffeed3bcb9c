"""An entity's names in its page's search metadata (build_tools/search_terms.py), what the
sanitizer lets through of them, and the search page's weights for them.

The ranks these produce are measured in a browser by tests/test_search_ranks.py."""

from __future__ import annotations

import json
import re

from build_tools.sanitize import clean_html, removed
from build_tools.schema import VocabularyEntry
from build_tools.search_terms import FIELDS, JOINED, SHORT, TIERS, entity_block, forms, names_by_field
from tests.conftest import REPO

SEARCH_PAGE = REPO / "docs" / "search.md"
SEARCH_SCRIPT = REPO / "docs" / "javascripts" / "archive-search.js"


def entry(name: str, *aliases: str) -> VocabularyEntry:
    return VocabularyEntry(id="x", name=name, aliases=list(aliases), description="An entry.")


def search_page_options() -> dict:
    found = re.search(r"data-pagefind-options='([^']*)'", SEARCH_PAGE.read_text("utf-8"))
    assert found, "docs/search.md: #archive-search has no data-pagefind-options"
    return json.loads(found[1])


def test_names_are_held_as_readers_type_them():
    assert forms("Recep Tayyip Erdoğan") == ["Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"]
    assert forms("al-Qa'ida") == ["al Qaida"]
    assert forms("Russia’s war  in Ukraine") == ["Russias war in Ukraine"]


def test_each_name_goes_to_the_field_for_its_number_of_words():
    fields = names_by_field(
        entry("Karine Jean-Pierre", "Jean-Pierre", "MS. JEAN-PIERRE", "Press Secretary Karine Jean-Pierre", "KJP")
    )
    assert fields["names1"] == ["KJP"]
    assert fields["names2"] == ["Jean Pierre"]
    assert fields["names3"] == ["Karine Jean Pierre", "MS. JEAN PIERRE"]
    assert fields["names4"] == ["Press Secretary Karine Jean Pierre"]  # 5 words: the last tier
    assert fields[JOINED] == ["Karine jeanpierre", "jeanpierre", "MS. jeanpierre", "Press Secretary Karine jeanpierre"]
    assert fields[SHORT] == ["KJP"]
    assert names_by_field(entry("United Kingdom", "U.K.", "Britain"))[SHORT] == ["U.K."]
    assert JOINED not in names_by_field(entry("Vladimir Putin", "Putin"))


def test_the_block_is_escaped_metadata_the_sanitizer_keeps_only_first_on_a_page():
    block = entity_block(entry("Bibi", 'x" onclick="alert(1)', "<script>alert(1)</script>"))
    assert 'onclick="' not in block and "<script" not in block
    assert block.count("<div ") == len(names_by_field(entry("Bibi", 'x" onclick="alert(1)', "<script>a</script>")))
    page = block + '<h1 id="bibi">Bibi</h1>\n<p>An entry.</p>'
    assert clean_html(page) == page
    assert removed(page, clean_html(page)) == []

    copied = '<h1 id="t">A title</h1>\n<p class="article-byline">date</p>\n' + block
    cleaned = clean_html(copied)
    assert "data-pagefind-meta" not in cleaned
    assert removed(copied, cleaned) == [f"data-pagefind-meta= attribute on <div> ({block.count('<div ')}×)"]


def test_a_leading_block_with_anything_more_is_cleaned_like_article_html():
    for forged in (
        '<div class="entity-search" data-pagefind-meta="names1:X" onclick="x()"></div>',
        '<div class="entity-search" data-pagefind-meta="title:Fake"></div>',
        '<div class="entity-search" data-pagefind-meta="names1:X">text</div>',
        '<div class="entity-search" data-pagefind-filter="actor:X"></div>',
    ):
        cleaned = clean_html(forged + "<p>Body.</p>")
        assert "data-pagefind" not in cleaned and "onclick" not in cleaned, forged
        assert removed(forged, cleaned), forged


def test_the_search_page_weighs_every_field_and_shorter_names_above_all_longer_ones():
    weights = search_page_options()["ranking"]["metaWeights"]
    assert {name: weights.get(name) for name in FIELDS} == FIELDS
    tiers = list(TIERS.values())
    for index, weight in enumerate(tiers):
        assert weight >= sum(tiers[index + 1 :]), "a tier below the sum of the longer names' tiers"
    assert weights["title"] < min(FIELDS.values()), "an article's title outweighs an entity's names"


def test_the_search_script_passes_the_pages_options_to_pagefind():
    script = SEARCH_SCRIPT.read_text("utf-8")
    assert "root.dataset.pagefindOptions" in script
    assert re.search(r"pagefind\.options\(\{\s*\.\.\.searchOptions\(\)", script)
