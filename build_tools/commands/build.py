"""``build``: generate the pages, then build the site with MkDocs into site/ (what ``make site`` runs).

The new site is built in ``site.tmp-<pid>/`` and swapped in only when MkDocs and the search
indexer both succeeded. When nothing that shapes every page changed since the last build
(``mkdocs.yml``, the theme overrides, this package, the theme's version, ``SITE_URL``), the
staging folder starts as a copy of the current site and MkDocs re-renders only the pages whose
Markdown changed (``--dirty``); otherwise it is a clean build.

One build of an archive at a time: ``build`` holds the archive's lock (``writers.archive_lock``,
``.build/lock``) from generating to the swap; a second one waits for it (``--no-wait``: stops
with status 2). Before the swap the staging folder is checked once more (``builders.unfinished``):
every generated page has its HTML page and the search index is there.

Caches that arrive through git are not trusted: ``.build`` or ``site`` committed as a symbolic
link is removed (the link itself, with a note) before anything is written through it; site/ is
reused only if this machine's own build wrote it (``builders.previous_stamp``), and the search
shards kept in ``.build/search`` likewise (``build_tools.indexers``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..builders import (
    LAST_BUILD,
    PACKAGE,
    PARTS,
    SEARCH_WORK,
    build_stamp,
    copy_site,
    previous_stamp,
    remove_outputs,
    run_parallel,
    unfinished,
    write_stamp,
)
from ..layout import Project
from ..partitions import ENV as PARTITION_ENV
from ..partitions import (
    MAX_PARTITIONS,
    Partition,
    PartitionError,
    docs_digest,
    merge_partitions,
    partition_folders,
    write_manifest,
)
from ..pipeline import generate
from ..problems import InputError
from ..writers import ArchiveBusy, command_lock, remove_leftovers, swap_in, write_atomic
from . import add_root, project_of, report


def _jobs(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_PARTITIONS:
        raise argparse.ArgumentTypeError(
            f"expected a number of processes from 1 to {MAX_PARTITIONS}, received {text!r}"
        )
    return int(text)


def _partition(text: str) -> Partition:
    try:
        return Partition.parse(text)
    except PartitionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "build",
        help="generate the pages and build the whole site into site/ (make site)",
        description="generate, then `mkdocs build --strict` and the Pagefind search index into a "
        "staging folder that replaces site/ only when everything succeeded. Rebuilds after an "
        "edit re-render only the changed pages unless --full is given. A clean build renders "
        "the pages in --jobs processes; --partition and --merge split it across machines.",
    )
    add_root(parser)
    parser.add_argument(
        "--full",
        action="store_true",
        help="render every page and index every search shard even if an incremental build is possible",
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="if another build or generate of this archive is running, stop (exit status 2) instead of waiting",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        help="MkDocs processes rendering a clean build, and Pagefind runs at once (default: the number of cores)",
    )
    split = parser.add_mutually_exclusive_group()
    split.add_argument(
        "--partition",
        type=_partition,
        metavar="K/M",
        help="render only partition K of M into PARTS/K-of-M/ (no search index, site/ unchanged): one job of a CI matrix",
    )
    split.add_argument(
        "--merge",
        action="store_true",
        help="join the partitions 1..M in PARTS/ into site/, with the search index (the matrix's last job)",
    )
    parser.add_argument(
        "--parts",
        type=Path,
        default=None,
        help=f"the folder of the partitions for --partition and --merge (default: {PARTS})",
    )
    parser.set_defaults(func=run)


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_measured(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, float, int, float]:
    """Run a step; returns its exit code, wall seconds, peak memory in MB and CPU seconds (its
    own and that of every process it waited for, e.g. the Pagefind binary under ``python -m
    pagefind``)."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = round(usage.ru_utime + usage.ru_stime, 2)
    return process.returncode, round(time.monotonic() - started, 2), round(usage.ru_maxrss / 1024), cpu


