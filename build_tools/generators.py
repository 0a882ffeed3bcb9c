"""Stage 3: turn the catalog into Markdown pages for MkDocs.

Each generator returns ``{path relative to docs/: text}``; nothing here touches the disk.
Links between pages are relative ``.md`` links, so ``mkdocs build --strict`` checks them.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import multiprocessing
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import yaml

from .backgrounders import key_facts
from .catalog import Catalog
from .centrality import Ranking, rank_all, ranking
from .feeds import atom_feed
from .frontpage import home_page
from .images import image_credits, lead_image
from .layout import (
    ARCHIVE_PAGE,
    ENTITY_KINDS,
    HOME_PAGE,
    KIND,
    Key,
    article_page,
    entity_page,
    feed_path,
    month_page,
    overview_page,
    page_url,
    year_page,
)
from .markup import MONTHS, chip, inline, link, plural, teaser_list, time_tag
from .readers import Article
from .schema import VocabularyEntry
from .search_terms import entity_block

WORDS_PER_MINUTE = 220
RELATED = 5
CENTRAL_TAGS = 5  # tags on the line under an article's headline; the full set ends the article
FALLBACK_TAGS = 3  # tags on that line when the text makes none central
#: The groups of an article's full tag list, in this order (other kinds follow, by their title).
TAG_GROUPS = {"actors": "People and organisations", "places": "Places", "topics": "Topics"}
COMPANIONS = 8
ENTITY_PAGE_SIZE = 100  # articles per actor/topic/place page; older ones on /page-2/ etc.
YEAR_PAGE_LIMIT = 300  # above this, a year page links to month pages instead of listing


# Characters a URL keeps as they are inside a Markdown link destination; every other one is
# percent-encoded, so no value can end the link ("<", ">", ")", spaces) or open markup.
_URL_SAFE = "-._~:/?#@!$&*+,;=%"


def safe_url(url: str) -> str:
    """A validated source URL (schema.Url) made safe to write as ``[text](URL)``: brackets,
    parentheses, quotes and anything outside ASCII are percent-encoded; existing escapes kept."""
    return urllib.parse.quote(url, safe=_URL_SAFE)


def without_link_targets(text: str, keep: str = "]") -> str:
    """Markdown text with every link's ``](target)`` replaced by ``keep``. Linear: only up to the
    last ")" (from a "](" after it, the search for one would run to the end, again from each)."""
    cut = text.rfind(")") + 1
    return re.sub(r"\]\([^)]*\)", keep, text[:cut]) + text[cut:]


def reading_minutes(body: str) -> int:
    words = len(re.findall(r"\w+", without_link_targets(body)))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def frontmatter(fields: dict) -> str:
    """Page frontmatter. The theme prints ``title`` and ``description`` into HTML unescaped
    (``<title>``, ``<meta name="description">``), so they are HTML-escaped here, once."""
    fields = {k: html.escape(v, quote=True) if k in ("title", "description") else v for k, v in fields.items()}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: same output, far faster
    dumped = yaml.dump(
        fields, Dumper=dumper, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False
    )
    return f"---\n{dumped}---\n\n"


def json_for_html(data: dict) -> str:
    """JSON that is safe inside <script>: no "<", ">" or "&" can end or confuse the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class Job:
    """One unit of rendering: some pages, and what they are made from.

    ``inputs`` names every input of the pages (digests of articles and vocabulary entries),
    or is None for pages that summarise the whole archive and are always rendered. Two runs
    with equal inputs render equal pages, so a memory of the last run may skip the job.
    """

    key: str
    inputs: tuple | None
    render: Callable[[], dict[str, str]]
    is_article: bool = False


