"""``python -m bench [--quick] [--sizes 1000,5000,10000] [--out bench/results/latest.json]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .measure import markdown, run
from .synth import REPO

DEFAULT_SIZES = (1000, 5000, 10000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Build synthetic archives of N articles and compare each step to a floor "
        "(reading and parsing the frontmatter of every article).",
    )
    parser.add_argument("--quick", action="store_true", help="N=1000 only (a few minutes)")
    parser.add_argument("--sizes", default=None, help="comma-separated N, default 1000,5000,10000")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "latest.json")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of generate and build (median)")
    parser.add_argument("--workdir", type=Path, default=None, help="where archives go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic archives")
    parser.add_argument(
        "--pagefind-preview",
        action="store_true",
        help="when the build does not make site/pagefind/, run Pagefind on site/ to measure it",
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="run build_tools/ in place instead of a copy taken at the start of the run",
    )
    parser.add_argument("--ref", default=None, help="measure build_tools/ as of this git commit (e.g. HEAD)")
    parser.add_argument("--no-rebuilds", action="store_true", help="skip the rebuilds after an edit and an addition")
    parser.add_argument(
        "--no-ingest",
        action="store_true",
        help="skip the bulk ingest of ../shared/corpus and its whole-corpus figures (measured when present)",
    )
    for name, what in (
        ("browser", "the bytes per search measured in Chromium"),
        ("serve", "the make serve edit-to-served timing"),
        ("material", "the second build with Material's search plugin (its index size)"),
        ("zensical", "the build with Zensical"),
    ):
        parser.add_argument(f"--no-{name}", action="store_true", help=f"skip {what}")
    parser.add_argument(
        "--zensical-sizes",
        default="1000",
        help="the N at which to build with Zensical too (default 1000: at 2,000 articles it has needed 12 GB)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        sizes = [1000]
    elif args.sizes:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = list(DEFAULT_SIZES)
    results = run(
        sizes,
        args.out,
        seed=args.seed,
        repeat=args.repeat,
        keep=args.keep,
        workdir=args.workdir,
        pagefind_preview=args.pagefind_preview,
        snapshot=not args.no_snapshot,
        ref=args.ref,
        rebuilds=not args.no_rebuilds,
        ingest=not args.no_ingest,
        extras={
            **{name: not getattr(args, f"no_{name}") for name in ("browser", "serve", "material")},
            "zensical": set() if args.no_zensical else {int(n) for n in args.zensical_sizes.split(",") if n.strip()},
        },
    )
    print()
    print(markdown(results))
    print(f"results: {args.out} and {args.out.with_suffix('.md')}", file=sys.stderr)
    if not args.no_ingest:  # the whole-corpus figures of ingest (bench/README.md, "Ingest")
        from .ingest_corpus import CORPUS
        from .ingest_corpus import main as corpus_figures

        if CORPUS.is_dir():
            corpus_figures(["--out", str(args.out.with_name("ingest-corpus.json"))])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
