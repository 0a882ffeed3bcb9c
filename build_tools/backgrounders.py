"""The parts of an entry's page that make it a backgrounder: a key-facts box (what it is, the
roles a person held with their dates, how much the archive covers it) and the story so far.

The box is plain HTML (a definition list), written here escaped; the links around it are
Markdown, so ``mkdocs build --strict`` checks them like every other link.
"""

from __future__ import annotations

import html
import urllib.parse

from .layout import KIND, SEARCH_PAGE, Key, feed_path
from .markup import inline, link, plural, role_text, year_span
from .readers import Article
from .schema import VocabularyEntry

#: How an actor's own ``kind`` reads in the box; other kinds read as the kind's singular.
ACTOR_KINDS = {"person": "Person", "organization": "Organisation", "organisation": "Organisation"}


def kind_label(key: Key, entry: VocabularyEntry) -> str:
    if entry.kind:
        return ACTOR_KINDS.get(entry.kind, entry.kind.replace("-", " ").capitalize())
    return KIND[key[0]].singular.capitalize()


def roles(entry: VocabularyEntry) -> list[str]:
    """The roles of a person, the latest first ("US President 2021–2025")."""
    ordered = sorted(entry.roles, key=lambda r: (r.start, r.title), reverse=True)
    return [role_text(role) for role in ordered]


def fact_rows(key: Key, entry: VocabularyEntry, articles: list[Article]) -> list[tuple[str, list[str]]]:
    """The rows of the key-facts box as (term, escaped HTML values)."""
    rows = [("Kind", [html.escape(kind_label(key, entry))])]
    held = roles(entry)
    if held:
        rows.append(("Roles" if len(held) > 1 else "Role", [html.escape(r) for r in held]))
    if articles:
        span = year_span(articles[-1].year, articles[0].year)
        rows.append(("In the archive", [f"{plural(len(articles), 'article')}, {span}"]))
    else:
        rows.append(("In the archive", ["0 articles"]))
    if entry.wikidata:
        url = f"https://www.wikidata.org/wiki/{entry.wikidata}"
        rows.append(("Wikidata", [f'<a href="{url}">{entry.wikidata}</a>']))
    return rows


def key_facts(page: str, key: Key, entry: VocabularyEntry, articles: list[Article]) -> str:
    """The box: the description (search text), the facts and the entry's feed and search."""
    items = []
    for term, values in fact_rows(key, entry, articles):
        items.append(f"<dt>{term}</dt>" + "".join(f"<dd>{v}</dd>" for v in values))
    links = [f"[Atom feed]({link(page, feed_path(key))})"]
    if articles:
        query = urllib.parse.urlencode({KIND[key[0]].singular: entry.name})
        links.append(f"[Search these articles](<{link(page, SEARCH_PAGE)}?{query}>)")
    return (
        '<div class="entity-facts" markdown>\n\n'
        f'<p class="entity-facts__description" markdown>{inline(entry.description)}</p>\n\n'
        '<dl class="entity-facts__list" data-pagefind-ignore="all">\n' + "\n".join(items) + "\n</dl>\n\n"
        f'<p class="entity-facts__links" data-pagefind-ignore="all" markdown>{" · ".join(links)}</p>\n\n'
        "</div>\n"
    )
