"""The JSON Schemas in schemas/ are what build_tools/schema.py's models give, and an editor using
them accepts the real archive and flags what ``check`` flags in the fields' shapes.

Files are loaded as a YAML language server reads them (YAML 1.2: ``2025-05-19`` stays text), then
validated with jsonschema.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from build_tools import jsonschemas
from build_tools.yamlsafe import split_frontmatter

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
REGENERATE = "`.venv/bin/python -m build_tools.jsonschemas` (or `make schemas`) at the repository's root"


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader without YAML 1.1's timestamps, as a YAML 1.2 language server reads."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def problems(name: str, data: object) -> list[str]:
    """Every error as ``path: message``, with the reasons of each alternative of an anyOf."""
    errors = list(validator(name).iter_errors(data))
    errors += [reason for error in errors for reason in error.context or ()]
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors]


def test_schemas_are_in_sync_with_the_models() -> None:
    stale = jsonschemas.stale(SCHEMAS)
    assert stale == [], (
        f"schemas/{', schemas/'.join(stale)} differ from what build_tools/schema.py gives: "
        f"run {REGENERATE} and commit schemas/"
    )


def test_check_mode_names_the_stale_file_and_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    assert jsonschemas.main(["--check", "--out", str(tmp_path / "schemas")]) == 0
    changed = tmp_path / "schemas" / "vocabulary.schema.json"
    changed.write_text(changed.read_text(encoding="utf-8").replace('"armed-group"', '"militia"'), encoding="utf-8")
    assert jsonschemas.main(["--check", "--out", str(tmp_path / "schemas")]) == 1
    err = capsys.readouterr().err
    assert "vocabulary.schema.json: out of date" in err and "python -m build_tools.jsonschemas" in err
    assert "article.schema.json" not in err


def test_every_article_and_vocabulary_file_is_valid_for_an_editor() -> None:
    articles = sorted((REPO / "articles").glob("*/*.md"))
    vocabularies = sorted((REPO / "articles" / "vocabulary").glob("*.yml"))
    assert articles and len(vocabularies) >= 3
    for path in articles:
        front, _, _ = split_frontmatter(path.read_text(encoding="utf-8"))
        assert problems("article.schema.json", yaml.load(front, Loader=Yaml12Loader)) == [], path
    for path in vocabularies:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
        assert problems("vocabulary.schema.json", data) == [], path


def test_an_editor_flags_a_misspelt_kind_a_missing_field_and_an_unknown_one() -> None:
    entry = {"id": "ada-lovelace", "name": "Ada Lovelace", "kind": "persn"}
    found = problems("vocabulary.schema.json", [entry])
    assert any(p.startswith("0/kind: 'persn' is not one of ['person', 'organization'") for p in found), found
    assert any(p == "0: 'description' is a required property" for p in found), found
    article = {"title": "T", "date": "2025-05-19", "summary": "S.", "tags": ["x"], "draft": "yes"}
    found = problems("article.schema.json", article)
    assert any(re.match(r": Additional properties are not allowed \('tags' was unexpected\)", p) for p in found), found
    assert any(p.startswith("draft: 'yes' is not of type 'boolean'") for p in found), found
    good = {"title": "T", "date": "2025-05-19", "summary": "S.", "actors": ["vladimir-putin"], "draft": False}
    assert problems("article.schema.json", good) == []
    assert problems("article.schema.json", {**good, "date": "2025-02-30"}) == ["date: '2025-02-30' is not a 'date'"]
