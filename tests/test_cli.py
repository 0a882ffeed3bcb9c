"""The command line as a whole (``python -m build_tools <command>``): every command has help
text and a row in the README's Commands table, with each of its options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools import cli

REPO = Path(__file__).resolve().parent.parent


def test_every_command_has_help_and_a_row_in_the_readme(capsys):
    parser = cli.make_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    readme = (REPO / "README.md").read_text("utf-8")
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)[ `]", table, re.M))
    helps = {choice.dest: choice.help for choice in subparsers._choices_actions}
    for name in cli.COMMANDS:
        assert name in subparsers.choices
        assert helps.get(name), f"{name} has no help text"
        assert name in documented, f"{name} is missing from the README's Commands table"
        with pytest.raises(SystemExit) as exit_:
            cli.main([name, "--help"])
        assert exit_.value.code == 0
        assert capsys.readouterr().out.startswith("usage:")
    # Every option too: in its command's row, or (--root) in the sentence for all commands.
    rows = {m[1]: m[0] for m in re.finditer(r"^\| `([a-z-]+)[ `].*$", table, re.M)}
    assert "Every command also takes `--root DIR`" in table
    for name, command in subparsers.choices.items():
        options = {o for action in command._actions for o in action.option_strings if o.startswith("--")}
        for option in sorted(options - {"--help", "--root"}):
            assert option in rows[name], f"{name} {option} is missing from its row in the README's Commands table"
