"""Editorial checks behind ``python -m build_tools check`` (and the ``diff`` command).

``run_checks(project, paths)`` reads the whole archive once and returns every problem of the
selected files (all of them when ``paths`` is None). Cross-archive rules (duplicate slugs and
sources, near-duplicates, unused vocabulary) always look at the whole archive but only report
on the selected files. Each ``Problem`` carries a ``rule`` name:

========================  ========  =====================================================
rule                      severity  what it finds
========================  ========  =====================================================
schema, location          error     frontmatter against the schema; file name, folder, date
vocabulary-id             error     ids missing from the vocabulary, with suggestions
duplicate-slug            error     two articles published at the same URL (same year)
                          warning   the same slug in another year
duplicate-source          error     two articles with the same source URL (normalised)
near-duplicate            warning   word 5-gram shingle similarity >= NEAR_DUPLICATE
                          error     similarity >= DUPLICATE
body                      error     no text, no ``##`` section heading
empty-section             warning   a heading with no text before the next heading of its level
heading-level             warning   a ``#`` heading in the body (the title is the page's ``#``)
html                      error     raw HTML beyond ALLOWED_HTML; on*/style/class/id/hidden/data-
                                    attributes; attribute lists; admonition types
link                      error     ``javascript:``/``data:``/``vbscript:``/``file:`` links,
                                    internal links to no page, to a draft or to a source file
vocabulary                error     duplicate ids (reader), one name claimed by two entries,
                                    names that normalise to the same form, mixed-script words,
                                    roles ending before they start
unused-entry              warning   vocabulary entries no article uses
stale-title               warning   "former"/"current" titles that contradict vocabulary roles
========================  ========  =====================================================

Stale titles. A vocabulary entry may carry ``roles`` (``title``, ``from``, ``to``; ``to`` is
exclusive and may be left out while the role lasts). For a person with roles, the text
"former <title> <name>" on a date inside one of those roles, and "<title> <name>" or
"current <title> <name>" on a date outside all of them, are flagged; "then-<title>" is never
flagged. <title> is the role title or its last word ("US President", "President"); <name> is
the entry's name, an alias, or the surname when no other role holder shares it. For a
government entry (kind ``government``), "current/present/sitting/incumbent <name>" outside its
term and "former/previous <name>" inside it are flagged. Its term is its own ``roles`` when it
has some, otherwise the roles of the person it is named after: "<X> administration" /
"<X> government" / "<X> presidency" links to the one role holder whose surname or alias is X
(the "Biden administration" is current exactly while Joe Biden is "US President").
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import os
import posixpath
import re
import subprocess
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from confusable_homoglyphs import categories, confusables
from rapidfuzz import process

from .pipeline import Project
from .problems import Problem, display_path
from .readers import (
    VOCABULARY_DIR,
    Article,
    Vocabulary,
    discover,
    read_article,
    read_vocabulary,
    unknown_id_problems,
)
from .sanitize import ADMONITION_TYPES
from .schema import ENTITY_KINDS, VocabularyEntry
from .yamlsafe import YamlError, decode_text, load

SHINGLE_WORDS = 5
SKETCH_SIZE = 64  # bottom-k MinHash sketch per article
MIN_SHINGLES = 10  # shorter bodies are not compared
NEAR_DUPLICATE = 0.5  # Jaccard similarity of word 5-gram shingles: warning
DUPLICATE = 0.9  # ... error
COMMON_SHINGLE = 200  # sketch values shared by more articles are boilerplate, not evidence
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
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
# Attributes an article may not set on the HTML it is allowed (besides on*= and data-*=): they
# borrow the theme's look (class, id), hide text from readers but not search (hidden) or style it.
FORBIDDEN_ATTRIBUTES = frozenset({"style", "class", "id", "hidden"})
FORMER = ("former", "ex-", "previous")
CURRENT = ("current", "present", "sitting", "incumbent")


class CheckError(Exception):
    """The checks could not run (bad path, bad git ref, no archive): exit status 2."""


# -- selecting files --------------------------------------------------------------------------


def changed_files(project: Project, ref: str) -> list[Path]:
    """Article and vocabulary files added or changed since ``ref`` (its merge base with HEAD),
    including uncommitted and untracked files; deleted files are left out."""

    def git(*args: str) -> str:
        try:
            result = subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise CheckError(f"Cannot run git: {exc.strerror}") from None
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()
            raise CheckError(f"git {args[0]} failed: {detail[-1] if detail else 'no details'}")
        return result.stdout

    if ref.startswith("-"):
        raise CheckError(f"Expected a git ref such as main but received {ref!r}")
    top = Path(git("rev-parse", "--show-toplevel").strip())
    try:
        git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except CheckError:
        raise CheckError(f"--changed-since: Expected a git branch, tag or commit but received {ref!r}") from None
    base = git("merge-base", ref, "HEAD").strip()
    names = git("diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", base, "--").split("\0")
    names += git("ls-files", "--others", "--exclude-standard", "-z").split("\0")
    paths = {_key(top / name) for name in names if name}
    return sorted(p for p in paths if (p.is_file() or p.is_symlink()) and _in_scope(project, p))


def _key(path: Path) -> Path:
    """A file's absolute path with its folders resolved but not the file itself: a symbolic
    link stays the link (and is reported as one) instead of becoming its target elsewhere."""
    path = Path(os.path.abspath(path))
    return path.parent.resolve() / path.name


def _in_scope(project: Project, path: Path) -> bool:
    """Whether a file is the checks' business: every entry under articles/ (non-articles among
    them are reported by discovery), the .yml files of the vocabulary."""
    try:
        relative = _key(path).relative_to(project.articles.resolve())
    except ValueError:
        return False
    if not relative.parts or relative.name.startswith("."):
        return False
    if relative.parts[0] == VOCABULARY_DIR:
        return path.suffix == ".yml"
    return not (len(relative.parts) == 1 and path.name.upper() == "README.MD")


def _entries_under(folder: Path) -> set[Path]:
    """Every file and symbolic link under a folder, without following links."""
    found = set()
    for current, subfolders, files in os.walk(folder):
        found |= {_key(Path(current) / name) for name in files}
        found |= {_key(Path(current) / name) for name in subfolders if os.path.islink(os.path.join(current, name))}
    return found


def _select(project: Project, paths: list[Path]) -> set[Path]:
    selected: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.is_absolute():
            path = Path.cwd() / path
        if path.is_dir() and not path.is_symlink():
            selected |= {p for p in _entries_under(path) if _in_scope(project, p)}
            continue
        if not path.exists() and not path.is_symlink():
            raise CheckError(f"{given}: Expected an article file but found nothing at this path")
        if not _in_scope(project, path):
            raise CheckError(
                f"{given}: Expected an article under {display_path(project.articles)}/<YYYY>/ "
                "or a vocabulary file but received a file outside them"
            )
        selected.add(_key(path))
    return selected


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Context:
    project: Project
    vocabulary: Vocabulary
    articles: list[Article]
    pages: set[str] = field(default_factory=set)  # docs-relative pages of the built site
    drafts: set[str] = field(default_factory=set)
    sources: dict[str, Article] = field(default_factory=dict)  # source file name -> article


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    checked: int  # files whose problems are reported and that were read: articles and vocabulary


def run_checks(project: Project, paths: list[Path] | None = None) -> list[Problem]:
    """Every problem of the given files (every article and vocabulary file when None)."""
    return check(project, paths).problems


def check(project: Project, paths: list[Path] | None = None) -> Report:
    """Every problem of the given files (every article and vocabulary file when None), and how
    many of them were read and checked (a skipped symbolic link is reported, not counted)."""
    if not project.articles.is_dir():
        raise CheckError(f"Expected an articles/ folder in {project.root} but found none")
    selected = None if paths is None else _select(project, paths)
    by_path: dict[Path, list[Problem]] = defaultdict(list)

    vocabulary, vocabulary_problems = read_vocabulary(project.vocabulary)
    vocabulary_files = {kind: _key(path) for kind, path in vocabulary.files.items()}
    shown_to_path = {display_path(p, project.root): p for p in vocabulary_files.values()}
    for problem in vocabulary_problems:
        by_path[shown_to_path.get(problem.path, project.vocabulary.resolve())].append(problem)

    articles: list[Article] = []
    found, skipped = discover(project.articles)
    for path, problem in skipped:
        by_path[_key(path)].append(problem)
    read = {_key(path) for path in found} | {p for p in vocabulary_files.values() if p.is_file()}
    for path in found:
        article, problems = read_article(path, project.root, vocabulary)
        by_path[_key(path)] += problems
        if article is not None:
            articles.append(article)

    ctx = Context(project, vocabulary, articles)
    _index_pages(ctx)
    known_terms = terms(vocabulary)
    for article in articles:
        key = _key(article.path)
        if selected is not None and key not in selected:
            continue
        by_path[key] += unknown_id_problems(article, vocabulary)
        by_path[key] += body_problems(article)
        by_path[key] += attribute_list_problems(article) + admonition_problems(article)
        by_path[key] += link_problems(article, ctx)
        by_path[key] += stale_title_problems(article, vocabulary, known_terms)
    for article, problem in (
        duplicate_slug_problems(articles) + duplicate_source_problems(articles) + near_duplicate_problems(articles)
    ):
        by_path[_key(article.path)].append(problem)
    for kind, problem in vocabulary_lint(vocabulary, articles, project.root):
        by_path[vocabulary_files[kind]].append(problem)

    reported: list[Problem] = []
    for path, problems in by_path.items():
        in_scope = selected is None or path in selected
        # A vocabulary that cannot be read makes every article's ids look unknown: always say so.
        is_broken_vocabulary = path in vocabulary_files.values() or path == project.vocabulary.resolve()
        reported += [
            p for p in problems if in_scope or (is_broken_vocabulary and p.severity == "error" and p.rule == "schema")
        ]
    checked = len(read if selected is None else read & selected)
    return Report(sorted(set(reported)), checked)


# -- the body ---------------------------------------------------------------------------------

# Every pattern here sees article text, so each runs in time linear in the line: no two ways
# for a pattern to match the same characters, possessive (*+, ++) where a greedy part must not
# give back, and what a regex would search for again from every start (a code span's closing
# backticks, a comment's end, a link's closing ">") is found once by hand below. A 100 kB line
# of any character is checked in well under a second (tests/hostile/test_linear_time.py).
# [ \t]+ is greedy and the text ends at its last character that is not a space, tab or #
# (the lazy (.*?) before [ \t#]*$ used to try every shorter text: quadratic).
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+((?:.*[^ \t#])?))?[ \t#]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# The attributes end where the last one does: the lazy part only stops at a character that is
# no space and is followed by nothing but [\s/]* and ">" (so that "<a" and spaces fail fast).
TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)((?:\s++(?:[^<>]*?[^<>\s](?=\s*/?>))??)?)\s*/?>")
ATTR_RE = re.compile(r"([^\s=/>]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
REFERENCE_RE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
AUTOLINK_RE = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_BACKTICKS_RE = re.compile(r"`+")


def _blank_code_spans(text: str) -> str:
    """``text`` with its inline code spans blanked (each character a space): the matches, left
    to right, of the pattern (`+)(?:(?!\\1).)+?\\1 , found in time linear in the line.

    At a start inside a run of backticks with ``r`` of them left, that pattern closes with
    ``k`` backticks (``r/2 < k <= r``: a shorter opener would close at once on the run's own
    rest), at the first later run of at least ``k``; it takes the largest such ``k``, so the
    longest later run ``longest`` decides: ``k = min(r, longest)`` when ``2 * longest > r``.
    """
    if "`" not in text:
        return text
    out = []
    for segment in text.split("\n"):  # "." never matches a line break: spans stay in a line
        runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS_RE.finditer(segment)]
        if len(runs) < 2:
            out.append(segment)
            continue
        longest_after = [0] * len(runs)  # the longest run after each run
        for index in range(len(runs) - 2, -1, -1):
            longest_after[index] = max(longest_after[index + 1], runs[index + 1][1])
        spans = []
        index, start, left = 0, runs[0][0], runs[0][1]  # scanning: run, position, backticks left
        while index < len(runs):
            longest = longest_after[index]
            if 2 * longest <= left:  # no opener of this run closes: skip to where one can
                if longest == 0:
                    break
                start, left = start + left - (2 * longest - 1), 2 * longest - 1
            k = min(left, longest)
            close = next(i for i in range(index + 1, len(runs)) if runs[i][1] >= k)
            end = runs[close][0] + k
            spans.append((start, end))
            index, start, left = close, end, runs[close][1] - k
            if left == 0:
                index += 1
                if index < len(runs):
                    start, left = runs[index]
        if not spans:
            out.append(segment)
            continue
        pieces, last = [], 0
        for begin, end in spans:
            pieces += [segment[last:begin], " " * (end - begin)]
            last = end
        pieces.append(segment[last:])
        out.append("".join(pieces))
    return "\n".join(out)


