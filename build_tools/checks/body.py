"""The body of an article: text and sections under headings, and what Markdown may carry
that the site does not want from an article (raw HTML, attribute lists, admonition types)."""

from __future__ import annotations

import re

from ..problems import Problem
from ..readers import Article
from ..sanitize import ADMONITION_TYPES
from .prose import ATTR_RE, HEADING_RE, TAG_RE, is_comment, prose_lines, without_comments

ALLOWED_HTML = frozenset(
    [
        "abbr",
        "br",
        "cite",
        "del",
        "details",
        "figcaption",
        "figure",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "small",
        "sub",
        "summary",
        "sup",
        "time",
    ]
)
# Attributes an article may not set on the HTML it is allowed (besides on*= and data-*=): they
# borrow the theme's look (class, id), hide text from readers but not search (hidden) or style it.
FORBIDDEN_ATTRIBUTES = frozenset({"style", "class", "id", "hidden"})


def body_problems(article: Article) -> list[Problem]:
    """No text, no ``##`` section heading in a long text, empty headings and sections, ``#`` headings, raw HTML."""
    lines = prose_lines(article.body, article.body_line)
    if not article.body.strip():
        return [
            Problem(
                article.shown,
                article.body_line,
                "error",
                "body: Expected the article text after the frontmatter but received nothing",
                "body",
            )
        ]
    return _heading_problems(article, lines) + _html_problems(article, lines)


Lines = tuple[tuple[int, str], ...]  # (file line, text) of the prose lines
Heading = tuple[int, int, str, int]  # (index in the lines, level, text, file line)


def _headings(lines: Lines) -> list[Heading]:
    headings = []
    for index, (line, text) in enumerate(lines):
        match = HEADING_RE.match(text)
        if match:
            headings.append((index, len(match[1]), (match[2] or "").strip(), line))
    return headings


# One rule for short pieces: a statement, a readout or a fact sheet of fewer words reads as one
# block and needs no section heading; a longer text without any is hard to scan, which the
# editor is told (a warning: the article is still published).
SECTIONS_FROM_WORDS = 400
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def word_count(lines: Lines) -> int:
    """Words of the prose lines (comments left out), as a reader counts them."""
    return sum(len(_WORD.findall(text)) for _, text in lines if not is_comment(text.strip()))


def _heading_problems(article: Article, lines: Lines) -> list[Problem]:
    problems = []
    headings = _headings(lines)
    if not headings and (words := word_count(lines)) >= SECTIONS_FROM_WORDS:
        problems.append(
            Problem(
                article.shown,
                article.body_line,
                "warning",
                f"body: Expected at least one '## ' section heading in a text of {SECTIONS_FROM_WORDS} words or "
                f"more but received none in {words} words",
                "no-sections",
            )
        )
    for position in range(len(headings)):
        problems += _section_problems(article.shown, lines, headings, position)
    return problems


def _section_problems(shown: str, lines: Lines, headings: list[Heading], position: int) -> list[Problem]:
    """The problems of one heading and of the text under it."""
    index, level, text, line = headings[position]
    problems = []
    mark = f"{'#' * level} {text}".strip()
    if level == 1:
        problems.append(
            Problem(
                shown,
                line,
                "warning",
                f"heading: Expected '## ' or deeper (the title is the page's only '# ' heading) but received {mark!r}",
                "heading-level",
            )
        )
    if not text:
        problems.append(
            Problem(shown, line, "error", f"heading: Expected a heading text but received {mark!r}", "body")
        )
    following = headings[position + 1] if position + 1 < len(headings) else None
    end = following[0] if following else len(lines)
    has_text = any(t.strip() and not is_comment(t.strip()) for _, t in lines[index + 1 : end])
    if not has_text and not (following and following[1] > level):
        problems.append(
            Problem(
                shown,
                line,
                "warning",
                f"section {mark!r}: Expected text under the heading but received none before "
                + (f"the next heading (line {following[3]})" if following else "the end of the article"),
                "empty-section",
            )
        )
    return problems


def _html_problems(article: Article, lines: Lines) -> list[Problem]:
    problems = []
    text = "\n".join(t for _, t in lines)
    text = without_comments(text)
    first = lines[0][0] if lines else article.body_line
    index_to_line = [line for line, _ in lines]
    counted, breaks = 0, 0  # line breaks before ``counted``: each tag's line counted on from the last
    for match in TAG_RE.finditer(text):
        breaks += text.count("\n", counted, match.start())
        counted = match.start()
        line = index_to_line[min(breaks, len(index_to_line) - 1)] if lines else first
        problems += _tag_problems(article.shown, line, match)
    return problems


