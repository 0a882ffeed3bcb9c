"""Shared fixtures: small archives built in temporary folders, never the real one."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_tools.keys import KEY_DIR_ENV
from build_tools.layout import GENERATED

REPO = Path(__file__).resolve().parent.parent
GOLDEN_ARCHIVE = REPO / "tests" / "golden" / "archive"
SITE_FILES = ("mkdocs.yml", "overrides")
_KEY_DIR = pytest.StashKey[tuple[str | None, str]]()


def pytest_configure(config: pytest.Config) -> None:
    """The key folder of this test session, set before any test module is imported (some copy
    os.environ then, for the subprocesses they start): no test makes or reads the real
    ``~/.cache/explainer-archive/memo-key``. Used by ``cache_key_dir``."""
    folder = tempfile.mkdtemp(prefix="archive-test-key-")  # mode 0700, as caches.memo_key requires
    config.stash[_KEY_DIR] = (os.environ.get(KEY_DIR_ENV), folder)
    os.environ[KEY_DIR_ENV] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    previous, folder = config.stash.get(_KEY_DIR, (None, ""))
    if not folder:
        return
    if previous is None:
        os.environ.pop(KEY_DIR_ENV, None)
    else:
        os.environ[KEY_DIR_ENV] = previous
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def cache_key_dir(pytestconfig: pytest.Config) -> Iterator[Path]:
    """``$ARCHIVE_CACHE_KEY_DIR`` for the whole session: a temporary folder of its own (see
    ``caches.memo_key``), inherited by every subprocess a test starts. A test may point it
    elsewhere with ``monkeypatch.setenv`` for itself."""
    folder = pytestconfig.stash[_KEY_DIR][1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_DIR_ENV, folder)
        yield Path(folder)


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


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own sample archive, built once into a temporary folder for every test
    that only reads the built site (browser, reader-page and site tests)."""
    from build_tools.cli import main

    root = tmp_path_factory.mktemp("sample") / "archive"
    shutil.copytree(REPO / "articles", root / "articles")
    copy_site_config(root)
    assert main(["build", "--root", str(root)]) == 0
    return root / "site"