def _is_comment(text: str) -> bool:
    """Whether all of ``text`` is one HTML comment (what <!--.*?--> fullmatches)."""
    return len(text) >= 7 and text.startswith("<!--") and text.endswith("-->")


def _without_comments(text: str) -> str:
    """``text`` with each HTML comment replaced by its line breaks (so lines keep their
    numbers): the matches of <!--.*?--> (DOTALL), left to right, found in linear time."""
    start = text.find("<!--")
    if start < 0:
        return text
    pieces, last = [], 0
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # no comment closes after this one opens: none after it either
        pieces += [text[last:start], "\n" * text.count("\n", start, end)]
        last = end + 3
        start = text.find("<!--", last)
    pieces.append(text[last:])
    return "".join(pieces)


_BRACKET_RE = re.compile(r"[\[\]]")
_SPACES_RE = re.compile(r"\s*+")
_BARE_TARGET_RE = re.compile(r"(?:[^\s()]++|\([^\s()]*+\))*+")


def _inline_link_targets(text: str) -> list[str]:
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
    n = len(text)
    positions: dict[str, list[int]] = {}
    space_ends: dict[int, int] = {}

    def find(char: str, start: int) -> int:
        found = positions.get(char)
        if found is None:
            found = positions[char] = [m.start() for m in re.finditer(re.escape(char), text)]
        index = bisect.bisect_left(found, start)
        return found[index] if index < len(found) else -1

    def skip_space(at: int) -> int:
        end = space_ends.get(at)
        if end is None:
            end = space_ends[at] = _SPACES_RE.match(text, at).end()
        return end

    def closing(at: int) -> int:
        r"""The end of (?:\s+TITLE)?\s*\) matched at ``at``, or -1."""
        after = skip_space(at)
        if at < after < n and text[after] in "\"'(":
            end = find(")" if text[after] == "(" else text[after], after + 1)
            if end >= 0:
                end = skip_space(end + 1)
                if end < n and text[end] == ")":
                    return end + 1
        return after + 1 if after < n and text[after] == ")" else -1

    start = text.find("[")
    while start >= 0:
        end = _link_text_end(text, start)  # after the "]" closing the link text, or -1
        matched = -1
        if 0 <= end < n and text[end] == "(":
            begin = end + 1
            target = skip_space(begin)
            if target < n and text[target] == "<":  # <[^>\n]*>
                close = find(">", target + 1)
                newline = find("\n", target + 1)
                if close >= 0 and (newline < 0 or close < newline):
                    matched = closing(close + 1)
                    if matched >= 0:
                        out.append(text[target : close + 1])
            if matched < 0:  # (?:[^\s()]|\([^\s()]*\))*, whose shorter matches cannot close
                bare = _BARE_TARGET_RE.match(text, target).end()
                matched = closing(bare)
                if matched >= 0:
                    out.append(text[target:bare])
            if matched < 0 and target > begin:  # \s* gives back a space: an empty destination
                matched = closing(target - 1)
                if matched >= 0:
                    out.append("")
        start = text.find("[", matched if matched >= 0 else start + 1)
    return out


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


