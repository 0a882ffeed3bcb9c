"""The pull-request preview report: which pages a change adds, changes and removes, and why.

``compare_refs`` generates the pages of two git refs in temporary worktrees (or the working
tree for the head) with ``render_pages`` and compares them page by page. Every changed page
gets a reason derived from the two catalogs ("1 article added", "related articles changed"),
so a reviewer sees why an index page changed, not only that it did. Nothing here builds
HTML: the comparison is of the generated Markdown, which is what decides the site's content.

Used by ``python -m build_tools diff`` and, through it, by the preview workflow.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from .catalog import Catalog
from .checks.runner import run_checks
from .generators import inline
from .layout import (
    ARCHIVE_DIR,
    ARCHIVE_PAGE,
    FEEDS_DIR,
    HOME_PAGE,
    KIND,
    Project,
    article_page,
    entity_page,
    feed_path,
    overview_page,
    page_url,
)
from .pipeline import render_pages
from .problems import InputError, Problem
from .readers import Article

MARKER = "<!-- explainer-archive-preview -->"
MAX_ROWS = 150  # per section of the Markdown report; the JSON report lists everything


class GitError(Exception):
    """A git command failed (not a repository, unknown ref, worktree trouble)."""


# -- pages and URLs ------------------------------------------------------------------------


def article_path(article: Article) -> str:
    return article_page(article.year, article.slug)


def listing_page(path: str) -> str:
    """The page whose list of articles a generated file follows: a feed follows its index page."""
    if path == feed_path():
        return HOME_PAGE
    if path.startswith(FEEDS_DIR + "/") and path.endswith(".xml"):
        kind, _, entry_id = path[len(FEEDS_DIR) + 1 : -len(".xml")].partition("/")
        return entity_page((kind, entry_id))
    return path


def page_title(text: str) -> str:
    """The ``title`` of a generated page's frontmatter, or of a feed (HTML-unescaped), or ``""``."""
    if text.lstrip().startswith("<?xml") or text.lstrip().startswith("<"):
        found = re.search(r"<title[^>]*>(.*?)</title>", text, re.S)
        return html.unescape(found[1].strip()) if found else ""
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not match:
        return ""
    try:
        data = yaml.safe_load(match[1])
    except yaml.YAMLError:
        return ""
    title = data.get("title") if isinstance(data, dict) else None
    return html.unescape(str(title)) if title is not None else ""


# -- the comparison ------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The generated pages of one version of the archive, and the catalog they came from."""

    project: Project
    pages: dict[str, str]
    catalog: Catalog

    @classmethod
    def of(cls, project: Project) -> Snapshot:
        pages, catalog = render_pages(project)
        return cls(project, pages, catalog)

    @cached_property
    def articles(self) -> dict[str, Article]:
        """Published articles by page path."""
        return {article_path(a): a for a in self.catalog.articles}

    def source_path(self, page: str) -> str:
        article = self.articles[page]
        try:
            return article.path.resolve().relative_to(self.project.root.resolve()).as_posix()
        except ValueError:
            return article.path.as_posix()

    def members(self, page: str) -> set[str] | None:
        """The articles an index page lists or counts (page paths); None for other pages."""
        catalog = self.catalog
        page = listing_page(page)
        if page in (HOME_PAGE, ARCHIVE_PAGE):
            return set(self.articles)
        parts = page.removesuffix(".md").split("/")
        if len(parts) != 2:
            return None
        section, name = parts
        if section == ARCHIVE_DIR and name.isdigit():
            return {article_path(a) for a in catalog.by_year.get(int(name), [])}
        if section in KIND and name == "index":
            return {
                article_path(a)
                for entry_id in catalog.vocabulary.entries[section]
                for a in catalog.by_entity.get((section, entry_id), [])
            }
        if section in KIND:
            return {article_path(a) for a in catalog.by_entity.get((section, name), [])}
        return None

    def entry(self, page: str):
        parts = listing_page(page).removesuffix(".md").split("/")
        if len(parts) == 2 and parts[0] in KIND and parts[1] != "index":
            return self.catalog.vocabulary.get(parts[0], parts[1])
        return None


