"""Stage 6: the search index of the built site, made by Pagefind.

Pagefind holds every page it indexes in memory at once, about three times over (the parsed
pages, a copy per language, the word maps built from them): ~400 kB a page, 4.2 GB at 10,000
articles. It also has no incremental mode, so one corrected article meant indexing every page
again. Above ``SHARD_PAGES`` indexed pages the site is therefore indexed in shards — one per
year of articles (per month in a year of more than ``YEAR_PAGES``), one for the undated pages —
each by its own Pagefind run, and the shards' bundles are merged into the one bundle readers'
browsers load. A shard whose pages did not change keeps its bundle from the last build (in
``.build/search/``), so an edit re-indexes only the pages of its year.

The work is shared with four sibling modules: ``search_pagefind`` runs Pagefind and checks
every bundle it writes (a page it could not read, or missed, and the indexer exits 1, and
``build`` keeps the previous site), ``search_bundles`` reads and writes Pagefind's files,
``search_merge`` merges the shards' bundles (if their format is not the one it was written
for, the site is indexed in one run as before), and ``search_work`` keeps the work folder
real and reuses a kept bundle only if this machine's own run wrote it. This module plans the
shards and runs them.

Run as ``python -m build_tools.indexers SITE --work DIR [--root ARCHIVE]`` by the ``build``
command, so that the peak memory it measures is that of this step alone.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .search_bundles import FORMAT, BundleFormatError, link_file
from .search_merge import merge_bundles
from .search_pagefind import BODY_ELEMENT, PAGEFIND_ARGS, check_bundle, is_indexed, pagefind_command, run_pagefind
from .search_work import (
    MERGED_STAMP,
    SHARD_STAMP,
    UnsafeWorkFolder,
    cache_key,
    clean_folder,
    discard,
    prepare_work,
    shown,
    verified,
    write_stamp,
)

__all__ = [
    "BODY_ELEMENT",
    "MERGED",
    "MERGED_STAMP",
    "OTHER",
    "SHARD_PAGES",
    "SHARD_STAMP",
    "BundleFormatError",
    "IndexReport",
    "Shard",
    "check_bundle",
    "index_site",
    "main",
    "merge_bundles",
    "merged_digest",
    "pagefind_command",
    "plan_shards",
    "write_stamp",
]

SHARD_PAGES = int(os.environ.get("ARCHIVE_SEARCH_SHARD_PAGES", "2000"))  # indexed pages before sharding
# Pagefind runs at once (--jobs) share a memory budget: a run is started only while the estimated
# peaks of the runs under way, its own included, fit in it (a run alone always starts). Estimate:
# RUN_MB + PAGE_MB a page, above what was measured (969 synthetic pages: 254 MB; 10,000 articles
# in year shards of up to ~1,200 pages: 485 MB, the indexer's largest process).
MEMORY_MB = int(os.environ.get("ARCHIVE_SEARCH_MEMORY_MB", "1000"))
RUN_MB, PAGE_MB = 40, 0.4

DATE_SORT = re.compile(rb'data-pagefind-sort="date"[^>]*>([^<]*)<')  # the value Pagefind sorts by
YEAR_PAGES = 4000  # a year with more indexed pages is split into months (memory per Pagefind run)
MERGED = "merged"  # where the last merged bundle is kept beside the shards
OTHER = "other"  # the shard of every indexed page without a date to sort by (entity pages)


@dataclass
class Shard:
    name: str
    pages: list[str]  # site-relative paths of the HTML files
    digest: str  # of the pages' paths and bytes, and of what else shapes the bundle (_salt)


def _salt() -> bytes:
    """What else shapes a shard's bundle besides its pages: the Pagefind release and options."""
    try:
        version = importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return f"{version}\0{FORMAT}\0{' '.join(PAGEFIND_ARGS)}".encode()


def plan_shards(site: Path, year_pages: int = YEAR_PAGES) -> list[Shard]:
    """The pages Pagefind would index, grouped by the date they sort by: ``other`` (no date)
    first, then one shard per year in ascending order, a year of more than ``year_pages``
    pages one shard per month. Shards so hold disjoint, ascending ranges of dates, which is
    what lets ``merge_bundles`` put their sort orders one after the other."""
    pages: dict[str, list[tuple[str, bytes]]] = {}
    for folder, subfolders, files in os.walk(site):
        subfolders.sort()
        if folder == str(site):
            subfolders[:] = [d for d in subfolders if d != "pagefind"]
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                content = handle.read()
            if not is_indexed(content):
                continue
            found = DATE_SORT.search(content)
            date = found[1].decode("utf-8", "replace").strip() if found else ""
            digest = hashlib.blake2b(content, digest_size=16).digest()
            pages.setdefault(date, []).append((os.path.relpath(path, site), digest))
    groups: dict[str, list[tuple[str, bytes]]] = {}
    years: dict[str, int] = {}
    for date, entries in pages.items():
        years[date[:4]] = years.get(date[:4], 0) + len(entries)
    for date in sorted(pages):
        year = date[:4]
        key = (f"dated-{date[:7]}" if years[year] > year_pages else f"dated-{year}") if date else OTHER
        groups.setdefault(key, []).extend(pages[date])
    shards = []
    for key in sorted(groups, key=lambda k: (k != OTHER, k)):
        digest = hashlib.blake2b(_salt(), digest_size=16)
        for relative, page_digest in sorted(groups[key]):
            digest.update(relative.encode() + b"\0" + page_digest)
        shards.append(Shard(key, sorted(relative for relative, _ in groups[key]), digest.hexdigest()))
    return shards


