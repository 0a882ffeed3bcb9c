"""The build state restored from a CI cache onto a fresh checkout is reused by content, never by
modification time: every article and page there is a new file (new inode, new or restored
time), yet ``generate`` re-reads and re-renders only what differs from what the memo describes
(``caches._rebase``), and a page whose bytes changed is rendered again."""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest

from bench.synth import write_archive
from build_tools import caches, pipeline
from build_tools.caches import code_salt
from build_tools.keys import KEY_DIR_ENV
from build_tools.layout import GENERATED, Project
from build_tools.pipeline import generate, render_pages

SALT = functools.cache(code_salt)
ARCHIVE_WIDE = 6  # pages every run renders: home, the three overviews, the archive index, its feed


@pytest.fixture(autouse=True)
def memo_key_dir(tmp_path_factory, monkeypatch) -> Path:
    folder = tmp_path_factory.getbasetemp() / "restore-memo-key"
    monkeypatch.setenv(KEY_DIR_ENV, str(folder))
    monkeypatch.setattr(pipeline, "code_salt", SALT)
    return folder


@pytest.fixture
def archive(tmp_path_factory, tmp_path) -> Path:
    pristine = tmp_path_factory.getbasetemp() / "restore-pristine"
    if not pristine.exists():
        write_archive(pristine, 30, seed=5)
    root = tmp_path / "archive"
    shutil.copytree(pristine, root, symlinks=True)
    generate(Project(root))
    return root


def recreate(path: Path, mtime_ns: int | None = None) -> None:
    """The same bytes in a new file, as a checkout or a cache restore writes it."""
    copy = path.with_name(path.name + ".restored")
    copy.write_bytes(path.read_bytes())  # written while the old file exists: another inode
    os.replace(copy, path)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def fresh_checkout(root: Path) -> tuple[list[Path], list[Path]]:
    """Every article file written anew (time: now); every generated page restored (time kept);
    a new process (no memo kept in memory)."""
    caches._live.clear()
    articles = sorted(p for p in (root / "articles").rglob("*.md"))
    for path in articles:
        recreate(path)
    pages = [p for p in sorted((root / "docs").rglob("*")) if p.is_file()]
    pages = [p for p in pages if p.relative_to(root / "docs").parts[0] in GENERATED]
    for path in pages:
        recreate(path, path.stat().st_mtime_ns)
    return articles, pages


def clean_render_matches(root: Path) -> None:
    expected, _ = render_pages(Project(root))
    for name, text in expected.items():
        assert (root / "docs" / name).read_text("utf-8") == text, f"{name} differs from a clean render"


def test_a_restored_state_on_a_fresh_checkout_is_reused(archive, capsys, monkeypatch):
    articles, pages = fresh_checkout(archive)
    parsed = []
    original = caches.content_digest
    monkeypatch.setattr(caches, "content_digest", lambda *a: parsed.append(a[0]) or original(*a))
    result = generate(Project(archive))
    assert result.rendered == ARCHIVE_WIDE and result.changed == [] and result.removed == []
    note = capsys.readouterr().err
    # Every page the archive-wide jobs do not write is found unchanged by its bytes.
    assert f"{len(articles)} article file(s) and " in note and "moved or copied since the last run, unchanged" in note
    assert len(parsed) >= len(articles) + len(pages) - ARCHIVE_WIDE
    clean_render_matches(archive)
    # The next run needs no digest: the memo now has the new signatures.
    parsed.clear()
    assert generate(Project(archive)).rendered == ARCHIVE_WIDE
    assert parsed == []


def test_a_restored_page_whose_bytes_differ_is_rendered_again(archive):
    fresh_checkout(archive)
    page = next((archive / "docs" / "articles").rglob("*.md"))
    stat = page.stat()
    text = page.read_text("utf-8")
    page.write_text(text.replace("#", "X", 1), "utf-8")  # same size
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time: still not trusted
    result = generate(Project(archive))
    assert result.rendered == ARCHIVE_WIDE + 1
    assert result.changed == [page.relative_to(archive / "docs").as_posix()]
    assert page.read_text("utf-8") == text
    clean_render_matches(archive)


def test_a_changed_article_on_a_fresh_checkout_is_read_and_rendered_again(archive):
    articles, _pages = fresh_checkout(archive)
    path = articles[4]
    path.write_text(path.read_text("utf-8") + "\nA sentence the pull request adds.\n", "utf-8")
    result = generate(Project(archive))
    # Its page, the archive-wide pages, and at most a few pages that show it.
    assert ARCHIVE_WIDE + 1 <= result.rendered < result.count // 10
    assert [n for n in result.changed if n.startswith("articles/")] == [
        f"articles/{path.parent.name}/{path.stem[11:]}.md"
    ]
    clean_render_matches(archive)


def test_a_state_restored_into_another_folder_is_reused(archive, tmp_path, capsys):
    moved = tmp_path / "elsewhere" / "archive"
    shutil.copytree(archive, moved, symlinks=True)  # new inodes; the times are kept
    caches._live.clear()
    result = generate(Project(moved))
    articles = len(list((moved / "articles").rglob("[0-9]*/*.md")))
    assert result.rendered == ARCHIVE_WIDE and result.changed == [] and result.removed == []
    assert f"generate: {articles} article file(s) and " in capsys.readouterr().err
    clean_render_matches(moved)