def prose_lines(body: str, first_line: int) -> list[tuple[int, str]]:
    """(file line, text) of every body line outside fenced code, inline code spans blanked."""
    out, fence = [], None
    for offset, text in enumerate(body.split("\n")):
        match = FENCE_RE.match(text)
        if fence:
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                fence = None
            continue
        if match:
            fence = match[1]
            continue
        out.append((first_line + offset, _blank_code_spans(text)))
    return out


def body_problems(article: Article) -> list[Problem]:
    shown, problems = article.shown, []
    lines = prose_lines(article.body, article.body_line)
    if not article.body.strip():
        return [
            Problem(
                shown,
                article.body_line,
                "error",
                "body: Expected the article text after the frontmatter but received nothing",
                "body",
            )
        ]
    headings = []  # (index in lines, level, text, line)
    for index, (line, text) in enumerate(lines):
        match = HEADING_RE.match(text)
        if match:
            headings.append((index, len(match[1]), (match[2] or "").strip(), line))
    if not headings:
        problems.append(
            Problem(
                shown,
                article.body_line,
                "error",
                "body: Expected at least one '## ' section heading but received none",
                "body",
            )
        )
    for position, (index, level, text, line) in enumerate(headings):
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
        has_text = any(t.strip() and not _is_comment(t.strip()) for _, t in lines[index + 1 : end])
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
    text = "\n".join(t for _, t in lines)
    text = _without_comments(text)
    first = lines[0][0] if lines else article.body_line
    index_to_line = [line for line, _ in lines]
    counted, breaks = 0, 0  # line breaks before ``counted``: each tag's line counted on from the last
    for match in TAG_RE.finditer(text):
        breaks += text.count("\n", counted, match.start())
        counted = match.start()
        line = index_to_line[min(breaks, len(index_to_line) - 1)] if lines else first
        name = match[2].lower()
        if name not in ALLOWED_HTML:
            if match[1]:
                continue  # the opening tag is reported
            problems.append(
                Problem(
                    shown,
                    line,
                    "error",
                    f"html: Expected Markdown or only the HTML tags {', '.join(sorted(ALLOWED_HTML))} "
                    f"but received <{match[2]}>",
                    "html",
                )
            )
            continue
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
ADMONITION_RE = re.compile(r"^ {0,3}(?:!!!|\?\?\?\+?)[ \t]+([^\s\"][^\"]*?)[ \t]*(?:\"|$)")


