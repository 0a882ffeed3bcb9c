"""Where everything lives, and what the kinds of entity are: the knowledge every stage shares.

At the bottom of the package (it imports nothing of it), so that readers, generators, checks,
ingest, the MkDocs hook and the commands read one answer:

* ``Project``: an archive's folders, all derived from its root;
* source paths: the article file-name pattern and where a new article goes;
* page paths (``docs/``-relative Markdown files) and their URLs, for every kind of page and for
  feeds, with the folders ``generate`` owns derived from them;
* ``KINDS``: one row per kind of entity (actors, topics, places) with everything the stages say
  about it. Adding a kind is adding a row here (see ARCHITECTURE.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

# -- kinds of entity ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of vocabulary entry, with an index page per entry and an overview page."""

    name: str  # plural, as in the frontmatter field, the vocabulary file and the URL: "actors"
    singular: str  # "actor": search filter values, tag chips
    title: str  # "Actors": the overview page and the nav
    search_type: str  # "Actor": the type filter of search results
    schema_type: str | None  # schema.org type of an entry; None: by the entry's own ``kind``

    @property
    def vocabulary_file(self) -> str:
        return f"{self.name}.yml"


KINDS: tuple[Kind, ...] = (
    Kind("actors", "actor", "Actors", "Actor", None),
    Kind("topics", "topic", "Topics", "Topic", "Thing"),
    Kind("places", "place", "Places", "Place", "Place"),
)
KIND = {kind.name: kind for kind in KINDS}
ENTITY_KINDS: tuple[str, ...] = tuple(kind.name for kind in KINDS)
Key = tuple[str, str]  # (kind name, entry id)

# -- the archive's folders ------------------------------------------------------------------------

ARTICLES_DIR = "articles"
VOCABULARY_DIR = "vocabulary"  # inside articles/
DOCS_DIR = "docs"
SITE_DIR = "site"
CONFIG_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class Project:
    """Where an archive's folders are; every path the tools use derives from ``root``."""

    root: Path

    @property
    def articles(self) -> Path:
        return self.root / ARTICLES_DIR

    @property
    def vocabulary(self) -> Path:
        return self.articles / VOCABULARY_DIR

    @property
    def docs(self) -> Path:
        return self.root / DOCS_DIR

    @property
    def site(self) -> Path:
        return self.root / SITE_DIR

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    def vocabulary_file(self, kind: str) -> Path:
        return self.vocabulary / KIND[kind].vocabulary_file

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above ``start`` that holds ``mkdocs.yml`` and ``articles/``."""
        start = (start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / ARTICLES_DIR).is_dir() and (folder / CONFIG_FILE).is_file():
                return cls(folder)
        return cls(start)


# -- source files ---------------------------------------------------------------------------------

ARTICLE_FILENAME_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def article_source(articles: Path, date: dt.date, slug: str) -> Path:
    """Where the article of this date and slug lives: ``articles/<YYYY>/<YYYY-MM-DD>-<slug>.md``."""
    return articles / f"{date.year:04d}" / f"{date.isoformat()}-{slug}.md"


# -- pages (docs/-relative Markdown files) and their URLs ----------------------------------------

HOME_PAGE = "index.md"
ARCHIVE_DIR = "archive"
ARCHIVE_PAGE = f"{ARCHIVE_DIR}/index.md"
FEEDS_DIR = "feeds"


def article_page(year: int, slug: str) -> str:
    return f"{ARTICLES_DIR}/{year}/{slug}.md"


def entity_page(key: Key, page: int = 1) -> str:
    """An entry's page; page 2 and on hold its older articles."""
    return f"{key[0]}/{key[1]}.md" if page == 1 else f"{key[0]}/{key[1]}/page-{page}.md"


def overview_page(kind: str) -> str:
    return f"{kind}/index.md"


def year_page(year: int) -> str:
    return f"{ARCHIVE_DIR}/{year}.md"


def month_page(year: int, month: int) -> str:
    return f"{ARCHIVE_DIR}/{year}/{month:02d}.md"


def feed_path(key: Key | None = None) -> str:
    """The Atom feed of the whole archive, or of one entry."""
    return f"{FEEDS_DIR}/all.xml" if key is None else f"{FEEDS_DIR}/{key[0]}/{key[1]}.xml"


def page_url(path: str) -> str:
    """The site-relative URL MkDocs gives a docs/ file (``use_directory_urls``): ``actors/x.md``
    → ``actors/x/``, ``index.md`` → ``""``; a file that is not a page (a feed) keeps its path."""
    if path == HOME_PAGE:
        return ""
    if path.endswith("/" + HOME_PAGE):
        return path[: -len(HOME_PAGE)]
    if not path.endswith(".md"):
        return path
    return path[: -len(".md")] + "/"


#: What ``generate`` owns in docs/: every page path above starts with one of these.
GENERATED: tuple[str, ...] = (HOME_PAGE, ARTICLES_DIR, *ENTITY_KINDS, ARCHIVE_DIR, FEEDS_DIR)
