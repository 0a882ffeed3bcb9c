"""The run of ``check``: ``run_checks(project, paths)`` reads the whole archive once and returns
every problem of the selected files (all of them when ``paths`` is None). Cross-archive rules
(duplicate slugs and sources, near-duplicates, unused vocabulary) always look at the whole
archive but only report on the selected files. Each ``Problem`` carries a ``rule`` name, one of
``rules.RULES``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import Project
from ..problems import Problem, display_path
from ..readers import Article, Vocabulary, discover, read_article, read_vocabulary, unknown_id_problems
from ..yamlsafe import YamlError, decode_text
from .body import admonition_problems, attribute_list_problems, body_problems, skipped_level_problems
from .duplicates import duplicate_slug_problems, duplicate_source_problems, near_duplicate_problems
from .images import image_problems
from .links import index_pages, link_problems
from .mentions import untagged_mention_problems
from .placeholders import placeholder_problems
from .selection import CheckError, EntryFilter, entry_spans, file_key, selected_files
from .stale import Term, stale_title_problems, terms
from .vocabulary import vocabulary_lint

__all__ = ["CheckError", "Context", "Report", "check", "run_checks"]


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


def check(project: Project, paths: list[Path] | None = None, entries: dict[Path, EntryFilter] | None = None) -> Report:
    """Every problem of the given files (every article and vocabulary file when None), and how
    many of them were read and checked (a skipped symbolic link is reported, not counted).
    ``entries`` narrows a vocabulary file to the entries a change added or edited
    (``selection.changed_since``): an entry nobody touched is not reported, used or not."""
    if not project.articles.is_dir():
        raise CheckError(f"Expected an articles/ folder in {project.root} but found none")
    selected = None if paths is None else selected_files(project, paths)
    by_path: dict[Path, list[Problem]] = defaultdict(list)

    vocabulary, vocabulary_problems = read_vocabulary(project.vocabulary)
    vocabulary_files = {kind: file_key(path) for kind, path in vocabulary.files.items()}
    vocabulary_paths = {*vocabulary_files.values(), project.vocabulary.resolve()}
    shown_to_path = {display_path(p, project.root): p for p in vocabulary_files.values()}
    for problem in vocabulary_problems:
        by_path[shown_to_path.get(problem.path, project.vocabulary.resolve())].append(problem)

    articles: list[Article] = []
    unread: list[str] = []  # the frontmatter of articles with errors: an id there is not an unused entry
    found, skipped = discover(project.articles)
    for path, problem in skipped:
        by_path[file_key(path)].append(problem)
    read = {file_key(path) for path in found} | {p for p in vocabulary_files.values() if p.is_file()}
    for path in found:
        article, problems = read_article(path, project.root, vocabulary)
        by_path[file_key(path)] += problems
        if article is not None:
            articles.append(article)
        else:
            unread.append(_frontmatter_text(path))

    if selected is not None and entries:
        selected |= _users_of_removed_entries(entries, vocabulary_files, articles)
    ctx = Context(project, vocabulary, articles)
    index_pages(ctx)
    known_terms = terms(vocabulary)
    for article in articles:
        key = file_key(article.path)
        if selected is None or key in selected:
            by_path[key] += article_problems(article, ctx, known_terms)
    for article, problem in (
        duplicate_slug_problems(articles) + duplicate_source_problems(articles) + near_duplicate_problems(articles)
    ):
        by_path[file_key(article.path)].append(problem)
    about: dict[Problem, tuple[str, ...]] = {}  # the entries a vocabulary problem is about
    for kind, problem, ids in vocabulary_lint(vocabulary, articles, project.root, "\n".join(unread)):
        by_path[vocabulary_files[kind]].append(problem)
        about[problem] = ids

    scope = (selected, entries or {}, vocabulary_paths)
    reported = _reported(by_path, about, _used_broken_entries(vocabulary, articles, selected), scope)
    checked = len(read if selected is None else read & selected)
    return Report(sorted(set(reported)), checked)


def _frontmatter_text(path: Path) -> str:
    """The frontmatter of an article that could not be read, as text (the whole file without a
    closing ``---``): the ids written there still count as used, so that fixing a typo in the
    article does not first show its new vocabulary entry as unused."""
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return ""
    return text.split("\n---", 1)[0]


def _reported(
    by_path: dict[Path, list[Problem]],
    about: dict[Problem, tuple[str, ...]],
    used_broken: dict[Path, Callable[[int], bool]],
    scope: tuple[set[Path] | None, dict[Path, EntryFilter], set[Path]],
) -> list[Problem]:
    """The problems of the selected files (of a narrowed vocabulary file, of the entries the change
    added or edited), and those reported whatever the selection: a vocabulary that cannot be read
    (it makes every article's ids look unknown) and the errors of entries a selected article uses."""
    selected, entries, vocabulary_paths = scope
    reported: list[Problem] = []
    for path, problems in by_path.items():
        in_scope = selected is None or path in selected
        narrowed = entries.get(path)
        broken_lines = used_broken.get(path)
        reported += [
            p
            for p in problems
            if (in_scope and (narrowed is None or narrowed.reports(p.line, about.get(p, ()))))
            or (path in vocabulary_paths and p.severity == "error" and p.rule == "schema")
            or (broken_lines is not None and p.severity == "error" and broken_lines(p.line))
        ]
    return reported


def article_problems(article: Article, ctx: Context, known_terms: list[Term]) -> list[Problem]:
    """The problems of one article that was read: the rules about the article alone."""
    vocabulary = ctx.vocabulary
    return (
        unknown_id_problems(article, vocabulary)
        + body_problems(article)
        + skipped_level_problems(article)
        + placeholder_problems(article)
        + attribute_list_problems(article)
        + admonition_problems(article)
        + link_problems(article, ctx)
        + stale_title_problems(article, vocabulary, known_terms)
        + untagged_mention_problems(article, vocabulary)
        + image_problems(article)
    )


def _users_of_removed_entries(
    entries: dict[Path, EntryFilter], vocabulary_files: dict[str, Path], articles: list[Article]
) -> set[Path]:
    """The articles that use an entry the change removed or renamed: unchanged themselves, they
    now have an unknown id, which is the change's problem."""
    removed = {
        (kind, entry_id)
        for kind, path in vocabulary_files.items()
        if path in entries
        for entry_id in entries[path].removed
    }
    return {
        file_key(article.path)
        for article in articles
        if any((kind, entry_id) in removed for kind in vocabulary_files for entry_id in article.ids(kind))
    }


def _used_broken_entries(
    vocabulary: Vocabulary, articles: list[Article], selected: set[Path] | None
) -> dict[Path, Callable[[int], bool]]:
    """For each vocabulary file: whether a line is inside an entry that has errors and that a
    selected article uses. Its id is known, so the article is not told it is unknown; the entry's
    errors are what keeps the article from being published, so they are reported with it."""
    wanted: dict[Path, set[int]] = defaultdict(set)
    for article in articles:
        if selected is not None and file_key(article.path) in selected:
            for kind in vocabulary.files:
                for entry_id in article.ids(kind):
                    line = vocabulary.broken.get((kind, entry_id))
                    if line is not None:
                        wanted[file_key(vocabulary.files[kind])].add(line)
    out = {}
    for path, starts in wanted.items():
        try:
            spans = entry_spans(decode_text(path.read_bytes())) or []
        except (OSError, YamlError):
            continue
        lines = {line for span in spans if span.start in starts for line in range(span.start, span.end + 1)}
        out[path] = lines.__contains__
    return out