def _fingerprint(article) -> tuple:
    return (article.meta.model_dump_json(), article.body)


def _listing(article) -> tuple:
    """What an index page names an article by (its summary shows too: markup.teaser's dek)."""
    return (article.meta.title, article.meta.date)


def _shows_summaries(page: str) -> bool:
    """The home, year and entity pages list articles as teasers, which show each one's summary
    (markup.teaser); the archive and kind overviews only count them."""
    kind = page.split("/")[0]
    return page != ARCHIVE_PAGE and not (kind in KIND and page == overview_page(kind))


def _summary(snapshot: Snapshot, page: str) -> str | None:
    return snapshot.articles[page].meta.summary


def _count(number: int, word: str) -> str:
    if number != 1:
        word = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{number} {word}"


@dataclass(frozen=True)
class PageChange:
    status: str  # "added", "changed" or "removed"
    path: str  # relative to docs/
    url: str
    title: str
    reasons: tuple[str, ...]
    source: str = ""  # the article's file, for article pages


def _added_reasons(page: str, base: Snapshot, head: Snapshot) -> tuple[str, ...]:
    if page in head.articles:
        return ("new article",)
    if head.entry(page) is not None and base.entry(page) is None:
        return (f"new {KIND[listing_page(page).split('/')[0]].singular}",)
    return tuple(_membership_reasons(page, base, head)) or ("new page",)


def _removed_reasons(page: str, base: Snapshot, head: Snapshot) -> tuple[str, ...]:
    if page in base.articles:
        return ("article removed or made a draft",)
    if base.entry(page) is not None and head.entry(page) is None:
        return (f"{KIND[listing_page(page).split('/')[0]].singular} removed from the vocabulary",)
    return tuple(_membership_reasons(page, base, head)) or ("page removed",)


def _membership_reasons(page: str, base: Snapshot, head: Snapshot) -> list[str]:
    """Why an index page (or feed) changed, from the articles it lists in each version."""
    reasons: list[str] = []
    old_members, new_members = base.members(page), head.members(page)
    if new_members is not None:
        old_members = old_members or set()
        came, went = new_members - old_members, old_members - new_members
        added = {p for p in came if p not in base.articles}
        removed = {p for p in went if p not in head.articles}
        if added:
            reasons.append(f"{_count(len(added), 'article')} added")
        if came - added:
            reasons.append(f"{_count(len(came - added), 'article')} newly listed")
        if removed:
            reasons.append(f"{_count(len(removed), 'article')} removed")
        if went - removed:
            reasons.append(f"{_count(len(went - removed), 'article')} no longer listed")
        edited = [p for p in old_members & new_members if _listing(base.articles[p]) != _listing(head.articles[p])]
        if edited:
            reasons.append(f"{_count(len(edited), 'listed article')} retitled or redated")
        elif page.endswith(".md"):
            if _shows_summaries(page):
                summaries = [p for p in old_members & new_members if _summary(base, p) != _summary(head, p)]
                if summaries:
                    reasons.append(f"{_count(len(summaries), 'listed summary')} changed")
        else:  # a feed carries each article's summary and text too
            changed = [
                p for p in old_members & new_members if _fingerprint(base.articles[p]) != _fingerprint(head.articles[p])
            ]
            if changed:
                reasons.append(f"{_count(len(changed), 'listed article')} changed")

    return reasons


