"""The home page: what is new, what is most covered this year, and the stories that run longest.

Every figure counts back from the newest article's date, never from the clock, so the same
archive builds the same page on any day. The bars are spans with a level class (no script,
no inline style): a reader without CSS still reads each count as text.
"""

from __future__ import annotations

import datetime as dt
import math

from .catalog import Catalog
from .layout import ARCHIVE_PAGE, HOME_PAGE, KIND, MENU_KINDS, Key, entity_page, overview_page
from .markup import MONTHS, inline, link, plural, teaser_list, year_span

HOME_LATEST = 12
HOME_TOP = 6
LONGEST = 6
STORY_KIND = "topics"  # a story that runs for years is a topic (a person or a place is not a story)
RECENT_MONTHS = 12
LEVELS = 4  # a bar cell's level: 0 (none) to LEVELS (the most in its row)
#: Where the page's own search form goes; overrides/partials/content.html puts it there (a
#: generated page cannot carry a form: the HTML allowlist, build_tools/sanitize.py, drops it).
SEARCH_SLOT = '<div class="card-search"></div>'
DESCRIPTION = "Explainers on the news, linked by who and what they cover."


def home_page(catalog: Catalog, frontmatter) -> str:
    """The Markdown of the home page (``frontmatter`` writes its header)."""
    parts = [frontmatter({"title": "Home", "description": DESCRIPTION}), "# Explainer Archive\n", intro(catalog)]
    parts.append(SEARCH_SLOT + "\n")
    latest = teaser_list(HOME_PAGE, catalog.articles[:HOME_LATEST], css="card-list")
    parts.append("## Latest explainers\n\n" + (latest or "No articles yet.\n"))
    newest = catalog.newest_date()
    if newest is not None:
        parts.append(most_covered(catalog, newest))
        parts.append(longest_running(catalog))
    browse = [f"[All {kind.name}]({link(HOME_PAGE, overview_page(kind.name))})" for kind in MENU_KINDS]
    browse.append(f"[Every year]({link(HOME_PAGE, ARCHIVE_PAGE)})")
    parts.append('<p class="card-browse" markdown>Browse: ' + " · ".join(browse) + "</p>\n")
    return "\n".join(p for p in parts if p)


def intro(catalog: Catalog) -> str:
    articles = catalog.articles
    text = (
        f"{plural(len(articles), 'explainer')} on the news, linked by the people, organisations, "
        "places and topics they cover."
    )
    if articles:
        newest = articles[0].meta.date
        month = [a for a in articles if (a.year, a.meta.date.month) == (newest.year, newest.month)]
        text += f" New in {MONTHS[newest.month - 1]} {newest.year}: {plural(len(month), 'explainer')}."
    return f'<p class="card-intro" markdown>{text}</p>\n'


def months_back(last: dt.date, months: int) -> dt.date:
    """The first day of the month ``months - 1`` months before ``last``'s month."""
    index = last.year * 12 + last.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def spark(counts: list[int], label: str) -> str:
    """A row of bar cells, one per count, levelled against the row's largest; ``label`` says
    in words what the bars show, for readers who do not see them."""
    top = max(counts) or 1
    cells = "".join(f'<span class="coverage-c{math.ceil(n * LEVELS / top) if n else 0}"></span>' for n in counts)
    return f'<span class="coverage__spark" role="img" aria-label="{label}">{cells}</span>'


def entry_link(catalog: Catalog, key: Key) -> str:
    return f"[{inline(catalog.entry(key).name)}]({link(HOME_PAGE, entity_page(key))})"


def most_covered(catalog: Catalog, newest: dt.date) -> str:
    """Per kind, the entries with the most articles in the last ``RECENT_MONTHS`` months."""
    since = months_back(newest, RECENT_MONTHS)
    period = f"{MONTHS[since.month - 1]} {since.year} to {MONTHS[newest.month - 1]} {newest.year}"
    groups = []
    for kind in MENU_KINDS:
        top = catalog.most_covered(kind.name, since, HOME_TOP)
        if not top:
            continue
        items = []
        for key, count in top:
            counts = catalog.monthly(key, newest, RECENT_MONTHS)
            label = f"Articles per month, {period}: " + ", ".join(map(str, counts))
            items.append(
                f'1. {entry_link(catalog, key)} <span class="coverage__count">{plural(count, "article")}</span>'
                f" {spark(counts, label)}"
            )
        groups.append(
            f'<div class="coverage-group" markdown>\n\n### {kind.title}\n\n' + "\n".join(items) + "\n\n</div>\n"
        )
    if not groups:
        return ""
    head = f'## Most covered in the last 12 months\n\n<p class="coverage-period">{period}</p>\n\n'
    return head + '<div class="coverage-grid" markdown>\n\n' + "\n".join(groups) + "\n</div>\n"


def longest_running(catalog: Catalog) -> str:
    """The topics whose articles span the most years, with a cell per year of the archive."""
    kind = STORY_KIND if STORY_KIND in KIND else MENU_KINDS[0].name
    spans = catalog.longest_running(kind, LONGEST)
    if not spans:
        return ""
    first_year, last_year = catalog.articles[-1].year, catalog.articles[0].year
    items = []
    for key, first, last, count in spans:
        per_year = {y: 0 for y in range(first_year, last_year + 1)}
        for article in catalog.by_entity[key]:
            per_year[article.year] += 1
        label = f"Articles per year, {first_year} to {last_year}: " + ", ".join(map(str, per_year.values()))
        years = plural(last - first + 1, "year")
        items.append(
            f'1. {entry_link(catalog, key)} <span class="coverage__count">{year_span(first, last)} · {years} · '
            f"{plural(count, 'article')}</span> {spark(list(per_year.values()), label)}"
        )
    return '## The longest-running stories\n\n<div class="coverage-group coverage-group--wide" markdown>\n\n' + (
        "\n".join(items) + "\n\n</div>\n"
    )
