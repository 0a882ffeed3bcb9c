"""Measure the build of synthetic archives of several sizes against a floor.

For each N: write a synthetic archive (``bench.synth``), then run each step as its own
subprocess under a fresh wrapper process that reports the step's wall time and its
``RUSAGE_CHILDREN`` peak RSS (the wrapper's only children are the step and whatever the
step starts, e.g. ``build``'s ``mkdocs`` subprocess, so the figure is the step's peak):

* ``floor``    read every article file and parse its frontmatter with PyYAML's pure-Python
               ``BaseLoader`` (the loader family the project uses), nothing else: the baseline.
* ``generate`` ``python -m build_tools generate --root ARCHIVE``
* ``build``    ``python -m build_tools build --root ARCHIVE`` (generate + mkdocs build --strict)
* ``edit``     build again after appending a sentence to one article
* ``add``      build again after adding one article

and measure the built site: size of site/, median size of an article page, Material's
search index (site/search/search_index.json, what Material's search downloads before the
first result), and Pagefind's per-search bytes when site/pagefind/ exists.

Times are ratios to the floor measured in the same run (the machine is shared and noisy);
memory is a ratio to the floor's peak RSS; byte figures are ratios to the median article
source file (or, for site/, to all article sources).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from .alternatives import material_index, zensical_build
from .search import measure_search
from .serve import measure_serve
from .synth import REPO, write_archive
from .weight import describe as describe_weight
from .weight import measure_weight

WRAPPER = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_rss_kb": usage.ru_maxrss, "stderr": done.stderr.decode("utf-8", "replace")[-3000:]}))
"""

FLOOR = "import sys; from bench.measure import floor; floor(sys.argv[1])"
PAGE_SAMPLES = 9
#: Results a Pagefind search UI shows (and fetches a fragment for) before "load more": Pagefind's
#: default UI shows 5; the archive's own search script says how many in ``const PAGE = <n>``.
PAGEFIND_RESULTS = 5
SEARCH_SCRIPT = "docs/javascripts/archive-search.js"


def results_per_search(root: Path) -> int:
    try:
        found = re.search(r"const PAGE = (\d+)", (root / SEARCH_SCRIPT).read_text(encoding="utf-8"))
    except OSError:
        return PAGEFIND_RESULTS
    return int(found[1]) if found else PAGEFIND_RESULTS


class StepFailed(RuntimeError):
    pass


def floor(root: str) -> int:
    """The baseline: read each article and parse its frontmatter with yaml, nothing else."""
    import yaml

    articles = Path(root) / "articles"
    count = 0
    for path in sorted(articles.rglob("*.md")):
        if path.relative_to(articles).parts[0] == "vocabulary":
            continue
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---\n", 4)
        yaml.load(text[4:end], Loader=yaml.BaseLoader)
        count += 1
    return count


