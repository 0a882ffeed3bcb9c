"""``python -m build_tools tag`` through the command line, on the tiny archive of tests/check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.check.archive import article_text, make_archive, write

REPO = Path(__file__).resolve().parent.parent
TALKS = "articles/2025/2025-04-02-talks.md"
FRONT = """\
title: Talks in Moscow
date: 2025-04-02
summary: What the envoys heard.
actors:
  - nato  # an editor's tag the text never names
places: [russia]
source:
  name: Example News
"""
BODY = """\
## The talks

LONDON — Russian President Vladimir Putin met envoys in Russia; Ukraine was not at the table.
Putin's aides spoke of peace talks, of peace talks again, and of us.
"""


def tag(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "build_tools", "tag", *args, "--root", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def archive(tmp_path: Path) -> tuple[Path, Path, str]:
    root = make_archive(tmp_path / "archive")
    text = article_text(FRONT, BODY)
    return root, write(root, TALKS, text), text


def test_tag_shows_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    root, path, text = archive(tmp_path)
    result = tag(root, TALKS)
    assert result.returncode == 0, result.stderr
    assert f"--- a/{TALKS}" in result.stdout and f"+++ b/{TALKS}" in result.stdout
    assert "+actors: [vladimir-putin, nato]" in result.stdout
    assert "+places: [russia, ukraine]" in result.stdout
    assert "+topics: [peace-negotiations]" in result.stdout
    assert "tag: 1 article(s) would change, 0 unchanged, 0 refused" in result.stdout
    assert path.read_text(encoding="utf-8") == text


def test_tag_write_changes_only_the_tag_lists_and_keeps_the_editors_tags(tmp_path: Path) -> None:
    root, path, text = archive(tmp_path)
    result = tag(root, "--write", TALKS)
    assert result.returncode == 0, result.stderr
    written = path.read_text(encoding="utf-8")
    front, body = written.split("\n---\n", 1)
    assert body == text.split("\n---\n", 1)[1]  # the body, byte for byte
    assert front.splitlines() == [
        "---",
        "title: Talks in Moscow",
        "date: 2025-04-02",
        "summary: What the envoys heard.",
        "actors: [vladimir-putin, nato]",
        "topics: [peace-negotiations]",
        "places: [russia, ukraine]",
        "source:",
        "  name: Example News",
    ]
    again = tag(root, "--write", TALKS)
    assert "0 article(s) changed, 1 unchanged" in again.stdout
    assert path.read_text(encoding="utf-8") == written
    check = subprocess.run(
        [sys.executable, "-m", "build_tools", "check", TALKS, "--root", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert "untagged-mention" not in check.stdout + check.stderr


def test_tag_refuses_a_file_that_does_not_parse_and_goes_on(tmp_path: Path) -> None:
    root, path, text = archive(tmp_path)
    broken = write(
        root, "articles/2025/2025-04-03-broken.md", "---\ntitle: [unclosed\ndate: 2025-04-03\n---\n\nBody.\n"
    )
    before = broken.read_bytes()
    result = tag(root, "--write")
    assert result.returncode == 1
    assert "articles/2025/2025-04-03-broken.md: refused: the file does not parse as a valid article" in result.stderr
    assert "Traceback" not in result.stderr
    assert broken.read_bytes() == before
    assert "1 refused" in result.stdout
    assert "vladimir-putin" in path.read_text(encoding="utf-8")  # the others are tagged


def test_tag_suggest_lists_names_the_vocabulary_lacks(tmp_path: Path) -> None:
    root, _, _ = archive(tmp_path)
    for day in ("04", "05"):
        write(
            root,
            f"articles/2025/2025-04-{day}-envoy-{day}.md",
            article_text(
                f"title: Envoy {day}\ndate: 2025-04-{day}\nsummary: An envoy.\n",
                "## Visit\n\nThe envoy met Shehbaz Sharif in Islamabad. MR. KIRBY: Thanks.\n",
            ),
        )
    result = tag(root, "--suggest")
    assert result.returncode == 0, result.stderr
    assert "Names the vocabulary lacks" in result.stdout
    assert "Shehbaz Sharif  (actors/person, id shehbaz-sharif)" in result.stdout
    assert "- id: shehbaz-sharif" in result.stdout and "KIRBY" not in result.stdout.split("Names the")[1]


def test_tag_without_a_vocabulary_or_with_a_missing_path_cannot_run(tmp_path: Path) -> None:
    root, _, _ = archive(tmp_path)
    assert tag(root, "articles/2025/none.md").returncode == 2
    (root / "articles" / "vocabulary" / "actors.yml").write_text("- id: Bad Id\n", encoding="utf-8")
    result = tag(root)
    assert result.returncode == 2 and "Expected a valid vocabulary" in result.stderr