def attribute_list_problems(article: Article) -> list[Problem]:
    """Attribute lists ({: .class #id key=value }) are not read in articles (mkdocs.yml has no
    attr_list): one would let an article set the theme's classes, hidden text or search filters.
    Each is reported with what it would set, so the author knows why it shows as text. Linear in
    the line: each "{" is looked at once and the "}" searched for from where the last one was."""
    problems = []
    for line, text in prose_lines(article.body, article.body_line):
        if "{" not in text or "}" not in text:
            continue
        close = -1
        for match in ATTR_LIST_START_RE.finditer(text):
            if close < match.start():
                close = text.find("}", match.end())
                if close < 0:
                    break
            inside = text[match.end() : close]
            shown = text[match.start() : close + 1]
            # Where attr_list would read one: "{:" anywhere, else at the end of a line or right
            # after an inline element ("*x*{.c}"); "{name}" inside a sentence is just text.
            at_end = not text[close + 1 :].strip()
            after_element = match.start() > 0 and text[match.start() - 1] in ")*_`]>"
            if not (shown.startswith("{:") or at_end or after_element):
                continue
            names = []
            for token in inside.split():
                found = ATTR_LIST_NAME_RE.match(token)
                name = {".": "class", "#": "id"}.get(found[1] or "", found[2]) if found else token
                if name not in names:
                    names.append(name)
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