@dataclass
class IndexReport:
    pages: int = 0
    shards: int = 0
    reindexed: list[str] = field(default_factory=list)
    peak_mb: int = 0
    note: str = ""
    error: str = ""  # why the index is not whole (the indexer then exits 1)
    merge_reused: bool = False  # the merged bundle of the last build was reused
    notes: list[str] = field(default_factory=list)  # kept bundles or links discarded, one line each
    runs: list[tuple[float, float, int]] = field(default_factory=list)  # each Pagefind run: start, end, peak MB

    @property
    def concurrent_peak_mb(self) -> int:
        """The largest sum of the peaks of Pagefind runs under way at one time: an upper bound
        of the memory the runs held at once."""
        return max((sum(p for s, e, p in self.runs if s <= start < e) for start, _, _ in self.runs), default=0)


class MemoryBudget:
    """Lets at most ``jobs`` Pagefind runs go at once, and a run only while the estimated peaks
    of those under way and its own fit in ``limit_mb`` (a run alone always goes)."""

    def __init__(self, jobs: int, limit_mb: int) -> None:
        self.jobs, self.limit_mb = max(1, jobs), limit_mb
        self.used_mb, self.running = 0.0, 0
        self.condition = threading.Condition()

    @staticmethod
    def estimate(pages: int) -> float:
        return RUN_MB + PAGE_MB * pages

    @contextmanager
    def held(self, pages: int) -> Iterator[None]:
        need = self.estimate(pages)
        with self.condition:
            self.condition.wait_for(
                lambda: self.running == 0 or (self.running < self.jobs and self.used_mb + need <= self.limit_mb)
            )
            self.used_mb += need
            self.running += 1
        try:
            yield
        finally:
            with self.condition:
                self.used_mb -= need
                self.running -= 1
                self.condition.notify_all()


def _index_shard(
    site: Path,
    shard: Shard,
    folder: Path,
    report: IndexReport,
    key: bytes | None,
    root: Path | None,
    budget: MemoryBudget,
) -> bool:
    """(Re-)index one shard into ``folder/bundle`` unless its pages are unchanged and the kept
    bundle is this machine's own; on failure says why in ``report.error``."""
    bundle, stamp = folder / "bundle", folder / SHARD_STAMP
    clean_folder(folder, {"bundle": True, SHARD_STAMP: False}, root, report.notes)
    what = f"bundle of shard {shard.name}"
    if verified(key, "search shard", shard.digest, bundle, stamp, report.notes, what) and not check_bundle(
        bundle, shard.pages, site
    ):
        return True
    source = folder / "input"
    for relative in shard.pages:
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        link_file(site / relative, target)
    discard(bundle, folder)
    discard(stamp, folder)
    with budget.held(len(shard.pages)):
        started = time.monotonic()
        run = run_pagefind(pagefind_command(source, bundle))
        report.runs.append((started, time.monotonic(), run.peak_mb))
    discard(source, folder)
    report.peak_mb = max(report.peak_mb, run.peak_mb)
    report.reindexed.append(shard.name)
    problem = check_bundle(bundle, shard.pages, site, run)
    if problem:
        report.error = report.error or f"shard {shard.name}: {problem}"
        return False
    write_stamp(key, "search shard", shard.digest, bundle, stamp)
    return True


def merged_digest(shards: list[Shard]) -> str:
    return hashlib.blake2b("\0".join(f"{s.name}:{s.digest}" for s in shards).encode()).hexdigest()


def _merge_cached(shards: list[Shard], work: Path, target: Path, key: bytes | None, report: IndexReport) -> None:
    """Merge the shards' bundles into ``target``, or reuse the last merge if no shard changed
    and it is this machine's own."""
    merged, stamp = work / MERGED, work / MERGED / MERGED_STAMP
    digest = merged_digest(shards)
    if verified(key, "search merged", digest, merged, stamp, report.notes, "merged bundle", [MERGED_STAMP]):
        report.merge_reused = True
    else:
        discard(merged, work)
        paths = [work / shard.name / "bundle" for shard in shards]
        merge_bundles(paths, merged, undated_first=shards[0].name == OTHER)
        write_stamp(key, "search merged", digest, merged, stamp, [MERGED_STAMP])
    discard(target, target.parent)
    shutil.copytree(merged, target, copy_function=link_file)
    (target / MERGED_STAMP).unlink(missing_ok=True)


