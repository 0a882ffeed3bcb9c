"""The last line of defence between article text and ``site/``: an HTML allowlist (nh3).

Python-Markdown passes raw HTML in an article body through untouched (``<script>``,
``onerror=``, ``[x](javascript:...)``). Every page generated from ``articles/`` is run
through :func:`clean_html` by the MkDocs hook ``on_page_content``, so whatever a body holds,
only the elements, attributes and URL schemes below reach ``site/``.

:func:`removed` says what the cleaning took out, so the hook can report it: under
``mkdocs build --strict`` (what ``make site`` runs) a report fails the build and ``site/``
keeps its previous version, i.e. such an article is *rejected*; under ``mkdocs serve`` the
page is shown cleaned, with the warning in the log.

Hand-written pages in ``docs/`` (``about.md``, ``search.md``) are reviewed like code and
are not cleaned; see :func:`is_generated_page`.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import nh3

#: The HTML that Markdown, the toc/attr_list/md_in_html/tables/admonition extensions and
#: the generator produce, plus harmless inline text markup.
ALLOWED_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "code",
        "pre",
        "kbd",
        "samp",
        "var",
        "mark",
        "q",
        "cite",
        "dfn",
        "blockquote",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "colgroup",
        "col",
        "img",
        "hr",
        "br",
        "sup",
        "sub",
        "del",
        "ins",
        "small",
        "time",
        "span",
        "div",
        "abbr",
        "figure",
        "figcaption",
        "details",
        "summary",
        "nav",
    ]
)

#: Removed together with everything inside them (not just unwrapped).
DROPPED_WITH_CONTENT = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "template",
        "svg",
        "math",
        "textarea",
        "select",
        "option",
        "title",
        "xmp",
        "plaintext",
    ]
)

# No ``hidden`` (text readers do not see but search indexes) and no ``data-*`` but the one the
# generator writes: ``data-pagefind-filter`` or ``-meta`` from an article would list it under a
# filter it is not tagged with. ``class`` is filtered value by value (ALLOWED_CLASSES).
_GLOBAL_ATTRIBUTES = {
    "id",
    "class",
    "title",
    "lang",
    "dir",
    "role",
    "aria-label",
    "aria-hidden",
    "data-pagefind-ignore",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _GLOBAL_ATTRIBUTES,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "time": {"datetime"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
#: Classes a generated page may carry: the generator's own families (``article-byline``,
#: ``entity-facts``, ``timeline__bar--3``, ``pager``) and what Markdown writes (the toc's
#: ``headerlink``, admonitions and their types). Anything else is dropped and reported: an
#: article must not borrow the theme's classes (Material's ``md-dialog md-dialog--active`` draws
#: a fixed "sign in again" box over every page; ``archive-visually-hidden`` hides text).
GENERATOR_CLASS_FAMILIES = ("article", "entity", "timeline", "pager", "related", "card", "coverage")
#: The types of admonition (``!!! note "Title"``) the theme draws; the type becomes a class.
ADMONITION_TYPES = frozenset(
    ["note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check"]
    + ["done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing"]
    + ["danger", "error", "bug", "example", "quote", "cite"]
)
MARKDOWN_CLASSES = frozenset({"headerlink", "toc", "admonition", "admonition-title"}) | ADMONITION_TYPES
_FAMILY_RE = re.compile(r"^(?:" + "|".join(GENERATOR_CLASS_FAMILIES) + r")(?:[-_][a-z0-9_-]*)?$")


def allowed_class(name: str) -> bool:
    return name in MARKDOWN_CLASSES or bool(_FAMILY_RE.match(name))


#: Table alignment from the ``tables`` extension is the only style kept.
ALLOWED_STYLE_PROPERTIES = frozenset({"text-align"})
#: Absolute URLs must use one of these; relative URLs (``../x/``, ``#id``) are kept.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "poster", "data", "background", "srcset"})


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    # Material's own controls use ids starting with "__" (__drawer, __search); an article
    # must not be able to shadow them.
    if attribute == "id" and value.startswith("__"):
        return None
    if attribute == "class":
        kept = [name for name in value.split() if allowed_class(name)]
        return " ".join(kept) if kept else None
    return value


_OPTIONS = {
    "tags": set(ALLOWED_TAGS),
    "clean_content_tags": set(DROPPED_WITH_CONTENT),
    "attributes": {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    "url_schemes": set(ALLOWED_URL_SCHEMES),
    "filter_style_properties": set(ALLOWED_STYLE_PROPERTIES),
    "strip_comments": True,
    "link_rel": None,
}
_CLEANER = nh3.Cleaner(**_OPTIONS, attribute_filter=_attribute_filter)
#: The same allowlist without the class and id filter, whose Python callback runs for every
#: attribute of every element (a third of the cleaning's time). Its output is used only when
#: :func:`_filter_would_keep` shows the filter would have changed nothing.
_FAST_CLEANER = nh3.Cleaner(**_OPTIONS)
#: A class or id attribute as nh3 writes it: lower-case name, value in double quotes, every
#: ``"`` inside escaped. Text that merely looks like one can only add matches (a slow path).
_CLASS_OR_ID = re.compile(r'(?<=\s)(class|id)="([^"]*)"')


def _filter_would_keep(cleaned: str) -> bool:
    """Whether ``_attribute_filter`` keeps every class and id of ``cleaned`` as it is."""
    for name, value in _CLASS_OR_ID.findall(cleaned):
        if name == "id":
            if value.startswith("__"):
                return False
        elif value != " ".join(value.split()) or not all(map(allowed_class, value.split())):
            return False
    return True


def _clean(html: str) -> str:
    fast = _FAST_CLEANER.clean(html)
    return fast if _filter_would_keep(fast) else _CLEANER.clean(html)


#: The generator's search metadata of an entity page (``search_terms.entity_block``), kept
#: with its ``data-pagefind-meta`` only as the very first thing on a page. Every generated page
#: opens with the generator's own markup (an article page with its title), never with article
#: text, so a body that copies the elements has them cleaned and reported like any other
#: ``data-`` attribute. The values are escaped text: no quote or angle bracket can end them.
SEARCH_BLOCK_RE = re.compile(
    r'\A(?:\s*<div class="entity-search" data-pagefind-meta="(?:names[1-9]|joined|short):[^"<>]*"></div>)+\n?'
)


def clean_html(html: str) -> str:
    """``html`` with everything outside the allowlist removed (but a leading search block)."""
    block = SEARCH_BLOCK_RE.match(html)
    if block:
        return block.group().strip() + "\n" + _clean(html[block.end() :])
    return _clean(html)


def clean_text(html: str) -> str:
    """An HTML snippet reduced to its (still escaped) text, e.g. a table-of-contents title."""
    return nh3.clean(html, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), link_rel=None)


# -- what was removed ----------------------------------------------------------------------


class _Inventory(HTMLParser):
    """Counts elements, attributes and URL values, to compare a page before and after."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: Counter[tuple[str, ...]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items[("element", tag)] += 1
        for name, value in attrs:
            if name in URL_ATTRIBUTES:
                self.items[("url", tag, name, (value or "").strip())] += 1
            elif name == "style" and not _only_allowed_style(value):
                # the cleaner rewrites style values; what counts is a property it drops
                self.items[("style", tag, (value or "").strip())] += 1
            elif name == "class":
                # the cleaner filters class values name by name; each name counts
                for class_name in (value or "").split():
                    self.items[("class", tag, class_name)] += 1
            else:
                self.items[("attribute", tag, name)] += 1

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:  # comments are stripped; not worth a report
        pass