@dataclass
class PageGenerator:
    catalog: Catalog
    site_url: str = "https://example.org/"
    related: dict[str, list[Article]] | None = None  # by article URL; computed when not given
    rankings: dict[bytes, Ranking] | None = None  # by Article.digest; computed when not given

    def pages(self) -> dict[str, str]:
        return render(self.jobs())

    def related_to(self, article: Article) -> list[Article]:
        if self.related is None:
            self.related = {}
        found = self.related.get(article.url)
        if found is None:
            found = self.related[article.url] = self.catalog.related(article, RELATED)
        return found

    def jobs(self) -> list[Job]:
        """Every page of the archive as jobs, each with the digests its pages depend on."""
        catalog = self.catalog
        entry_digest = {
            (kind, entry.id): entry_fingerprint(entry)
            for kind in ENTITY_KINDS
            for entry in catalog.vocabulary.entries[kind].values()
        }
        jobs = [Job("archive-wide", None, self.archive_wide_pages)]
        for article in catalog.articles:
            related = self.related_to(article)
            inputs = (
                article.digest,
                tuple(r.meta_digest for r in related),
                tuple(entry_digest[k] for k in catalog.keys_of(article)),
            )
            jobs.append(Job(f"article {article.url}", inputs, _bind(self.article_page, article), is_article=True))
        self.rankings = {} if self.rankings is None else self.rankings
        rank_all(catalog.articles, catalog.vocabulary, self.rankings)  # new texts only, when remembered
        for kind in ENTITY_KINDS:
            for entry in catalog.vocabulary.entries[kind].values():
                key = (kind, entry.id)
                articles = catalog.by_entity.get(key, [])
                companions = tuple(entry_digest[k] for k, _ in catalog.companions(key, COMPANIONS * 3))
                # an entry's page lists its articles' frontmatter, split by whether each is about it
                listed = tuple((a.meta_digest, self.is_about(key, a)) for a in articles)
                inputs = (entry_digest[key], listed, companions)
                jobs.append(Job(f"entity {kind}/{entry.id}", inputs, _bind(self.entity_and_feed, key)))
        for year, articles in catalog.by_year.items():
            jobs.append(Job(f"year {year}", tuple(a.meta_digest for a in articles), _bind(self.year_pages, year)))
        return jobs

    def archive_wide_pages(self) -> dict[str, str]:
        out = {HOME_PAGE: self.home(), feed_path(): self.feed(None), ARCHIVE_PAGE: self.archive_overview()}
        for kind in ENTITY_KINDS:
            out[overview_page(kind)] = self.overview(kind)
        return out

    def article_page(self, article: Article) -> dict[str, str]:
        return {article_page(article.year, article.slug): self.article(article)}

    def entity_and_feed(self, key: Key) -> dict[str, str]:
        return {**self.entity_pages(key), feed_path(key): self.feed(key)}

    # -- pieces --------------------------------------------------------------------------

    def entity_item(self, page: str, key: Key, count: int | None = None) -> str:
        suffix = f" ({count})" if count is not None else ""
        return f"[{inline(self.catalog.entry(key).name)}]({link(page, entity_page(key))}){suffix}"

    def ranking(self, article: Article) -> Ranking:
        """The article's tags, most central first, each with whether it is about it (centrality)."""
        if self.rankings is None:
            self.rankings = {}
        if not article.digest:
            return ranking(article, self.catalog.vocabulary)
        found = self.rankings.get(article.digest)
        if found is None:
            found = self.rankings[article.digest] = ranking(article, self.catalog.vocabulary)
        return found

    def central_keys(self, article: Article) -> list[Key]:
        """The tags under the headline: the article's central tags, at most CENTRAL_TAGS, most
        central first; when the text makes none central, its FALLBACK_TAGS most salient."""
        known = [(k, about) for k, about in self.ranking(article) if k in self.catalog.vocabulary]
        central = [k for k, about in known if about]
        return central[:CENTRAL_TAGS] if central else [k for k, _ in known[:FALLBACK_TAGS]]

    def is_about(self, key: Key, article: Article) -> bool:
        """Whether ``article`` is about the entry, or only mentions it."""
        return any(k == key and about for k, about in self.ranking(article))

    def tag_line(self, page: str, article: Article) -> str:
        keys = self.central_keys(article)
        if not keys:
            return ""
        chips = " ".join(chip(page, k, self.catalog.entry(k).name) for k in keys)
        return f'<nav class="article-tags article-tags--central" aria-label="Main subjects" data-pagefind-ignore="all" markdown>{chips}</nav>\n'

    def tag_groups(self, page: str, article: Article, keys: list[Key]) -> str:
        """The article's full tag list at its end, grouped: people and organisations, places, topics."""
        order = [*TAG_GROUPS, *sorted((k for k in ENTITY_KINDS if k not in TAG_GROUPS), key=lambda k: KIND[k].title)]
        ranked = [k for k, _ in self.ranking(article) if k in keys]  # most central first within a group
        groups = []
        for kind in order:
            chips = " ".join(chip(page, k, self.catalog.entry(k).name) for k in ranked if k[0] == kind)
            if chips:
                label = TAG_GROUPS.get(kind, KIND[kind].title)
                groups.append(
                    f'<p class="article-tags__group" markdown><span class="article-tags__label">{label}</span> {chips}</p>'
                )
        if not groups:
            return ""
        body = "\n\n".join(groups)
        return f'<div class="article-tags article-tags--all" data-pagefind-ignore="all" markdown>\n\n## Filed under\n\n{body}\n\n</div>\n'

    # -- pages -----------------------------------------------------------------------------

    def article(self, article: Article) -> str:
        page = article_page(article.year, article.slug)
        meta = article.meta
        keys = self.catalog.keys_of(article)
        fields = {
            "title": meta.title,
            "description": meta.summary,
            "date": meta.date.isoformat(),
            "tags": [self.catalog.entry(k).name for k in keys],
            "tag_links": [page_url(entity_page(k)) for k in keys],
            "tag_kinds": [KIND[k[0]].singular for k in keys],
            "search_type": "Article",
        }
        if meta.updated:
            fields["updated"] = meta.updated.isoformat()
        if meta.images:  # the lead image: og:image (overrides/main.html)
            fields["image"] = self.site_url + lead_image(article)
        fields["structured_data"] = json_for_html(self.article_jsonld(article, keys))
        # The headline first, then the dek, the byline and the central tags: on a phone the
        # headline opens the page; the full tag list follows the article.
        byline = [time_tag(meta.date), f"{reading_minutes(article.body)} min read"]
        if meta.updated:
            byline.append(f"updated {time_tag(meta.updated)}")
        parts = [frontmatter(fields), f"# {inline(meta.title)}\n"]
        if not _opens_with(article.body, meta.summary):  # a lead sentence used as summary is not shown twice
            parts.append(f'<p class="article-summary" markdown>{inline(meta.summary)}</p>\n')
        parts.append(f'<p class="article-byline" data-pagefind-ignore="all" markdown>{" · ".join(byline)}</p>\n')
        parts.append(self.tag_line(page, article))
        parts.append(article.body.strip() + "\n")
        if meta.source:
            parts.append(self.source_credit(meta.source))
        parts.append(image_credits(article, inline))
        parts.append(self.tag_groups(page, article, keys))
        related = teaser_list(page, self.related_to(article))
        if related:
            parts.append(
                f'<div class="article-related" data-pagefind-ignore="all" markdown>\n\n## Related articles\n\n{related}\n</div>\n'
            )
        return "\n".join(p for p in parts if p)

    def source_credit(self, source) -> str:
        name = inline(source.name)
        credit = f"[{name}]({safe_url(source.url)})" if source.url else name
        extra = "".join(f", {inline(v)}" for v in (source.author, source.id) if v)
        license_ = f" License: {inline(source.license)}." if source.license else ""
        return f'<div class="article-source" data-pagefind-ignore="all" markdown>\n**Source:** {credit}{extra}.{license_}\n</div>\n'

    def article_jsonld(self, article: Article, keys: list[Key]) -> dict:
        meta = article.meta
        url = self.site_url + article.url
        data: dict = {
            "@context": "https://schema.org",
            "@type": "BackgroundNewsArticle",
            "headline": meta.title,
            "description": meta.summary,
            "datePublished": meta.date.isoformat(),
            "dateModified": (meta.updated or meta.date).isoformat(),
            "url": url,
            "mainEntityOfPage": url,
            "publisher": {"@type": "Organization", "name": "Explainer Archive", "url": self.site_url},
        }
        # The central tags (linking.salience, as self.ranking remembers it) are what the article
        # is about, most central first; every other tag is one it mentions.
        ranked = self.ranking(article)
        listed = set(keys)
        about = [self.thing(k) for k, central in ranked if k in listed and central]
        mentions = [self.thing(k) for k, central in ranked if k in listed and not central]
        if about:
            data["about"] = about
        if mentions:
            data["mentions"] = mentions
        if meta.images:
            data["image"] = self.site_url + lead_image(article)
        source = meta.source
        if source and source.url:
            data["isBasedOn"] = source.url
        if source and source.author:
            data["author"] = {"@type": "Person", "name": source.author}
        return data

    def thing(self, key: Key) -> dict:
        entry = self.catalog.entry(key)
        kind = KIND[key[0]].schema_type or ("Person" if entry.kind == "person" else "Organization")
        thing = {"@type": kind, "name": entry.name, "url": self.site_url + page_url(entity_page(key))}
        if entry.wikidata:
            thing["sameAs"] = f"https://www.wikidata.org/wiki/{entry.wikidata}"
        return thing

    def timeline(self, articles: list[Article]) -> str:
        """Articles per year as a small bar chart that is also a readable list."""
        counts: dict[int, int] = {}
        for article in articles:
            counts[article.year] = counts.get(article.year, 0) + 1
        if not counts:
            return ""
        years = range(min(counts), max(counts) + 1)
        top = max(counts.values())
        items = []
        for year in years:
            n = counts.get(year, 0)
            level = math.ceil(n * 10 / top) if n else 0
            items.append(
                f'<li><span class="timeline__count">{n}</span>'
                f'<span class="timeline__bar timeline__bar--{level}"></span>'
                f'<span class="timeline__year">{year}</span></li>'
            )
        label = f"Coverage by year, {years[0]} to {years[-1]}"
        return f'<ol class="timeline" aria-label="{label}">\n' + "\n".join(items) + "\n</ol>\n"

    def entity_pages(self, key: Key) -> dict[str, str]:
        articles = self.story_order(key)
        chunks = [articles[i : i + ENTITY_PAGE_SIZE] for i in range(0, len(articles), ENTITY_PAGE_SIZE)] or [[]]
        return {entity_page(key, n): self.entity(key, n, chunk, len(chunks)) for n, chunk in enumerate(chunks, 1)}

    def entity(self, key: Key, number: int = 1, shown: list[Article] | None = None, total_pages: int = 1) -> str:
        page = entity_page(key, number)
        entry: VocabularyEntry = self.catalog.entry(key)
        articles = self.catalog.by_entity.get(key, [])
        shown = self.story_order(key)[:ENTITY_PAGE_SIZE] if shown is None else shown
        title = entry.name if number == 1 else f"{entry.name} (page {number})"
        fields = {"title": title, "description": entry.description, "feed": feed_path(key)}
        if number == 1 and articles:  # an entry no article uses is not a search result
            fields["search_type"] = KIND[key[0]].search_type
        lede = key_facts(page, key, entry, articles) if number == 1 else inline(entry.description) + "\n"
        parts = [frontmatter(fields), f"# {inline(title)}\n", lede]
        if "search_type" in fields:  # every name it may be searched by; first on the page (search_terms)
            parts.insert(1, entity_block(entry))
        # Only the name and description are search text; the lists below are links.
        parts.append('<div class="entity-lists" data-pagefind-ignore="all" markdown>\n')
        # The coverage chart, the story, then who and what else is involved (on a phone the
        # story comes before that long list of names).
        if number == 1 and articles:
            parts.append("## Coverage over time\n\n" + self.timeline(articles))
        if not articles:
            parts.append("No articles yet.\n")
        parts += self.story(page, key, shown, number)
        if number == 1:
            parts.append(self.companions(key))
        parts.append(self.pager(key, number, total_pages))
        parts.append("</div>\n")
        return "\n".join(p for p in parts if p)

    def story_order(self, key: Key) -> list[Article]:
        """An entry's articles as its pages list them: those about it, then those that only
        mention it, each newest first (so page 1 opens with the latest of its story)."""
        articles = self.catalog.by_entity.get(key, [])
        about = [a for a in articles if self.is_about(key, a)]
        if len(about) == len(articles):
            return articles
        return about + [a for a in articles if not self.is_about(key, a)]

    def story(self, page: str, key: Key, shown: list[Article], number: int) -> list[str]:
        """The story so far: the articles about the entry by year, newest first, with their deks;
        then, apart, the ones that only mention it."""
        about = [a for a in shown if self.is_about(key, a)]
        mentions = [a for a in shown if not self.is_about(key, a)]
        parts = []
        if about:
            parts.append("## The story so far\n" if number == 1 else "## The story so far, continued\n")
            for year, group in _group(about, lambda a: a.year):
                parts.append(f"### {year}\n\n{teaser_list(page, group)}")
        if mentions:
            parts.append("## Also mentioned in\n\n" + teaser_list(page, mentions))
        return parts

    def companions(self, key: Key) -> str:
        """The entries most often tagged together with this one, kind by kind, with counts."""
        page = entity_page(key)
        companions = self.catalog.companions(key, COMPANIONS * 3)
        lines = []
        for kind in ENTITY_KINDS:
            near = [(k, n) for k, n in companions if k[0] == kind][:COMPANIONS]
            if near:
                items = ", ".join(self.entity_item(page, k, n) for k, n in near)
                lines.append(f"- **{KIND[kind].title}:** {items}")
        if not lines:
            return ""
        # names within a line of text: underlined, not told apart by colour alone (axe)
        return (
            '## Most often involved\n\n<div class="entity-companions" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n"
        )

    def pager(self, key: Key, number: int, total: int) -> str:
        if total == 1:
            return ""
        page = entity_page(key, number)
        links = []
        if number > 1:
            links.append(f"[← Newer articles]({link(page, entity_page(key, number - 1))})")
        links.append(f"Page {number} of {total}")
        if number < total:
            links.append(f"[Older articles →]({link(page, entity_page(key, number + 1))})")
        return '<nav class="pager" aria-label="Pages" markdown>' + " · ".join(links) + "</nav>\n"

    def feed(self, key: Key | None) -> str:
        if key is None:
            title, subtitle, articles, page = "Explainer Archive", "All articles", self.catalog.articles, HOME_PAGE
        else:
            entry = self.catalog.entry(key)
            title, subtitle = f"Explainer Archive: {entry.name}", entry.description
            articles, page = self.catalog.by_entity.get(key, []), entity_page(key)
        return atom_feed(
            feed_id=self.site_url + feed_path(key),
            title=title,
            subtitle=subtitle,
            page_url=self.site_url + page_url(page),
            feed_url=self.site_url + feed_path(key),
            articles=articles,
            site_url=self.site_url,
        )

    def year_pages(self, year: int) -> dict[str, str]:
        articles = self.catalog.by_year[year]
        if len(articles) <= YEAR_PAGE_LIMIT:
            return {year_page(year): self.year(year)}
        pages = {year_page(year): self.year(year, by_month_pages=True)}
        for month, group in _group(articles, lambda a: a.meta.date.month):
            path = month_page(year, month)
            title = f"{MONTHS[month - 1]} {year}"
            head = frontmatter({"title": title}) + f"# {title}\n\n{plural(len(group), 'article')}.\n\n"
            pages[path] = head + teaser_list(path, group)
        return pages

    def year(self, year: int, by_month_pages: bool = False) -> str:
        page = year_page(year)
        articles = self.catalog.by_year[year]
        parts = [frontmatter({"title": f"{year}"}), f"# {year}\n", f"{plural(len(articles), 'article')}.\n"]
        for month, group in _group(articles, lambda a: a.meta.date.month):
            if by_month_pages:
                target = month_page(year, month)
                parts.append(f"- [{MONTHS[month - 1]}]({link(page, target)}) ({plural(len(group), 'article')})")
            else:
                parts.append(f"## {MONTHS[month - 1]}\n\n{teaser_list(page, group)}")
        return "\n".join(parts) + "\n"

    def archive_overview(self) -> str:
        page = ARCHIVE_PAGE
        lines = [
            f"- [{year}]({link(page, year_page(year))}) ({plural(len(arts), 'article')})"
            for year, arts in sorted(self.catalog.by_year.items(), reverse=True)
        ]
        body = "\n".join(lines) or "No articles yet."
        return frontmatter({"title": "Archive"}) + f"# Archive\n\nArticles by year.\n\n{body}\n"

    def overview(self, kind: str) -> str:
        page = overview_page(kind)
        title = KIND[kind].title
        rows = ["| Name | Articles | About |", "| --- | ---: | --- |"]
        for entry, count in self.catalog.entries(kind):
            rows.append(f"| {self.entity_item(page, (kind, entry.id))} | {count} | {inline(entry.description)} |")
        return frontmatter({"title": title}) + f"# {title}\n\n" + "\n".join(rows) + "\n"

    def home(self) -> str:
        return home_page(self.catalog, frontmatter)


