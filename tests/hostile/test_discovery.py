"""Hardening, finding 8: files that escape review.

An article that is a symbolic link to a file outside the repository was published, and
`check --changed-since` reported "0 files checked"; `.MD` and `.markdown` files were neither
published nor reported; a year folder that is a symlink was skipped without a word. Each is now
an error of `generate` (nothing written) and of `check`, naming the file, and a file counted as
checked is a file that was read.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from build_tools.cli import main
from tests.conftest import GOLDEN_ARCHIVE, write_article

SYMLINK_FILE = "file: Expected an article as a regular file named <YYYY-MM-DD>-<slug>.md but found a symbolic link; it is neither checked nor published"
SYMLINK_FOLDER = "file: Expected an article as a regular file named <YYYY-MM-DD>-<slug>.md but found a symbolic link to a folder; it is neither checked nor published"


def near_miss(suffix: str) -> str:
    return (
        f"file: Expected an article as a regular file named <YYYY-MM-DD>-<slug>.md but found a {suffix!r} file; "
        "it is neither checked nor published"
    )


def run_cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue() + err.getvalue()


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def archive(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(GOLDEN_ARCHIVE, root)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def outside(tmp_path) -> Path:
    """An article file outside the repository, e.g. a secret the link would publish."""
    secret = tmp_path / "outside" / "2025-05-20-secret.md"
    secret.parent.mkdir()
    secret.write_text(
        "---\ntitle: Secret\ndate: 2025-05-20\nsummary: From outside.\n---\n\n## Section\n\nSECRET-TEXT\n", "utf-8"
    )
    return secret


def test_8a_article_symlink_to_a_file_outside_is_refused_by_generate_and_check(archive, outside):
    (archive / "articles/2025/2025-05-20-secret.md").symlink_to(outside)
    status, output = run_cli("generate", "--root", str(archive))
    assert status == 1, output
    assert f"articles/2025/2025-05-20-secret.md:1: error: {SYMLINK_FILE}" in output
    assert not (archive / "docs").exists() or "SECRET-TEXT" not in "".join(
        p.read_text("utf-8") for p in (archive / "docs").rglob("*.md")
    )
    status, output = run_cli("check", "--root", str(archive))
    assert status == 1 and f"articles/2025/2025-05-20-secret.md:1: error: {SYMLINK_FILE}" in output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_8a_check_changed_since_reports_a_symlinked_article_and_does_not_count_it(archive, outside):
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "main")
    git(archive, "checkout", "-q", "-b", "pr")
    (archive / "articles/2025/2025-05-20-secret.md").symlink_to(outside)
    write_article(archive, "2025-05-21-fine.md", "title: Fine\ndate: 2025-05-21\nsummary: Fine.")
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "pr")
    status, output = run_cli("check", "--root", str(archive), "--changed-since", "main")
    assert status == 1, output
    assert f"articles/2025/2025-05-20-secret.md:1: error: {SYMLINK_FILE}" in output
    assert "1 file(s) checked" in output  # the real article; the link was reported, not checked


@pytest.mark.parametrize("name", ["2025-05-20-shouting.MD", "2025-05-20-long.markdown"])
def test_8b_markdown_with_another_extension_is_named(archive, name):
    path = archive / "articles/2025" / name
    path.write_text("---\ntitle: T\ndate: 2025-05-20\nsummary: S.\n---\n\n## S\n\nText.\n", "utf-8")
    suffix = os.path.splitext(name)[1]
    for command in ("generate", "check"):
        status, output = run_cli(command, "--root", str(archive))
        assert status == 1, output
        assert f"articles/2025/{name}:1: error: {near_miss(suffix)}" in output


def test_8b_other_files_are_named_as_warnings_and_dotfiles_are_ignored(archive):
    (archive / "articles/2025/photo.jpg").write_bytes(b"\xff\xd8")
    (archive / "articles/2025/.gitkeep").write_text("", "utf-8")
    status, output = run_cli("check", "--root", str(archive))
    assert "articles/2025/photo.jpg:1: warning: file: Expected an article as a regular file" in output
    assert ".gitkeep" not in output
    status, output = run_cli("generate", "--root", str(archive))
    assert status == 0, output


def test_8c_year_folder_symlink_is_reported(archive, outside):
    (archive / "articles/2019").symlink_to(outside.parent, target_is_directory=True)
    for command in ("generate", "check"):
        status, output = run_cli(command, "--root", str(archive))
        assert status == 1, output
        assert f"articles/2019:1: error: {SYMLINK_FOLDER}" in output


def test_8_check_of_a_given_symlink_path_reports_it(archive, outside):
    link = archive / "articles/2025/2025-05-20-secret.md"
    link.symlink_to(outside)
    status, output = run_cli("check", "--root", str(archive), str(link))
    assert status == 1, output
    assert f"articles/2025/2025-05-20-secret.md:1: error: {SYMLINK_FILE}" in output
    assert "0 file(s) checked" in output
