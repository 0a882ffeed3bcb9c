"""The run of ``check``: ``run_checks(project, paths)`` reads the whole archive once and returns
every problem of the selected files (all of them when ``paths`` is None). Cross-archive rules
(duplicate slugs and sources, near-duplicates, unused vocabulary) always look at the whole
archive but only report on the selected files. Each ``Problem`` carries a ``rule`` name, one of
``rules.RULES``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import Project
from ..problems import Problem, display_path
from ..readers import Article, Vocabulary, discover, read_article, read_vocabulary, unknown_id_problems
from .body import admonition_problems, attribute_list_problems, body_problems
from .duplicates import duplicate_slug_problems, duplicate_source_problems, near_duplicate_problems
from .links import index_pages, link_problems
from .mentions import untagged_mention_problems
from .selection import CheckError, file_key, selected_files
from .stale import stale_title_problems, terms
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


def check(project: Project, paths: list[Path] | None = None) -> Report:
    """Every problem of the given files (every article and vocabulary file when None), and how
    many of them were read and checked (a skipped symbolic link is reported, not counted)."""
    if not project.articles.is_dir():
        raise CheckError(f"Expected an articles/ folder in {project.root} but found none")
    selected = None if paths is None else selected_files(project, paths)
    by_path: dict[Path, list[Problem]] = defaultdict(list)

    vocabulary, vocabulary_problems = read_vocabulary(project.vocabulary)
    vocabulary_files = {kind: file_key(path) for kind, path in vocabulary.files.items()}
    shown_to_path = {display_path(p, project.root): p for p in vocabulary_files.values()}
    for problem in vocabulary_problems:
        by_path[shown_to_path.get(problem.path, project.vocabulary.resolve())].append(problem)

    articles: list[Article] = []
    found, skipped = discover(project.articles)
    for path, problem in skipped:
        by_path[file_key(path)].append(problem)
    read = {file_key(path) for path in found} | {p for p in vocabulary_files.values() if p.is_file()}
    for path in found:
        article, problems = read_article(path, project.root, vocabulary)
        by_path[file_key(path)] += problems
        if article is not None:
            articles.append(article)

    ctx = Context(project, vocabulary, articles)
    index_pages(ctx)
    known_terms = terms(vocabulary)
    for article in articles:
        key = file_key(article.path)
        if selected is not None and key not in selected:
            continue
        by_path[key] += unknown_id_problems(article, vocabulary)
        by_path[key] += body_problems(article)
        by_path[key] += attribute_list_problems(article) + admonition_problems(article)
        by_path[key] += link_problems(article, ctx)
        by_path[key] += stale_title_problems(article, vocabulary, known_terms)
        by_path[key] += untagged_mention_problems(article, vocabulary)
    for article, problem in (
        duplicate_slug_problems(articles) + duplicate_source_problems(articles) + near_duplicate_problems(articles)
    ):
        by_path[file_key(article.path)].append(problem)
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
