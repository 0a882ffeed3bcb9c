"""python -m tests.ci_rehearsal --out DIR: every workflow of .github/workflows/ run by act.

See tests/ci_rehearsal/__init__.py.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from tests.ci_rehearsal.rehearsal import Rehearsal, RehearsalError
from tests.ci_rehearsal.scenarios import SCENARIOS, play


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.ci_rehearsal", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a new (or empty) folder for everything it leaves")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, played in this order; a scenario may need those before it (default: {','.join(SCENARIOS)})",
    )
    parser.add_argument("--deploys", type=int, default=0, help="then N more deploys, measuring origin.git after each")
    parser.add_argument(
        "--no-ci", action="store_true", help="do not run ci.yml (in the pull-request and merge scenarios)"
    )
    parser.add_argument("--actions", type=Path, help="the pinned actions (default: ../shared/actions)")
    args = parser.parse_args(argv)
    names = [name for name in args.scenarios.split(",") if name]
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}: choose from {', '.join(SCENARIOS)}")
    started = time.monotonic()
    try:
        with Rehearsal(args.out, args.actions) as rehearsal:
            results = play(rehearsal, names, args.deploys, with_ci=not args.no_ci)
    except RehearsalError as exc:
        shutil.rmtree(args.out / "wheels", ignore_errors=True)
        print(f"ci-rehearsal: FAILED: {exc}", file=sys.stderr)
        print(f"ci-rehearsal: see {args.out.resolve()} (logs/, requests.jsonl, origin.git)", file=sys.stderr)
        return 1
    shutil.rmtree(args.out / "wheels", ignore_errors=True)  # 400 MB, made again by every run
    passed = sum(1 for value in results.values() if isinstance(value, dict) and value.get("passed"))
    print(f"ci-rehearsal: {passed} scenarios passed in {time.monotonic() - started:.0f} s; see {args.out.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
