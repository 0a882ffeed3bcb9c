"""``make serve`` shows check's errors on the pages it serves, not only in the terminal.

When an edit brings an error, ``generate`` refuses it and the served pages stay as they were
(the last good text): a writer looking at the browser would not know why the edit does not
show. So the MkDocs hook (serve only; a built site never has it) puts a banner at the top of:

* the page of each article with errors, listing that file's problems as ``file:line: message``;
* the home page, listing every problem (a new article with an error has no page yet).

``mkdocs serve --dirty`` renders again only pages whose docs/ file is newer than its output,
so those pages' files are touched (their text is unchanged); once the errors are fixed, the
pages that had a banner are touched again so that it goes.
"""

from __future__ import annotations

import contextlib
import html
import os
import sys
from pathlib import Path

from .layout import ARTICLE_FILENAME_RE, HOME_PAGE, article_page, page_source
from .problems import Problem

MAX_SHOWN = 30  # a banner lists at most this many problems, then says how many more


def source_page(source: str) -> str | None:
    """The docs/ page of an article file ``articles/<YYYY>/<YYYY-MM-DD>-<slug>.md``, or None."""
    match = ARTICLE_FILENAME_RE.match(os.path.basename(source))
    if match is None or not source.startswith("articles/"):
        return None
    return article_page(int(match["date"][:4]), match["slug"])


def pages_with_banner(problems: list[Problem]) -> set[str]:
    """The docs/ pages that show a banner for these problems."""
    pages = {source_page(problem.path) for problem in problems}
    return {page for page in pages if page is not None} | {HOME_PAGE}


def touch(docs: Path, pages: set[str]) -> None:
    """Mark pages as changed for ``mkdocs serve --dirty`` without changing their text."""
    for page in sorted(pages):
        with contextlib.suppress(OSError):  # not generated yet: nothing served to mark
            os.utime(docs / page)


def remember(state: dict, docs: Path, problems: list[Problem]) -> None:
    """After a regeneration: the problems to show (none after a clean one), and the pages to
    render again so that banners appear or go."""
    before = state.get("banner_pages", set())
    now = pages_with_banner(problems) if problems else set()
    state["problems"], state["banner_pages"] = list(problems), now
    touch(docs, before | now)


def report(problems: list[Problem]) -> None:
    """The problems in the terminal, as ``check`` prints them. Printed rather than logged as
    MkDocs errors: ``strict: true`` would abort the rebuild, and the banner would never show."""
    for problem in problems:
        print(f"ERROR    -  {problem.format()}", file=sys.stderr)
    print(
        "ERROR    -  articles have errors: the pages were not regenerated (shown on the served pages)", file=sys.stderr
    )
    sys.stderr.flush()


def with_banner(page_html: str, src_uri: str, meta: dict, problems: list[Problem]) -> str:
    """The page's HTML with a banner of its problems on top (all of them on the home page)."""
    if not problems:
        return page_html
    if src_uri == HOME_PAGE:
        shown = problems
    else:
        date = meta.get("date")
        source = page_source(src_uri, date if isinstance(date, str) else None)
        shown = [problem for problem in problems if problem.path == source]
    if not shown:
        return page_html
    items = "".join(f"<li><code>{html.escape(p.format())}</code></li>" for p in shown[:MAX_SHOWN])
    more = f"<p>… and {len(shown) - MAX_SHOWN} more (see the terminal).</p>" if len(shown) > MAX_SHOWN else ""
    banner = (
        '<div class="admonition failure" data-pagefind-ignore="all">'
        f'<p class="admonition-title">{len(shown)} error(s): the pages were not regenerated; '
        "this shows the last version without errors</p>"
        f"<ul>{items}</ul>{more}<p>Fix them and save: the page reloads. "
        "<code>python -m build_tools check</code> lists the same.</p></div>"
    )
    return banner + page_html
