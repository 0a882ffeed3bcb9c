"""MkDocs hook: during ``mkdocs serve``, regenerate docs/ before every rebuild.

An edit to a file in articles/ triggers a rebuild (``watch:`` in mkdocs.yml); this hook
rewrites only the pages whose text changed, so the served site follows the edit without a
separate ``generate`` step. ``mkdocs build`` is left alone: ``make site`` generates first.

In every build the hook cleans each generated page's HTML (``on_page_content``); and under
``ARCHIVE_PARTITION=K/M`` (``build --jobs``, ``build --partition``) it limits the process to
its share of the pages (``on_files``, ``on_env``; see ``build_tools.partitions``).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# What every build needs. What only `mkdocs serve` needs (the generator, the build stamp, the
# lock, the problem banner, kernel file events) is imported where serve uses it: each MkDocs
# process of a parallel build would otherwise pay for importing the whole generator.
from build_tools.layout import GENERATED, Project, page_source  # noqa: E402
from build_tools.partitions import ENV as PARTITION_ENV  # noqa: E402
from build_tools.partitions import Partition, PartitionError, assign  # noqa: E402
from build_tools.sanitize import clean_html, clean_text, is_generated_page, removed  # noqa: E402

log = logging.getLogger("mkdocs.plugins.build_tools")
_state: dict = {"command": None, "dirty": False, "partition": None}


class _ExpectedDirtyWarning(logging.Filter):
    """`build` re-renders only changed pages (``--dirty``) and vouches for it: the nav is a small
    fixed list and every page whose text depends on another is regenerated as Markdown, so
    MkDocs' generic warning about dirty builds does not apply and must not fail --strict."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def on_startup(command: str, dirty: bool = False, **_) -> None:
    _state["command"], _state["dirty"] = command, dirty
    vouched = os.environ.get("ARCHIVE_INCREMENTAL") == "1" or bool(os.environ.get(PARTITION_ENV))
    if dirty and (command == "serve" or vouched):
        logging.getLogger("mkdocs.commands.build").addFilter(_ExpectedDirtyWarning())


def _never_modified() -> bool:
    return False


def on_files(files, config, **_):
    """With ``ARCHIVE_PARTITION=K/M`` (``build --jobs``, ``build --partition``): render only
    partition K's pages (``build_tools.partitions``). Every file stays known to MkDocs, so each
    rendered page's links are checked against the whole site; the others are reported to
    MkDocs' dirty mechanism as unmodified, so it neither reads nor writes them. Static files are
    copied by partition 1 only."""
    spec = os.environ.get(PARTITION_ENV)
    if not spec or _state["command"] != "build":
        return files
    try:
        partition = Partition.parse(spec)
    except PartitionError as exc:
        raise PluginError(f"{PARTITION_ENV}: {exc}") from None
    if not _state["dirty"]:
        raise PluginError(f"{PARTITION_ENV} needs `mkdocs build --dirty` (else every page is rendered)")
    pages = files.documentation_pages()
    sizes = [(file.src_uri, os.path.getsize(file.abs_src_path)) for file in pages]
    mine = set(assign(sizes, partition.count)[partition.index - 1])
    for file in files:
        if file.src_uri in mine or (partition.first and not file.is_documentation_page()):
            continue
        file.is_modified = _never_modified
    _state["partition"] = partition
    log.info("partition %s: rendering %d of %d pages", partition, len(mine), len(pages))
    return files


def on_env(env, config, files, **_):
    """A partition other than the first writes none of the theme's static pages (404, sitemap):
    partition 1 does, once."""
    partition = _state["partition"]
    if partition is not None and not partition.first:
        config.theme.static_templates.clear()
        config.extra_templates.clear()
    return env


def _changes_only_observer():
    """The kernel-event observer, told to report changes only: reading a file (which every
    rebuild does to every article) must not look like an edit and start another rebuild."""
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )
    from watchdog.observers import Observer

    changes = [
        FileModifiedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileMovedEvent,
        FileClosedEvent,
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
    ]

    class ChangesOnly(Observer):
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
            return super().schedule(
                event_handler, path, recursive=recursive, event_filter=changes, follow_symlink=follow_symlink
            )

    return ChangesOnly()


def on_serve(server, config, builder, **_):
    """Watch with the kernel's file events instead of MkDocs' polling, and not docs/ as a whole.

    MkDocs polls every watched file twice a second from threads of this process; on a 10,000
    article archive that is 20,000 files a poll, and the polling threads slow every rebuild.
    The generated folders of docs/ are written by this very hook during a build, so watching
    them only triggers a second, useless rebuild: the hand-written files of docs/ are watched
    one by one instead (a new file there needs a restart of `make serve`).
    """
    docs = Path(config.docs_dir)
    try:
        paths = [p for p in server._watched_paths if Path(p) != docs]
        paths += [str(p) for p in sorted(docs.iterdir()) if p.name not in GENERATED]
        server._watched_paths.clear()
        server._watch_refs.clear()
    except AttributeError:  # another MkDocs version: keep its own watching
        return server
    server.observer = _changes_only_observer()
    for path in paths:
        server.watch(path)
    return server


