"""Entity linking (build_tools/linking): mentions, disambiguation, salience, suggestions.

The command ``tag`` is tested through the command line in tests/test_linking_tag.py; the gold
set in tests/test_linking_gold.py.
"""

from __future__ import annotations

from build_tools.linking import Tagger
from build_tools.linking.fold import fold
from build_tools.linking.retag import RetagError, retag
from build_tools.linking.salience import UNNAMED
from build_tools.linking.suggest import suggest_vocabulary
from build_tools.readers import Vocabulary
from build_tools.schema import VocabularyEntry

ACTORS = [
    {
        "id": "vladimir-putin",
        "name": "Vladimir Putin",
        "kind": "person",
        "aliases": ["Russian President Vladimir Putin"],
    },
    {"id": "joe-biden", "name": "Joe Biden", "kind": "person", "aliases": ["President Biden"]},
    {"id": "hunter-smith", "name": "Hunter Smith", "kind": "person"},
    {"id": "anna-smith", "name": "Anna Smith", "kind": "person"},
    {"id": "recep-tayyip-erdogan", "name": "Recep Tayyip Erdoğan", "kind": "person", "aliases": ["Erdoğan"]},
    {"id": "ursula-von-der-leyen", "name": "Ursula von der Leyen", "kind": "person", "aliases": ["von der Leyen"]},
    {"id": "al-qaeda", "name": "al-Qaeda", "kind": "armed-group", "aliases": ["al-Qa’ida"]},
    {"id": "united-nations", "name": "United Nations", "kind": "organization", "aliases": ["UN"]},
    {"id": "israel-defense-forces", "name": "Israel Defense Forces", "kind": "agency", "aliases": ["IDF"]},
    {"id": "biden-administration", "name": "Biden administration", "kind": "government"},
    {
        "id": "us-congress",
        "name": "United States Congress",
        "kind": "legislature",
        "aliases": ["Congress"],
        "context": {"forbids": ["Party Congress"]},
    },
    {"id": "congressional-research-service", "name": "Congressional Research Service", "aliases": ["CRS"]},
    {"id": "white-house", "name": "White House", "kind": "government"},
]
PLACES = [
    {"id": "russia", "name": "Russia"},
    {"id": "ukraine", "name": "Ukraine"},
    {"id": "israel", "name": "Israel"},
    {"id": "london", "name": "London"},
    {"id": "united-states", "name": "United States", "aliases": ["US", "U.S."]},
    {"id": "mexico", "name": "Mexico", "context": {"forbids": ["Gulf of Mexico"]}},
    {
        "id": "georgia",
        "name": "Georgia (country)",
        "context": {"ambiguous": ["Georgia"], "requires": ["Tbilisi"]},
    },
    {
        "id": "georgia-us-state",
        "name": "Georgia (US state)",
        "context": {"ambiguous": ["Georgia"], "requires": ["Atlanta"]},
    },
    {
        "id": "jordan",
        "name": "Jordan",
        "context": {"ambiguous": ["Jordan"], "requires": ["Amman"]},
    },
]
TOPICS = [
    {"id": "sanctions", "name": "Sanctions"},
    {"id": "russia-ukraine-war", "name": "Russia-Ukraine war", "aliases": ["war in Ukraine"]},
]


def vocabulary(**extra) -> Vocabulary:
    result = Vocabulary()
    for kind, entries in {"actors": ACTORS, "places": PLACES, "topics": TOPICS, **extra}.items():
        for entry in entries:
            result.entries[kind][entry["id"]] = VocabularyEntry.model_validate({"description": "d", **entry})
    return result


TAGGER = Tagger(vocabulary())


def ids(body: str, title: str = "Title", summary: str = "Summary.", publisher: str | None = None) -> dict:
    return TAGGER.tag(title, summary, body, publisher=publisher).ids


def test_fold_keeps_the_length_and_unifies_case_accents_dashes_and_apostrophes() -> None:
    for text in ("Erdoğan’s al‑Qa‘ida — López", "STRASSE İstanbul ﬁ", "a\u00a0b\tc"):
        assert len(fold(text)) == len(text)
    assert fold("Erdoğan’s al-Qa‘ida") == "erdogan's al qa'ida"
    assert fold("López Obrador") == "lopez obrador"


def test_names_in_any_case_and_accent_possessives_and_variants() -> None:
    found = TAGGER.find("Erdogan's aides, AL QAEDA, al Qa'ida and Von der Leyen met in RUSSIA.")
    assert found == ["Erdogan", "AL QAEDA", "al Qa'ida", "Von der Leyen", "RUSSIA"]
    assert ids("Putin's and Erdoğan’s talks.")["actors"] == ["recep-tayyip-erdogan"]  # Putin: no full name