def _changed_reasons(page: str, base: Snapshot, head: Snapshot) -> tuple[str, ...]:
    reasons: list[str] = []
    if page in head.articles and page in base.articles:
        old, new = base.articles[page], head.articles[page]
        if _fingerprint(old) != _fingerprint(new):
            reasons.append("article changed")
        if [article_path(a) for a in base.catalog.related(old)] != [article_path(a) for a in head.catalog.related(new)]:
            reasons.append("related articles changed")
        names = (
            [base.catalog.entry(k).name for k in base.catalog.keys_of(old)],
            [head.catalog.entry(k).name for k in head.catalog.keys_of(new)],
        )
        if names[0] != names[1] and "article changed" not in reasons:
            reasons.append("tag names changed")
        return tuple(reasons) or ("page changed",)

    reasons += _membership_reasons(page, base, head)
    old_entry, new_entry = base.entry(page), head.entry(page)
    if old_entry is not None and new_entry is not None and old_entry != new_entry:
        reasons.append(f"{KIND[listing_page(page).split('/')[0]].singular} entry changed")
    kind = listing_page(page).split("/")[0]
    if kind in KIND and listing_page(page) == overview_page(kind):
        old_ids = set(base.catalog.vocabulary.entries[kind])
        new_ids = set(head.catalog.vocabulary.entries[kind])
        if new_ids - old_ids:
            reasons.append(f"{_count(len(new_ids - old_ids), 'entry')} added")
        if old_ids - new_ids:
            reasons.append(f"{_count(len(old_ids - new_ids), 'entry')} removed")
        if not reasons and any(
            base.catalog.vocabulary.entries[kind][i] != head.catalog.vocabulary.entries[kind][i]
            for i in old_ids & new_ids
        ):
            reasons.append("entries changed")
    if not reasons and base.entry(page) is not None:
        reasons.append("related entities changed")
    return tuple(reasons) or ("page changed",)


def compare(base: Snapshot, head: Snapshot) -> list[PageChange]:
    """Every page that differs between the two snapshots, sorted by status then URL."""
    changes: list[PageChange] = []
    for page in sorted(set(base.pages) | set(head.pages)):
        old, new = base.pages.get(page), head.pages.get(page)
        if old == new:
            continue
        if old is None:
            status, reasons, text, snap = "added", _added_reasons(page, base, head), new, head
        elif new is None:
            status, reasons, text, snap = "removed", _removed_reasons(page, base, head), old, base
        else:
            status, reasons, text, snap = "changed", _changed_reasons(page, base, head), new, head
        source = snap.source_path(page) if page in snap.articles else ""
        changes.append(PageChange(status, page, "/" + page_url(page), page_title(text), reasons, source))
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(changes, key=lambda c: (order[c.status], c.url))


# -- checks --------------------------------------------------------------------------------


@dataclass
class CheckSummary:
    available: bool
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    note: str = ""

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def run_checks_on(project: Project, sources: list[str]) -> CheckSummary:
    """``build_tools.checks.runner.run_checks`` on the given article files."""
    if not sources:
        return CheckSummary(True, [], [], "no article added or changed")
    problems = run_checks(project, [project.root / s for s in sources])
    shown = []
    root = project.root.resolve().as_posix().rstrip("/") + "/"
    for problem in problems:
        path = problem.path
        if path.startswith(root):
            path = path[len(root) :]
        shown.append(Problem(path, problem.line, problem.severity, problem.message, problem.rule))
    return CheckSummary(True, sources, sorted(shown))


# -- git -----------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        if not Path(cwd).is_dir():
            raise GitError(f"Expected a folder but found none at {cwd}") from exc
        raise GitError("git is not installed") from exc
    except (OSError, UnicodeError) as exc:  # an unreadable folder, output that is not UTF-8
        raise GitError(f"git {' '.join(args)} could not run in {cwd}: {exc}") from exc
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout.strip()


def resolve_ref(repo: Path, ref: str) -> str:
    if ref.startswith("-"):
        raise GitError(f"Expected a git ref but received {ref!r}")
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except GitError:
        raise GitError(f"Expected a commit but {ref!r} names none in {repo}") from None


