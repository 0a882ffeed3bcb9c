"""Stage 5 helpers: what the MkDocs build of site/ needs besides MkDocs itself.

The build stamp (a digest of everything that shapes every page), copying a built site with its
modification times for ``mkdocs --dirty``, removing the output of deleted pages, and the last look
at a built site before it replaces site/ (``unfinished``). Used by the ``build`` command and by
the ``mkdocs serve`` hook, which starts from the last ``make site``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
from pathlib import Path

from .generators import GENERATED, page_url
from .pipeline import Project

PACKAGE = Path(__file__).resolve().parent
STAMP = ".build-stamp.json"
LAST_BUILD = Path(".build") / "last-build.json"  # time and peak memory of each stage of the last build
SEARCH_WORK = Path(".build") / "search"  # search index shards kept between builds (build_tools.indexers)


def build_stamp(project: Project) -> str:
    """A digest of everything that shapes every page; a change forces a clean build."""
    digest = hashlib.sha256()
    inputs = [
        project.root / "mkdocs.yml",
        *sorted((project.root / "overrides").rglob("*")),
        *sorted(PACKAGE.rglob("*.py")),
    ]
    for path in inputs:
        if path.is_file():
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("mkdocs", "mkdocs-material", "pagefind"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    digest.update(os.environ.get("SITE_URL", "").encode())
    return digest.hexdigest()


def previous_stamp(site: Path) -> str | None:
    try:
        return json.loads((site / STAMP).read_text("utf-8"))["stamp"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def copy_site(source: Path, target: Path) -> None:
    """Copy site/ keeping modification times (MkDocs' --dirty compares them)."""
    result = subprocess.run(["cp", "-a", "--reflink=auto", str(source), str(target)], capture_output=True)
    if result.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, copy_function=shutil.copy2)


def remove_outputs(staging: Path, removed: list[str]) -> None:
    for name in removed:
        target = staging / page_url(name) / "index.html" if name.endswith(".md") else staging / name
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != staging and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def unfinished(docs: Path, built: Path) -> str:
    """Why the site built into ``built`` from ``docs`` must not be published, or "": every
    generated page of docs/ (articles, entity and index pages) has its HTML page, and the
    search index is there. MkDocs and Pagefind both checked their own work already; this
    catches a site emptied or cut short behind their backs."""
    pages = [
        path.relative_to(docs).as_posix()
        for folder in GENERATED
        for path in ([docs / folder] if folder.endswith(".md") else sorted((docs / folder).rglob("*.md")))
        if path.is_file()
    ]
    missing = [name for name in pages if not (built / page_url(name) / "index.html").is_file()]
    if missing:
        articles = [name for name in pages if name.startswith("articles/")]
        lost = [name for name in missing if name.startswith("articles/")]
        return (
            f"the built site lacks {len(missing)} of the {len(pages)} generated pages "
            f"({len(lost)} of {len(articles)} articles), e.g. {page_url(missing[0])}index.html"
        )
    if not (built / "pagefind" / "pagefind-entry.json").is_file():
        return "the built site has no search index (pagefind/pagefind-entry.json)"
    return ""