def _targets(article: Article) -> list[tuple[int, str]]:
    out = []
    for line, text in prose_lines(article.body, article.body_line):
        found = _inline_link_targets(text)
        found += [m[1] for m in REFERENCE_RE.finditer(text)]
        found += [m[1] for m in AUTOLINK_RE.finditer(text)]
        for tag in TAG_RE.finditer(text):
            for attr in ATTR_RE.finditer(tag[3] or ""):
                if attr[1].lower() in ("href", "src", "cite") and attr[2]:
                    found.append(attr[2].strip("\"'"))
        out += [(line, t[1:-1] if t.startswith("<") and t.endswith(">") else t) for t in found]
    return out


def _index_pages(ctx: Context) -> None:
    pages = {"index.md", "archive/index.md"} | {f"{kind}/index.md" for kind in ENTITY_KINDS}
    for kind in ENTITY_KINDS:
        pages |= {f"{kind}/{entry_id}.md" for entry_id in ctx.vocabulary.entries[kind]}
    for article in ctx.articles:
        page = f"articles/{article.year}/{article.slug}.md"
        ctx.sources[article.path.name] = article
        if article.meta.draft:
            ctx.drafts.add(page)
        else:
            pages |= {page, f"archive/{article.year}.md"}
    if ctx.project.docs.is_dir():  # hand-written pages and assets
        generated = ("index.md", "articles/", "actors/", "topics/", "places/", "archive/")
        for path in ctx.project.docs.rglob("*"):
            name = path.relative_to(ctx.project.docs).as_posix()
            if path.is_file() and not name.startswith(generated):
                pages.add(name)
    ctx.pages = pages


def link_problems(article: Article, ctx: Context) -> list[Problem]:
    problems = []
    page = f"articles/{article.year}/{article.slug}.md"
    for line, target in _targets(article):
        plain = re.sub(r"[\s\x00-\x1f]", "", html.unescape(target)).lower()
        scheme = next((s for s in DANGEROUS_SCHEMES if plain.startswith(s)), None)
        if scheme:
            shown_target = target if len(target) <= 60 else target[:57] + "..."
            problems.append(
                Problem(
                    article.shown,
                    line,
                    "error",
                    f"link: Expected an http(s), mailto or internal link but received a {scheme} link {shown_target!r}",
                    "link",
                )
            )
            continue
        problem = _internal_link_problem(target, page, ctx)
        if problem:
            problems.append(Problem(article.shown, line, "error", problem, "link"))
    return problems


def _internal_link_problem(target: str, page: str, ctx: Context) -> str | None:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # external, protocol-relative, or a fragment/query on this page
    path = parts.path
    if path.startswith("/"):
        resolved = posixpath.normpath(path.lstrip("/")) if path.strip("/") else "."
    elif path.endswith(".md"):  # MkDocs resolves .md links from the page's source file
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
        wanted = posixpath.relpath(f"articles/{source.year}/{source.slug}.md", posixpath.dirname(page))
        return (
            f"link: Expected a link to the article's page {wanted!r} but received {target!r}, "
            "the name of its source file"
        )
    hint = ""
    best = process.extractOne(candidates[0], sorted(ctx.pages), score_cutoff=80)
    if best:
        hint = f"; did you mean {posixpath.relpath(best[0], posixpath.dirname(page))!r}?"
    return f"link: Expected a link to an article, vocabulary entry or page of this site but received {target!r}, which matches none{hint}"


# -- duplicates across the archive ------------------------------------------------------------


def duplicate_slug_problems(articles: list[Article]) -> list[tuple[Article, Problem]]:
    by_slug: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_slug[article.slug].append(article)
    out = []
    for slug, group in by_slug.items():
        for article in group:
            for other in sorted(group, key=lambda a: a.path):
                if other is article:
                    continue
                if other.year == article.year:
                    message = (
                        f"slug: Expected a slug no other {article.year} article uses but received {slug!r}, "
                        f"also used by {other.shown}; both would be published at /articles/{article.year}/{slug}/"
                    )
                    severity = "error"
                else:
                    message = (
                        f"slug: Expected a slug no other article uses but received {slug!r}, also used by "
                        f"{other.shown} (another year, so another page, but easily confused)"
                    )
                    severity = "warning"
                out.append((article, Problem(article.shown, 1, severity, message, "duplicate-slug")))
    return out


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = "&".join(
        q for q in sorted(parts.query.split("&")) if q and not q.lower().startswith(("utm_", "fbclid=", "gclid="))
    )
    return urlunsplit(
        (
            "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower(),
            host,
            parts.path.rstrip("/") or "/",
            query,
            "",
        )
    )


