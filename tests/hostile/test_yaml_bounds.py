"""YAML within bounds (README "Safety"): no aliases anywhere, nesting at most MAX_DEPTH levels,
no invisible line separators in frontmatter, and files read only as far as their size limit.

Each case goes through the command line: the exact message with its file and line, exit
status 1, and never a traceback (findings 6, 7 and 8 of the second security review).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import time
import tracemalloc
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.ingest import sources
from build_tools.yamlsafe import MAX_DEPTH, YamlError, load
from tests.conftest import write_article

TARGET = "2025-05-20-deep.md"
SHOWN = f"articles/2025/{TARGET}"
FRONT = "title: Deep\ndate: 2025-05-20\nsummary: A frontmatter nested too deep.\n"  # lines 2-4
NESTING = f"error: Expected at most {MAX_DEPTH} levels of nesting but found more"


def run_cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue() + err.getvalue()


def write_raw(root: Path, name: str, frontmatter: str, body: str = "## Section\n\nText.\n") -> Path:
    """An article written as given (write_article dedents, which would spoil indented YAML)."""
    path = root / "articles" / name[:4] / name
    path.write_text(f"---\n{frontmatter}---\n\n{body}", encoding="utf-8")
    return path


def block_mappings(levels: int) -> str:
    """``a:`` nested ``levels`` deep, one space more each line, from line 5."""
    return "".join(" " * depth + "a:\n" for depth in range(levels)) + " " * levels + "b\n"


# The nesting starts on line 5 ("a:", a key of the frontmatter's mapping, level 1); with block
# mappings level k begins on line 4 + k, and the message points at level MAX_DEPTH + 1.
DEEP = {
    "block mappings": (block_mappings(MAX_DEPTH + 5), 4 + MAX_DEPTH + 1),
    "block lists on one line (990 levels)": ("a:\n" + "- " * 990 + "x\n", 6),
    "flow lists (1,000 levels)": ("a: " + "[" * 1000 + "]" * 1000 + "\n", 5),
    "flow mappings (1,000 levels)": ("a: " + "{a: " * 1000 + "}" * 1000 + "\n", 5),
    "an unclosed flow list": ("a: " + "[" * 5000 + "\n", 5),
}


@pytest.mark.parametrize("command", ["check", "generate"])
@pytest.mark.parametrize("case", list(DEEP), ids=list(DEEP))
def test_7_nesting_deeper_than_the_limit_is_an_error_with_its_line(golden_archive, monkeypatch, command, case):
    monkeypatch.chdir(golden_archive)
    nested, line = DEEP[case]
    write_raw(golden_archive, TARGET, FRONT + nested)
    status, output = run_cli(command, "--root", str(golden_archive))
    assert "Traceback" not in output and "RecursionError" not in output
    assert status == 1, output
    assert f"{SHOWN}:{line}: {NESTING}" in output


def test_7_nesting_up_to_the_limit_is_read(golden_archive, monkeypatch):
    monkeypatch.chdir(golden_archive)
    write_raw(golden_archive, TARGET, FRONT + block_mappings(MAX_DEPTH))  # 20 levels with the frontmatter's
    status, output = run_cli("check", "--root", str(golden_archive))
    assert "Traceback" not in output
    assert NESTING not in output and f"{SHOWN}:5: error: a: " in output  # read, and judged by the schema
    data = load(FRONT + block_mappings(MAX_DEPTH)).data
    depth, value = 1, data["a"]
    while isinstance(value, dict):
        depth, value = depth + 1, value["a"]
    assert depth == MAX_DEPTH


def test_7_a_deep_vocabulary_file_is_an_error_with_its_line(golden_archive, monkeypatch):
    monkeypatch.chdir(golden_archive)
    actors = golden_archive / "articles" / "vocabulary" / "actors.yml"
    lines = actors.read_text("utf-8").count("\n")
    with actors.open("a", encoding="utf-8") as stream:
        stream.write("- id: deep\n  name: Deep\n  description: " + "[" * 3000 + "]" * 3000 + "\n")
    status, output = run_cli("check", "--root", str(golden_archive))
    assert "Traceback" not in output
    assert status == 1, output
    assert f"articles/vocabulary/actors.yml:{lines + 3}: {NESTING}" in output


def test_7_diff_reports_a_deep_frontmatter_of_the_change(golden_archive):
    root = golden_archive
    env = {**os.environ, "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=t@example.org", "-c", "user.name=T", "-c", "commit.gpgsign=false", "add", "-A")
    git("-c", "user.email=t@example.org", "-c", "user.name=T", "-c", "commit.gpgsign=false", "commit", "-qm", "base")
    write_raw(root, TARGET, FRONT + "a: " + "[" * 1000 + "]" * 1000 + "\n")
    cwd = Path.cwd()
    os.chdir(root)
    try:
        status, output = run_cli("diff", "HEAD", "--root", str(root))
    finally:
        os.chdir(cwd)
    assert "Traceback" not in output
    assert status == 1, output
    assert f"{SHOWN}:5: {NESTING}" in output


# -- line and paragraph separators -------------------------------------------------------------


@pytest.mark.parametrize(("char", "name"), [("\u2028", "line separator"), ("\u2029", "paragraph separator")])
def test_8_a_line_separator_in_frontmatter_is_an_error_on_its_own_line(golden_archive, monkeypatch, char, name):
    """YAML counts U+2028/U+2029 as line breaks, the file's lines do not: refused, so that every
    line number after one stays right (here the error is on line 4, not 5)."""
    monkeypatch.chdir(golden_archive)
    write_raw(golden_archive, TARGET, f"title: Separated\ndate: 2025-05-20\nsummary: One{char}two.\n")
    status, output = run_cli("check", "--root", str(golden_archive))
    assert "Traceback" not in output
    assert status == 1, output
    assert f"{SHOWN}:4: error: Expected text but found the {name} U+{ord(char):04X}" in output


def test_8_line_numbers_after_a_separator_would_have_shifted():
    """What the refusal prevents: the YAML parser's line of a key after a U+2028."""
    with pytest.raises(YamlError) as caught:
        load("title: a\u2028b\nsummary: x\ntitle: again\n", first_line=2)
    assert (caught.value.line, caught.value.message) == (2, "Expected text but found the line separator U+2028")
    located = load("title: a\nsummary: x\n", first_line=2)
    assert located.line_of(("summary",)) == 3