def on_post_build(config, **_) -> None:
    """In serve mode, link the search index of the last `make site` into the served folder."""
    if _state["command"] != "serve":
        return
    built = Project(Path(config.config_file_path).resolve().parent).site / "pagefind"
    served = Path(config.site_dir) / "pagefind"
    if built.is_dir() and not served.exists():
        served.symlink_to(built, target_is_directory=True)


def on_pre_build(config, **_) -> None:
    """In serve mode, regenerate docs/ holding the archive's lock (``writers.archive_lock``): a
    `make site` running meanwhile is waited for, and no `make site` starts while this writes
    docs/ or copies site/. It is not held while MkDocs renders the served pages, so a serve
    never holds up a build for long (a build meanwhile changes only what the serve reads)."""
    if _state["command"] != "serve":
        return
    from build_tools.writers import archive_lock

    project = Project(Path(config.config_file_path).resolve().parent)

    def waiting(holder: str) -> None:
        log.info("waiting for the running build of this archive (%s) to finish", holder)

    with archive_lock(project.root, "mkdocs serve", waiting=waiting):
        _regenerate(project, Path(config.site_dir))


def _regenerate(project: Project, served: Path) -> None:
    from build_tools.pipeline import generate
    from build_tools.problems import InputError
    from build_tools.serve_problems import remember as remember_problems
    from build_tools.serve_problems import report as report_problems

    if not _state.get("seeded"):
        _state["seeded"] = True
        _start_from_last_build(project, served)
    try:
        result = generate(project, in_place=True, persist=False)
    except InputError as exc:
        # printed, not logged as MkDocs errors: strict mode would abort the rebuild, and the
        # served pages could not show them (serve_problems)
        report_problems(exc.problems)
        remember_problems(_state, project.docs, exc.problems)
        return
    remember_problems(_state, project.docs, [])
    changed = len(result.changed) + len(result.removed)
    if changed:
        log.info("regenerated %d page(s)", changed)


def _start_from_last_build(project: Project, served: Path) -> None:
    """Begin `mkdocs serve --dirty` from a copy of the last `make site`, when it was built by
    this very code and configuration: then only pages changed since are rendered, instead of
    the whole archive (minutes at 10,000 articles). Pages kept from that build name the public
    site_url in their canonical link; everything a reader clicks is relative."""
    from build_tools.builders import build_stamp, copy_site, previous_stamp

    built = project.site
    if not built.is_dir() or any(served.iterdir()) or previous_stamp(built) != build_stamp(project):
        return
    started = time.monotonic()
    for item in sorted(built.iterdir()):
        if item.name != "pagefind":  # linked after each build instead
            copy_site(item, served / item.name)
    log.info(
        "started from the last `make site` (%.1f s); rendering only what changed since", time.monotonic() - started
    )


def on_page_content(html: str, page, config, files) -> str:
    """Clean every generated page's HTML with the allowlist of ``build_tools.sanitize``.

    Whatever raw HTML an article body holds, no <script>, event handler or javascript: URL
    reaches site/. What was removed is logged as a warning naming the page and its source:
    `mkdocs build --strict` (make site) then fails and site/ stays as it was, so such an
    article is rejected; `mkdocs serve` shows the page cleaned. Hand-written pages are kept.
    """
    src_uri = page.file.src_uri
    if not is_generated_page(src_uri, GENERATED):
        return html
    cleaned = clean_html(html)
    lost = [] if _same_tags(html, cleaned) else removed(html, cleaned)
    if lost:
        source = _source_of(src_uri, page.meta or {})
        log.warning("%s: raw HTML not allowed, removed: %s", source, ", ".join(lost))
    for item in _toc_items(page.toc):
        item.title = clean_text(item.title)
    if _state["command"] == "serve":  # never in a built site
        from build_tools.serve_problems import with_banner

        cleaned = with_banner(cleaned, src_uri, page.meta or {}, _state.get("problems", []))
    return cleaned


_TAG = re.compile(r"<[^>]*>")
_STYLE = re.compile(r'style="([^"]*)"')


def _style_spelling(match: re.Match) -> str:
    """A style value without spaces and a final ``;``: the cleaner writes ``text-align:right``
    for Markdown's ``text-align: right;``, which is no removal."""
    return 'style="' + re.sub(r"\s+", "", match[1]).rstrip(";") + '"'


def _tags(html: str) -> list[str]:
    return [_STYLE.sub(_style_spelling, tag) if "style=" in tag else tag for tag in _TAG.findall(html)]


def _same_tags(before: str, after: str) -> bool:
    """Whether cleaning left every tag as it was, character for character: then nothing was
    removed, and the costly comparison of ``sanitize.removed`` (two HTML parses, most of the
    hook's time per page) is skipped. What ``removed`` counts (elements, attributes, URLs,
    classes, styles) lies inside tags; text between tags that holds no ``<…>`` cannot open one.
    The cleaner only re-encodes text on a page it keeps whole (``&para;`` becomes ``¶``) and
    respells style values (``_style_spelling``)."""
    return _tags(before) == _tags(after)


def _source_of(src_uri: str, meta: dict) -> str:
    date = meta.get("date")
    source = page_source(src_uri, date if isinstance(date, str) else None)
    return f"{source} (docs/{src_uri})" if source else f"docs/{src_uri}"


def _toc_items(items):
    for item in items or []:
        yield item
        yield from _toc_items(getattr(item, "children", None))
