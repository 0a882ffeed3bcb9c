"""Whole-corpus figures of ``ingest``: ``python -m bench.ingest_corpus [--corpus DIR] [--workers N]``.

Every file of ``../shared/corpus`` goes through ingest as the command runs it (read, normalize,
tag, render, the rules of ``check``), in a pool of processes; then, in corpus order, each
article is decided against the ones before it (skipped as a duplicate or a near-duplicate, as
``ingest`` decides, or written). Reported:
written, clean, needing editing (by rule) and failed; source lines lost outside a named rule;
tables of three or more columns kept; speaker turns kept, and turns made headings; time per
file. The held-out slice (files whose path hashes to 0-2 of 16, about a fifth) is reported
apart: the rules were tuned on the rest.

The same function backs the whole-corpus test (tests/ingest/test_corpus.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"

_STATE: dict = {}


def heldout(relative: str) -> bool:
    """Whether a corpus file is in the held-out slice (never looked at while tuning the rules)."""
    return hashlib.sha1(relative.encode()).hexdigest()[0] in "012"


def _start(vocabulary_dir: str, root: str) -> None:
    from build_tools.ingest.tagging import Tagger
    from build_tools.ingest.verify import Verifier
    from build_tools.layout import Project
    from build_tools.readers import read_vocabulary

    vocabulary, _ = read_vocabulary(Path(vocabulary_dir))
    _STATE["tagger"] = Tagger(vocabulary)
    _STATE["verifier"] = Verifier.open(Project(Path(root)), vocabulary)


def audit_one(path_text: str) -> dict:
    """The audit of one file, as a dict (it crosses a process boundary)."""
    from build_tools.ingest.audit import FileAudit, audit

    path = Path(path_text)
    started = time.perf_counter()
    try:
        result = audit(path, _STATE["tagger"], _STATE["verifier"])
    except Exception as exc:  # noqa: BLE001 — a crash is a figure, not the end of the run
        result = FileAudit(path_text, "failed", error=f"{type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - started
    return asdict(result)


@dataclass
class Figures:
    files: int = 0
    written: int = 0
    clean: int = 0
    needs_editing: int = 0
    duplicates: int = 0
    near_duplicates: int = 0  # of the duplicates: another slug or date, 90 % of the 5-grams shared
    failed: int = 0
    error_rules: Counter = field(default_factory=Counter)
    warning_rules: Counter = field(default_factory=Counter)
    lost_lines: int = 0
    tables: int = 0
    tables_kept: int = 0
    turns: int = 0
    turns_kept: int = 0
    turn_headings: int = 0
    transcripts: int = 0
    transcripts_with_turn_heading: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, item: dict) -> None:
        self.files += 1
        self.seconds.append(item["seconds"])
        if item["status"] == "failed":
            self.failed += 1
            return
        self.lost_lines += len(item["lost"])
        self.tables += item["tables"]
        self.tables_kept += item["tables_kept"]
        self.turns += item["turns"]
        self.turns_kept += item["turns_kept"]
        self.turn_headings += len(item["turn_headings"])
        self.transcripts += item["turns"] > 0
        self.transcripts_with_turn_heading += bool(item["turn_headings"])
        if item["status"] == "duplicate":
            self.duplicates += 1
            self.near_duplicates += bool(item.get("near_duplicate_of"))
            return
        self.written += 1
        self.error_rules.update(set(item["rules"]))
        self.warning_rules.update(set(item["warnings"]))
        if item["rules"]:
            self.needs_editing += 1
        else:
            self.clean += 1

    @property
    def clean_share(self) -> float:
        return self.clean / self.written if self.written else 1.0


def run(corpus: Path = CORPUS, workers: int | None = None, vocabulary: Path | None = None) -> tuple[dict, list]:
    """(figures by slice: "all", "tuned", "held out"; the audits in corpus order)."""
    import tempfile

    from build_tools.ingest.pipeline import expand
    from build_tools.ingest.writer import Archive

    files, _ = expand([corpus])
    vocabulary = vocabulary or REPO / "articles" / "vocabulary"
    with tempfile.TemporaryDirectory(prefix="ingest-corpus-") as scratch:
        (Path(scratch) / "articles").mkdir()
        workers = workers or max(1, min(len(os.sched_getaffinity(0)), 4))
        with ProcessPoolExecutor(workers, initializer=_start, initargs=(str(vocabulary), scratch)) as pool:
            audits = list(pool.map(audit_one, [str(path) for path in files], chunksize=8))
        archive = Archive(Path(scratch) / "articles")
        figures = {"all": Figures(), "tuned": Figures(), "held out": Figures()}
        for path, item in zip(files, audits, strict=True):
            if item["status"] != "failed":
                found = archive.duplicate(item["year"], item["slug"], item["url"], item["body"])
                near = archive.near_duplicate(item["body"]) if found is None else None
                if found is not None or near is not None:
                    item["status"] = "duplicate"
                    item["near_duplicate_of"] = str(near[0]) if near is not None else ""
                else:
                    archive.add(Path(item["slug"]), item["year"], item["slug"], item["url"], item["body"])
            item["body"] = ""  # the figures need it no longer
            relative = path.relative_to(corpus).as_posix()
            figures["all"].add(item)
            figures["held out" if heldout(relative) else "tuned"].add(item)
    return figures, audits


def markdown(figures: dict) -> str:
    """The figures as the table of bench/README.md."""
    rows = [
        "| figure | " + " | ".join(figures) + " |",
        "| --- |" + " ---: |" * len(figures),
    ]

    def row(name: str, value) -> None:
        rows.append(f"| {name} | " + " | ".join(str(value(f)) for f in figures.values()) + " |")

    row("files", lambda f: f.files)
    row("written (not a duplicate)", lambda f: f.written)
    row("clean: no `check` error", lambda f: f"{f.clean} ({f.clean_share:.1%})")
    row("written, needs editing", lambda f: f.needs_editing)
    row("  by rule", lambda f: ", ".join(f"{r} {n}" for r, n in f.error_rules.most_common()) or "-")
    row("warnings by rule (articles)", lambda f: ", ".join(f"{r} {n}" for r, n in f.warning_rules.most_common()) or "-")
    row("skipped as duplicates", lambda f: f.duplicates)
    row("  of which near-duplicates (another slug or date)", lambda f: f.near_duplicates)
    row("failed", lambda f: f.failed)
    row("source lines lost outside a named rule", lambda f: f.lost_lines)
    row("tables of ≥ 3 columns kept", lambda f: f"{f.tables_kept} of {f.tables}")
    row("speaker turns kept", lambda f: f"{f.turns_kept} of {f.turns} ({f.transcripts} transcripts)")
    row("speaker turns made headings", lambda f: f"{f.turn_headings} ({f.transcripts_with_turn_heading} transcripts)")
    row("time per file, median / max", lambda f: _times(f.seconds))
    return "\n".join(rows) + "\n"


def _times(seconds: list[float]) -> str:
    if not seconds:
        return "-"
    ordered = sorted(seconds)
    return f"{ordered[len(ordered) // 2] * 1000:.0f} ms / {ordered[-1]:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: the cores, at most 4)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "ingest-corpus.json")
    parser.add_argument("--lost", action="store_true", help="print every lost line and failure")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"bench.ingest_corpus: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    figures, audits = run(args.corpus, args.workers)
    wall = time.perf_counter() - started
    if args.lost:
        for item in audits:
            for line in item["lost"]:
                print(f"LOST {item['path']}: {line[:160]}")
            if item["error"]:
                print(f"FAILED {item['path']}: {item['error']}")
            for line in item["turn_headings"]:
                print(f"TURN-HEADING {item['path']}: {line[:120]}")
            if item["tables"] != item["tables_kept"]:
                print(f"TABLE {item['path']}: {item['tables_kept']} of {item['tables']}")
    table = markdown(figures)
    print(table)
    print(f"{len(audits)} files in {wall:.1f} s wall")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        name: {**asdict(f), "error_rules": dict(f.error_rules), "warning_rules": dict(f.warning_rules), "seconds": None}
        for name, f in figures.items()
    }
    args.out.write_text(json.dumps({"wall_s": wall, "figures": summary, "audits": audits}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