def _only_allowed_style(value: str | None) -> bool:
    properties = {part.split(":", 1)[0].strip().lower() for part in (value or "").split(";") if part.strip()}
    return properties <= ALLOWED_STYLE_PROPERTIES


def _inventory(html: str) -> Counter[tuple[str, ...]]:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.items


def _short(value: str, limit: int = 60) -> str:
    value = re.sub(r"\s+", " ", value)
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def removed(before: str, after: str) -> list[str]:
    """What cleaning ``before`` into ``after`` took out, one phrase per kind of thing."""
    lost = _inventory(before) - _inventory(after)
    phrases: list[str] = []
    for item, count in sorted(lost.items(), key=lambda kv: (_rank(kv[0]), kv[0])):
        times = f" ({count}×)" if count > 1 else ""
        if item[0] == "element":
            phrases.append(f"<{item[1]}> element{times}")
        elif item[0] == "attribute":
            phrases.append(f"{item[2]}= attribute on <{item[1]}>{times}")
        elif item[0] == "url":
            phrases.append(f"{item[2]}={_short(item[3])} on <{item[1]}>{times}")
        elif item[0] == "style":
            phrases.append(f"style={_short(item[2])} on <{item[1]}>{times}")
        elif item[0] == "class":
            phrases.append(f"class {_short(item[2])} on <{item[1]}>{times}")
    return phrases


def _rank(item: tuple[str, ...]) -> int:
    """Active content first in a report: scripts and the like, handlers, URLs, the rest."""
    if item[0] == "element" and item[1] in DROPPED_WITH_CONTENT:
        return 0
    if item[0] == "attribute" and item[2].startswith("on"):
        return 1
    if item[0] == "url":
        return 2
    return 3


def is_generated_page(src_uri: str, generated: tuple[str, ...]) -> bool:
    """Whether a docs/ page was written by ``generate`` (and so carries article text)."""
    return src_uri.split("/", 1)[0] in generated
