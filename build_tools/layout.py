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
import os
import re
import sys
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
    menu_rank: int = 99  # place in the nav, on the home page and among search filters, lowest first
    # "about": a tag of this kind is always central, what the article is about (topics: subjects it
    # is filed under); "mentions": central only where the text makes it so (linking.salience)
    jsonld: str = "mentions"
    examples: tuple[str, ...] = ()  # ids shown in the template of ``new``

    @property
    def vocabulary_file(self) -> str:
        return f"{self.name}.yml"


KINDS: tuple[Kind, ...] = (
    Kind("actors", "actor", "Actors", "Actor", None, menu_rank=2, examples=("vladimir-putin", "nato")),
    Kind("topics", "topic", "Topics", "Topic", "Thing", menu_rank=1, jsonld="about", examples=("sanctions",)),
    Kind("places", "place", "Places", "Place", "Place", menu_rank=3, examples=("russia", "ukraine")),
)
KIND = {kind.name: kind for kind in KINDS}
ENTITY_KINDS: tuple[str, ...] = tuple(kind.name for kind in KINDS)  # the order of tags on a page
MENU_KINDS: tuple[Kind, ...] = tuple(sorted(KINDS, key=lambda kind: kind.menu_rank))  # the order of menus
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

    @property
    def site_url(self) -> str:
        """The public address from mkdocs.yml (``site_url``, or ``!ENV [SITE_URL, default]``)."""
        return read_site_url(self.config)

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above ``start`` that holds ``mkdocs.yml`` and ``articles/``."""
        start = (start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / ARTICLES_DIR).is_dir() and (folder / CONFIG_FILE).is_file():
                return cls(folder)
        return cls(start)


DEFAULT_SITE_URL = "https://example.org/"


def read_site_url(config: Path) -> str:
    """``site_url`` of an mkdocs.yml, ending in "/"; the default when it is missing or not http(s)."""
    # the package's one import here, made on use: yamlsafe is itself at the bottom of the package
    from .yamlsafe import YamlError, decode_text, load

    try:
        data = load(decode_text(config.read_bytes())).data
    except (OSError, YamlError):
        return DEFAULT_SITE_URL
    value = data.get("site_url") if isinstance(data, dict) else None
    if isinstance(value, list) and value:  # !ENV [NAME, fallback]
        value = os.environ.get(value[0]) or (value[1] if len(value) > 1 else None)
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return DEFAULT_SITE_URL
    return value.rstrip("/") + "/"


# -- source files ---------------------------------------------------------------------------------

ARTICLE_FILENAME_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def article_source(articles: Path, date: dt.date, slug: str) -> Path:
    """Where the article of this date and slug lives: ``articles/<YYYY>/<YYYY-MM-DD>-<slug>.md``."""
    return articles / f"{date.year:04d}" / f"{date.isoformat()}-{slug}.md"


# -- pages (docs/-relative Markdown files) and their URLs ----------------------------------------

HOME_PAGE = "index.md"
ARCHIVE_DIR = "archive"
ARCHIVE_PAGE = f"{ARCHIVE_DIR}/index.md"
SEARCH_PAGE = "search.md"  # hand-written (docs/search.md); entry pages link to it with a query
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


def page_source(page: str, date: str | None = None) -> str | None:
    """The archive-relative file a generated page is made from: an article page's file (named
    with the article's ``date``), an entry or overview page's vocabulary file; else None."""
    parts = page.split("/")
    if len(parts) == 3 and parts[0] == ARTICLES_DIR and date is not None:
        return f"{ARTICLES_DIR}/{parts[1]}/{date}-{parts[2]}"
    if len(parts) >= 2 and parts[0] in KIND:
        return f"{ARTICLES_DIR}/{VOCABULARY_DIR}/{KIND[parts[0]].vocabulary_file}"
    return None


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


def main(argv: list[str]) -> int:
    """``python -m build_tools.layout --generated``: the folders and files of docs/ that
    ``generate`` owns, one a line (``make clean`` removes them)."""
    if argv != ["--generated"]:
        print("usage: python -m build_tools.layout --generated", file=sys.stderr)
        return 2
    print("\n".join(GENERATED))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