@contextlib.contextmanager
def worktree(repo: Path, commit: str) -> Iterator[Path]:
    """A detached worktree of ``commit`` in a temporary folder, removed afterwards whatever happens."""
    holder = Path(tempfile.mkdtemp(prefix="explainer-diff-"))
    tree = holder / "tree"
    try:
        git(repo, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        yield tree
    finally:
        with contextlib.suppress(GitError):
            git(repo, "worktree", "remove", "--force", str(tree))
        shutil.rmtree(holder, ignore_errors=True)
        with contextlib.suppress(GitError):
            git(repo, "worktree", "prune")


@dataclass
class Preview:
    base: str  # the ref as given
    base_commit: str
    head: str  # the ref as given, or "working tree"
    head_commit: str  # "" for the working tree
    changes: list[PageChange]
    checks: CheckSummary
    head_problems: list[Problem] = field(default_factory=list)  # the head does not generate

    def of_status(self, status: str) -> list[PageChange]:
        return [c for c in self.changes if c.status == status]

    @property
    def changed_sources(self) -> list[str]:
        """Article files of the head whose own page was added or whose article changed."""
        return sorted(
            {c.source for c in self.changes if c.source and (c.status == "added" or "article changed" in c.reasons)}
        )


def compare_refs(project: Project, base_ref: str, head_ref: str | None = None) -> Preview:
    """Generate both versions and compare them.

    Raises GitError (a bad ref, git failing), InputError when the *base* does not generate, and
    OSError or CheckError when files cannot be read; when the *head* does not generate, the
    Preview carries its problems in ``head_problems`` instead.
    """
    top = Path(git(project.root, "rev-parse", "--show-toplevel")).resolve()
    try:
        inside = project.root.resolve().relative_to(top)
    except ValueError:
        raise GitError(f"Expected {project.root} inside its git repository {top}") from None
    base_commit = resolve_ref(top, base_ref)
    head_commit = resolve_ref(top, head_ref) if head_ref is not None else ""

    with worktree(top, base_commit) as tree:
        base = Snapshot.of(Project(tree / inside))

    def finish(head_project: Project) -> Preview:
        try:
            head = Snapshot.of(head_project)
        except InputError as exc:
            checks = CheckSummary(False, [], [], "the pages could not be generated")
            return Preview(base_ref, base_commit, head_ref or "working tree", head_commit, [], checks, exc.problems)
        changes = compare(base, head)
        preview = Preview(base_ref, base_commit, head_ref or "working tree", head_commit, changes, CheckSummary(True))
        preview.checks = run_checks_on(head_project, preview.changed_sources)
        return preview

    if head_ref is None:
        return finish(project)
    with worktree(top, head_commit) as tree:
        return finish(Project(tree / inside))


# -- reports -------------------------------------------------------------------------------


# Everything in a report that comes from the pull request (titles, paths, refs, messages) is
# shown as a code span, in which GitHub renders no Markdown, HTML, link, autolink, @mention,
# issue reference or emoji. The only links are to pages of the preview itself: a base URL
# given on the command line (checked by BASE_URL) joined with a URL path made of slug-like
# segments (checked by URL_PATH).

BASE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/-]*)?")
URL_PATH = re.compile(r"/(?:[a-z0-9][a-z0-9-]*/)*(?:[a-z0-9][a-z0-9-]*\.xml)?")
MAX_VALUE = 300  # characters of one untrusted value shown in the report
_INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)


def visible(text: str, limit: int = MAX_VALUE) -> str:
    """Untrusted text on one line, control and invisible characters (bidi, zero-width) shown as
    ``\\uXXXX``, at most ``limit`` characters."""
    text = " ".join(str(text).split())
    text = _INVISIBLE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def md_code(text: str, cell: bool = False) -> str:
    """Untrusted text as an inert Markdown code span: delimited by one backtick more than the
    longest run of backticks in it, so nothing inside can close it. ``cell``: the span is in a
    table, where a ``|`` would end the cell even inside a code span (shown as ``¦`` instead)."""
    text = visible(text)
    if cell:
        text = text.replace("|", "¦")
    if not text:
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""  # one space each side is stripped
    return f"{fence}{pad}{text}{pad}{fence}"


def md_text(text: str) -> str:
    """Text of the tool's own (a reason, a count) as literal Markdown: ASCII punctuation
    escaped, ``<``, ``>`` and ``&`` as entities, ``www``, ``://`` and ``@`` broken by a zero-width
    space (no autolinks or @mentions). Anything from the pull request goes through ``md_code``."""
    text = inline(visible(text, limit=10 * MAX_VALUE))  # the generator's escaping, and more:
    text = re.sub(r"([\-.])", r"\\\1", text)  # no list item or numbered list in a comment line
    for word in ("www", "://", "@"):
        text = text.replace(word, word[0] + "&#8203;" + word[1:])
    return text


