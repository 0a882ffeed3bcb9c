"""Links in an article: no ``javascript:``/``data:``/``vbscript:``/``file:`` links, and every
internal link to a page of the site (not to no page, a draft or an article's source file)."""

from __future__ import annotations

import bisect
import html
import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from rapidfuzz import process

from ..images import is_image_path
from ..layout import (
    ARCHIVE_PAGE,
    ENTITY_KINDS,
    GENERATED,
    HOME_PAGE,
    article_page,
    entity_page,
    feed_path,
    overview_page,
    year_page,
)
from ..problems import Problem
from ..readers import Article
from .prose import ATTR_RE, TAG_RE, prose_lines

if TYPE_CHECKING:
    from .runner import Context

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
REFERENCE_RE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
AUTOLINK_RE = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_BRACKET_RE = re.compile(r"[\[\]]")
_SPACES_RE = re.compile(r"\s*+")
_BARE_TARGET_RE = re.compile(r"(?:[^\s()]++|\([^\s()]*+\))*+")


def inline_link_targets(text: str) -> list[str]:
    r"""The destinations of the inline links and images of one line, as the pattern

        !?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))*)
        (?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)

    finds them (group 1 of each match, left to right), in time linear in the line. The regex
    engine, from every "[" again, would search as far as the next ">", quote or ")" (a line of
    "[a](<" took seconds); here those searches are a lookup in the sorted positions of that
    character, and each run of spaces is skipped once.
    """
    out: list[str] = []
    if "](" not in text:
        return out
    line = _LinkLine(text)
    start = text.find("[")
    while start >= 0:
        end = _link_text_end(text, start)  # after the "]" closing the link text, or -1
        matched = -1
        if 0 <= end < line.n and text[end] == "(":
            matched, target = line.destination(end + 1)
            if matched >= 0:
                out.append(target)
        start = text.find("[", matched if matched >= 0 else start + 1)
    return out


class _LinkLine:
    """One line's searches for ``inline_link_targets``, each character's positions and each
    run of spaces found once."""

    def __init__(self, text: str) -> None:
        self.text, self.n = text, len(text)
        self.positions: dict[str, list[int]] = {}
        self.space_ends: dict[int, int] = {}

    def find(self, char: str, start: int) -> int:
        found = self.positions.get(char)
        if found is None:
            found = self.positions[char] = [m.start() for m in re.finditer(re.escape(char), self.text)]
        index = bisect.bisect_left(found, start)
        return found[index] if index < len(found) else -1

    def skip_space(self, at: int) -> int:
        end = self.space_ends.get(at)
        if end is None:
            end = self.space_ends[at] = _SPACES_RE.match(self.text, at).end()
        return end

    def closing(self, at: int) -> int:
        r"""The end of (?:\s+TITLE)?\s*\) matched at ``at``, or -1."""
        text, n = self.text, self.n
        after = self.skip_space(at)
        if at < after < n and text[after] in "\"'(":
            end = self.find(")" if text[after] == "(" else text[after], after + 1)
            if end >= 0:
                end = self.skip_space(end + 1)
                if end < n and text[end] == ")":
                    return end + 1
        return after + 1 if after < n and text[after] == ")" else -1

    def destination(self, begin: int) -> tuple[int, str]:
        r"""From after the "(" at ``begin``: where \s*(DESTINATION)TITLE?\s*\) ends and its
        destination, or (-1, "")."""
        text, n = self.text, self.n
        target = self.skip_space(begin)
        if target < n and text[target] == "<":  # <[^>\n]*>
            close = self.find(">", target + 1)
            newline = self.find("\n", target + 1)
            if close >= 0 and (newline < 0 or close < newline):
                matched = self.closing(close + 1)
                if matched >= 0:
                    return matched, text[target : close + 1]
        # (?:[^\s()]|\([^\s()]*\))*, whose shorter matches cannot close
        bare = _BARE_TARGET_RE.match(text, target).end()
        matched = self.closing(bare)
        if matched >= 0:
            return matched, text[target:bare]
        if target > begin:  # \s* gives back a space: an empty destination
            matched = self.closing(target - 1)
            if matched >= 0:
                return matched, ""
        return -1, ""