def test_8_a_line_separator_in_the_body_is_text(golden_archive, monkeypatch):
    monkeypatch.chdir(golden_archive)
    write_article(
        golden_archive,
        TARGET,
        "title: Separated body\ndate: 2025-05-20\nsummary: A body with a line separator.\nactors: [vladimir-putin]",
        "## Section\n\nOne\u2028two.\n",
    )
    status, output = run_cli("check", "--root", str(golden_archive), SHOWN)
    assert "Traceback" not in output
    assert "separator" not in output
    assert status == 0, output


# -- ingest: foreign frontmatter and file size -------------------------------------------------

BOMB = (
    '---\nlol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"lol{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
    + "title: Laughs\ndate: 2025-05-20\n---\n\nBillions of laughs, nine to the ninth, from a few hundred bytes.\n"
)


def test_6_an_alias_bomb_in_foreign_frontmatter_fails_that_file_and_the_others_go_on(golden_archive, monkeypatch):
    assert len(BOMB.encode()) < 800
    monkeypatch.chdir(golden_archive)
    inbox = golden_archive / "inbox"
    inbox.mkdir()
    (inbox / "bomb.md").write_text(BOMB, encoding="utf-8")
    (inbox / "fine.md").write_text(
        "---\ntitle: A Fine Export\ndate: 2025-05-21\n---\n\n"
        "The sanctions on Russia changed how energy is sold across Europe and Asia, and this explains why.\n",
        encoding="utf-8",
    )
    tracemalloc.start()
    try:
        status, output = run_cli("ingest", "--root", str(golden_archive), "inbox/bomb.md", "inbox/fine.md")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "Traceback" not in output
    assert status == 1, output
    assert (
        "inbox/bomb.md: error: invalid YAML frontmatter at line 2: YAML anchors and aliases (& and *) are not allowed"
        in output
    )
    assert "inbox/fine.md: written articles/2025/2025-05-21-a-fine-export.md" in output
    assert peak < 64 * 1024 * 1024  # 9**9 strings would take gigabytes


@pytest.mark.parametrize(
    ("frontmatter", "line", "reason"),
    [
        ("title: x\ntags: " + "[" * 1000 + "]" * 1000 + "\n", 3, NESTING.removeprefix("error: ")),
        ("title: x\ndate: 2025-05-20\ntitle: y\n", 4, "Duplicate key 'title' (first at line 2)"),
        ("title: [x\n", 2, "expected ',' or ']', but got '<stream end>'"),
    ],
)
def test_6_foreign_frontmatter_is_read_like_ours(tmp_path, frontmatter, line, reason):
    path = tmp_path / "export.md"
    path.write_text(f"---\n{frontmatter}---\n\nSome text of the article that is long enough.\n", encoding="utf-8")
    with pytest.raises(sources.SourceError) as caught:
        sources.read_source(path)
    assert str(caught.value) == f"invalid YAML frontmatter at line {line}: {reason}"


def test_6_foreign_frontmatter_keeps_its_date_and_drops_line_separators(tmp_path):
    path = tmp_path / "export.md"
    path.write_text(
        "---\ntitle: A\u2028Title\ndate: 2021-03-23 10:00:00-04:00\nurl: https://example.org/a\n---\n\nBody text.\n",
        encoding="utf-8",
    )
    draft = sources.read_source(path)
    assert draft.title == "A Title"
    assert draft.meta["date"].isoformat() == "2021-03-23"
    assert draft.meta["url"] == "https://example.org/a"


def test_6_a_file_over_the_limit_is_refused_from_its_size_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 1024 * 1024)
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(512 * 1024 * 1024)  # sparse: half a gigabyte that takes no disk
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(sources.SourceError, match="^file larger than 1 MB$"):
            sources.read_source(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 4 * 1024 * 1024


def test_6_a_file_at_the_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 4096)
    path = tmp_path / "page.txt"
    path.write_text("Title of the page\n\nPosted on May 19, 2025\n\n" + "word " * 790, encoding="utf-8")
    assert path.stat().st_size <= 4096
    assert sources.read_source(path).text.startswith("Title of the page")
    path.write_text("x" * 4097, encoding="utf-8")
    with pytest.raises(sources.SourceError, match="larger than"):
        sources.read_source(path)


def test_6_a_folder_or_a_special_file_is_refused_with_a_reason(tmp_path):
    with pytest.raises(sources.SourceError, match="^is a folder$"):
        sources.read_source(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(sources.SourceError, match="^is not a regular file$"):
        sources.read_source(fifo)
