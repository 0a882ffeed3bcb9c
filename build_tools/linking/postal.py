"""US states written as their postal codes after a city: "En Route Hampton, VA", "Kenner, LA".

A code alone is too often a word or another name ("OR", "IN", "VA" for Veterans Affairs), so it
is read as a state only right after "<City>, ", and only when the vocabulary has an entry
named as that state (its name or an alias).
"""

from __future__ import annotations

import re

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "State of New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "State of Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "Washington, D.C.", "PR": "Puerto Rico",
    "GU": "Guam",
}  # fmt: skip
# "Georgia" alone is ambiguous in the vocabulary; after a city its code means the state.
SPELLED = {"GA": "Georgia (US state)"}
AFTER_CITY = re.compile(r", ([A-Z]{2})(?![\w.])")


def postal_codes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, state name) of each postal code written after a city in ``text``."""
    found = []
    for match in AFTER_CITY.finditer(text):
        code = match[1]
        if code in STATES and text[match.start() - 1 : match.start()].islower():
            found.append((match.start(1), match.end(1), SPELLED.get(code, STATES[code])))
    return found
