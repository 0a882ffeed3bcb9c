"""Stage 3: turn the catalog into Markdown pages for MkDocs.

Each generator returns ``{path relative to docs/: text}``; nothing here touches the disk.
Links between pages are relative ``.md`` links, so ``mkdocs build --strict`` checks them.
"""

from __future__ import annotations

import html
import math
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from .catalog import SINGULAR, Catalog, Key
from .readers import Article
from .schema import ENTITY_KINDS, VocabularyEntry

GENERATED = ("index.md", "articles", "actors", "topics", "places", "archive")
KIND_TITLES = {"actors": "Actors", "topics": "Topics", "places": "Places"}
MONTHS = ("January February March April May June July August September October November December").split()
WORDS_PER_MINUTE = 220
HOME_LATEST = 12
HOME_TOP = 10
RELATED = 5
COMPANIONS = 8


def long_date(value) -> str:
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def inline(text: str) -> str:
    """Text from frontmatter or vocabulary as literal inline Markdown: no markup, no HTML."""
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|~>])", r"\\\1", text)


def reading_minutes(body: str) -> int:
    words = len(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", body)))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def frontmatter(fields: dict) -> str:
    """Page frontmatter. The theme prints ``title`` and ``description`` into HTML unescaped
    (``<title>``, ``<meta name="description">``), so they are HTML-escaped here, once."""
    fields = {k: html.escape(v, quote=True) if k in ("title", "description") else v for k, v in fields.items()}
    dumped = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)
    return f"---\n{dumped}---\n\n"


def entity_path(key: Key) -> str:
    return f"{key[0]}/{key[1]}.md"


def article_path(article: Article) -> str:
    return f"articles/{article.year}/{article.slug}.md"