def test_capitals_match_only_as_capitals_and_words_only_whole() -> None:
    assert TAGGER.find("Tell us about the UN and the US; un-related; USA; Russians; Russian") == ["UN", "US"]
    assert TAGGER.find("the Ukrainian side") == []


def test_the_longest_name_wins_and_one_mention_tags() -> None:
    tags = ids("Russian President Vladimir Putin spoke once of Ukraine.")
    assert tags["actors"] == ["vladimir-putin"]
    assert tags["places"] == ["ukraine"]  # one mention is enough for a place


def test_a_topic_does_not_hide_the_place_it_names_and_needs_more_than_one_mention() -> None:
    tags = ids("The war in Ukraine goes on.")
    assert tags["places"] == ["ukraine"] and tags["topics"] == []
    tags = ids("The war in Ukraine goes on; the war in Ukraine is long.")
    assert tags["topics"] == ["russia-ukraine-war"]
    assert ids("Nothing.", title="Sanctions explained")["topics"] == ["sanctions"]


def test_names_inside_an_actors_name_belong_to_it_but_not_a_leaders_or_a_places() -> None:
    assert ids("The Israel Defense Forces said.")["places"] == ["israel"]
    tags = ids("The Biden administration and the Gulf of Mexico.")
    assert tags["actors"] == ["biden-administration"] and tags["places"] == []


def test_forbidden_phrases_and_ambiguous_names() -> None:
    assert ids("At the 19th Party Congress, delegates met.")["actors"] == []
    assert ids("Congress passed the bill.")["actors"] == ["us-congress"]
    assert ids("Jordan, you have a question?")["places"] == []  # no support for the country
    assert ids("Jordan hosted talks; Amman agreed.")["places"] == ["jordan"]
    assert ids("Jordan Peterson spoke in Amman.")["places"] == []  # a capitalised word follows


def test_a_shared_name_is_resolved_by_its_paragraph_or_reported_never_guessed() -> None:
    tags = TAGGER.tag("T", "S", "Georgia voted.\n\nIn Russia, talks.")
    assert tags.ids["places"] == ["russia"]
    assert tags.ambiguous == {"Georgia": [("places", "georgia"), ("places", "georgia-us-state")]}
    assert ids("Georgia voted in Atlanta.")["places"] == ["georgia-us-state"]
    body = "Georgia and Tbilisi.\n\nLater, in Atlanta.\n\nGeorgia again, near Tbilisi."
    assert ids(body)["places"] == ["georgia"]  # each paragraph backs the country
    both = TAGGER.tag("T", "S", "Georgia, Tbilisi and Atlanta.")
    assert both.ids["places"] == [] and "Georgia" in both.ambiguous


def test_a_surname_after_the_full_name_unless_shared_or_someone_elses() -> None:
    assert ids("Putin spoke.")["actors"] == []
    assert ids("Vladimir Putin spoke. Later Putin left.")["actors"] == ["vladimir-putin"]
    assert TAGGER.tag("T", "S", "Joe Biden spoke. Later Biden left.").mentions[("actors", "joe-biden")] == 2
    assert TAGGER.tag("T", "S", "Joe Biden spoke. Later, Hunter Biden left.").mentions[("actors", "joe-biden")] == 1
    shared = ids("Hunter Smith and Anna Smith met. Then Smith left.")
    assert sorted(shared["actors"]) == ["anna-smith", "hunter-smith"]
    assert (
        TAGGER.tag("T", "S", "Hunter Smith and Anna Smith met. Then Smith left.").mentions[("actors", "anna-smith")]
        == 1
    )


def test_the_publisher_citing_itself_is_not_a_mention() -> None:
    crs = "Congressional Research Service"
    assert ids("See CRS Report R45741. CRS analysis shows.", publisher=crs)["actors"] == []
    assert ids("See CRS Report R45741.", publisher="Other")["actors"] == ["congressional-research-service"]
    statement = ids("A White House spokesperson said.", publisher="The White House")
    assert statement["actors"] == ["white-house"]


def test_datelines_bylines_venues_and_link_targets_are_not_mentions() -> None:
    assert ids("LONDON — Talks resumed.")["places"] == []
    assert ids("By Anna Smith\n\nTalks resumed.")["actors"] == []
    assert ids("Aboard Air Force One\n\nEn Route London\n\n10:56 A.M. EDT\n\nQ Hello.")["places"] == []
    assert ids("Read [the report](https://example.org/russia/ukraine).")["places"] == []
    assert ids("Signed.\n\nTHE WHITE HOUSE,\n\nApril 15, 2021.")["actors"] == []
    assert ids("Talks in London resumed.")["places"] == ["london"]