def duplicate_source_problems(articles: list[Article]) -> list[tuple[Article, Problem]]:
    by_url: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.meta.source and article.meta.source.url:
            by_url[normalise_url(article.meta.source.url)].append(article)
    out = []
    for group in by_url.values():
        for article in group:
            others = ", ".join(o.shown for o in sorted(group, key=lambda a: a.path) if o is not article)
            if others:
                out.append(
                    (
                        article,
                        Problem(
                            article.shown,
                            article.line_of("source", "url"),
                            "error",
                            f"source.url: Expected a source no other article uses but received "
                            f"{article.meta.source.url!r}, also the source of {others}",
                            "duplicate-source",
                        ),
                    )
                )
    return out


_WORD_IDS: dict[str, int] = {}


def shingles(text: str) -> set[int]:
    """Hashed word 5-grams of a text (NFKC, case-folded, words only; stable across runs)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    ids = []
    for word in words:
        value = _WORD_IDS.get(word)
        if value is None:
            value = _WORD_IDS[word] = zlib.crc32(word.encode("utf-8"))
        ids.append(value)
    # hash() of a tuple of ints does not depend on PYTHONHASHSEED
    return {hash(tuple(ids[i : i + SHINGLE_WORDS])) for i in range(len(ids) - SHINGLE_WORDS + 1)}


def near_duplicate_pairs(texts: list[str]) -> list[tuple[int, int, float]]:
    """(i, j, Jaccard) for every pair of texts at least NEAR_DUPLICATE alike.

    Roughly linear: each text keeps a bottom-k MinHash sketch of its shingles; an inverted
    index from sketch value to texts proposes candidate pairs (texts sharing enough sketch
    values), and only those are compared exactly on their full shingle sets.
    """
    sets = [shingles(t) for t in texts]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, items in enumerate(sets):
        if len(items) >= MIN_SHINGLES:
            for value in sorted(items)[:SKETCH_SIZE] if len(items) > SKETCH_SIZE else items:
                postings[value].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if 1 < len(members) <= COMMON_SHINGLE:
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1 :]:
                    shared[(a, b)] += 1
    pairs = []
    for (a, b), count in shared.items():
        smallest = min(len(sets[a]), len(sets[b]), SKETCH_SIZE)
        # Jaccard J between sets shares about 2J/(1+J) of their sketches; ask for a third of that.
        if count < max(2, smallest * 2 * NEAR_DUPLICATE / (1 + NEAR_DUPLICATE) / 3):
            continue
        score = len(sets[a] & sets[b]) / len(sets[a] | sets[b])
        if score >= NEAR_DUPLICATE:
            pairs.append((a, b, score))
    return sorted(pairs)


def near_duplicate_problems(articles: list[Article]) -> list[tuple[Article, Problem]]:
    out = []
    for a, b, score in near_duplicate_pairs([article.body for article in articles]):
        for article, other in ((articles[a], articles[b]), (articles[b], articles[a])):
            severity = "error" if score >= DUPLICATE else "warning"
            limit = DUPLICATE if severity == "error" else NEAR_DUPLICATE
            what = "a duplicate" if severity == "error" else "a near-duplicate"
            out.append(
                (
                    article,
                    Problem(
                        article.shown,
                        article.body_line,
                        severity,
                        f"body: Expected less than {limit:.0%} of its {SHINGLE_WORDS}-word sequences shared with "
                        f"{other.shown} but received {score:.0%} (Jaccard {score:.2f}): {what} of that article",
                        "near-duplicate",
                    ),
                )
            )
    return out


# -- the vocabulary ---------------------------------------------------------------------------


def _confusable_pairs(word: str) -> list[tuple[str, str, str]]:
    found = confusables.is_confusable(word, greedy=True, preferred_aliases=["latin"]) or []
    out = []
    for item in found:
        # a homoglyph may be a sequence of characters (e.g. two apostrophes): only single letters map
        latin = [h["c"] for h in item["homoglyphs"] if len(h["c"]) == 1 and categories.alias(h["c"]) == "LATIN"]
        if latin:
            out.append((item["character"], item["alias"], latin[0]))
    return out


@lru_cache(maxsize=65536)
def skeleton(label: str) -> str:
    """The form two names are compared in: NFKC, case-folded, confusable letters mapped to
    Latin, accents and punctuation dropped."""
    # Invisible format characters (zero-width space, joiners, bidi marks) first: "Vladimir\u200b
    # Putin" must compare equal to "Vladimir Putin", not split a word in two.
    label = "".join(c for c in label if unicodedata.category(c) != "Cf")
    text = re.sub(
        r"[^\w\s]|_", " ", unicodedata.normalize("NFKC", label)
    )  # punctuation first: it has look-alike letters
    mapping = {char: latin for char, _alias, latin in _confusable_pairs(text)}
    text = "".join(mapping.get(c, c) for c in text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def vocabulary_lint(vocabulary: Vocabulary, articles: list[Article], root: Path) -> list[tuple[str, Problem]]:
    out = []
    used = {(kind, i) for article in articles for kind in ENTITY_KINDS for i in article.ids(kind)}
    for kind in ENTITY_KINDS:
        path = vocabulary.files.get(kind)
        if path is None or not path.exists():
            continue
        shown = display_path(path, root)
        lines = _entry_lines(path)
        claimed: dict[str, tuple[str, str]] = {}  # skeleton -> (entry id, label as written)
        for entry in vocabulary.entries[kind].values():
            start = vocabulary.lines.get((kind, entry.id), 1)
            where = lines.get(entry.id, {})
            labels = [("name", entry.name, where.get("name", start))]
            labels += [(f"aliases[{i}]", alias, where.get(i, start)) for i, alias in enumerate(entry.aliases)]
            for field_name, label, line in labels:
                for word in label.split():
                    pairs = _confusable_pairs(word) if confusables.is_mixed_script(word) else []
                    if pairs:
                        char, alias, latin = pairs[0]
                        out.append(
                            (
                                kind,
                                Problem(
                                    shown,
                                    line,
                                    "error",
                                    f"entry {entry.id!r}: {field_name}: Expected letters of one script but received "
                                    f"{label!r}, whose {alias.title()} {char!r} (U+{ord(char):04X}) looks like the Latin {latin!r}",
                                    "vocabulary",
                                ),
                            )
                        )
                        break
                key = skeleton(label)
                if not key:
                    continue
                owner = claimed.setdefault(key, (entry.id, label))
                if owner[0] == entry.id:
                    continue
                first_line = vocabulary.lines.get((kind, owner[0]), 1)
                same = (
                    unicodedata.normalize("NFKC", owner[1]).casefold()
                    == unicodedata.normalize("NFKC", label).casefold()
                )
                reason = "already a name or alias of" if same else f"which normalises to {key!r} like {owner[1]!r} of"
                out.append(
                    (
                        kind,
                        Problem(
                            shown,
                            line,
                            "error",
                            f"entry {entry.id!r}: {field_name}: Expected a name no other entry claims but received "
                            f"{label!r}, {reason} {owner[0]!r} (line {first_line})",
                            "vocabulary",
                        ),
                    )
                )
            for index, role in enumerate(entry.roles):
                if role.end is not None and role.end < role.start:
                    out.append(
                        (
                            kind,
                            Problem(
                                shown,
                                where.get(("roles", index), start),
                                "error",
                                f"entry {entry.id!r}: roles[{index}]: Expected 'to' on or after 'from' {role.start} "
                                f"but received {role.end}",
                                "vocabulary",
                            ),
                        )
                    )
            if (kind, entry.id) not in used:
                out.append(
                    (
                        kind,
                        Problem(
                            shown,
                            start,
                            "warning",
                            f"entry {entry.id!r}: Expected at least one article to use it but received none",
                            "unused-entry",
                        ),
                    )
                )
    return out


def _entry_lines(path: Path) -> dict[str, dict]:
    """For each entry id: the line of its name, of each alias (by index) and of each role."""
    try:
        located = load(decode_text(path.read_bytes()))
    except (OSError, YamlError):
        return {}
    out: dict[str, dict] = {}
    for index, raw in enumerate(located.data if isinstance(located.data, list) else []):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        lines: dict = {"name": located.line_of((index, "name"))}
        for i, _ in enumerate(raw.get("aliases") or [] if isinstance(raw.get("aliases"), list) else []):
            lines[i] = located.line_of((index, "aliases", i))
        for i, _ in enumerate(raw.get("roles") or [] if isinstance(raw.get("roles"), list) else []):
            lines[("roles", i)] = located.line_of((index, "roles", i))
        out.setdefault(raw["id"], lines)
    return out


# -- stale titles -----------------------------------------------------------------------------


@dataclass
class Term:
    """When an entry holds office, and how to say so in a message."""

    entry: VocabularyEntry
    holder: VocabularyEntry  # the entry whose roles define the term (a person for an administration)
    pattern: re.Pattern
    government: bool

    def roles(self, title: str | None = None):
        roles = self.holder.roles
        if self.government and self.holder is not self.entry:
            # "<X> administration" is in office while X heads it, not while X was a deputy
            heads = [r for r in roles if HEAD_RE.search(r.title) and not DEPUTY_RE.search(r.title)]
            roles = heads or roles
        if title is None:
            return list(roles)
        key = _title_key(title)
        exact = [r for r in roles if _title_key(r.title) == key]
        if exact:
            return exact
        # "President Biden" names the office by its last words: US President, not US Vice President
        return [
            r
            for r in roles
            if _title_key(r.title).endswith(" " + key) and not DEPUTY_RE.search(_title_key(r.title)[: -len(key)])
        ]

    def describe(self, title: str | None = None) -> str:
        roles = self.roles(title) or self.roles()
        spans: dict[str, list[str]] = {}
        for r in roles:
            spans.setdefault(r.title, []).append(f"{r.start} to {r.end}" if r.end else f"from {r.start}")
        prefix = f"{self.holder.name}: " if self.holder is not self.entry else ""
        return prefix + "; ".join(f"{t} {', '.join(s)}" for t, s in spans.items()) if roles else ""


HEAD_RE = re.compile(r"\b(president|prime minister|chancellor|premier)\b", re.I)
DEPUTY_RE = re.compile(r"\b(vice|deputy)\b", re.I)


def _title_key(title: str) -> str:
    return skeleton(title).replace("u s ", "us ")


def _alternation(words: list[str]) -> str:
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


def _surname(entry: VocabularyEntry) -> str:
    return entry.name.split()[-1] if entry.name.split() else ""


def terms(vocabulary: Vocabulary) -> list[Term]:
    """Every actor whose roles let the text be checked for stale titles."""
    actors = list(vocabulary.entries["actors"].values())
    holders = [e for e in actors if e.roles and (e.kind or "").lower() != "government"]
    surnames = defaultdict(list)
    for person in holders:
        surnames[_surname(person).casefold()].append(person)
    out = []
    for person in holders:
        titles = set()
        for role in person.roles:
            words = role.title.split()
            titles |= {role.title, words[-1], role.title.replace("US ", "U.S. ")}
        title_words = {w.casefold() for t in titles for w in t.split()}
        names = [person.name] + [a for a in person.aliases if not {w.casefold() for w in a.split()} & title_words]
        if len(surnames[_surname(person).casefold()]) == 1:
            names.append(_surname(person))
        pattern = re.compile(
            rf"(?<![\w-])(?:(?P<mod>{_alternation(list(FORMER + CURRENT))})\s+|(?P<then>then)[-\s]+)?"
            rf"(?P<title>{_alternation(sorted(titles))})\s+(?P<name>{_alternation(names)})(?![\w-])",
            re.IGNORECASE,
        )
        out.append(Term(person, person, pattern, government=False))
    for entry in actors:
        if (entry.kind or "").lower() != "government":
            continue
        holder = entry if entry.roles else None
        if holder is None:
            match = re.match(r"^(?:the\s+)?(.+?)\s+(?:administration|government|presidency|cabinet)$", entry.name, re.I)
            if match:
                named = match[1].casefold()
                found = [
                    p
                    for p in holders
                    if named in {_surname(p).casefold(), p.name.casefold(), *(a.casefold() for a in p.aliases)}
                ]
                holder = found[0] if len(found) == 1 else None
        if holder is None:
            continue
        names = [entry.name, *entry.aliases]
        names = [re.sub(r"^the\s+", "", n, flags=re.I) for n in names]
        pattern = re.compile(
            rf"(?<![\w-])(?:the\s+)?(?P<mod>{_alternation(list(FORMER + CURRENT))})\s+(?P<name>{_alternation(names)})(?![\w-])",
            re.IGNORECASE,
        )
        out.append(Term(entry, holder, pattern, government=True))
    return out


def _holds(roles, day: dt.date) -> bool:
    return any(r.start <= day and (r.end is None or day < r.end) for r in roles)


def stale_title_problems(article: Article, vocabulary: Vocabulary, known: list[Term] | None = None) -> list[Problem]:
    day = article.meta.date
    texts = [(article.line_of("title"), article.meta.title), (article.line_of("summary"), article.meta.summary)]
    texts += prose_lines(article.body, article.body_line)
    whole = "\n".join(text for _, text in texts)
    problems = []
    for term in terms(vocabulary) if known is None else known:
        if not term.pattern.search(whole):  # one scan per term; most terms are not mentioned
            continue
        for line, text in texts:
            for match in term.pattern.finditer(text):
                if not term.government and match["then"]:
                    continue
                modifier = (match["mod"] or "").casefold()
                title = None if term.government else match["title"]
                roles = term.roles(title) or term.roles()
                holds = _holds(roles, day)
                said = re.sub(r"\s+", " ", match[0])
                held_before = any(r.start <= day for r in roles)
                subject = term.holder.name
                if term.government:
                    subject = (
                        term.entry.name if term.entry.name.lower().startswith("the ") else f"the {term.entry.name}"
                    )
                role = "in office" if term.government else (roles[0].title if roles else "")
                if modifier in FORMER and holds:
                    wanted = re.sub(rf"\b{re.escape(match['mod'])}\s+", "", said, count=1, flags=re.I)
                    why = f"{subject} is {role}"
                elif modifier in FORMER and not held_before:
                    wanted = said[match.start("name") - match.start() :] if not term.government else said
                    why = f"{subject} is not yet {role}"
                elif (modifier in CURRENT or (not modifier and not term.government)) and not holds:
                    if match["mod"]:
                        wanted = re.sub(rf"\b{re.escape(match['mod'])}\b", "former", said, count=1, flags=re.I)
                    else:
                        wanted = f"former {said}"
                    why = f"{subject} is no longer {role}" if held_before else f"{subject} is not yet {role}"
                    if not held_before:
                        wanted = said[match.start("name") - match.start() :] if not term.government else said
                else:
                    continue
                problems.append(
                    Problem(
                        article.shown,
                        line,
                        "warning",
                        f"stale title: Expected {wanted!r} on {day}, when {why} ({term.describe(title)}), but received {said!r}",
                        "stale-title",
                    )
                )
    return problems
