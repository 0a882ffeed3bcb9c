"""``generate`` refuses what ``check`` refuses in an article: the same rules, the same messages.

Before, generate refused only what the reader refuses (frontmatter, file name, unknown ids),
so a page with a broken link, a missing image or raw HTML was generated and failed later, in
the strict MkDocs build or not at all. Here each article page's job also runs check's rules
about the article alone that can be errors (body, placeholder, HTML, links, images), in the
same worker that renders the page, so a clean generate of 10,000 articles spreads the cost
over its processes (about 1 ms an article) and an incremental one pays it only for the pages
it renders again: a kept page was made by a run that refused its errors. An article's images
are looked at on every run when it has any (a file may change while the article does not).

Not here (check alone reports them): the rules that compare the whole archive (duplicate
sources, near-duplicates, the vocabulary's own lint); they cost a pass over every article and
break no page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..problems import Problem
from .body import admonition_problems, attribute_list_problems, body_problems
from .images import image_problems
from .links import index_pages, link_problems
from .placeholders import placeholder_problems
from .runner import Context

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..generators import Job
    from ..layout import Project
    from ..readers import Article

# The key under which an article job returns its article's errors with its pages: never a
# docs/ name (a NUL cannot be in a file name), taken out before anything is written.
PROBLEMS = "\0problems"


def article_errors(article: Article, ctx: Context) -> list[Problem]:
    """check's errors about this article alone (``runner.article_problems``' rules that can be
    errors; ids are checked when the catalog is built)."""
    found = (
        body_problems(article)
        + placeholder_problems(article)
        + attribute_list_problems(article)
        + admonition_problems(article)
        + link_problems(article, ctx)
        + image_problems(article)
    )
    return [problem for problem in found if problem.severity == "error"]


def checked_jobs(project: Project, catalog: Catalog, jobs: list[Job]) -> tuple[list[Job], list[Problem]]:
    """The jobs to render, each article page's job also returning its article's errors (see
    PROBLEMS); and the image errors of every article with images."""
    by_key = {f"article {article.url}": article for article in catalog.articles}
    ctx = Context(project, catalog.vocabulary, list(catalog.articles))
    if any(job.key in by_key for job in jobs):  # the pages links may point to: only when needed
        index_pages(ctx)
    out = [
        replace(job, render=_checking(job.render, by_key[job.key], ctx)) if job.key in by_key else job for job in jobs
    ]
    images = [p for a in catalog.articles if a.meta.images for p in image_problems(a) if p.severity == "error"]
    return out, images


def _checking(render, article: Article, ctx: Context):
    def run() -> dict:
        pages = render()
        errors = article_errors(article, ctx)
        if errors:
            pages[PROBLEMS] = errors
        return pages

    return run


def take_problems(rendered: dict[str, dict]) -> list[Problem]:
    """Remove the errors the jobs returned from their pages, and return them."""
    return [problem for pages in rendered.values() for problem in pages.pop(PROBLEMS, [])]