def join_url(base_url: str, url: str) -> str:
    return base_url.rstrip("/") + url if base_url else url


def page_link(base_url: str, url: str) -> str:
    """A page of the preview as a link when the base URL and the page's path are plain, else its path."""
    if base_url and BASE_URL.fullmatch(base_url) and URL_PATH.fullmatch(url):
        return f"[`{url}`]({join_url(base_url, url)})"
    return md_code(url, cell=True)


def to_markdown(preview: Preview, base_url: str = "") -> str:
    """The report for a pull-request comment or job summary: inert whatever the articles contain."""
    short = (preview.base_commit[:7], preview.head_commit[:7])
    head = f"{md_code(preview.head)} ({md_code(short[1])})" if preview.head_commit else "the working tree"
    lines = [MARKER, "## Preview of the changes", ""]
    lines.append(f"Compared {md_code(preview.base)} ({md_code(short[0])}) with {head}.")
    if base_url and BASE_URL.fullmatch(base_url):
        lines.append(f"Preview: <{base_url}>")
    lines.append("")
    if preview.head_problems:
        lines += ["**The pages could not be generated:**", ""]
        lines += [f"- {md_code(p.format())}" for p in preview.head_problems[:MAX_ROWS]]
        if len(preview.head_problems) > MAX_ROWS:
            lines.append(f"- … and {len(preview.head_problems) - MAX_ROWS} more")
        return "\n".join(lines) + "\n"
    added, changed, removed = (preview.of_status(s) for s in ("added", "changed", "removed"))
    lines.append(
        f"**{_count(len(added), 'page')} added, {len(changed)} changed, {len(removed)} removed.**"
        if preview.changes
        else "**No page changes.**"
    )
    for title, group in (("Added", added), ("Changed", changed), ("Removed", removed)):
        if not group:
            continue
        lines += ["", f"### {title} ({len(group)})", "", "| page | URL | why |", "| --- | --- | --- |"]
        for change in group[:MAX_ROWS]:
            name = md_code(change.title or change.url, cell=True)
            url = md_code(change.url, cell=True) if change.status == "removed" else page_link(base_url, change.url)
            lines.append(f"| {name} | {url} | {md_text(', '.join(change.reasons))} |")
        if len(group) > MAX_ROWS:
            lines.append(f"| … and {len(group) - MAX_ROWS} more | | |")
    lines += ["", "### Checks", ""]
    checks = preview.checks
    if not checks.available:
        lines.append(f"Not run: {md_code(checks.note)}")
    elif not checks.files:
        lines.append(f"_{md_text(checks.note or 'nothing to check')}_")
    else:
        lines.append(
            f"{_count(checks.errors, 'error')}, {_count(checks.warnings, 'warning')} "
            f"in {_count(len(checks.files), 'changed article')}."
        )
        if checks.problems:
            lines.append("")
            lines += [f"- {md_code(p.format())}" for p in checks.problems[:MAX_ROWS]]
            if len(checks.problems) > MAX_ROWS:
                lines.append(f"- … and {len(checks.problems) - MAX_ROWS} more")
    return "\n".join(lines) + "\n"


def to_json(preview: Preview, base_url: str = "") -> str:
    def change(c: PageChange) -> dict:
        data = asdict(c)
        data["reasons"] = list(c.reasons)
        if base_url and c.status != "removed":
            data["preview_url"] = join_url(base_url, c.url)
        return data

    data = {
        "base": {"ref": preview.base, "commit": preview.base_commit},
        "head": {"ref": preview.head, "commit": preview.head_commit or None},
        "summary": {s: len(preview.of_status(s)) for s in ("added", "changed", "removed")},
        "added": [change(c) for c in preview.of_status("added")],
        "changed": [change(c) for c in preview.of_status("changed")],
        "removed": [change(c) for c in preview.of_status("removed")],
        "checks": {
            "available": preview.checks.available,
            "note": preview.checks.note,
            "files": preview.checks.files,
            "errors": preview.checks.errors,
            "warnings": preview.checks.warnings,
            "problems": [asdict(p) for p in preview.checks.problems],
        },
        "generate_errors": [asdict(p) for p in preview.head_problems],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
