"""The rule registry of ``check`` (``build_tools.checks.rules.RULES``): every rule a module
reports is in it, each where it says, ``check --list-rules`` prints it and CONTRIBUTING.md's
"What `check` looks at" table is the one it makes. And each duplicate rule (slug, source URL,
shingles) has one implementation, which generate, check and ingest share."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from build_tools.checks.duplicates import normalise_url, shingles
from build_tools.checks.rules import RULE, RULES, markdown_table
from build_tools.cli import main
from build_tools.ingest.writer import Archive
from build_tools.problems import Problem

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "build_tools"
OWN_RULES = ("ingest",)  # subpackages whose problems their own command reports, not check


def reported_rules() -> dict[str, set[str]]:
    """Rule name -> the modules (as in ``Rule.module``) that make a Problem with it literally."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if module.startswith(OWN_RULES):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem"):
                continue
            rule = node.args[4] if len(node.args) > 4 else None
            rule = next((k.value for k in node.keywords if k.arg == "rule"), rule)
            name = rule.value if isinstance(rule, ast.Constant) else "schema" if rule is None else None
            if isinstance(name, str):
                found.setdefault(name, set()).add(module)
    return found


def test_every_rule_reported_is_listed_where_it_is_made():
    found = reported_rules()
    assert Problem("x", 1, "error", "m").rule == "schema"  # a Problem without a rule is a schema one
    assert sorted(found) == sorted(RULE), "RULES and the rules the modules report differ"
    for rule in RULES:
        assert set(rule.module.split(", ")) <= found[rule.id], f"{rule.id}: made in {sorted(found[rule.id])}"
        assert {s.strip() for s in rule.severity.split("/")} <= {"error", "warning"}, rule
        assert "\n" not in rule.description and rule.description, rule
    assert len(RULE) == len(RULES)


def test_contributing_shows_the_rules_table():
    contributing = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    section = contributing.split("## What `check` looks at", 1)[1]
    table = section.strip().split("\n\n", 1)[0] + "\n"
    assert table == markdown_table(), (
        "regenerate it: python -c 'from build_tools.checks.rules import markdown_table as t; print(t())'"
    )


def test_list_rules_prints_every_rule_and_checks_nothing(tmp_path, capsys):
    assert main(["check", "--list-rules", "--root", str(tmp_path)]) == 0  # no archive needed
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["rule", "severity", "module", "what"]
    assert [line.split()[0] for line in lines[1:]] == [rule.id for rule in RULES]
    assert main(["check", "--list-rules", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [r["rule"] for r in document["rules"]] == [rule.id for rule in RULES]
    assert document["rules"][0] == {
        "rule": RULES[0].id,
        "severity": RULES[0].severity,
        "module": RULES[0].module,
        "description": RULES[0].description,
    }


# -- one implementation per duplicate rule (issue 14) -------------------------------------------


def test_each_duplicate_rule_is_defined_once():
    definitions = {"normalise_url": [], "shingles": [], "duplicate_slug_problems": [], "duplicate_url_problems": []}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in definitions:
                definitions[node.name].append(path.relative_to(REPO).as_posix())
    assert definitions == {
        "normalise_url": ["build_tools/checks/duplicates.py"],
        "shingles": ["build_tools/checks/duplicates.py"],
        "duplicate_slug_problems": ["build_tools/checks/duplicates.py"],
        "duplicate_url_problems": [],
    }


def test_source_urls_are_one_source_when_only_case_of_scheme_and_host_or_decoration_differ():
    base = normalise_url("https://example.org/news/item?id=1")
    for same in (
        "http://example.org/news/item?id=1",
        "HTTPS://WWW.Example.ORG/news/item/?id=1#top",
        "https://example.org:443/news/item?id=1&utm_source=x",
        "http://example.org:80/news/item?utm_medium=y&id=1",
        "  https://example.org/news/item?id=1  ",
    ):
        assert normalise_url(same) == base, same
    for other in (
        "https://example.org/news/item?id=2",  # the query names another page
        "https://example.org/News/Item?id=1",  # paths are case-sensitive
        "https://example.org:8443/news/item?id=1",
        "https://example.net/news/item?id=1",
    ):
        assert normalise_url(other) != base, other
    assert (
        normalise_url("https://[::1]:443/a") == normalise_url("https://[::1]/a") != normalise_url("https://[::1]:8/a")
    )


def test_ingest_tells_sources_apart_as_check_does(tmp_path):
    archive = Archive(tmp_path)
    first = tmp_path / "2025" / "2025-05-19-a.md"
    archive.add(first, 2025, "a", "https://example.org/report?id=1", "one text")
    assert archive.duplicate(2025, "b", "http://EXAMPLE.org/report/?id=1#x", "other") == (first, "the same source URL")
    assert archive.duplicate(2025, "b", "https://example.org/report?id=2", "other") is None
    assert archive.duplicate(2025, "b", "https://example.org/Report?id=1", "other") is None


def test_shingles_are_of_words_not_of_link_targets():
    text = "the talks in Geneva went on for a week"
    assert shingles(text) == shingles("The [talks](https://example.org/a-b-c) in GENEVA went on for a week")
    assert len(shingles(text)) == 5 and len(shingles("two words")) == 1
