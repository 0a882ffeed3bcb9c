"""The whole flow in one place: read → catalog → generate → write.

Used by the ``generate`` and ``build`` commands, the ``mkdocs serve`` hook and ``diff``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .caches import CACHE_FILE, Memo, MemoStore, code_salt, docs_signature, inputs_digest
from .catalog import Catalog
from .checks.generating import checked_jobs, take_problems
from .generators import Job, PageGenerator, iter_rendered, render_jobs
from .images import image_jobs
from .layout import ENTITY_KINDS, Project
from .problems import InputError, Problem
from .readers import Article, FileMemo, file_signature, read_articles, read_vocabulary
from .writers import Changes, DocsWriter


def load_catalog(project: Project, memo: FileMemo | None = None) -> tuple[Catalog, list[Problem]]:
    vocabulary, problems = read_vocabulary(project.vocabulary)
    articles, article_problems = read_articles(project.articles, memo=memo, vocabulary=vocabulary)
    catalog, link_problems = Catalog.build(articles, vocabulary)
    return catalog, problems + article_problems + link_problems


def checked_catalog(project: Project, memo: FileMemo | None = None) -> Catalog:
    """The catalog of the archive, or InputError with every error found."""
    if not project.articles.is_dir():
        raise InputError([Problem(str(project.articles), 1, "error", "Expected an articles/ folder but found none")])
    catalog, problems = load_catalog(project, memo)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return catalog


def render_pages(project: Project) -> tuple[dict[str, str], Catalog]:
    """All pages of the archive, rendered from scratch, or InputError with every problem found."""
    catalog = checked_catalog(project)
    return PageGenerator(catalog, project.site_url).pages(), catalog


@dataclass(frozen=True)
class Generated:
    """What one ``generate`` run did, as docs/-relative page names."""

    count: int  # pages of the archive
    changed: list[str]  # written anew
    removed: list[str]
    rendered: int  # pages rendered (the others were unchanged and kept without rendering)


def generate(project: Project, in_place: bool = False, memo: bool = True, persist: bool = True) -> Generated:
    """Write the pages into docs/, rendering only what changed since the last run (``caches``).

    ``in_place`` (mkdocs serve) replaces changed files one by one; otherwise the new docs/ is
    swapped in whole. ``memo=False`` renders every page and forgets the last run;
    ``persist=False`` keeps the memo of this run in memory only (see ``MemoStore.save``).
    """
    store = MemoStore(project.root / CACHE_FILE, code_salt(project.site_url))
    if not memo:
        store.forget()
    last = store.load() if memo else Memo(store.salt)
    catalog, patched = _catalog_remembering(project, last)
    structure = last.structure if patched else catalog.structure()
    related = _remembered_related(catalog, last) if last.structure == structure else None
    vocabulary = _vocabulary_signature(project)
    rankings = dict(last.rankings) if last.vocabulary == vocabulary else {}  # salience reads the vocabulary
    generator = PageGenerator(catalog, project.site_url, related, rankings)
    jobs = generator.jobs() + image_jobs(catalog.articles)  # images: copied beside their article's page
    todo, keep, digests = [], {}, {}
    for job in jobs:
        digests[job.key] = digest = inputs_digest(job.inputs)
        known = last.jobs.get(job.key)
        if digest is not None and known is not None and known[0] == digest and _untouched(project.docs, known[1]):
            keep[job.key] = list(known[1])
        else:
            todo.append(job)
    todo, errors = checked_jobs(project, catalog, todo)  # check's article errors: refused here too
    kept = [name for names in keep.values() for name in names]
    writer = DocsWriter(project.docs)
    if in_place:
        rendered, changes = _write_in_place(writer, todo, kept, errors)
    else:
        rendered, changes = _write_staged(writer, todo, kept, errors)
    names = {**keep, **rendered}
    jobs_memo = {
        key: (digests[key], {name: docs_signature(f"{project.docs}/{name}") for name in page_names})
        for key, page_names in names.items()
        if digests[key] is not None
    }
    related_urls = {url: [a.url for a in found] for url, found in (generator.related or {}).items()}
    ranked = generator.rankings or {}
    rankings = {a.digest: ranked[a.digest] for a in catalog.articles if a.digest in ranked}
    memo = Memo(store.salt, last.files, structure, related_urls, jobs_memo, vocabulary, catalog, rankings=rankings)
    store.save(memo, persist)
    count = len({name for page_names in rendered.values() for name in page_names})
    return Generated(count + len(kept), changes.changed, changes.removed, count)


def _write_staged(
    writer: DocsWriter, todo: list[Job], kept: list[str], errors: list[Problem]
) -> tuple[dict[str, list[str]], Changes]:
    """Render the jobs into a new docs/ page by page, and swap it in; the page names by job.

    Each job's pages are written as soon as it is rendered and then let go: holding every page
    until the end cost about 300 MB at 10,000 articles. On any error (``errors``, or one a job
    returns) the rest is still rendered, for the whole list, and nothing is swapped in."""
    staging = writer.stage()
    try:
        rendered: dict[str, list[str]] = {}
        for key, job_pages in iter_rendered(todo):
            errors += take_problems({key: job_pages})
            rendered[key] = list(job_pages)
            if not errors:
                for name in rendered[key]:
                    staging.add(name, job_pages.pop(name))
        if errors:
            raise InputError(errors)
        return rendered, staging.finish(kept)
    except BaseException:
        staging.abort()
        raise


def _write_in_place(
    writer: DocsWriter, todo: list[Job], kept: list[str], errors: list[Problem]
) -> tuple[dict[str, list[str]], Changes]:
    """Render every job, then replace the changed files of docs/ (``mkdocs serve``: a few pages
    at a time, and nothing may be written before every error is known)."""
    rendered = render_jobs(todo)
    errors += take_problems(rendered)
    if errors:
        raise InputError(errors)
    pages = {name: text for job_pages in rendered.values() for name, text in job_pages.items()}
    changes = writer.in_place(pages, kept)
    return {key: list(job_pages) for key, job_pages in rendered.items()}, changes


def _vocabulary_signature(project: Project) -> tuple:
    return tuple(file_signature(project.vocabulary_file(kind)) for kind in ENTITY_KINDS)


def _catalog_remembering(project: Project, last: Memo) -> tuple[Catalog, bool]:
    """The catalog, and whether it is the last run's catalog patched rather than built anew.

    When the vocabulary files are untouched and every changed article file kept its frontmatter
    (a correction in the text, the most common edit), no index changes: the new articles take
    the old ones' places. Otherwise the catalog is built from scratch."""
    before = dict(last.files)
    old = last.catalog
    if old is None or last.vocabulary != _vocabulary_signature(project) or not project.articles.is_dir():
        return checked_catalog(project, last.files), False
    articles, problems = read_articles(project.articles, memo=last.files)
    if any(p.severity == "error" for p in problems) or before.keys() != last.files.keys():
        return checked_catalog(project, last.files), False
    swaps = []
    for name, (signature, article, _found) in last.files.items():
        previous = before[name][1]
        if before[name][0] == signature or previous is article:
            continue
        if previous is None or article is None or previous.meta_digest != article.meta_digest:
            return checked_catalog(project, last.files), False
        swaps.append((previous, article))
    for previous, article in swaps:
        old.replace(previous, article)
    return old, True


def _remembered_related(catalog: Catalog, memo: Memo) -> dict[str, list[Article]] | None:
    by_url = {article.url: article for article in catalog.articles}
    try:
        return {url: [by_url[other] for other in others] for url, others in memo.related.items()}
    except KeyError:
        return None


def _untouched(docs: Path, signatures: dict[str, tuple[int, ...]]) -> bool:
    return all(sig is not None and docs_signature(f"{docs}/{name}") == sig for name, sig in signatures.items())
