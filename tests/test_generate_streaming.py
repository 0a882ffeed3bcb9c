"""generate writes each job's pages into the staging docs/ as they are rendered (not all held
until the end): an error found while rendering still leaves docs/ as it was, and the staging
folder keeps the old swap's rules (unchanged pages linked, others new files, the rest removed)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.writers import DocsWriter


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_error_found_while_rendering_leaves_docs_unchanged_and_no_staging(golden_archive, capsys):
    assert main(["generate", "--root", str(golden_archive)]) == 0
    before = snapshot(golden_archive / "docs")
    article = sorted((golden_archive / "articles/2025").glob("*.md"))[0]
    article.write_text(article.read_text("utf-8") + "\nSee [this](no-such-article.md).\n", "utf-8")
    capsys.readouterr()
    assert main(["generate", "--root", str(golden_archive)]) == 1
    assert "no-such-article.md" in capsys.readouterr().err
    assert snapshot(golden_archive / "docs") == before
    assert not list(golden_archive.glob("docs.tmp-*"))


def test_staging_links_unchanged_pages_writes_changed_ones_and_removes_the_rest(tmp_path):
    docs = tmp_path / "docs"
    for name, text in {"articles/same.md": "same", "articles/edited.md": "old", "articles/gone.md": "x"}.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, "utf-8")
    (docs / "about.md").write_text("hand-written", "utf-8")
    (docs / "actors").mkdir()
    (docs / "actors/kept.md").write_text("kept", "utf-8")
    same_inode = (docs / "articles/same.md").stat().st_ino
    staging = DocsWriter(docs).stage()
    staging.add("articles/edited.md", "new")
    staging.add("articles/same.md", "same")
    staging.add("articles/added.md", "added")
    changes = staging.finish(keep=["actors/kept.md"])
    assert changes.changed == ["articles/edited.md", "articles/added.md"]
    assert changes.removed == ["articles/gone.md"]
    assert snapshot(docs) == snapshot_of(
        {
            "about.md": "hand-written",
            "actors/kept.md": "kept",
            "articles/added.md": "added",
            "articles/edited.md": "new",
            "articles/same.md": "same",
        }
    )
    assert (docs / "articles/same.md").stat().st_ino == same_inode  # linked: mtime kept for --dirty


def test_staging_refuses_a_page_outside_the_generated_folders_and_abort_leaves_docs(tmp_path):
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "articles/a.md").write_text("a", "utf-8")
    staging = DocsWriter(docs).stage()
    staging.add("articles/a.md", "changed")
    with pytest.raises(ValueError, match="refusing to write '../escape.md'"):
        staging.add("../escape.md", "x")
    staging.abort()
    assert snapshot(docs) == snapshot_of({"articles/a.md": "a"})
    assert not list(tmp_path.glob("docs.tmp-*"))


def snapshot_of(files: dict[str, str]) -> dict[str, str]:
    return {name: hashlib.sha256(text.encode()).hexdigest() for name, text in sorted(files.items())}
