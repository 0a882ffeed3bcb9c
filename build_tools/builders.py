"""Stage 5 helpers: what the MkDocs build of site/ needs besides MkDocs itself.

The build stamp (a digest of everything that shapes every page), copying a built site with its
modification times for ``mkdocs --dirty``, removing the output of deleted pages, and the last look
at a built site before it replaces site/ (``unfinished``). Used by the ``build`` command and by
the ``mkdocs serve`` hook, which starts from the last ``make site``.

A built site/ is reused (``--dirty``) only when this machine's own build wrote it: site/ is
git-ignored, but ``git add -f`` can commit it, and a committed site/ with the right stamp would be
carried into the next build, pages and all. So the stamp is keyed with the per-user key of
``keys.memo_key`` (an HMAC of the digest of what shapes every page), and
``site/.build-stamp.json`` also holds the keyed digest of every file of the site as it was
written (``keys.folder_digest``): a stamp made elsewhere, a page added or changed since, or a
symbolic link anywhere in site/, and the next build is a clean one. Without a usable key every
build is clean.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from .keys import KeyUnavailable, folder_digest, keyed_digest, memo_key
from .layout import ARTICLES_DIR, GENERATED, Project, page_url

PACKAGE = Path(__file__).resolve().parent
STAMP = ".build-stamp.json"
LAST_BUILD = Path(".build") / "last-build.json"  # time and peak memory of each stage of the last build
SEARCH_WORK = Path(".build") / "search"  # search index shards kept between builds (build_tools.indexers)
PARTS = Path(".build") / "partitions"  # build --partition K/M writes PARTS/K-of-M/, build --merge joins them
STAMP_BYTES = 4096  # a longer stamp file is not one a build wrote


def shaping_digest(project: Project) -> str:
    """A digest of everything that shapes every page (what the build stamp is keyed over)."""
    digest = hashlib.sha256()
    inputs = [
        project.config,
        *sorted((project.root / "overrides").rglob("*")),
        *sorted(PACKAGE.rglob("*.py")),
    ]
    for path in inputs:
        if path.is_file():
            # Names relative to their folder: a checkout elsewhere (a CI runner) builds the same pages.
            name = path.relative_to(PACKAGE.parent if path.is_relative_to(PACKAGE) else project.root).as_posix()
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("mkdocs", "mkdocs-material", "pagefind"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    digest.update(os.environ.get("SITE_URL", "").encode())
    return digest.hexdigest()


def _key(root: Path) -> bytes | None:
    try:
        return memo_key(root)
    except KeyUnavailable as exc:
        print(f"build: cannot check a built site ({exc}); building it clean", file=sys.stderr)
        return None


def build_stamp(project: Project) -> str:
    """The stamp of a site built now: this machine's keyed digest of everything that shapes
    every page (a change forces a clean build); "" without a usable key (every build clean)."""
    key = _key(project.root)
    return "" if key is None else keyed_digest(key, "build stamp", shaping_digest(project))


def _files_stamp(key: bytes, stamp: str, site: Path) -> str | None:
    files = folder_digest(site, [STAMP])
    return None if files is None else keyed_digest(key, "built site", stamp, files)


def write_stamp(site: Path, stamp: str, root: Path) -> None:
    """Write ``site/.build-stamp.json`` for the site just built into ``site``: the stamp and the
    keyed digest of its files. Nothing without a stamp (no key): the next build is clean."""
    key = _key(root) if stamp else None
    files = None if key is None else _files_stamp(key, stamp, site)
    path = site / STAMP
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    if files is not None:
        path.write_text(json.dumps({"stamp": stamp, "files": files}) + "\n", encoding="utf-8")


def _read_stamp(path: Path) -> dict | None:
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        with os.fdopen(os.open(path, flags), "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            data = stream.read(STAMP_BYTES + 1)
        info = json.loads(data) if len(data) <= STAMP_BYTES else None
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def previous_stamp(site: Path, expected: str | None = None, root: Path | None = None) -> str | None:
    """The stamp of the site built into ``site`` if this machine's own build wrote it and no
    file of it changed since, else None. With ``expected``, a stamp other than that is not
    checked (None: the site cannot be reused anyway). ``root``: the archive (``site``'s folder)."""
    info = _read_stamp(site / STAMP)
    if info is None or not isinstance(info.get("stamp"), str) or not isinstance(info.get("files"), str):
        return None
    stamp, files = info["stamp"], info["files"]
    if not stamp or not stamp.isascii() or not files.isascii() or (expected is not None and stamp != expected):
        return None
    key = _key(root if root is not None else site.parent)
    if key is None:
        return None
    actual = _files_stamp(key, stamp, site)
    if actual is None or not hmac.compare_digest(actual, files):
        print(
            f"build: ignoring the build stamp of {site.name}/: not written by this machine's own build, "
            "or the site changed since; building it clean",
            file=sys.stderr,
        )
        return None
    return stamp


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
        articles = [name for name in pages if name.startswith(ARTICLES_DIR + "/")]
        lost = [name for name in missing if name.startswith(ARTICLES_DIR + "/")]
        return (
            f"the built site lacks {len(missing)} of the {len(pages)} generated pages "
            f"({len(lost)} of {len(articles)} articles), e.g. {page_url(missing[0])}index.html"
        )
    if not (built / "pagefind" / "pagefind-entry.json").is_file():
        return "the built site has no search index (pagefind/pagefind-entry.json)"
    return ""


def run_parallel(runs: list[tuple[list[str], dict[str, str]]], cwd: Path) -> tuple[int, float, int, list[float]]:
    """Run the commands (each with its environment) at once; returns the first non-zero exit
    code (0 if all succeeded), the wall seconds until the last ended, the sum of their peak
    memories in MB (an upper bound of what they held at once) and the CPU seconds of each.
    When one fails, the others are stopped: their work would be thrown away."""
    started = time.monotonic()
    order = [subprocess.Popen(command, cwd=cwd, env=env).pid for command, env in runs]
    codes: dict[int, int | None] = dict.fromkeys(order)
    cpu: dict[int, float] = {}
    code, peak_kb = 0, 0
    while any(status is None for status in codes.values()):
        pid, status, usage = os.wait4(-1, 0)
        if pid not in codes:
            continue
        codes[pid] = os.waitstatus_to_exitcode(status)
        peak_kb += usage.ru_maxrss
        cpu[pid] = round(usage.ru_utime + usage.ru_stime, 2)
        if codes[pid] != 0 and code == 0:
            code = codes[pid] or 1
            for other, done in codes.items():
                if done is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(other, signal.SIGTERM)
    return code, round(time.monotonic() - started, 2), round(peak_kb / 1024), [cpu[pid] for pid in order]