def run_step(command: list[str], env: dict[str, str], cwd: Path = REPO) -> dict:
    """Run ``command`` under a fresh wrapper; returns wall time, CPU time and peak RSS."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise StepFailed(f"wrapper failed for {command}: {done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise StepFailed(f"{' '.join(command)} exited {result['rc']}:\n{result['stderr']}")
    result.pop("stderr")
    result["peak_rss_mb"] = round(result.pop("peak_rss_kb") / 1024, 1)
    result["wall_s"] = round(result["wall_s"], 3)
    result["cpu_s"] = round(result["cpu_s"], 3)
    return result


def _median_run(command: list[str], env: dict[str, str], repeat: int, cwd: Path = REPO) -> dict:
    runs = []
    for _ in range(max(1, repeat)):
        load = os.getloadavg()[0]
        runs.append({**run_step(command, env, cwd), "loadavg_before": round(load, 2)})
    runs.sort(key=lambda r: r["wall_s"])
    best = dict(runs[len(runs) // 2])
    best["runs"] = [r["wall_s"] for r in runs]
    return best


def _tree_bytes(folder: Path) -> tuple[int, int]:
    total = files = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            total += os.stat(os.path.join(dirpath, name)).st_size
            files += 1
    return total, files


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def _sample(paths: list[Path], k: int) -> list[Path]:
    if len(paths) <= k:
        return paths
    step = len(paths) / k
    return [paths[int(i * step)] for i in range(k)]


def article_paths(archive: Path) -> list[Path]:
    articles = archive / "articles"
    return sorted(p for p in articles.rglob("*.md") if p.relative_to(articles).parts[0] != "vocabulary")


def pagefind_bytes(pagefind: Path, shown: int = PAGEFIND_RESULTS) -> dict | None:
    """Bytes a browser fetches for one single-word Pagefind search, from site/pagefind/.

    Pagefind stores its index pre-compressed, so file sizes are transfer sizes. One search
    loads the entry file, pagefind.js, the WASM for the page language and the language's
    metadata once, then the index chunk(s) holding the query's words (one for a one-word
    query: the median chunk, and the largest for a common word) and one fragment per result
    shown (``shown``). The search page loads the filter files (``pagefind.filters()``) only
    when a reader opens its filter panel, so they are counted apart (``filter_bytes``) and in
    ``one_search_with_filters_bytes``. The default UI's script and stylesheet are listed apart.
    """
    if not pagefind.is_dir():
        return None

    def size(pattern: str) -> int:
        return sum(p.stat().st_size for p in pagefind.glob(pattern))

    chunks = sorted(p.stat().st_size for p in (pagefind / "index").glob("*.pf_index"))
    fragments = sorted(p.stat().st_size for p in (pagefind / "fragment").glob("*.pf_fragment"))
    filters = size("filter/*.pf_filter")
    wasm = [p for p in pagefind.glob("wasm.*.pagefind") if not p.name.startswith("wasm.unknown")]
    fixed = size("pagefind-entry.json") + size("pagefind.js") + size("pagefind-worker.js") + size("*.pf_meta")
    fixed += wasm[0].stat().st_size if wasm else size("wasm.unknown.pagefind")
    chunk = statistics.median(chunks) if chunks else 0
    fragment = statistics.median(fragments) if fragments else 0
    first = fixed + chunk + shown * fragment
    return {
        "one_search_bytes": int(first),
        "one_search_common_word_bytes": int(fixed + (chunks[-1] if chunks else 0) + shown * fragment),
        "one_search_with_filters_bytes": int(first + filters),
        "fixed_bytes": fixed,
        "filter_bytes": filters,
        "index_chunks": len(chunks),
        "index_chunk_median_bytes": int(chunk),
        "index_chunk_max_bytes": chunks[-1] if chunks else 0,
        "fragment_median_bytes": int(fragment),
        "results_shown": shown,
        "ui_bytes": size("pagefind-ui.js") + size("pagefind-ui.css"),
        "total_bytes": _tree_bytes(pagefind)[0],
    }


def site_figures(archive: Path) -> dict:
    site = archive / "site"
    total, files = _tree_bytes(site)
    pages = sorted((site / "articles").glob("*/*/index.html"))
    sample = _sample(pages, PAGE_SAMPLES)
    raw = [p.stat().st_size for p in sample]
    zipped = [_gz(p.read_bytes()) for p in sample]
    sources = _sample(article_paths(archive), PAGE_SAMPLES)
    figures = {
        "site_bytes": total,
        "site_files": files,
        "article_page_bytes": int(statistics.median(raw)) if raw else 0,
        "article_page_gzip_bytes": int(statistics.median(zipped)) if zipped else 0,
        "article_source_bytes": int(statistics.median(p.stat().st_size for p in sources)) if sources else 0,
    }
    index = site / "search" / "search_index.json"
    if index.is_file():
        data = index.read_bytes()
        figures["material_search_index_bytes"] = len(data)
        figures["material_search_index_gzip_bytes"] = _gz(data)
        figures["material_search_index_docs"] = len(json.loads(data).get("docs", []))
    figures["pagefind"] = pagefind_bytes(site / "pagefind", results_per_search(archive))
    return figures


def _append_sentence(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nA sentence added by the benchmark to measure a rebuild after one edit.\n")


def _add_article(archive: Path, synth) -> Path:
    rel, text = synth.article(set())
    year, name = rel.split("/")
    path = archive / "articles" / year / f"{name[:10]}-bench-added-article.md"
    path.write_text(text, encoding="utf-8")
    return path


def _build_stages(archive: Path) -> dict:
    """Time and peak memory of each stage of the last ``build`` (it records them in site/)."""
    try:
        return json.loads((archive / ".build" / "last-build.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _attempt(measure, log) -> dict:
    """An extra measurement; its failure is recorded in the results (and shown), not hidden."""
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - any failure of a measurement is a result to report
        log(f"measurement failed: {type(exc).__name__}: {exc}")
        return {"error": f"{type(exc).__name__}: {str(exc)[-1500:]}"}


def snapshot_code(workdir: Path, ref: str | None = None, tries: int = 10, wait: float = 15.0) -> Path:
    """Copy build_tools/ into ``workdir/code`` so every step of a run measures the same code,
    even while build_tools/ is being edited: the working tree (retried until the copy imports
    and its CLI answers ``--help``) or, with ``ref``, that git commit (``git archive``)."""
    code = workdir / "code"
    for attempt in range(tries):
        if code.exists():
            shutil.rmtree(code)
        code.mkdir(parents=True)
        if ref:
            archive = subprocess.run(["git", "archive", ref, "build_tools"], cwd=REPO, capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
        else:
            shutil.copytree(REPO / "build_tools", code / "build_tools", ignore=shutil.ignore_patterns("__pycache__"))
        check = subprocess.run(
            [sys.executable, "-m", "build_tools", "generate", "--help"], cwd=code, capture_output=True, text=True
        )
        if check.returncode == 0:
            return code
        print(f"snapshot of build_tools does not run (try {attempt + 1}/{tries}): {check.stderr.strip()[-300:]}")
        if ref:
            break
        time.sleep(wait)
    raise StepFailed("could not take a working snapshot of build_tools/")


def measure_size(
    n: int,
    workdir: Path,
    seed: int,
    repeat: int,
    keep: bool,
    pagefind_preview: bool = False,
    code: Path = REPO,
    rebuilds: bool = True,
    log=print,
    extras: dict | None = None,
) -> dict:
    """Measure one size. ``extras`` turns off the slower extra measurements by name: ``browser``
    (bytes per search in Chromium), ``serve``, ``material`` (a second build with Material's
    search) and ``zensical`` (a build with Zensical)."""
    extras = extras or {}
    archive = workdir / f"archive-{n}"
    if archive.exists():
        shutil.rmtree(archive)
    info = write_archive(archive, n, seed, code=code)
    synth = info.pop("synth")
    log(f"[n={n}] synthetic archive written in {info['seconds']} s ({info['article_bytes'] / 1e6:.1f} MB of articles)")
    # The code under test comes first on the path (cwd is on it too, for -m); bench itself after.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": f"{code}{os.pathsep}{REPO}"}
    py, root = sys.executable, str(archive)
    steps: dict[str, dict] = {}

    def step(name: str, command: list[str], times: int = 1) -> None:
        steps[name] = _median_run(command, env, times, cwd=code)
        if command[3:4] == ["build"]:
            steps[name]["stages"] = _build_stages(archive)
        log(f"[n={n}] {name}: {steps[name]['wall_s']} s, peak {steps[name]['peak_rss_mb']} MB")

    step("floor", [py, "-c", FLOOR, root], max(3, repeat))
    step("generate", [py, "-m", "build_tools", "generate", "--root", root], repeat)
    step("build", [py, "-m", "build_tools", "build", "--root", root], repeat)
    if pagefind_preview and not (archive / "site" / "pagefind").exists():
        # What Pagefind would add, until `build` runs it itself: index the built site/.
        step("pagefind_preview", [py, "-m", "pagefind", "--site", str(archive / "site")])
    figures = site_figures(archive)
    if extras.get("browser", True):
        figures["search_in_browser"] = _attempt(lambda: measure_search(archive / "site"), log)
        figures["page_weight"] = _attempt(lambda: measure_weight(archive / "site"), log)
    if rebuilds:
        paths = article_paths(archive)
        _append_sentence(paths[len(paths) // 2])
        step("rebuild_after_edit", [py, "-m", "build_tools", "build", "--root", root])
        _add_article(archive, synth)
        step("rebuild_after_add", [py, "-m", "build_tools", "build", "--root", root])
    if extras.get("serve", True):
        figures["serve"] = _attempt(lambda: measure_serve(archive, code, env, log), log)
    if extras.get("material", True):
        figures["material_search"] = _attempt(lambda: material_index(archive, workdir, env, run_step), log)
    zensical = extras.get("zensical", True)
    if zensical is True or (isinstance(zensical, set) and n in zensical):
        figures["zensical"] = _attempt(lambda: zensical_build(archive, workdir, env, run_step), log)
    base = steps["floor"]
    for result in steps.values():
        result["wall_x_floor"] = round(result["wall_s"] / base["wall_s"], 2)
        result["cpu_x_floor"] = round(result["cpu_s"] / base["cpu_s"], 2)
        result["peak_rss_x_floor"] = round(result["peak_rss_mb"] / base["peak_rss_mb"], 2)
    figures["site_x_sources"] = round(figures["site_bytes"] / info["article_bytes"], 2)
    if not keep:
        shutil.rmtree(archive, ignore_errors=True)
    return {"n": n, "archive": info, "steps": steps, "site": figures}


def machine(code: Path = REPO, ref: str | None = None) -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    commit = subprocess.run(["git", "rev-parse", "--short", ref or "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "build_tools"], cwd=REPO, capture_output=True, text=True)
    tree = hashlib.sha256()
    for path in sorted((code / "build_tools").rglob("*.py")):
        tree.update(path.relative_to(code).as_posix().encode() + b"\0" + path.read_bytes())
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "pyyaml": version("pyyaml"),
        "commit": commit.stdout.strip() + ("" if ref else " + uncommitted build_tools" if dirty.stdout.strip() else ""),
        "build_tools_sha256": tree.hexdigest()[:12],
        "loadavg_start": os.getloadavg()[0],
    }


def _mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB" if value >= 1e6 else f"{value / 1e3:.1f} kB"


def _cell(run: dict, step: str, key: str, ratio: str, fmt: str) -> str:
    found = run["steps"].get(step)
    return "-" if not found else f"{fmt.format(found[key])} (×{found[ratio]})"


def markdown(results: dict) -> str:
    runs = results["runs"]
    m = results["machine"]
    head = "| figure | " + " | ".join(f"N={r['n']}" for r in runs) + " |"
    rule = "| --- |" + " ---: |" * len(runs)
    rows = [head, rule]

    def row(label: str, cell) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in runs) + " |")

    names = ["floor", "generate", "build", "rebuild_after_edit", "rebuild_after_add"]
    if any("pagefind_preview" in r["steps"] for r in runs):
        names.append("pagefind_preview")
    for name in names:
        label = name.replace("_", " ")
        row(f"{label}: wall", lambda r, s=name: _cell(r, s, "wall_s", "wall_x_floor", "{:.1f} s"))
    for name in names:
        label = name.replace("_", " ")
        row(f"{label}: CPU", lambda r, s=name: _cell(r, s, "cpu_s", "cpu_x_floor", "{:.1f} s"))
    for name in ("floor", "generate", "build"):
        row(f"{name}: peak RSS", lambda r, s=name: _cell(r, s, "peak_rss_mb", "peak_rss_x_floor", "{:.0f} MB"))
    row("article sources (all)", lambda r: _mb(r["archive"]["article_bytes"]))
    row(
        "site/ (files)",
        lambda r: (
            f"{_mb(r['site']['site_bytes'])} ({r['site']['site_files']}) (×{r['site']['site_x_sources']} sources)"
        ),
    )

    def per_source(r, key):
        src = r["site"]["article_source_bytes"] or 1
        value = r["site"].get(key)
        return "-" if value is None else f"{_mb(value)} (×{value / src:.1f})"

    row("article source, median", lambda r: _mb(r["site"]["article_source_bytes"]))
    row("article page, median (× source)", lambda r: per_source(r, "article_page_bytes"))
    row("article page gzip, median", lambda r: per_source(r, "article_page_gzip_bytes"))

    def pagefind(r):
        found = r["site"].get("pagefind")
        if not found:
            return "no site/pagefind/ (TODO)"
        src = r["site"]["article_source_bytes"] or 1
        return (
            f"{_mb(found['one_search_bytes'])} (×{found['one_search_bytes'] / src:.1f}); "
            f"common word {_mb(found['one_search_common_word_bytes'])}"
        )

    row("Pagefind: bytes for one search (estimate from file sizes)", pagefind)

    def extra(name: str, show):
        """A cell for an extra measurement: "-" when not run, its error when it failed."""

        def cell(r):
            found = r["site"].get(name)
            if not found:
                return "-"
            if "error" in found:
                return "failed: " + found["error"][:80]
            return show(found)

        return cell

    row(
        "**Search in Chromium: bytes fetched per search**",
        extra(
            "search_in_browser",
            lambda f: (
                f"median {_mb(f['median_search_bytes'])}, max {_mb(f['max_search_bytes'])} "
                f"({len(f['queries'])} queries)"
            ),
        ),
    )

    row(
        "**Article page weight in Chromium (budget 60 kB HTML, 150 kB first load)**",
        extra("page_weight", describe_weight),
    )

    row(
        "Material's search: whole index a reader downloads",
        extra(
            "material_search", lambda f: f"{_mb(f['index_bytes'])} ({_mb(f['index_gzip_bytes'])} gzip), every search"
        ),
    )

    def stage(step: str, key: str, fmt: str):
        def cell(r):
            found = r["steps"].get(step, {}).get("stages", {})
            return "-" if key not in found else fmt.format(found[key])

        return cell

    def speedup(r):
        # Clean: the generate step (a first run, nothing remembered) + MkDocs of the clean build.
        # After an edit: both stages of the rebuild. Pagefind is reported on its own lines.
        steps = r["steps"]
        clean_render = steps.get("build", {}).get("stages", {}).get("render_s")
        edit = steps.get("rebuild_after_edit", {}).get("stages", {})
        if clean_render is None or "generate" not in steps or "render_s" not in edit:
            return "-"
        clean = steps["generate"]["wall_s"] + clean_render
        after = edit["generate_s"] + edit["render_s"]
        return f"{clean:.1f} s → {after:.1f} s (×{clean / after:.1f} faster)"

    row("**pages (generate + render): clean → after one edit**", speedup)
    row("  generate after one edit", stage("rebuild_after_edit", "generate_s", "{:.1f} s"))
    row("  MkDocs render after one edit (--dirty)", stage("rebuild_after_edit", "render_s", "{:.1f} s"))
    row("  copy of site/ for the incremental build", stage("rebuild_after_edit", "copy_s", "{:.1f} s"))
    row("search index (Pagefind), clean build", stage("build", "index_s", "{:.1f} s"))
    row("search index (Pagefind), after one edit", stage("rebuild_after_edit", "index_s", "{:.1f} s"))
    row(
        "peak memory: generate / render / index",
        lambda r: "{} / {} / {} MB".format(
            *(
                r["steps"].get("build", {}).get("stages", {}).get(k, "-")
                for k in ("generate_peak_mb", "render_peak_mb", "index_peak_mb")
            )
        ),
    )

    row(
        "**make serve: edit saved → new text served**",
        extra(
            "serve",
            lambda f: (
                f"{f['edit_to_served_median_s']:.1f} s median of {f['edit_to_served_s']}; "
                f"up after {f['startup_s']:.0f} s"
            ),
        ),
    )

    def zensical(found):
        b = found["build"]
        hook = "runs" if found["project_hook_ran"] else "does not run (raw HTML stays)"
        return f"{b['wall_s']:.1f} s, peak {b['peak_rss_mb']:.0f} MB, {found['html_pages']} pages; project hook {hook}"

    row("Zensical 0.0.73 build of the same docs/", extra("zensical", zensical))
    row(
        "Pagefind: whole index (site/pagefind/)", lambda r: _mb((r["site"].get("pagefind") or {}).get("total_bytes", 0))
    )
    footer = (
        f"\nMachine: {m['nproc']} × {m['cpu']}, {m['memory']}, Python {m['python']}, "
        f"MkDocs {m['mkdocs']}, Material {m['mkdocs-material']}; commit {m['commit']}, build_tools {m.get('build_tools_sha256', '-')}; "
        f"load average at start {m['loadavg_start']:.2f}, at end {m.get('loadavg_end', float('nan')):.2f}; {results['date']}.\n"
        "Times: seconds of one run (floor: median of 3) and ratio to the floor of the same N; wall time "
        "suffers most from other load on a shared machine, CPU time (user+sys of the step's processes) less. "
        "Memory: peak RSS of the step's processes. Bytes: ratio to the median article source file "
        "(site/: to all article sources).\n"
    )
    ingest = results.get("ingest")
    if ingest:
        i, f = ingest["ingest"], ingest["floor"]
        footer += (
            f"\nBulk ingest of the corpus ({ingest['files']} files, {ingest['articles_written']} articles written): "
            f"{i['wall_s']:.1f} s wall, {i['cpu_s']:.1f} s CPU (×{ingest['ratio_cpu']} the floor of reading the files, "
            f"{f['cpu_s']:.2f} s), peak {i['peak_rss_mb']:.0f} MB.\n"
        )
    return "\n".join(rows) + "\n" + footer


CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_FLOOR = """
import sys, pathlib
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*")):
    if p.is_file() and p.suffix in (".md", ".html", ".txt"):
        p.read_text("utf-8", errors="replace")
