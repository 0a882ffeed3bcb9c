"""Golden fixtures of ``ingest``: each raw input in inputs/ beside its expected article in expected/.

Regenerate the expected files (after a deliberate change to the rules, then read the diff),
with every other golden set:

    .venv/bin/python -m tests.regenerate

or this set alone: ``.venv/bin/python -m tests.ingest.regenerate``.
"""

from __future__ import annotations

from pathlib import Path

from build_tools.ingest.pipeline import ingest_file
from build_tools.ingest.tagging import Tagger
from build_tools.readers import read_vocabulary

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"
EXPECTED = HERE / "expected"
HELDOUT = HERE / "heldout"
VOCABULARY = HERE / "vocabulary"  # a frozen copy, so that the goldens don't move with articles/vocabulary


def tagger() -> Tagger:
    vocabulary, problems = read_vocabulary(VOCABULARY)
    assert not problems, problems
    return Tagger(vocabulary)


def inputs() -> list[Path]:
    return sorted(p for p in INPUTS.iterdir() if p.is_file())


def expected_path(source: Path) -> Path:
    return EXPECTED / f"{source.stem}.md"


def render(source: Path, tags: Tagger | None = None) -> str:
    return ingest_file(source, tags or tagger(), source.name).text
