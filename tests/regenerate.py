"""Regenerate every golden set: ``python -m tests.regenerate [NAME ...]`` (all when none named).

- ``generate``: the generator's pages, ``tests/golden/archive/`` → ``tests/golden/expected/``
  (alone: ``python -m tests.golden``);
- ``ingest``: the ingested articles, ``tests/ingest/inputs/`` → ``tests/ingest/expected/``
  (alone: ``python -m tests.ingest.regenerate``).

Regenerate after a deliberate change only, and review the git diff before committing it.
"""

from __future__ import annotations

import argparse
import importlib

GOLDEN_SETS = {  # name → the module whose main() rewrites that set
    "generate": "tests.golden.__main__",
    "ingest": "tests.ingest.regenerate",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.regenerate", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"a golden set: {', '.join(GOLDEN_SETS)}")
    names = parser.parse_args(argv).names or list(GOLDEN_SETS)
    unknown = [name for name in names if name not in GOLDEN_SETS]
    if unknown:
        parser.error(f"no golden set {', '.join(unknown)}; expected {', '.join(GOLDEN_SETS)}")
    for name in names:
        print(f"== {name}")
        importlib.import_module(GOLDEN_SETS[name]).main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