"""


def measure_ingest(workdir: Path, code: Path, corpus: Path = CORPUS) -> dict | None:
    """Bulk ingest of the real corpus (../shared/corpus) into an empty archive, against a floor
    that only reads every corpus file. None when the corpus is not beside the project."""
    if not corpus.is_dir():
        return None
    archive = workdir / "ingest-archive"
    shutil.rmtree(archive, ignore_errors=True)
    (archive / "articles").mkdir(parents=True)
    shutil.copytree(REPO / "articles" / "vocabulary", archive / "articles" / "vocabulary")
    shutil.copy2(REPO / "mkdocs.yml", archive / "mkdocs.yml")
    env = {**os.environ, "PYTHONPATH": str(code)}
    py = sys.executable
    floor_run = run_step([py, "-c", CORPUS_FLOOR, str(corpus)], env)
    ingest_run = run_step([py, "-m", "build_tools", "ingest", str(corpus), "--root", str(archive)], env, cwd=code)
    written = len(list((archive / "articles").glob("2*/*.md")))
    result = {
        "files": sum(1 for p in corpus.rglob("*") if p.is_file() and p.suffix in (".md", ".html", ".txt")),
        "articles_written": written,
        "floor": floor_run,
        "ingest": ingest_run,
        "ratio_cpu": round(ingest_run["cpu_s"] / max(floor_run["cpu_s"], 1e-3), 1),
    }
    shutil.rmtree(archive, ignore_errors=True)
    return result


def run(
    sizes: list[int],
    out: Path,
    seed: int = 1,
    repeat: int = 1,
    keep: bool = False,
    workdir: Path | None = None,
    pagefind_preview: bool = False,
    snapshot: bool = True,
    ref: str | None = None,
    rebuilds: bool = True,
    ingest: bool = True,
    extras: dict | None = None,
) -> dict:
    own = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="explainer-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    code = snapshot_code(workdir, ref) if snapshot or ref else REPO
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "seed": seed,
        "machine": machine(code, ref),
        "runs": [],
    }
    try:
        if ingest:
            results["ingest"] = measure_ingest(workdir, code)
            _write(results, out)
        for n in sizes:
            results["runs"].append(
                measure_size(n, workdir, seed, repeat, keep, pagefind_preview, code, rebuilds, extras=extras)
            )
            _write(results, out)  # partial results survive a later failure
    finally:
        if own and not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["loadavg_end"] = os.getloadavg()[0]
    _write(results, out)
    return results


def _write(results: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