PARALLEL_MIN = 1500  # below this many article pages, worker processes cost more than they save
MAX_WORKERS = 4
_WORKER_JOBS: list[Job] | None = None


def render(jobs: list[Job]) -> dict[str, str]:
    """Every page of the jobs, sorted by name."""
    out: dict[str, str] = {}
    for pages in render_jobs(jobs).values():
        out.update(pages)
    return dict(sorted(out.items()))


def render_jobs(jobs: list[Job]) -> dict[str, dict[str, str]]:
    """Run the jobs, returning each one's pages by job key (all of them held at once)."""
    return dict(iter_rendered(jobs))


def iter_rendered(jobs: list[Job]) -> Iterator[tuple[str, dict[str, str]]]:
    """Run the jobs, yielding each one's key and pages as soon as they are rendered, so that a
    caller writing them out holds only a few at a time (at 10,000 articles the page texts are
    about 200 MB). The other jobs first, in order; then the article pages, which go to forked
    worker processes when there are many (they inherit the catalog, so only page texts travel
    back), in the order the workers finish them."""
    articles = [job for job in jobs if job.is_article]
    for job in jobs:
        if not job.is_article:
            yield job.key, job.render()
    if _parallel(len(articles)):
        yield from _render_in_workers(articles)
    else:
        yield from _run(articles).items()