def test_salience_orders_tags_and_marks_the_central_ones() -> None:
    body = "Russia and Ukraine.\n\n" + "Filler text here. " * 40 + "Russia again.\n\n" + "More. " * 40 + "Russia."
    tags = TAGGER.tag("Russia's choice", "Russia weighs it.", body)
    russia, ukraine = tags.salience[("places", "russia")], tags.salience[("places", "ukraine")]
    assert russia.central and russia.mentions == 5 and russia.where == ("title", "summary", "lead", "body")
    assert not ukraine.central and ukraine.score < russia.score
    assert tags.ids["places"] == ["russia", "ukraine"]
    assert UNNAMED.score == 0 and not UNNAMED.central


def test_editors_tags_are_kept_and_the_named_ones_ordered() -> None:
    from build_tools.linking.tagger import merge

    tags = TAGGER.tag("Ukraine today", "S", "Ukraine, Russia and Ukraine.")
    assert merge("places", ["london", "russia"], tags) == ["ukraine", "russia", "london"]


def test_retag_changes_only_the_tag_lists() -> None:
    text = (
        "---\ntitle: 'A: title'  # kept\nactors:\n  - joe-biden\n  - nato\nsummary: >-\n  Two\n  lines\n"
        "source:\n  name: X\n---\n\nBody [x](y) stays.\n"
    )
    new = retag(text, {"actors": ["nato", "joe-biden"], "places": ["russia"], "topics": []})
    assert new == (
        "---\ntitle: 'A: title'  # kept\nactors: [nato, joe-biden]\nplaces: [russia]\nsummary: >-\n  Two\n  lines\n"
        "source:\n  name: X\n---\n\nBody [x](y) stays.\n"
    )
    assert retag(text, {"actors": ["joe-biden", "nato"]}) == text
    try:
        retag("---\ntitle: [unclosed\n---\n", {"actors": ["x"]})
    except RetagError as exc:
        assert "line" in str(exc)
    else:
        raise AssertionError("a frontmatter that does not parse must be refused")


def test_suggestions_are_names_with_evidence() -> None:
    texts = [
        "Remarks In Islamabad\n\n## Press Gaggle With Officials\n\n"
        "MR. KIRBY: Thanks. Today we met Shehbaz Sharif in Islamabad. Don't worry. The PRESID said so.\n"
        "We spoke with Shehbaz Sharif and the Federal Emergency Management Agency (FEMA). Look, we did.",
        "A visit\n\nYesterday Shehbaz Sharif met officials of the Federal Emergency Management Agency in Islamabad. "
        "FEMA agreed. Vladimir Putin did not. Today the Inflation Reduction Act passed. Look at the state of it.",
    ]
    found = {s.name: s for s in suggest_vocabulary(TAGGER, texts)}
    assert set(found) == {"Shehbaz Sharif", "Federal Emergency Management Agency", "Islamabad"}
    sharif = found["Shehbaz Sharif"]
    assert sharif.count == 2 and sharif.id == "shehbaz-sharif" and sharif.kind == "actors/person"
    assert "Shehbaz Sharif" in sharif.example
    agency = found["Federal Emergency Management Agency"]
    assert agency.kind == "actors/organization" and agency.aliases == ("FEMA",)
    entry = agency.yaml()
    assert "- id: federal-emergency-management-agency" in entry and "aliases: [FEMA]" in entry
    assert found["Islamabad"].kind == "places"
    VocabularyEntry.model_validate(
        {"id": sharif.id, "name": sharif.name, "kind": "person", "description": "A Pakistani politician."}
    )


def test_an_ambiguous_name_must_be_the_entrys_own() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="ambiguous: Expected a name or alias of this entry"):
        VocabularyEntry.model_validate(
            {"id": "jordan", "name": "Jordan", "description": "d", "context": {"ambiguous": ["Amman"]}}
        )


def test_tagging_adversarial_text_stays_linear() -> None:
    """100 kB of names that all need context, or of link syntax: CPU time, not wall time (shared machines)."""
    import time

    for body in ("Georgia, Atlanta " * 6000, "Georgia Russia\n\n" * 6000, "](" * 50000, "Jordan Amman " * 8000):
        started = time.process_time()
        TAGGER.tag("T", "S", body)
        assert time.process_time() - started < 3.0, body[:20]
