"""Dates in any form a page writes them ("May 19, 2025", "17 Jul 2023", "2025-05-19T..",
"04/10/2026"), and datelines ("Post on May 19, 2025", "Updated April 10, 2026")."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DATE_PATTERN = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ][\d:.+\-Z]*)?"
    r"|\d{1,2}/\d{1,2}/\d{4})"
)
DATE_RE = re.compile(DATE_PATTERN, re.I)
DATELINE_RE = re.compile(
    rf"\b(?P<what>posted|post|published|publication date|updated|last updated|modified|date)\b:?\s*(?:on\s+)?(?P<date>{DATE_PATTERN})",
    re.I,
)


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text``: 'May 19, 2025', '17 Jul 2023', '2025-05-19T..', '04/10/2026' (US)."""
    match = DATE_RE.search(text or "")
    if not match:
        return None
    value = match[0].strip().rstrip(".,")
    try:
        if re.match(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value[:10])
        if "/" in value:
            month, day, year = (int(part) for part in value.split("/"))
            return dt.date(year, month, day)
        parts = re.findall(r"[a-z]+|\d+", value.lower())
        parts = [p for p in parts if p not in ("st", "nd", "rd", "th")]
        if parts[0].isdigit():
            day, month, year = int(parts[0]), _MONTHS[parts[1]], int(parts[2])
        else:
            month, day, year = _MONTHS[parts[0]], int(parts[1]), int(parts[2])
        return dt.date(year, month, day)
    except (ValueError, KeyError, IndexError):
        return None