def link(from_page: str, to_page: str) -> str:
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class PageGenerator:
    catalog: Catalog

    def pages(self) -> dict[str, str]:
        out: dict[str, str] = {"index.md": self.home()}
        for article in self.catalog.articles:
            out[article_path(article)] = self.article(article)
        for kind in ENTITY_KINDS:
            out[f"{kind}/index.md"] = self.overview(kind)
            for entry in self.catalog.vocabulary.entries[kind].values():
                out[entity_path((kind, entry.id))] = self.entity((kind, entry.id))
        out["archive/index.md"] = self.archive_overview()
        for year in self.catalog.by_year:
            out[f"archive/{year}.md"] = self.year(year)
        return dict(sorted(out.items()))

    # -- pieces --------------------------------------------------------------------------

    def article_item(self, page: str, article: Article, show_date: bool = True) -> str:
        date = f" <small>{long_date(article.meta.date)}</small>" if show_date else ""
        return f"- [{inline(article.meta.title)}]({link(page, article_path(article))}){date}"

    def entity_item(self, page: str, key: Key, count: int | None = None) -> str:
        suffix = f" ({count})" if count is not None else ""
        return f"[{inline(self.catalog.entry(key).name)}]({link(page, entity_path(key))}){suffix}"

    def article_list(self, page: str, articles: Iterable[Article], show_date: bool = True) -> str:
        return "\n".join(self.article_item(page, a, show_date) for a in articles)

    # -- pages -----------------------------------------------------------------------------

    def article(self, article: Article) -> str:
        page = article_path(article)
        meta = article.meta
        keys = self.catalog.keys_of(article)
        fields = {
            "title": meta.title,
            "description": meta.summary,
            "date": meta.date.isoformat(),
            "tags": [self.catalog.entry(k).name for k in keys],
            "tag_links": [f"{k[0]}/{k[1]}/" for k in keys],
            "tag_kinds": [SINGULAR[k[0]] for k in keys],
        }
        if meta.updated:
            fields["updated"] = meta.updated.isoformat()
        byline = [f"<time datetime=\"{meta.date.isoformat()}\">{long_date(meta.date)}</time>"]
        if meta.updated:
            byline.append(f"updated <time datetime=\"{meta.updated.isoformat()}\">{long_date(meta.updated)}</time>")
        byline.append(f"{reading_minutes(article.body)} min read")
        parts = [
            frontmatter(fields),
            f"# {inline(meta.title)}\n",
            f'<p class="article-byline" markdown>{" · ".join(byline)}</p>\n',
            f'<p class="article-summary" markdown>{inline(meta.summary)}</p>\n',
            article.body.strip() + "\n",
        ]
        related = self.catalog.related(article, RELATED)
        if related:
            parts.append("## Related articles\n\n" + self.article_list(page, related) + "\n")
        if meta.source:
            parts.append(self.source_credit(meta.source))
        return "\n".join(parts)

    def source_credit(self, source) -> str:
        name = inline(source.name)
        credit = f"[{name}](<{source.url}>)" if source.url else name
        extra = "".join(f", {inline(v)}" for v in (source.author, source.id) if v)
        license_ = f" License: {inline(source.license)}." if source.license else ""
        return f'<div class="article-source" markdown>\n**Source:** {credit}{extra}.{license_}\n</div>\n'

    def entity(self, key: Key) -> str:
        page = entity_path(key)
        entry: VocabularyEntry = self.catalog.entry(key)
        articles = self.catalog.by_entity.get(key, [])
        fields = {"title": entry.name, "description": entry.description}
        parts = [frontmatter(fields), f"# {inline(entry.name)}\n", inline(entry.description) + "\n"]
        facts = [f"{SINGULAR[key[0]].capitalize()} · {plural(len(articles), 'article')}"]
        if entry.wikidata:
            facts.append(f"[Wikidata {entry.wikidata}](https://www.wikidata.org/wiki/{entry.wikidata})")
        parts.append(f'<p class="entity-facts" markdown>{" · ".join(facts)}</p>\n')
        companions = self.catalog.companions(key, COMPANIONS * 3)
        for kind in ENTITY_KINDS:
            near = [(k, n) for k, n in companions if k[0] == kind][:COMPANIONS]
            if near:
                items = ", ".join(self.entity_item(page, k, n) for k, n in near)
                parts.append(f"**Often with these {kind}:** {items}\n")
        if not articles:
            parts.append("No articles yet.\n")
        for year, group in _group(articles, lambda a: a.year):
            parts.append(f"## {year}\n\n{self.article_list(page, group)}\n")
        return "\n".join(parts)

    def year(self, year: int) -> str:
        page = f"archive/{year}.md"
        articles = self.catalog.by_year[year]
        parts = [frontmatter({"title": f"{year}"}), f"# {year}\n", f"{plural(len(articles), 'article')}.\n"]
        for month, group in _group(articles, lambda a: a.meta.date.month):
            parts.append(f"## {MONTHS[month - 1]}\n\n{self.article_list(page, group)}\n")
        return "\n".join(parts)

    def archive_overview(self) -> str:
        page = "archive/index.md"
        lines = [f"- [{year}]({link(page, f'archive/{year}.md')}) ({plural(len(arts), 'article')})"
                 for year, arts in sorted(self.catalog.by_year.items(), reverse=True)]
        body = "\n".join(lines) or "No articles yet."
        return frontmatter({"title": "Archive"}) + f"# Archive\n\nArticles by year.\n\n{body}\n"

    def overview(self, kind: str) -> str:
        page = f"{kind}/index.md"
        title = KIND_TITLES[kind]
        rows = ["| Name | Articles | About |", "| --- | ---: | --- |"]
        for entry, count in self.catalog.entries(kind):
            rows.append(f"| {self.entity_item(page, (kind, entry.id))} | {count} | {inline(entry.description)} |")
        return frontmatter({"title": title}) + f"# {title}\n\n" + "\n".join(rows) + "\n"

    def home(self) -> str:
        page = "index.md"
        catalog = self.catalog
        parts = [
            frontmatter({"title": "Home"}),
            "# Explainer archive\n",
            f"{plural(len(catalog.articles), 'article')} explaining the news, linked by the people, "
            "organisations, places and topics they cover.\n",
            "## Latest articles\n\n" + (self.article_list(page, catalog.articles[:HOME_LATEST]) or "No articles yet.") + "\n",
        ]
        for kind in ("topics", "actors", "places"):
            top = [(e, n) for e, n in catalog.entries(kind) if n][:HOME_TOP]
            if top:
                items = "\n".join(f"- {self.entity_item(page, (kind, e.id), n)}" for e, n in top)
                more = f"[All {kind}]({link(page, f'{kind}/index.md')})"
                parts.append(f"## Most covered {kind}\n\n{items}\n\n{more}\n")
        return "\n".join(parts)


def _group(articles: list[Article], key) -> list[tuple[int, list[Article]]]:
    groups: dict[int, list[Article]] = {}
    for article in articles:
        groups.setdefault(key(article), []).append(article)
    return list(groups.items())
