"""Tagging recall and precision against the gold set, labelled by reading (tests/linking/gold/).

Each labelled source is ingested with the current code (read, normalize, tag with the archive's
vocabulary) and its actors and places are compared with the labels. Precision counts every
proposed id the labels lack as wrong; recall counts every labelled id not proposed as missed.
Names the vocabulary lacks (``unlisted``) are not counted: no tagger can propose them.

The two splits are reported apart: ``tuned`` (may be read while tuning the rules) and
``held_out`` (never looked at while tuning). Run with ``-s`` to see the figures:

    .venv/bin/python -m pytest -q -s -p no:cacheprovider tests/test_linking_gold.py

The sources live in the shared data folder beside the checkout (../shared/); without it the
test is skipped and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from build_tools.ingest.pipeline import ingest_file
from build_tools.ingest.tagging import Tagger
from build_tools.readers import read_vocabulary
from build_tools.yamlsafe import load

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "linking" / "gold"
SHARED = REPO.parent / "shared"
KINDS = ("actors", "places")
THRESHOLDS = {"tuned": 0.95, "held_out": 0.90}  # recall and precision, each kind


@dataclass
class Score:
    found: int = 0  # proposed and labelled
    proposed: int = 0
    labelled: int = 0
    misses: list[str] = field(default_factory=list)  # "file: -missed +extra", the tuned split only

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.proposed if self.proposed else 1.0


def _items() -> list[dict]:
    items = []
    for path in sorted(GOLD.glob("*.yml")):
        data = load(path.read_text(encoding="utf-8")).data
        assert isinstance(data, list), f"{path}: Expected a list of labelled articles"
        items += data
    return items


def test_gold_set_recall_and_precision() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"the shared data folder {SHARED} is absent: the gold set's sources are there")
    items = _items()
    assert items, "Expected labelled articles in tests/linking/gold/*.yml"
    vocabulary, problems = read_vocabulary(REPO / "articles" / "vocabulary")
    assert not [p for p in problems if p.severity == "error"]
    unknown = [
        f"{item['file']}: {kind} {entry_id!r}"
        for item in items
        for kind in KINDS
        for entry_id in item.get(kind) or []
        if (kind, entry_id) not in vocabulary
    ]
    assert not unknown, f"Expected vocabulary ids in the gold set but received: {'; '.join(unknown)}"
    tagger = Tagger(vocabulary)
    scores: dict[tuple[str, str], Score] = {}
    counts: dict[str, int] = {}
    for item in items:
        split, source = item["split"], SHARED / item["file"]
        assert split in THRESHOLDS, f"{item['file']}: split {split!r}"
        assert source.is_file(), f"{item['file']}: Expected the labelled source in {SHARED}"
        counts[split] = counts.get(split, 0) + 1
        meta = ingest_file(source, tagger, item["file"]).meta
        for kind in KINDS:
            score = scores.setdefault((split, kind), Score())
            gold, proposed = set(item.get(kind) or []), set(meta[kind])
            score.found += len(gold & proposed)
            score.proposed += len(proposed)
            score.labelled += len(gold)
            if split == "tuned" and gold != proposed:
                missed, extra = sorted(gold - proposed), sorted(proposed - gold)
                score.misses.append(f"{item['file']}: -{missed} +{extra}")
    lines = []
    for (split, kind), score in sorted(scores.items()):
        lines.append(
            f"{split:8s} {kind:6s} recall {score.recall:.3f} ({score.found}/{score.labelled})  "
            f"precision {score.precision:.3f} ({score.found}/{score.proposed})  [{counts[split]} articles]"
        )
        lines += [f"    {miss}" for miss in score.misses]
    print("\n" + "\n".join(lines))
    for (split, kind), score in scores.items():
        threshold = THRESHOLDS[split]
        assert score.recall >= threshold and score.precision >= threshold, (
            f"{split} {kind}: Expected recall and precision ≥ {threshold} but received "
            f"{score.recall:.3f} and {score.precision:.3f}"
        )