def _tag_problems(shown: str, line: int, match: re.Match) -> list[Problem]:
    """A tag beyond ALLOWED_HTML (where it opens), or the attributes an allowed tag may not set."""
    name = match[2].lower()
    if name not in ALLOWED_HTML:
        if match[1]:
            return []  # the opening tag is reported
        return [
            Problem(
                shown,
                line,
                "error",
                f"html: Expected Markdown or only the HTML tags {', '.join(sorted(ALLOWED_HTML))} "
                f"but received <{match[2]}>",
                "html",
            )
        ]
    problems = []
    for attr in ATTR_RE.finditer(match[3] or ""):
        attr_name = attr[1].lower()
        if attr_name.startswith(("on", "data-")) or attr_name in FORBIDDEN_ATTRIBUTES:
            problems.append(
                Problem(
                    shown,
                    line,
                    "error",
                    "html: Expected no event-handler, style, class, id, hidden or data- attributes but "
                    f"received {attr_name!r} in <{match[2]}>",
                    "html",
                )
            )
    return problems


ATTR_LIST_START_RE = re.compile(r"\{:?[ ]*(?=[.#]|[A-Za-z_][\w-]*(?:=|[ ]*\}))")
ATTR_LIST_NAME_RE = re.compile(r"([.#])?([A-Za-z_][\w:-]*)(?:=)?")
# The type ends at its last character that is no space, tab or quote: greedy, so a line of
# "!!! a" and spaces is one pass (a lazy type retried [ \t]* after each character: quadratic).
ADMONITION_RE = re.compile(r"^ {0,3}(?:!!!|\?\?\?\+?)[ \t]+([^\s\"](?:[^\"]*[^\" \t])?)[ \t]*(?:\"|$)")


def attribute_list_problems(article: Article) -> list[Problem]:
    """Attribute lists ({: .class #id key=value }) are not read in articles (mkdocs.yml has no
    attr_list): one would let an article set the theme's classes, hidden text or search filters.
    Each is reported with what it would set, so the author knows why it shows as text. Linear in
    the line: each "{" is looked at once, the "}" searched for from where the last one was, and
    a "{" inside a list already reported is part of it, not another one."""
    problems = []
    for line, text in prose_lines(article.body, article.body_line):
        if "{" not in text or "}" not in text:
            continue
        close, reported, text_end = -1, -1, len(text.rstrip())
        for match in ATTR_LIST_START_RE.finditer(text):
            if match.start() < reported:
                continue
            if close < match.start():
                close = text.find("}", match.end())
                if close < 0:
                    break
            # Where attr_list would read one: "{:" anywhere, else at the end of a line or right
            # after an inline element ("*x*{.c}"); "{name}" inside a sentence is just text.
            at_end = close + 1 >= text_end
            after_element = match.start() > 0 and text[match.start() - 1] in ")*_`]>"
            if not (text.startswith("{:", match.start()) or at_end or after_element):
                continue
            reported = close
            inside = text[match.end() : close]
            shown = text[match.start() : close + 1]
            names: dict[str, None] = {}  # in order, once each
            for token in inside.split():
                found = ATTR_LIST_NAME_RE.match(token)
                names.setdefault({".": "class", "#": "id"}.get(found[1] or "", found[2]) if found else token)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            problems.append(
                Problem(
                    article.shown,
                    line,
                    "error",
                    f"attribute list: Expected no attribute lists in an article but received {shown!r}, "
                    f"which sets {', '.join(names) or 'nothing'}",
                    "html",
                )
            )
    return problems


def admonition_problems(article: Article) -> list[Problem]:
    """An admonition's type becomes a class of its box: only the types the theme draws."""
    problems = []
    for line, text in prose_lines(article.body, article.body_line):
        match = ADMONITION_RE.match(text) if text.lstrip().startswith(("!!!", "???")) else None
        if match and not set(match[1].lower().split()) <= ADMONITION_TYPES:
            problems.append(
                Problem(
                    article.shown,
                    line,
                    "error",
                    "admonition: Expected a type such as note, info, tip, warning, danger, example or quote "
                    f"but received {match[1]!r}",
                    "html",
                )
            )
    return problems


def skipped_level_problems(article: Article) -> list[Problem]:
    """A heading more than one level below the heading before it ('##' then '####'), or a first
    heading below '##': screen readers and the table of contents present the outline by level, so
    a skipped level reads as a missing section (rule ``heading-level``)."""
    problems = []
    level_before, line_before = 1, 0  # the page's title is its '#' heading
    for _index, level, text, line in _headings(prose_lines(article.body, article.body_line)):
        if level > level_before + 1:
            wanted = "#" * (level_before + 1)
            after = (
                f"after the '{'#' * level_before} ' heading on line {line_before}"
                if line_before
                else "as the first heading"
            )
            problems.append(
                Problem(
                    article.shown,
                    line,
                    "warning",
                    f"heading: Expected '{wanted} ' {after} (no level skipped) but received "
                    f"{('#' * level + ' ' + text).strip()!r}",
                    "heading-level",
                )
            )
        level_before, line_before = level, line
    return problems