def _index_shards(
    site: Path, shards: list[Shard], work: Path, report: IndexReport, key: bytes | None, root: Path | None, jobs: int
) -> bool:
    """Index the shards that need it, up to ``jobs`` at once within the memory budget, the
    largest first (the shortest wall time); whether all succeeded."""
    budget = MemoryBudget(jobs, MEMORY_MB)
    order = sorted(shards, key=lambda shard: (-len(shard.pages), shard.name))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        done = list(pool.map(lambda s: _index_shard(site, s, work / s.name, report, key, root, budget), order))
    report.reindexed.sort()
    return all(done)


def index_site(
    site: Path,
    work: Path,
    shard_pages: int = SHARD_PAGES,
    fresh: bool = False,
    root: Path | None = None,
    jobs: int = 1,
) -> tuple[int, IndexReport]:
    """Write ``site/pagefind/``; returns an exit status (1: ``report.error`` says why the index
    is missing or not whole) and what was done. ``fresh`` ignores the shards kept from earlier
    builds. ``root``: the archive ``work`` lies in (every folder between them must be real).
    ``jobs``: Pagefind runs at once (within ``MEMORY_MB``)."""
    report = IndexReport()
    output = site / "pagefind"
    if output.is_symlink():  # Pagefind would write through it
        report.notes.append(f"{output} is a symbolic link: removed the link itself (not what it points to)")
        os.unlink(output)
    try:
        shards = plan_shards(site)
    except OSError as exc:  # e.g. a page deleted while this ran, or a dangling link
        report.error = f"could not read a page of the site: {exc}"
        return 1, report
    report.pages = sum(len(shard.pages) for shard in shards)
    # Without any data-pagefind-body element Pagefind indexes every page: no list to hold it to.
    expected = [page for shard in shards for page in shard.pages] or None
    if report.pages < shard_pages or len(shards) < 2:
        report.shards = 1
        return _one_run(site, expected, report), report
    key = cache_key(root, report.notes)
    names = {shard.name for shard in shards}
    try:
        prepare_work(work, root, report.notes)
        kept = {} if fresh or key is None else dict.fromkeys(names | {MERGED}, True)
        clean_folder(work, kept, root, report.notes)
        for name in names:
            (work / name).mkdir(exist_ok=True)
        report.shards = len(shards)
        if not _index_shards(site, shards, work, report, key, root, jobs):
            return 1, report
        try:
            _merge_cached(shards, work, output, key, report)
        except BundleFormatError as exc:
            report.note = f"shards not merged ({exc}); indexed in one run"
            discard(work / MERGED, work)
            discard(output, site)
            return _one_run(site, expected, report), report
    except (OSError, UnsafeWorkFolder) as exc:
        report.error = f"cannot use the work folder {shown(work, root)}: {exc}"
        return 1, report
    problem = check_bundle(output, expected, site)
    if problem:
        report.error = f"merged shards: {problem}"
        shutil.rmtree(work / MERGED, ignore_errors=True)  # not reused by the next build
        return 1, report
    return 0, report


def _one_run(site: Path, expected: list[str] | None, report: IndexReport) -> int:
    run = run_pagefind(pagefind_command(site))
    report.peak_mb = max(report.peak_mb, run.peak_mb)
    report.error = check_bundle(site / "pagefind", expected, site, run)
    return 1 if report.error else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools.indexers", description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="where shard bundles are kept between builds")
    parser.add_argument("--shard-pages", type=int, default=SHARD_PAGES, help="index in shards from this many pages")
    parser.add_argument("--fresh", action="store_true", help="re-index every shard")
    parser.add_argument("--root", type=Path, help="the archive the work folder lies in (its folders must be real)")
    parser.add_argument("--jobs", type=int, default=1, help=f"Pagefind runs at once (within {MEMORY_MB} MB)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    code, report = index_site(args.site, args.work, args.shard_pages, args.fresh, args.root, max(1, args.jobs))
    for note in report.notes:
        print(f"search index: {note}", file=sys.stderr)
    if report.note:
        print(f"search index: {report.note}", file=sys.stderr)
    if report.error:
        print(f"search index failed: {report.error}", file=sys.stderr)
    if report.shards > 1:
        print(
            f"search index: {report.pages} pages in {report.shards} shards, "
            f"{len(report.reindexed)} re-indexed (up to {max(1, args.jobs)} at once, "
            f"peak {report.concurrent_peak_mb} MB), merged bundle {'reused' if report.merge_reused else 'written'}, "
            f"in {time.monotonic() - started:.1f} s"
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
