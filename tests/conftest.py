"""Shared fixtures: small archives built in temporary folders, never the real one."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from build_tools.generators import GENERATED

REPO = Path(__file__).resolve().parent.parent
GOLDEN_ARCHIVE = REPO / "tests" / "golden" / "archive"
SITE_FILES = ("mkdocs.yml", "overrides")


def copy_site_config(target: Path) -> None:
    """Copy what MkDocs needs besides the articles (config, theme overrides, hand-written pages)."""
    for name in SITE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, dirs_exist_ok=True)
        elif source.exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copytree(
        REPO / "docs",
        target / "docs",
        dirs_exist_ok=True,
        ignore=lambda folder, names: [n for n in names if Path(folder) == REPO / "docs" and n in GENERATED],
    )
    hooks = target / "build_tools"
    hooks.mkdir(exist_ok=True)
    shutil.copy2(REPO / "build_tools" / "mkdocs_hooks.py", hooks / "mkdocs_hooks.py")


def write_article(root: Path, name: str, frontmatter: str, body: str = "## Section\n\nText.\n") -> Path:
    year = name[:4]
    path = root / "articles" / year / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{textwrap.dedent(frontmatter).strip()}\n---\n\n{body}", encoding="utf-8")
    return path


@pytest.fixture
def golden_archive(tmp_path: Path) -> Path:
    """A writable copy of the golden fixture archive, ready to generate and build."""
    root = tmp_path / "archive"
    shutil.copytree(GOLDEN_ARCHIVE, root)
    copy_site_config(root)
    return root
