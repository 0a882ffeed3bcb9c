"""Ingest checks what it writes: every article runs through the per-article rules of ``check``
(schema and location, vocabulary ids, body and headings, raw HTML, links, stale titles), so the
run says which articles need editing before ``generate`` publishes them.

The rules that compare an article with the rest of the archive (duplicate slugs and sources,
near-duplicates, unused vocabulary) are ``check``'s alone: ingest's own duplicate detection
(``decide``) stands in for them.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..checks.body import admonition_problems, attribute_list_problems, body_problems
from ..checks.links import index_pages, link_problems
from ..checks.runner import Context
from ..checks.stale import Term, stale_title_problems, terms
from ..layout import Project
from ..problems import Problem, display_path
from ..readers import Vocabulary, read_article, unknown_id_problems


@dataclass
class Verifier:
    """The rules of ``check`` for one article at a time, with what they need computed once."""

    project: Project
    vocabulary: Vocabulary
    context: Context
    known_terms: list[Term]

    @classmethod
    def open(cls, project: Project, vocabulary: Vocabulary) -> Verifier:
        context = Context(project, vocabulary, [])
        index_pages(context)
        return cls(project, vocabulary, context, terms(vocabulary))

    def problems(self, text: str, target: Path) -> list[Problem]:
        """The problems ``check`` would report for ``text`` written at ``target`` (an article path
        under articles/), reported under that path. The text is read from a scratch copy, so an
        article can be checked before it is written (and in a dry run)."""
        relative = target.relative_to(self.project.articles)
        shown = display_path(target, self.project.root)
        with tempfile.TemporaryDirectory(prefix="ingest-check-") as scratch:
            root = Path(scratch)
            path = root / self.project.articles.name / relative
            path.parent.mkdir(parents=True)
            path.write_text(text, encoding="utf-8")
            article, problems = read_article(path, root, self.vocabulary)
            if article is not None:
                problems += unknown_id_problems(article, self.vocabulary)
                problems += body_problems(article) + attribute_list_problems(article)
                problems += admonition_problems(article) + link_problems(article, self.context)
                problems += stale_title_problems(article, self.vocabulary, self.known_terms)
        return sorted({dataclasses.replace(problem, path=shown) for problem in problems}, key=_order)


def _order(problem: Problem) -> tuple:
    return (problem.severity != "error", problem.line, problem.rule, problem.message)


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == "error"]
