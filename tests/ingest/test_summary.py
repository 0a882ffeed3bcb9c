"""The summary (dek) of an ingested text: the lead sentence(s) with substance, not the greetings,
thanks, stage directions and speaker labels a transcript opens with.

The rule was written on the corpus's tuned slice; the corpus test at the end runs it on the
held-out slice (``bench.ingest_corpus.heldout``), skipped when ``../shared/corpus`` is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.ingest_corpus import CORPUS, heldout
from build_tools.ingest import detect
from build_tools.ingest.normalize import normalize
from build_tools.ingest.sources import Draft, read_source
from build_tools.ingest.summary import is_pleasantry


def _summary(text: str) -> str:
    draft = Draft(Path("made-up.md"), detect.MARKDOWN, text, meta={"date_text": "2025-01-02"})
    return normalize(draft).summary


@pytest.mark.parametrize(
    "sentence",
    [
        "Hello, everybody.",
        "Good afternoon. ",
        "Good afternoon, Atlanta!",
        "Thank you all for being here.",
        "Thank you very, very much.",
        "Well, Mr. President, welcome.",
        "Please, have a seat.",
        "Okay.",
        "Hi, everyone. Happy Monday.",
        "Thank you to Administrator Criswell for joining us this afternoon, and good afternoon to all of you.",
    ],
)
def test_greetings_thanks_and_seating_are_pleasantries(sentence: str) -> None:
    assert is_pleasantry(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Thank you for your tireless advocacy for our nation's students and workers.",
        "President Biden thanked President Nausėda for hosting the summit.",
        "Yesterday, the President welcomed lawmakers and miners to the White House.",
        "Today I'd like to talk about inflation.",
        "We welcome the decision of NATO Allies.",
        "The talks resumed in Geneva on Monday.",
    ],
)
def test_sentences_that_say_what_about_are_not_pleasantries(sentence: str) -> None:
    assert not is_pleasantry(sentence)


def test_a_transcripts_summary_skips_greetings_directions_and_labels() -> None:
    text = (
        "# Remarks on the supply of vaccines\n\n"
        "**THE PRESIDENT:** Hello, hello. (Applause.) Thank you. Please, have a seat.\n\n"
        "**THE PRESIDENT:** Good afternoon, everybody.\n\n"
        "**THE PRESIDENT:** Today we are shipping 20 million doses to partners abroad, and I want to "
        "explain why. Our own supply is secure.\n\n"
        "**Q** Mr. President, how many doses?\n"
    )
    assert _summary(text) == (
        "Today we are shipping 20 million doses to partners abroad, and I want to explain why. Our own supply is secure."
    )


def test_an_interpreted_turn_loses_its_label_and_direction() -> None:
    text = (
        "# Joint statements\n\n"
        "PRIME MINISTER KISHIDA: (As interpreted.) Good morning, ladies and gentlemen. The four of us agreed "
        "today to expand maritime patrols in the region.\n\n"
        "PRESIDENT BIDEN: Thank you.\n"
    )
    assert _summary(text) == "The four of us agreed today to expand maritime patrols in the region."


def test_a_text_that_does_not_open_with_pleasantries_keeps_its_lead() -> None:
    text = (
        "# A report on the alliance\n\n"
        "The North Atlantic Treaty Organization (NATO) met in Brussels. Ministers agreed on [new] spending "
        "targets for the coming decade, officials said (See Annex 1.) on Monday.\n\nMore text follows here.\n"
    )
    assert _summary(text) == (
        "The North Atlantic Treaty Organization (NATO) met in Brussels. Ministers agreed on [new] spending "
        "targets for the coming decade, officials said on Monday."
    )


def test_when_everything_is_a_pleasantry_the_first_paragraph_stands() -> None:
    text = "# Thanks\n\nThank you, thank you. Good evening, everyone.\n\nThank you all. Good night.\n"
    assert _summary(text) == "Thank you, thank you. Good evening, everyone."


_GREETING_START = re.compile(
    r"^(?:(?-i:Q |[A-Z][A-Z .’']+: )|(?:Well|Okay|Oh|So|And)?,? ?(?:hello|hi|hey|good (?:morning|afternoon|evening)"
    r"|thank|thanks|please|welcome)\b)",
    re.I,
)


@pytest.mark.slow
def test_held_out_transcripts_no_longer_open_their_summary_with_a_greeting() -> None:
    """Held-out corpus texts (never looked at while writing the rule) that greet, thank or are
    applauded somewhere: their summaries start with something else, for nearly all of them."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not there ({CORPUS})")
    spoken = re.compile(r"Good (?:morning|afternoon|evening)|Hello|Thank you|\(Applause\.\)")
    checked, still = 0, []
    for path in sorted(CORPUS.rglob("*.md")):
        relative = path.relative_to(CORPUS).as_posix()
        if not heldout(relative) or not spoken.search(path.read_text(encoding="utf-8", errors="replace")):
            continue
        summary = normalize(read_source(path)).summary
        checked += 1
        if _GREETING_START.match(summary):
            still.append(f"{relative}: {summary[:100]}")
    assert checked >= 20, checked  # the slice has transcripts: the test is not vacuous
    assert len(still) <= checked // 10, "\n".join(still)
