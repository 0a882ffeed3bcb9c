"""How central each tag is to its article, from where and how often the text names it.

``score`` = 4 if named in the title + 2 if in the summary + 1 if in the lead (the body's first
paragraph) + log2(1 + mentions) + 2 × spread (the share of the body's four quarters naming it).

A tag is **central** (JSON-LD ``about``; "about" on an entity page) when it is

- named in the title; or
- named in the summary or the lead, and at least twice in all; or
- named at least 3 times, in at least two quarters of the body, and at least a quarter as often
  as the article's most named entry.

Every other actor or place is a **mention** (JSON-LD ``mentions``). An actor or place an editor
added that the text never names is kept (no command removes an editor's tag), with score 0, as a
mention: nothing in the text shows it is central. A topic tag is always central (``salience()``
in ``__init__``): a topic is a subject the article is filed under, not a name.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ..layout import Key
from .mentions import BODY, SUMMARY, TITLE, Found

TITLE_WEIGHT, SUMMARY_WEIGHT, LEAD_WEIGHT, SPREAD_WEIGHT = 4.0, 2.0, 1.0, 2.0
QUARTERS = 4


@dataclass(frozen=True)
class Salience:
    score: float  # higher is more central; 0 for a tag the text never names
    central: bool  # about (True) or mentions (False)
    mentions: int = 0  # how often title, summary and body name it
    where: tuple[str, ...] = ()  # of "title", "summary", "lead", "body": where it is named


UNNAMED = Salience(0.0, False)


def saliences(found: Found) -> dict[Key, Salience]:
    """The salience of every entry ``found`` names, most central first."""
    counts: dict[Key, int] = defaultdict(int)
    where: dict[Key, set[str]] = defaultdict(set)
    quarters: dict[Key, set[int]] = defaultdict(set)
    length = max(1, found.body_end - found.body_start)
    for mention in found.mentions:
        key = mention.key
        counts[key] += 1
        where[key].add(mention.zone)
        if mention.zone == BODY:
            quarters[key].add(min(QUARTERS - 1, (mention.start - found.body_start) * QUARTERS // length))
            if mention.start < found.lead_end:
                where[key].add("lead")
    top = max(counts.values(), default=0)
    result = {}
    for key, count in counts.items():
        spread = len(quarters[key]) / QUARTERS
        places = where[key]
        score = (
            TITLE_WEIGHT * (TITLE in places)
            + SUMMARY_WEIGHT * (SUMMARY in places)
            + LEAD_WEIGHT * ("lead" in places)
            + math.log2(1 + count)
            + SPREAD_WEIGHT * spread
        )
        central = (
            TITLE in places
            or (bool(places & {SUMMARY, "lead"}) and count >= 2)
            or (count >= 3 and len(quarters[key]) >= 2 and count * 4 >= top)
        )
        order = tuple(z for z in (TITLE, SUMMARY, "lead", BODY) if z in places)
        result[key] = Salience(round(score, 3), central, count, order)
    return dict(sorted(result.items(), key=lambda kv: rank(kv[0], kv[1])))


def rank(key: Key, salience: Salience) -> tuple:
    """The sort key of a tag: central first, then by score, then by id (stable output)."""
    return (not salience.central, -salience.score, key[1])
