"""The parallel build (``build --jobs``, ``--partition``/``--merge``), measured.

``python -m bench.parallel --n 10000 [--repeat 1] [--overhead-n 1000] [--partitions 2,4,8]``
writes a synthetic archive of N articles (``bench.synth``, seed 1) in a temporary folder and
measures, in one run so that the figures share the machine's load:

* clean build: ``build --full --jobs 1`` and ``build --full --jobs 2``, interleaved (1, 2, 1, 2…
  with ``--repeat``), each timed (wall, CPU of all its processes) with the peak of the summed
  resident memory of its whole process tree (sampled from /proc every 0.1 s: with two MkDocs
  or Pagefind processes at once, the peak of one process says too little); the stages of each
  from ``.build/last-build.json``; and whether both sites are the same files, Pagefind aside;
* partitions: for each M, every ``mkdocs build`` of partition K/M alone, one after another
  (as M machines would), and ``build --merge`` of them; the wall time a matrix of M jobs would
  take is the largest partition plus the merge, set against one process rendering everything;
* render overhead (``--overhead-n``, its own archive): ``mkdocs build`` of the same docs/ with
  the project's configuration and with plain Material (the same configuration without the
  theme overrides and the hook), interleaved, ``--overhead-repeat`` times each.

Results: JSON on stdout (and ``--out FILE``); ``bench/README.md`` ("Parallel build") has the table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .measure import snapshot_code
from .synth import write_archive

PYTHON = sys.executable


class TreeMemory(threading.Thread):
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb = pid, every, 0
        self.stopped = threading.Event()
        self.page_kb = os.sysconf("SC_PAGE_SIZE") // 1024

    def _tree_kb(self) -> int:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as stream:
                        parent = int(stream.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(parent, []).append(int(entry))
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                with open(f"/proc/{pid}/statm", "rb") as stream:
                    total += int(stream.read().split()[1]) * self.page_kb
            except (OSError, IndexError, ValueError):
                continue
        return total

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.peak_kb = max(self.peak_kb, self._tree_kb())


def measured(command: list[str], cwd: Path, env: dict[str, str]) -> dict:
    """Run ``command``; wall and CPU seconds (all its processes) and the peak of its process
    tree's summed memory."""
    started = time.monotonic()
    load = os.getloadavg()[0]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeMemory(process.pid)
    sampler.start()
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read() if process.stderr else b""))
    reader.start()
    # wait4, not getrusage(RUSAGE_CHILDREN): the CPU of this process and its descendants only,
    # even while other measured commands run at once from other threads.
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    sampler.stopped.set()
    sampler.join()
    wall = time.monotonic() - started
    if process.returncode != 0:
        err = b"".join(errors).decode(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{err}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "tree_peak_mb": sampler.peak_kb // 1024, "load": load}


def index_runs(archive: Path, repeat: int) -> dict:
    """The search index alone (``python -m build_tools.indexers``, every shard afresh) of a site
    built once, with ``--jobs 1`` and ``--jobs 2`` interleaved: wall, CPU and the peak summed
    memory of the indexer and its Pagefind runs."""
    env = environment(archive)
    subprocess.run(
        [PYTHON, "-m", "build_tools", "build", "--full"], cwd=archive, env=env, check=True, capture_output=True
    )
    runs: dict[str, list[dict]] = {"1": [], "2": []}
    for _ in range(repeat):
        for jobs in ("1", "2"):
            command = [PYTHON, "-m", "build_tools.indexers", "site", "--work", ".build/search", "--root", "."]
            runs[jobs].append(measured([*command, "--fresh", "--jobs", jobs], archive, env))
            print(f"index --jobs {jobs}: {runs[jobs][-1]}", file=sys.stderr)
    return {"jobs_1": runs["1"], "jobs_2": runs["2"]}


def site_digest(site: Path) -> str:
    """Every file of a site but Pagefind's index and the build stamp, names and bytes."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(site):
        subfolders.sort()
        if folder == str(site):
            subfolders[:] = [d for d in subfolders if d != "pagefind"]
        for name in sorted(files):
            if folder == str(site) and name == ".build-stamp.json":
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as stream:
                digest.update(
                    os.path.relpath(path, site).encode() + b"\0" + hashlib.file_digest(stream, "sha256").digest()
                )
    return digest.hexdigest()


def environment(archive: Path) -> dict[str, str]:
    package = (archive / "build_tools").resolve().parent
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(package),
        "SOURCE_DATE_EPOCH": "1700000000",
    }


def clean_builds(archive: Path, repeat: int) -> dict:
    """``build --full --jobs 1`` and ``--jobs 2`` interleaved, ``repeat`` times each."""
    env = environment(archive)
    runs: dict[str, list[dict]] = {"1": [], "2": []}
    digests: dict[str, set[str]] = {"1": set(), "2": set()}
    for _ in range(repeat):
        for jobs in ("1", "2"):
            shutil.rmtree(archive / "site", ignore_errors=True)
            shutil.rmtree(archive / ".build" / "search", ignore_errors=True)
            result = measured([PYTHON, "-m", "build_tools", "build", "--full", "--jobs", jobs], archive, env)
            result["stages"] = json.loads((archive / ".build" / "last-build.json").read_text())
            runs[jobs].append(result)
            digests[jobs].add(site_digest(archive / "site"))
            print(
                f"clean build --jobs {jobs}: {result['wall_s']} s, tree peak {result['tree_peak_mb']} MB",
                file=sys.stderr,
            )
    pairs = [b["wall_s"] / a["wall_s"] for a, b in zip(runs["1"], runs["2"], strict=True)]
    return {
        "jobs_1": runs["1"],
        "jobs_2": runs["2"],
        "ratio_jobs2_to_jobs1": [round(p, 3) for p in pairs],
        "same_site": len(digests["1"] | digests["2"]) == 1,
    }


def _mkdocs(archive: Path, site: Path, partition: str | None, config: str = "mkdocs.yml") -> list[str]:
    command = [PYTHON, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "--site-dir", str(site)]
    return command + (["--dirty"] if partition else [])


def _slots(archive: Path, concurrency: int) -> list[Path]:
    """``concurrency`` copies of ``archive`` (the first is ``archive`` itself), one per machine
    of the matrix that runs at once: two ``build --partition`` in one folder would both
    generate into the same docs/."""
    slots = [archive]
    for number in range(1, concurrency):
        copy = archive.with_name(f"{archive.name}-slot{number}")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(archive, copy, symlinks=True, ignore=shutil.ignore_patterns("site", "site.*"))
        slots.append(copy)
    return slots


def _render_partitions(slots: list[Path], count: int, parts: Path) -> list[dict]:
    """``build --partition K/M`` for K = 1..M, ``len(slots)`` at a time, each slot its own
    archive folder (as its own machine would), all into ``parts``."""
    results: list[dict | None] = [None] * count
    queue = list(range(1, count + 1))
    lock = threading.Lock()

    def worker(slot: Path) -> None:
        env = environment(slot)
        while True:
            with lock:
                if not queue:
                    return
                index = queue.pop(0)
            command = [PYTHON, "-m", "build_tools", "build", "--partition", f"{index}/{count}", "--parts", str(parts)]
            results[index - 1] = measured(command, slot, env)

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = [k + 1 for k, r in enumerate(results) if r is None]
    if missing:
        raise RuntimeError(f"partitions {missing} of {count} did not render (see the error above)")
    return [r for r in results if r is not None]


def partitions(archive: Path, counts: list[int], single: dict | None, concurrency: int = 1) -> dict:
    """Each partition of M built alone (``build --partition K/M``: generate and render) as M
    machines would, ``concurrency`` at a time (each in its own copy of the archive), then
    ``build --merge`` (generate, join, search index); against one machine's clean
    ``build --full --jobs 1`` (``single``, or measured here)."""
    env = environment(archive)
    out: dict = {"concurrency": concurrency}
    if single is None:
        shutil.rmtree(archive / "site", ignore_errors=True)
        shutil.rmtree(archive / ".build" / "search", ignore_errors=True)
        single = measured([PYTHON, "-m", "build_tools", "build", "--full", "--jobs", "1"], archive, env)
        single["stages"] = json.loads((archive / ".build" / "last-build.json").read_text())
        print(f"N={len(list((archive / 'articles').rglob('*.md')))}: one process {single['wall_s']} s", file=sys.stderr)
    out["single_process_build"] = single
    slots = _slots(archive, concurrency)
    parts = archive / ".build" / "partitions"
    for count in counts:
        shutil.rmtree(parts, ignore_errors=True)
        renders = _render_partitions(slots, count, parts)
        shutil.rmtree(archive / ".build" / "search", ignore_errors=True)
        merge = measured([PYTHON, "-m", "build_tools", "build", "--merge", "--full"], archive, env)
        merge["stages"] = json.loads((archive / ".build" / "last-build.json").read_text())
        largest = max(r["wall_s"] for r in renders)
        largest_cpu = max(r["cpu_s"] for r in renders)
        out[str(count)] = {
            "partitions": renders,
            "merge": merge,
            "matrix_wall_s": round(largest + merge["wall_s"], 2),
            "matrix_to_single": round((largest + merge["wall_s"]) / single["wall_s"], 3),
            "matrix_cpu_path_s": round(largest_cpu + merge["cpu_s"], 2),
            "matrix_cpu_path_to_single_cpu": round((largest_cpu + merge["cpu_s"]) / single["cpu_s"], 3),
        }
        print(f"M={count}: largest partition {largest} s, merge {merge['wall_s']} s", file=sys.stderr)
        shutil.rmtree(parts, ignore_errors=True)
    for slot in slots[1:]:
        shutil.rmtree(slot, ignore_errors=True)
    return out


def sizes(folder: Path, counts: list[int], code: Path) -> dict:
    """A clean ``build --full --jobs 1`` of a fresh synthetic archive of each size, one after
    another: the per-article cost of each stage, to show it stays flat as the archive grows."""
    out: dict = {}
    for n in counts:
        archive = prepared(folder, n, code)
        env = environment(archive)
        result = measured([PYTHON, "-m", "build_tools", "build", "--full", "--jobs", "1"], archive, env)
        result["stages"] = json.loads((archive / ".build" / "last-build.json").read_text())
        out[str(n)] = result
        print(f"N={n}: clean build {result['wall_s']} s", file=sys.stderr)
        shutil.rmtree(archive, ignore_errors=True)
    return out


PLAIN = "mkdocs.plain-material.yml"


def plain_config(archive: Path) -> None:
    """The project's mkdocs.yml without what the project adds to Material: the theme overrides
    (``custom_dir``) and the hook."""
    lines = (archive / "mkdocs.yml").read_text("utf-8").splitlines()
    out, skip = [], False
    for line in lines:
        if line.strip().startswith("custom_dir:"):
            continue
        if line.startswith("hooks:"):
            skip = True
            continue
        if skip and line.startswith("  "):
            continue
        skip = False
        out.append(line)
    (archive / PLAIN).write_text("\n".join(out) + "\n", "utf-8")


#: Run in a fresh interpreter: the CPU time of MkDocs' ``build()`` alone (pages, templates, the
#: hook), without the interpreter's start and the imports, i.e. what a page costs.
_RENDER_ONLY = """
import json, logging, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
started = time.process_time()
build(config)
print(json.dumps({"build_cpu_s": round(time.process_time() - started, 3)}))
"""


def _render_only(archive: Path, config: str, site: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [PYTHON, "-c", _RENDER_ONLY, config, str(site)], cwd=archive, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"mkdocs build() with {config} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def overhead(archive: Path, repeat: int) -> dict:
    """MkDocs with the project's theme and hook against plain Material, same docs/, interleaved:
    each time the whole ``mkdocs build`` process (wall, CPU) and, in a process of its own,
    the CPU of ``build()`` alone, which divided by the pages is the cost per page."""
    env = environment(archive)
    plain_config(archive)
    pages = sum(1 for _ in (archive / "docs").rglob("*.md"))
    runs: dict[str, list[dict]] = {"project": [], "plain": []}
    for _ in range(repeat):
        for name, config in (("project", "mkdocs.yml"), ("plain", PLAIN)):
            site = archive / f"site.{name}"
            shutil.rmtree(site, ignore_errors=True)
            run = measured(_mkdocs(archive, site, None, config), archive, env)
            shutil.rmtree(site, ignore_errors=True)
            run.update(_render_only(archive, config, site, env))
            shutil.rmtree(site, ignore_errors=True)
            runs[name].append(run)
            print(f"overhead {name}: {run}", file=sys.stderr)
    median = {key: {name: _median(rs, key) for name, rs in runs.items()} for key in ("cpu_s", "wall_s", "build_cpu_s")}
    pairs = [a["build_cpu_s"] / b["build_cpu_s"] for a, b in zip(runs["project"], runs["plain"], strict=True)]
    return {
        **runs,
        "pages": pages,
        "median_cpu_s": median["cpu_s"],
        "median_wall_s": median["wall_s"],
        "median_build_cpu_s": median["build_cpu_s"],
        "ratio_cpu": round(median["cpu_s"]["project"] / median["cpu_s"]["plain"], 3),
        "ratio_wall": round(median["wall_s"]["project"] / median["wall_s"]["plain"], 3),
        "ratio_per_page": round(median["build_cpu_s"]["project"] / median["build_cpu_s"]["plain"], 3),
        "ratio_per_page_pairs": [round(pair, 3) for pair in pairs],
    }


def prepared(folder: Path, n: int, code: Path) -> Path:
    archive = folder / f"archive-{n}"
    write_archive(archive, n, seed=1, code=code)
    env = environment(archive)
    subprocess.run([PYTHON, "-m", "build_tools", "generate"], cwd=archive, env=env, check=True, capture_output=True)
    return archive


def _median(runs: list[dict], key: str) -> float:
    values = sorted(run[key] for run in runs)
    return values[len(values) // 2]


def _listed(value: float | list[float] | None) -> list[float]:
    return value if isinstance(value, list) else [value or 0]


def _clean_rows(clean: dict) -> list[str]:
    one, two = clean["jobs_1"], clean["jobs_2"]
    rows = [f"| clean build, N = {clean['n']:,} | `--jobs 1` | `--jobs 2` | ratio |", "| --- | ---: | ---: | ---: |"]

    def row(label: str, get, fmt: str = "{:.1f} s") -> None:
        a, b = [sorted(map(get, runs))[len(runs) // 2] for runs in (one, two)]
        ratio = f"×{b / a:.2f}" if a else "-"
        rows.append(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {ratio} |")

    row("wall", lambda r: r["wall_s"])
    row("CPU (all processes)", lambda r: r["cpu_s"])
    row("generate, wall", lambda r: r["stages"]["generate_s"])
    row("render (MkDocs), wall", lambda r: r["stages"]["render_s"])
    row("render, CPU of the slowest process", lambda r: max(_listed(r["stages"].get("render_cpu_s"))))
    row("search index, CPU", lambda r: r["stages"].get("index_cpu_s", 0))
    row("search index (Pagefind), wall", lambda r: r["stages"]["index_s"])
    row("peak memory, whole process tree", lambda r: r["tree_peak_mb"], "{:.0f} MB")
    loads = ", ".join(f"{r['load']:.1f}" for r in one + two)
    rows.append(f"| load average before each build | {loads} | | |")
    rows.append(f"| same site, Pagefind aside | {'yes' if clean['same_site'] else 'NO'} | | |")
    return rows


def _overhead_rows(o: dict) -> list[str]:
    rows = [
        f"| MkDocs, N = {o['n']:,} (median of {len(o['project'])}) | project | plain Material | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    if "median_build_cpu_s" in o:
        per_page = {name: 1000 * o["median_build_cpu_s"][name] / o["pages"] for name in ("project", "plain")}
        pairs = ", ".join(f"{pair:.2f}" for pair in o["ratio_per_page_pairs"])
        rows.append(
            f"| render CPU per page (`build()` alone, {o['pages']:,} pages; pairs {pairs}) | "
            f"{per_page['project']:.2f} ms | {per_page['plain']:.2f} ms | ×{o['ratio_per_page']:.2f} |"
        )
    rows += [
        f"| whole process, CPU | {o['median_cpu_s']['project']:.1f} s | {o['median_cpu_s']['plain']:.1f} s "
        f"| ×{o['ratio_cpu']:.2f} |",
        f"| whole process, wall | {o['median_wall_s']['project']:.1f} s | {o['median_wall_s']['plain']:.1f} s "
        f"| ×{o['ratio_wall']:.2f} |",
    ]
    return rows


def _partition_rows(partitions: dict) -> list[str]:
    rows = [
        "| N | M | largest partition: wall (CPU) | merge: wall (CPU) | matrix of M jobs: wall (CPU path) "
        "| one machine, `build --full --jobs 1`: wall (CPU) | matrix / one: wall (CPU) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, by_count in partitions.items():
        single = by_count.get("single_process_build") or by_count["single_process_render"]
        for count, found in by_count.items():
            if not count.isdigit():
                continue
            largest = max(found["partitions"], key=lambda r: r["wall_s"])
            largest_cpu = max(r["cpu_s"] for r in found["partitions"])
            merge = found["merge"]
            path = largest_cpu + merge["cpu_s"]
            rows.append(
                f"| {int(n):,} | {count} | {largest['wall_s']:.1f} s ({largest_cpu:.1f} s) | "
                f"{merge['wall_s']:.1f} s ({merge['cpu_s']:.1f} s) | {found['matrix_wall_s']:.1f} s ({path:.1f} s) | "
                f"{single['wall_s']:.1f} s ({single['cpu_s']:.1f} s) | "
                f"×{found['matrix_to_single']:.2f} (×{path / single['cpu_s']:.2f}) |"
            )
    return rows


def _whole_builds(results: dict) -> dict[int, dict]:
    """Every one-process clean build (``--jobs 1``) of a result, by N."""
    builds = {int(n): run for n, run in results.get("sizes", {}).items()}
    if "clean" in results:
        builds.setdefault(results["clean"]["n"], results["clean"]["jobs_1"][0])
    for n, by_count in results.get("partitions", {}).items():
        if "single_process_build" in by_count:
            builds.setdefault(int(n), by_count["single_process_build"])
    return dict(sorted(builds.items()))


def _per_article_rows(results: dict) -> list[str]:
    builds = _whole_builds(results)
    if not builds:
        return []
    rows = [
        "| N | clean build: wall | CPU (all processes) | CPU per article | generate: wall per article "
        "| render: CPU per article | search index: CPU per article | peak memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, run in builds.items():
        stages = run["stages"]
        render_cpu = max(_listed(stages.get("render_cpu_s"))) or stages["render_s"]

        def per(seconds: float, n: int = n) -> str:
            return f"{1000 * seconds / n:.1f} ms"

        rows.append(
            f"| {n:,} | {run['wall_s']:.1f} s | {run['cpu_s']:.1f} s | {per(run['cpu_s'])} | "
            f"{per(stages['generate_s'])} | {per(render_cpu)} | {per(stages.get('index_cpu_s') or stages['index_s'])} | "
            f"{run['tree_peak_mb']} MB |"
        )
    return rows


def markdown(results: dict) -> str:
    """The tables of bench/README.md's "Parallel build" from a result of this module."""
    rows: list[str] = []
    if "clean" in results:
        rows += _clean_rows(results["clean"]) + [""]
    if "overhead" in results:
        rows += _overhead_rows(results["overhead"]) + [""]
    if "partitions" in results:
        rows += _partition_rows(results["partitions"]) + [""]
    if _whole_builds(results):
        rows += _per_article_rows(results) + [""]
    if "index" in results:
        i = results["index"]
        rows += [f"| search index alone, N = {i['n']:,} | `--jobs 1` | `--jobs 2` |", "| --- | ---: | ---: |"]
        for label, key, unit in (
            ("wall", "wall_s", "s"),
            ("CPU", "cpu_s", "s"),
            ("peak memory, summed", "tree_peak_mb", "MB"),
        ):
            a, b = _median(i["jobs_1"], key), _median(i["jobs_2"], key)
            rows.append(f"| {label} | {a:.1f} {unit} | {b:.1f} {unit} |")
        rows.append("")
    load = ", ".join(f"{x:.1f}" for x in results.get("load_at_start", []))
    rows.append(f"{results.get('cores')} cores; load average at start {load}; {results.get('started')}.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parallel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000, help="articles of the clean builds and the partitions")
    parser.add_argument("--repeat", type=int, default=1, help="clean builds per --jobs value (interleaved)")
    parser.add_argument("--partitions", default="", help="comma-separated M to render as partitions (e.g. 2,4,8)")
    parser.add_argument("--partition-n", default="", help="comma-separated N for the partitions (default: --n)")
    parser.add_argument(
        "--partition-concurrency", type=int, default=1, help="partitions built at once, each in its own copy"
    )
    parser.add_argument(
        "--sizes", default="", help="comma-separated N of one-process clean builds for the per-article table"
    )
    parser.add_argument("--overhead-n", type=int, default=0, help="articles of the overhead measurement (0: none)")
    parser.add_argument("--overhead-repeat", type=int, default=3)
    parser.add_argument("--no-clean", action="store_true", help="skip the clean builds")
    parser.add_argument("--index-n", type=int, default=0, help="articles of the index-only measurement (0: none)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--ref", default=None, help="measure build_tools/ as of this git commit (default: as it is now)"
    )
    parser.add_argument("--table", type=Path, default=None, help="print the tables of a result file, measure nothing")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown(json.loads(args.table.read_text("utf-8"))))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="bench-parallel-", dir=args.workdir))
    code = snapshot_code(folder, args.ref)
    results: dict = {"cores": len(os.sched_getaffinity(0)), "load_at_start": os.getloadavg(), "ref": args.ref}
    results["started"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

    def save() -> None:
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1) + "\n", "utf-8")

    try:
        if args.overhead_n:
            results["overhead"] = {
                "n": args.overhead_n,
                **overhead(prepared(folder, args.overhead_n, code), args.overhead_repeat),
            }
            save()
        archives: dict[int, Path] = {}
        if args.index_n:
            results["index"] = {"n": args.index_n, **index_runs(prepared(folder, args.index_n, code), args.repeat)}
            save()
        if args.sizes:
            results["sizes"] = sizes(folder, [int(n) for n in args.sizes.split(",") if n.strip()], code)
            save()
        if not args.no_clean:
            archives[args.n] = prepared(folder, args.n, code)
            results["clean"] = {"n": args.n, **clean_builds(archives[args.n], args.repeat)}
            save()
        counts = [int(m) for m in args.partitions.split(",") if m.strip()]
        sizes_ = [int(n) for n in args.partition_n.split(",") if n.strip()] or [args.n]
        for n in sizes_ if counts else []:
            archive = archives.get(n) or prepared(folder, n, code)
            single = results["clean"]["jobs_1"][0] if n in archives else None
            found = partitions(archive, counts, single, args.partition_concurrency)
            results.setdefault("partitions", {})[str(n)] = found
            save()
            shutil.rmtree(archive, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results["load_at_end"] = os.getloadavg()
    save()
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
