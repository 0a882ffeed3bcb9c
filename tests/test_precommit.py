"""pre-commit as a contributor runs it: in a clone of the repository, with this .venv as the
clone's .venv/, no network (every proxy points at a closed port) and a pre-commit home of its own.
Every hook passes on the whole repository without rewriting a file (the byte-exact fixtures
included), a broken article fails with check's own message, and the fixers still fix files that
are not fixtures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The configuration and what its hooks run, as they are in the working tree (the clone has HEAD's).
CONFIG_FILES = (".pre-commit-config.yaml", "tools/check_mkdocs_yml.py")
OFFLINE = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}


def git(clone: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=clone, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("precommit")
    target = work / "repo"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(target)], check=True)
    for name in CONFIG_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    git(target, "add", *CONFIG_FILES)  # pre-commit refuses a configuration with unstaged changes
    (target / ".venv").symlink_to(Path(sys.prefix))
    return target


def pre_commit(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_", "VIRTUAL_ENV"))}
    env.update(OFFLINE, PRE_COMMIT_HOME=str(clone.parent / "pre-commit-home"), NO_PROXY="", no_proxy="")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
        cwd=clone,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_every_hook_passes_offline_and_rewrites_nothing(clone: Path) -> None:
    result = pre_commit(clone, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in ("check articles and vocabulary", "mkdocs.yml as MkDocs reads it", "YAML syntax", "ruff format"):
        assert any(line.startswith(name) and line.endswith("Passed") for line in lines), result.stdout
    # verbose: check's own summary is shown although the hook passed
    assert "0 error(s)" in result.stdout and "file(s) checked" in result.stdout
    assert git(clone, "diff", "--name-only").strip() == "", "a hook rewrote tracked files"


def test_a_broken_article_fails_with_checks_message(clone: Path) -> None:
    article = clone / "articles" / "2025" / "2025-05-19-a-broken-article.md"
    article.write_text(
        "---\ntitle: A broken article\ndate: 19/05/25\nsummary: Its date is not a date.\n---\n\n## Text\n\nWords.\n",
        encoding="utf-8",
    )
    git(clone, "add", str(article.relative_to(clone)))
    try:
        result = pre_commit(clone, "--files", str(article.relative_to(clone)))
    finally:
        git(clone, "rm", "-q", "--cached", str(article.relative_to(clone)))
        article.unlink()
    assert result.returncode == 1, result.stdout
    assert any(line.startswith("check articles") and line.endswith("Failed") for line in result.stdout.splitlines())
    expected = "articles/2025/2025-05-19-a-broken-article.md:3: error: date: Expected a date like 2025-05-19 but received '19/05/25'"
    assert expected in result.stdout


def test_a_staged_image_alone_checks_its_article(clone: Path) -> None:
    # An image replaced by a file that is no PNG: the commit touches no .md, and check still runs.
    stem = "articles/2025/2025-05-20-image-for-the-test"
    article, image = clone / f"{stem}.md", clone / stem / "map.png"
    image.parent.mkdir()
    image.write_bytes(b"<svg/>")
    article.write_text(
        "---\ntitle: Image for the test\ndate: 2025-05-20\nsummary: A map.\nimages:\n  - file: map.png\n"
        f"    credit: Me\n    license: CC BY 4.0\n---\n\n![A map]({Path(stem).name}/map.png)\n",
        encoding="utf-8",
    )
    git(clone, "add", f"{stem}/map.png")  # only the image is staged; its article is beside it, unstaged
    try:
        result = pre_commit(clone, "--files", f"{stem}/map.png")
    finally:
        git(clone, "rm", "-q", "--cached", f"{stem}/map.png")
        shutil.rmtree(image.parent)
        article.unlink()
    assert result.returncode == 1, result.stdout
    assert f"{stem}.md:11: error: image: Expected {stem}/map.png to be a PNG image" in result.stdout


def test_fixers_fix_files_but_not_fixtures(clone: Path) -> None:
    notes = clone / "docs" / "notes-for-the-test.md"
    fixture = clone / "tests" / "hostile" / "trailing-space-for-the-test.md"
    for path in (notes, fixture):
        path.write_bytes(b"a line with a trailing tab\t\r\nno newline at the end")
    git(clone, "add", "docs/notes-for-the-test.md", "tests/hostile/trailing-space-for-the-test.md")
    try:
        result = pre_commit(
            clone, "--files", "docs/notes-for-the-test.md", "tests/hostile/trailing-space-for-the-test.md"
        )
        fixed, kept = notes.read_bytes(), fixture.read_bytes()
    finally:
        git(
            clone,
            "rm",
            "-q",
            "--cached",
            "-f",
            "docs/notes-for-the-test.md",
            "tests/hostile/trailing-space-for-the-test.md",
        )
        notes.unlink()
        fixture.unlink()
    assert result.returncode == 1, result.stdout  # a fixer that changes a file fails the run, as it should
    assert fixed == b"a line with a trailing tab\nno newline at the end\n"
    assert kept == b"a line with a trailing tab\t\r\nno newline at the end"
