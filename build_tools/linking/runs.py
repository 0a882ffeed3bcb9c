"""Runs of capitalised words, the raw candidates of vocabulary suggestions."""

from __future__ import annotations

import bisect
import re

# Runs of capitalised words, as the pattern
#   (?<![\w’'-])((?:W)(?:\s+(?:of|the|for|and|de|von|van|al|bin|la|du)?\s*(?:W))*)
#   with W = [A-Z][a-zA-Z’'.-]*[a-z]|[A-Z]{2,6}
# finds them, in time linear in the text (``capitalised_runs``): the regex engine scanned a run
# such as "A.B.C.D." from each of its letters again, and split each run of spaces between two
# words every possible way.
_CAPITAL = re.compile(r"(?<![\w’'-])[A-Z]")
_WORD_RUN = re.compile(r"[a-zA-Z’'.-]+")
_SPACE_RUN = re.compile(r"\s*+")
_CONNECTORS = ("of", "the", "for", "and", "de", "von", "van", "al", "bin", "la", "du")  # none starts another


def capitalised_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every run of capitalised words (see above), in text order."""
    runs = [found.span() for found in _WORD_RUN.finditer(text)]
    run_starts = [start for start, _ in runs]
    last_lower: dict[int, int] = {}  # run -> its last [a-z], or -1

    def capital(at: int) -> bool:
        return at < len(text) and "A" <= text[at] <= "Z"

    def word(at: int) -> int:
        """The end of W at ``at``, or -1."""
        if not capital(at):
            return -1
        index = bisect.bisect_right(run_starts, at) - 1  # the run holding this letter
        if index not in last_lower:
            start, end = runs[index]
            last_lower[index] = next((i for i in range(end - 1, start - 1, -1) if "a" <= text[i] <= "z"), -1)
        if last_lower[index] > at:  # [A-Z][a-zA-Z’'.-]*[a-z]: to the run's last lowercase letter
            return last_lower[index] + 1
        if text[at + 1 : at + 3] == ". " and capital(at + 3):  # an initial: "Donald J. Trump"
            return at + 2
        capitals = 1  # [A-Z]{2,6}
        while capitals < 6 and capital(at + capitals):
            capitals += 1
        return at + capitals if capitals >= 2 else -1

    found, pos = [], 0
    for initial in _CAPITAL.finditer(text):
        start = initial.start()
        if start < pos:
            continue
        end = word(start)
        if end < 0:
            continue
        while True:  # (?:\s+(?:connector)?\s*W)*
            space_end = _SPACE_RUN.match(text, end).end()
            if space_end == end:
                break
            following = -1
            connector = next((c for c in _CONNECTORS if text.startswith(c, space_end)), None)
            if connector:
                following = word(_SPACE_RUN.match(text, space_end + len(connector)).end())
            if following < 0:
                following = word(space_end)
            if following < 0:
                break
            end = following
        found.append((start, end))
        pos = end
    return found
