"""``build``: generate the pages, then build the site with MkDocs into site/ (what ``make site`` runs)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..pipeline import Project, generate
from ..problems import InputError
from ..writers import remove_leftovers, swap_in
from . import report


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "build",
        help="generate the pages and build the whole site into site/ (make site)",
        description="generate, then `mkdocs build --strict` into a staging folder that replaces "
        "site/ only when the build succeeded.",
    )
    parser.add_argument("--root", type=Path, default=None, help="archive folder (default: found from here)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = Project(args.root.resolve()) if args.root else Project.find()
    try:
        count, _ = generate(project)
    except InputError as exc:
        report(exc.problems)
        print("build: nothing written; docs/ and site/ are unchanged")
        return 1
    print(f"generate: {count} pages written to {project.docs}")
    remove_leftovers(project.site)
    staging = project.site.with_name(f"{project.site.name}.tmp-{os.getpid()}")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)]
    # The MkDocs hook imports build_tools: make this very package importable from any archive folder.
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    result = subprocess.run(command, cwd=project.root, env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print("build: mkdocs build failed; site/ is unchanged", file=sys.stderr)
        return 1
    indexer = [sys.executable, "-m", "pagefind", "--site", str(staging), "--silent", "--exclude-selectors", ".headerlink"]
    started = time.monotonic()
    indexed = subprocess.run(indexer, cwd=project.root, env=env)
    if indexed.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print("build: search indexing (Pagefind) failed; site/ is unchanged", file=sys.stderr)
        return 1
    print(f"build: search index written in {time.monotonic() - started:.1f} s")
    swap_in(staging, project.site)
    print(f"build: site written to {project.site}")
    return 0
