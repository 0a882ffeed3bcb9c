"""Transcripts: a speaker label ("THE PRESIDENT:", "MS. PSAKI:", "AUDIENCE MEMBER:", "Q") starts
its paragraph in bold and is never a heading, however short the turn ("Q Why?", "AUDIENCE: Booo —").

A label is one to seven words in capitals followed by a colon, or the interviewer's "Q" (with or
without a colon) followed by the question. A label alone on its line starts the paragraph after
it. Bold capitals ("**PUTTING AMERICA FIRST:**", the section labels of fact sheets) are not labels.
"""

from __future__ import annotations

import re

from .blocks import Block

_WORD = r"[A-Z][A-Z.'’()-]*+"
SPEAKER = re.compile(
    rf"^(?P<label>Q(?=[:.]?(?:\s|$))|(?:{_WORD}[ \t]++){{0,6}}{_WORD}(?=:))(?P<colon>[:.]?)(?:[ \t]++|$)(?P<rest>.*)$",
    re.S,
)
# A turn as the article writes it: "**THE PRESIDENT:** text" or "**Q** text".
WRITTEN_TURN = re.compile(rf"^\*\*(?P<label>Q|(?:{_WORD} ){{0,6}}{_WORD}):?\*\*")


def turn(text: str) -> tuple[str, str] | None:
    """(label with its colon, the rest) of a paragraph that starts with a speaker label."""
    match = SPEAKER.match(text.strip())
    if match is None or (match["label"] != "Q" and len(match["label"].replace(".", "")) < 2):
        return None
    if match["label"] == "Q" and match["colon"] == "." and match["rest"][:1].islower():
        return None
    colon = ":" if match["colon"] == ":" else ""
    return " ".join(match["label"].split()) + colon, match["rest"].strip()  # "MS.  PSAKI" → "MS. PSAKI"


def _person(label: str) -> bool:
    """A label that names a speaker rather than a subject: "Q", a title with a full stop
    ("MS. PSAKI:") or several words ("THE PRESIDENT:"); "FERPA:" or "NOTE:" may be either."""
    return label.startswith("Q") or "." in label or " " in label.strip()


def is_transcript(turns: list[tuple[str, str]]) -> bool:
    """Paragraphs starting with labels ((label, rest) each) make a transcript when one label
    names a speaker, there are two turns or more, and either a speaker speaks twice, the
    interviewer asks ("Q"), or every label starts its words on its line. A fact sheet's section
    labels ("BUILDING ON …:" alone on a line, each once) or a lone "FERPA: …" heading are no turns."""
    labels = [label.rstrip(":") for label, _ in turns]
    if len(labels) < 2 or not any(_person(label) for label in labels):
        return False
    return len(set(labels)) < len(labels) or "Q" in labels or all(rest for _, rest in turns)


def mark_turns(blocks: list[Block]) -> list[Block]:
    """In a transcript, each paragraph that starts with a speaker label, with the label in bold
    (a label alone joined to the paragraph after it); such a paragraph is then never made a heading."""
    found_turns = [found for block in blocks if block.kind == "para" and (found := turn(block.text))]
    if not is_transcript(found_turns):
        return blocks
    out: list[Block] = []
    pending: str | None = None  # a label alone on its line, waiting for its words
    for block in blocks:
        found = turn(block.text) if block.kind == "para" else None
        if pending is not None:
            if block.kind == "para" and found is None:
                out.append(Block("para", f"**{pending}** {block.text.strip()}", turn=True))
                pending = None
                continue
            out.append(Block("para", f"**{pending}**", turn=True))
            pending = None
        if found is None:
            out.append(block)
        elif found[1]:
            out.append(Block("para", f"**{found[0]}** {found[1]}", turn=True))
        else:
            pending = found[0]
    if pending is not None:
        out.append(Block("para", f"**{pending}**", turn=True))
    return out
