"""Normalization rule 6, the summary: a dek ending in " - " at the start of the first paragraph is
split off; otherwise the lead sentence(s) of the first paragraph, at most 300 characters."""

from __future__ import annotations

import re

from ..schema import SUMMARY_MAX
from .blocks import Block
from .sections import is_body
from .text import plain_text, words

_DEK = re.compile(r"^(?P<dek>[^\n]{12,300}?)\s++-\s++(?P<rest>[\"“'‘A-Z0-9].+)$", re.S)


def split_summary(blocks: list[Block]) -> tuple[str, list[Block]]:
    """A dek ('Dek? - The lead ...') split off the first paragraph; else its lead sentence(s)."""
    for index, block in enumerate(blocks):
        if block.kind != "para" or not is_body(block):
            continue
        match = _DEK.match(block.text)
        if match and "](" not in match["dek"] and len(words(match["dek"])) >= 4 and not match["dek"].isupper():
            dek = plain_text(match["dek"])
            blocks[index] = Block("para", match["rest"].strip())
            return _fit_summary(dek), blocks
        return lead(plain_text(block.text)), blocks
    return "", blocks


_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Jr|Sr|No|U\.S|U\.N|Inc|Co|Corp|Ltd|vs|etc|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.$"
)


def sentences(text: str) -> list[str]:
    """The text cut after each sentence end that does not end an abbreviation ("U.S.", "Mr.")."""
    parts: list[str] = []
    current: list[str] = []  # pieces of the sentence so far, joined by spaces (then stripped)
    for piece in _SENTENCE.split(text):
        if current and current != [""]:
            current.append(piece)
            tail = " ".join(current[-8:]).rstrip()  # an abbreviation is a few characters at the end
        else:
            current = [piece]
            tail = piece
        if not _ABBREVIATION.search(tail, max(0, len(tail) - 8)):
            parts.append(_joined(current))
            current = []
    if current and _joined(current):
        parts.append(_joined(current))
    return parts


def _joined(pieces: list[str]) -> str:
    return pieces[0] if len(pieces) == 1 else " ".join(pieces).strip()


def lead(text: str) -> str:
    text = re.sub(r"^[A-Z][A-Z0-9 .,'’&-]{3,}:\s+(?=[A-Z])", "", text)  # an all-capitals label
    chosen = ""
    for sentence in sentences(text):
        candidate = f"{chosen} {sentence}".strip()
        if len(candidate) > SUMMARY_MAX:
            break
        chosen = candidate
        if len(chosen) >= 120:
            break
    return _fit_summary(chosen or text)


def _fit_summary(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SUMMARY_MAX:
        return text
    cut = text[: SUMMARY_MAX - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:-–—") + "…"
