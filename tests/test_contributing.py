"""The contributor's path as written: README's "How to add an article" and CONTRIBUTING.md's five
steps say the same, every command they show runs as written, and what CONTRIBUTING says about
forks and the preview comment is what the workflows do."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from build_tools import cli
from tests.check.archive import make_archive

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text("utf-8")
CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text("utf-8")


def section(text: str, heading: str) -> str:
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def commands(text: str) -> list[str]:
    """The `python -m build_tools …` commands a text shows, as written after the module."""
    return [m.strip() for m in re.findall(r"python -m build_tools ([^`\n#]+)", text)]


HOW_TO = section(README, "## How to add an article")
STEPS = section(CONTRIBUTING, "## Propose an article in five steps")


def test_readme_and_contributing_give_the_same_five_steps():
    readme_steps = re.findall(r"^(\d)\. ", HOW_TO, re.M)
    contributing_steps = re.findall(r"^(\d)\. \*\*", STEPS, re.M)
    assert readme_steps == contributing_steps == ["1", "2", "3", "4", "5"]
    assert "CONTRIBUTING.md" in HOW_TO
    # Every command the README's short version shows is one CONTRIBUTING explains.
    ours = {shlex.split(c)[0] + (" --entry" if "--entry" in c else "") for c in commands(STEPS)}
    for command in commands(HOW_TO):
        assert shlex.split(command)[0] + (" --entry" if "--entry" in command else "") in ours, command
    for shown in ("check --changed-since main", "make serve", "new --entry actors"):
        assert shown in HOW_TO and shown in STEPS, shown
    # Both say how to link another article, and not by its address.
    for text in (HOW_TO, STEPS):
        assert "../2024/sao-paulo-sanctions.md" in text and "/articles/2024/" in text


def test_every_command_the_steps_show_parses(capsys):
    for command in commands(HOW_TO) + commands(STEPS):
        argv = shlex.split(command.replace("YYYY-MM-DD", "2025-05-19"))
        parser = cli.make_parser()
        args = parser.parse_args(argv)  # exits (and fails the test) on an unknown option
        assert args.command == argv[0], command


def test_the_steps_run_as_written(tmp_path, monkeypatch, capsys):
    """new, new --entry, then check of the new files: each message names what is left to do."""
    root = make_archive(tmp_path / "archive")
    monkeypatch.chdir(root)
    assert cli.main(["new", "Trump To Speak With Putin", "--date", "2025-05-19"]) == 0
    assert capsys.readouterr().out.strip() == "articles/2025/2025-05-19-trump-to-speak-with-putin.md"
    assert cli.main(["new", "--entry", "actors", "Ada Lovelace"]) == 0
    assert "added entry 'ada-lovelace', kind 'person'" in capsys.readouterr().out
    assert cli.main(["check", "--changed-since", "HEAD"]) == 2  # no git here: says so, exit 2
    assert "check: git" in capsys.readouterr().err
    assert cli.main(["check", "articles/2025/2025-05-19-trump-to-speak-with-putin.md", "articles/vocabulary"]) == 1
    assert capsys.readouterr().out.split("\n")[:3] == [
        "articles/2025/2025-05-19-trump-to-speak-with-putin.md:5: error: summary: Expected text but received an "
        "empty value (Dek: one or two sentences)",
        "articles/2025/2025-05-19-trump-to-speak-with-putin.md:10: error: source.name: Expected text but received "
        "an empty value (Publisher or site name, e.g. 'The White House'); if the text is original, delete the "
        "whole source block",
        "articles/vocabulary/actors.yml:30: error: entry 'ada-lovelace': description: Expected text but received "
        "an empty value",
    ]


def test_contributing_on_forks_and_the_preview_comment_matches_the_workflows():
    publish = (REPO / ".github/workflows/preview-publish.yml").read_text("utf-8")
    cleanup = (REPO / ".github/workflows/preview-cleanup.yml").read_text("utf-8")
    label = re.search(r"FORK_LABEL: (\S+)", publish)[1]
    assert f"`{label}`" in STEPS
    assert "fork" in STEPS.split("1. **Start the file.**", 1)[1].split("2. **", 1)[0]  # how to start from one
    assert "upstream/main" in STEPS  # and what to compare with from one
    assert "removes the\n   label" in STEPS or "removes the label" in STEPS
    assert label in cleanup and "synchronize" in cleanup  # a push removes the label, as said
    assert "/pr-<n>/" in STEPS and "pr-${PR_NUMBER}" in (REPO / ".github/workflows/preview.yml").read_text("utf-8")
    assert "comment" in STEPS and "report" in STEPS