def _parallel(count: int) -> bool:
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    return count >= PARALLEL_MIN and workers >= 2 and "fork" in multiprocessing.get_all_start_methods()


def _run(jobs: list[Job]) -> dict[str, dict[str, str]]:
    return {job.key: job.render() for job in jobs}


def _render_in_workers(jobs: list[Job]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each job's key and pages, a worker's span at a time as it arrives (not all at the end)."""
    global _WORKER_JOBS
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    _WORKER_JOBS = jobs
    size = -(-len(jobs) // (workers * 4))
    chunks = [(i, min(i + size, len(jobs))) for i in range(0, len(jobs), size)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap_unordered(_render_span, chunks):
                for key in list(part):  # popped: each job's pages go once the caller is done
                    yield key, part.pop(key)
    finally:
        _WORKER_JOBS = None


def _render_span(span: tuple[int, int]) -> dict[str, dict[str, str]]:
    jobs = _WORKER_JOBS
    assert jobs is not None, "set before the pool forks"
    return _run(jobs[span[0] : span[1]])


def _bind(method, *args) -> Callable[[], dict[str, str]]:
    return lambda: method(*args)


def entry_fingerprint(entry: VocabularyEntry) -> bytes:
    return hashlib.blake2b(entry.model_dump_json().encode(), digest_size=16).digest()


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", " ", without_link_targets(text, keep="")).strip().casefold()


def _opens_with(body: str, summary: str) -> bool:
    first = body.strip().split("\n\n", 1)[0]
    wanted = _plain(summary.removesuffix("…").removesuffix("..."))
    return bool(wanted) and _plain(first).startswith(wanted)


def _group(articles: list[Article], key) -> list[tuple[int, list[Article]]]:
    groups: dict[int, list[Article]] = {}
    for article in articles:
        groups.setdefault(key(article), []).append(article)
    return list(groups.items())