def _fail(staging: Path, message: str) -> int:
    shutil.rmtree(staging, ignore_errors=True)
    print(f"build: {message}; site/ is unchanged", file=sys.stderr)
    return 1


def _remove_links(project: Project) -> None:
    """``.build`` and ``site`` are folders this command writes into: as symbolic links (which
    git can commit) they would make it write, and delete, outside the archive. Such a link is
    removed itself, never what it points to."""
    for path in (project.root / SEARCH_WORK.parts[0], project.site):
        if path.is_symlink():
            print(
                f"build: {path.name} is a symbolic link: removed the link itself (not what it points to)",
                file=sys.stderr,
            )
            path.unlink()


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    _remove_links(project)
    try:
        with command_lock(project.root, "build", wait=not args.no_wait):
            return _build(args, project)
    except ArchiveBusy as busy:
        print(
            f"build: another build of this archive is running ({busy.holder}); not waiting (--no-wait): nothing done",
            file=sys.stderr,
        )
        return 2


def _mkdocs_command(
    args: argparse.Namespace, project: Project, staging: Path, stamp: str, removed: list[str]
) -> tuple[list[str], dict[str, str], bool]:
    """The MkDocs command rendering into ``staging``, its environment, and whether it is
    incremental: then ``staging`` starts as a copy of site/ less what generate removed."""
    incremental = (
        not args.full
        and not args.partition
        and bool(stamp)
        and project.site.is_dir()
        and previous_stamp(project.site, expected=stamp, root=project.root) == stamp
    )
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)]
    if incremental:
        copy_site(project.site, staging)
        remove_outputs(staging, removed)
        shutil.rmtree(staging / "pagefind", ignore_errors=True)
        command.append("--dirty")
        env_extra = {"ARCHIVE_INCREMENTAL": "1"}
    else:
        env_extra = {}
    # The MkDocs hook imports build_tools: make this very package importable from any archive folder.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **env_extra}
    env.pop(PARTITION_ENV, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE.parent), env.get("PYTHONPATH")]))
    return command, env, incremental


def _render(
    command: list[str], env: dict[str, str], root: Path, partitions: list[Partition]
) -> tuple[int, float, int, list[float]]:
    """Render with MkDocs: in one process, or one process per partition, all at once, into the
    same folder (``build_tools.partitions``); see ``run_parallel`` for what is returned."""
    if not partitions:
        code, seconds, peak, cpu = _run_measured(command, root, env)
        return code, seconds, peak, [cpu]
    runs = [([*command, "--dirty"], {**env, PARTITION_ENV: str(partition)}) for partition in partitions]
    return run_parallel(runs, root)


def _generate(args: argparse.Namespace, project: Project) -> tuple[object, dict] | None:
    started = time.monotonic()
    try:
        result = generate(project, memo=not args.full)
    except InputError as exc:
        report(exc.problems)
        print("build: nothing written; docs/ and site/ are unchanged")
        return None
    print(
        f"generate: {result.count} pages ({result.rendered} rendered, {len(result.changed)} written, "
        f"{len(result.removed)} removed) in {time.monotonic() - started:.1f} s"
    )
    stages = {
        "generate_s": round(time.monotonic() - started, 2),
        "generate_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "generate_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 2),
        "pages_rendered_by_generate": result.rendered,
        "pages_written_by_generate": len(result.changed),
    }
    return result, stages