def _link_text_end(text: str, start: int) -> int:
    r"""After the "]" ending \[(?:[^\[\]]|\[[^\[\]]*\])*\] from the "[" at ``start``, or -1."""
    at = start + 1
    while True:
        found = _BRACKET_RE.search(text, at)
        if found is None:
            return -1
        if found.group() == "]":
            return found.end()
        inner = _BRACKET_RE.search(text, found.end())  # a nested [...] pair, or the end
        if inner is None or inner.group() == "[":
            return -1
        at = inner.end()


def _targets(article: Article) -> list[tuple[int, str]]:
    out = []
    for line, text in prose_lines(article.body, article.body_line):
        found = inline_link_targets(text)
        found += [m[1] for m in REFERENCE_RE.finditer(text)]
        found += [m[1] for m in AUTOLINK_RE.finditer(text)]
        for tag in TAG_RE.finditer(text):
            for attr in ATTR_RE.finditer(tag[3] or ""):
                if attr[1].lower() in ("href", "src", "cite") and attr[2]:
                    found.append(attr[2].strip("\"'"))
        out += [(line, t[1:-1] if t.startswith("<") and t.endswith(">") else t) for t in found]
    return out


def index_pages(ctx: Context) -> None:
    """The pages of the built site an internal link may point to, the drafts' pages, and the
    articles by source file name."""
    pages = {HOME_PAGE, ARCHIVE_PAGE, feed_path()} | {overview_page(kind) for kind in ENTITY_KINDS}
    for kind in ENTITY_KINDS:
        for entry_id in ctx.vocabulary.entries[kind]:
            pages |= {entity_page((kind, entry_id)), feed_path((kind, entry_id))}
    for article in ctx.articles:
        page = article_page(article.year, article.slug)
        ctx.sources[article.path.name] = article
        if article.meta.draft:
            ctx.drafts.add(page)
        else:
            pages |= {page, year_page(article.year)}
    if ctx.project.docs.is_dir():  # hand-written pages and assets
        generated = tuple(name if name == HOME_PAGE else f"{name}/" for name in GENERATED)
        for path in ctx.project.docs.rglob("*"):
            name = path.relative_to(ctx.project.docs).as_posix()
            if path.is_file() and not name.startswith(generated):
                pages.add(name)
    ctx.pages = pages


# Broken internal links of one article that get a "did you mean" (a fuzzy search of every page):
# a line of thousands of links must not cost thousands of searches.
MAX_LINK_HINTS = 20


def link_problems(article: Article, ctx: Context) -> list[Problem]:
    problems = []
    page = article_page(article.year, article.slug)
    found: dict[str, str | None] = {}  # target -> its message: each target is looked at once
    hints = [MAX_LINK_HINTS]
    for line, target in _targets(article):
        if target not in found:
            found[target] = _link_message(target, page, ctx, hints)
        if found[target]:
            problems.append(Problem(article.shown, line, "error", found[target], "link"))
    return problems


def _link_message(target: str, page: str, ctx: Context, hints: list[int] | None = None) -> str | None:
    plain = re.sub(r"[\s\x00-\x1f]", "", html.unescape(target)).lower()
    scheme = next((s for s in DANGEROUS_SCHEMES if plain.startswith(s)), None)
    if scheme:
        shown_target = target if len(target) <= 60 else target[:57] + "..."
        return f"link: Expected an http(s), mailto or internal link but received a {scheme} link {shown_target!r}"
    return _internal_link_problem(target, page, ctx, hints)


# Why a link from the site's root is refused: it is what the address bar shows, and it works on the
# live site only when that is served at the root of its host.
ROOT_LINK_REASON = "a link from the site's root, which breaks in previews (/pr-<n>/) and on a project site (/<repo>/)"


