"""The Markdown pieces every generated page is made of: escaped text, relative links, dates,
and the two ways an article is shown in a list (a teaser: headline, dek and date) or a
vocabulary entry is shown on an article (a tag chip).

Kept apart from ``generators`` so that the home page (``frontpage``) and the entry pages
(``backgrounders``) share one way of listing an article; what a reader sees of an article in
any list is decided here, once.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from .layout import KIND, Key, article_page, entity_page
from .readers import Article
from .schema import Role

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(value: dt.date) -> str:
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def inline(text: str) -> str:
    """Text from frontmatter or vocabulary as literal inline Markdown: no markup, no HTML, and
    one line (a line break could start a heading, a rule or a list: ``---``, ``- x``)."""
    text = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|~>])", r"\\\1", text)


def link(from_page: str, to_page: str) -> str:
    """Relative link between two docs/-relative page paths (``posixpath.relpath`` without
    its filesystem work: called for every link of every page)."""
    here = from_page.split("/")[:-1]
    there = to_page.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def year_span(first: int, last: int) -> str:
    """``2021–2025``, or one year when both are the same."""
    return f"{first}" if first == last else f"{first}–{last}"


def role_text(role: Role) -> str:
    """A role as a reader expects it on a backgrounder: "US President 2021–2025", or
    "President of Russia since 2012" while it lasts (no end date)."""
    if role.end is None:
        return f"{role.title} since {role.start.year}"
    return f"{role.title} {year_span(role.start.year, role.end.year)}"


def time_tag(day: dt.date, css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f'<time{attribute} datetime="{day.isoformat()}">{long_date(day)}</time>'


def teaser(page: str, article: Article, show_date: bool = True) -> str:
    """One list item: the headline as a link, the dek and the date. Every list of the site shows
    these three in this order, so a reader scans headlines and reads a dek where one catches."""
    meta = article.meta
    target = link(page, article_page(article.year, article.slug))
    date = " " + time_tag(meta.date, "article-list__date") if show_date else ""
    dek = f' <span class="article-list__dek">{inline(meta.summary)}</span>' if meta.summary else ""
    return f"- [{inline(meta.title)}]({target}){dek}{date}"


def teaser_list(page: str, articles: list[Article], css: str = "article-list", show_date: bool = True) -> str:
    """Teasers in a block of their own (``css`` names the look: a list, or the home page's cards)."""
    if not articles:
        return ""
    items = "\n".join(teaser(page, a, show_date) for a in articles)
    return f'<div class="{css}" markdown>\n\n{items}\n\n</div>\n'


def chip(page: str, key: Key, name: str) -> str:
    """A tag chip: a link to the entry's page, coloured by its kind."""
    kind = KIND[key[0]].singular
    return f'<span class="article-tag article-tag--{kind}">[{inline(name)}]({link(page, entity_page(key))})</span>'