def _build(args: argparse.Namespace, project: Project) -> int:
    generated = _generate(args, project)
    if generated is None:
        return 1
    result, stages = generated
    jobs = args.jobs or default_jobs()
    copy_started = time.monotonic()
    remove_leftovers(project.site)
    staging = project.site.with_name(f"{project.site.name}.tmp-{os.getpid()}")
    stamp = build_stamp(project)
    if args.partition:
        return _render_partition(args, project, stages)
    if args.merge:
        problem = _merge(args, project, staging, stages)
        if problem:
            return _fail(staging, problem)
        incremental = False
    else:
        command, env, incremental = _mkdocs_command(args, project, staging, stamp, result.removed)
        stages["copy_s"] = round(time.monotonic() - copy_started, 2)
        partitions = [] if incremental or jobs < 2 else [Partition(k, jobs) for k in range(1, jobs + 1)]
        code, stages["render_s"], stages["render_peak_mb"], stages["render_cpu_s"] = _render(
            command, env, project.root, partitions
        )
        stages["render_jobs"] = max(1, len(partitions))
        if code != 0:
            return _fail(staging, "mkdocs build failed")
        mode = f"incremental, {len(result.changed)} page(s) re-rendered" if incremental else "clean"
        print(f"build: pages rendered ({mode}, {stages['render_jobs']} process(es)) in {stages['render_s']:.1f} s")
    return _index_and_swap(args, project, staging, stamp, stages | {"incremental": incremental}, jobs)


def _index_and_swap(
    args: argparse.Namespace, project: Project, staging: Path, stamp: str, stages: dict, jobs: int
) -> int:
    # Pagefind, in shards above a size; the shards' bundles are kept in .build/search/ between builds.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE.parent), os.environ.get("PYTHONPATH")])),
    }
    indexer = [sys.executable, "-m", "build_tools.indexers", str(staging), "--work", str(project.root / SEARCH_WORK)]
    indexer += ["--root", str(project.root), "--jobs", str(jobs)]
    if args.full:
        indexer.append("--fresh")
    code, stages["index_s"], stages["index_peak_mb"], stages["index_cpu_s"] = _run_measured(indexer, project.root, env)
    if code != 0:
        return _fail(staging, "search indexing (Pagefind) failed")
    print(f"build: search index written in {stages['index_s']:.1f} s")
    problem = unfinished(project.docs, staging)
    if problem:
        return _fail(staging, problem)
    write_stamp(staging, stamp, project.root)
    swap_in(staging, project.site)
    # Timings vary from run to run, so they are kept beside the memo, not in the site.
    write_atomic(project.root / LAST_BUILD, json.dumps(stages, indent=1) + "\n", replace=True)
    print(f"build: site written to {project.site}")
    return 0


def _parts(args: argparse.Namespace, project: Project) -> Path:
    return (args.parts if args.parts is not None else project.root / PARTS).absolute()


def _render_partition(args: argparse.Namespace, project: Project, stages: dict) -> int:
    """``--partition K/M``: render partition K into PARTS/K-of-M/ (replaced whole, only when
    MkDocs succeeded), with the digest of the docs/ it was rendered from."""
    partition: Partition = args.partition
    parts = _parts(args, project)
    target = parts / partition.folder_name
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    parts.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    command, env, _incremental = _mkdocs_command(args, project, staging, "", [])
    code, seconds, peak, _cpu = _render(command, env, project.root, [partition])
    if code != 0:
        return _fail(staging, f"mkdocs build of partition {partition} failed")
    write_manifest(staging, partition, docs_digest(project.docs))
    swap_in(staging, target)
    print(f"build: partition {partition} rendered into {target} in {seconds:.1f} s (peak {peak} MB)")
    return 0


def _merge(args: argparse.Namespace, project: Project, staging: Path, stages: dict) -> str:
    """``--merge``: join the partitions of PARTS/ into ``staging``; why not, or ""."""
    started = time.monotonic()
    try:
        folders = partition_folders(_parts(args, project))
        files = merge_partitions(folders, staging, docs_digest(project.docs))
    except (PartitionError, OSError) as exc:
        return f"cannot merge the partitions: {exc}"
    stages["merge_s"] = round(time.monotonic() - started, 2)
    stages["render_jobs"] = len(folders)
    print(f"build: {len(folders)} partitions merged ({files} files) in {stages['merge_s']:.1f} s")
    return ""