def _page_of(path: str, ctx: Context) -> str | None:
    """The page (docs-relative ``.md`` or file) a site-relative path names, or None."""
    resolved = posixpath.normpath(path) if path.strip("/") else "."
    if resolved.startswith(".."):
        return None
    base = "" if resolved == "." else resolved
    candidates = [base] if base.endswith(".md") or "." in posixpath.basename(base) else []
    candidates += [f"{base}.md" if base else "index.md", posixpath.join(base, "index.md")]
    return next((c for c in candidates if c in ctx.pages), None)


def _root_link_message(target: str, parts: SplitResult, page: str, ctx: Context, hints: list[int] | None = None) -> str:
    """A root-absolute link ('/articles/2025/x/', '/actors/nato/'): the relative link to write
    instead, from the article's page to the page it names (MkDocs resolves ``.md`` links from the
    page's source file and rewrites them for wherever the site is served). A path copied from a
    preview or a project site ('/pr-12/articles/...') is recognised without its first folder."""
    path = parts.path.lstrip("/")
    found = _page_of(path, ctx)
    if found is None and "/" in path.strip("/"):
        found = _page_of(path.split("/", 1)[1], ctx)
    if found is None:
        guess = _nearest_page(posixpath.normpath(path) if path.strip("/") else "index.md", ctx, hints)
        suggestion = f"; did you mean {posixpath.relpath(guess, posixpath.dirname(page))!r}?" if guess else ""
        return (
            f"link: Expected a relative link to a page of this site but received {target!r}, {ROOT_LINK_REASON}; "
            f"it matches no page{suggestion}"
        )
    wanted = posixpath.relpath(found, posixpath.dirname(page))
    wanted += f"?{parts.query}" if parts.query else ""
    wanted += f"#{parts.fragment}" if parts.fragment else ""
    return f"link: Expected a relative link such as {wanted!r} but received {target!r}, {ROOT_LINK_REASON}"


def _nearest_page(wanted: str, ctx: Context, hints: list[int] | None) -> str | None:
    """The page most like ``wanted`` (a fuzzy search of every page), while ``hints`` lasts."""
    if hints is not None:
        if hints[0] <= 0:
            return None
        hints[0] -= 1
    best = process.extractOne(wanted, sorted(ctx.pages), score_cutoff=80)
    return best[0] if best else None


def _internal_link_problem(target: str, page: str, ctx: Context, hints: list[int] | None = None) -> str | None:
    """The problem of an internal link, or None; ``hints`` counts down the "did you mean" left."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # external, protocol-relative, or a fragment/query on this page
    path = parts.path
    if path.startswith("/"):
        return _root_link_message(target, parts, page, ctx, hints)
    if is_image_path(path):
        return None  # an image: checks/images.py looks at it (its folder, file, credit)
    if path.endswith(".md"):  # MkDocs resolves .md links from the page's source file
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    else:  # the browser resolves other links from the page URL, one folder deeper
        resolved = posixpath.normpath(posixpath.join(page[:-3], path))
    if resolved.startswith("../") or resolved == "..":
        return f"link: Expected a link to a page of this site but received {target!r}, which points outside it"
    candidates = [resolved] if resolved.endswith(".md") or "." in posixpath.basename(resolved) else []
    base = "" if resolved == "." else resolved
    candidates += [f"{base}.md" if base else "index.md", posixpath.join(base, "index.md")]
    if any(c in ctx.pages for c in candidates):
        return None
    if any(c in ctx.drafts for c in candidates):
        return f"link: Expected a link to a published article but received {target!r}, a draft"
    source = ctx.sources.get(posixpath.basename(resolved))
    if source is not None:
        wanted = posixpath.relpath(article_page(source.year, source.slug), posixpath.dirname(page))
        return (
            f"link: Expected a link to the article's page {wanted!r} but received {target!r}, "
            "the name of its source file"
        )
    best = _nearest_page(candidates[0], ctx, hints)
    suggestion = f"; did you mean {posixpath.relpath(best, posixpath.dirname(page))!r}?" if best else ""
    return f"link: Expected a link to an article, vocabulary entry or page of this site but received {target!r}, which matches none{suggestion}"
