"""MkDocs hook: during ``mkdocs serve``, regenerate docs/ before every rebuild.

An edit to a file in articles/ triggers a rebuild (``watch:`` in mkdocs.yml); this hook
rewrites only the pages whose text changed, so the served site follows the edit without a
separate ``generate`` step. ``mkdocs build`` is left alone: ``make site`` generates first.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_tools.pipeline import Project, generate  # noqa: E402
from build_tools.problems import InputError  # noqa: E402

log = logging.getLogger("mkdocs.plugins.build_tools")
_state = {"command": None}


def on_startup(command: str, dirty: bool = False, **_) -> None:
    _state["command"] = command


def on_pre_build(config, **_) -> None:
    if _state["command"] != "serve":
        return
    project = Project(Path(config.config_file_path).resolve().parent)
    try:
        _, changed = generate(project, in_place=True)
    except InputError as exc:
        for problem in exc.problems:
            log.error(problem.format())
        log.error("articles have errors: the pages were not regenerated")
        return
    if changed:
        log.info("regenerated %d page(s)", len(changed))
