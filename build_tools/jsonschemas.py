"""JSON Schemas of an article's frontmatter and of a vocabulary file, exported from the pydantic
models of ``schema.py`` into ``schemas/``, so that an editor with a YAML language server completes
field names and flags a wrong field, a missing one or a ``kind`` outside its list as one types
(CONTRIBUTING.md, "Editor support").

The schemas are a convenience: ``check`` stays the judge (it also knows which ids exist, that a
date matches the file name, that a title is one line). They are generated, never edited:

    python -m build_tools.jsonschemas            # (or `make schemas`) rewrites schemas/
    python -m build_tools.jsonschemas --check    # exit 1 if schemas/ is not what the models give
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import TypeAdapter

from .schema import ArticleMeta, VocabularyEntry

DRAFT = "https://json-schema.org/draft/2020-12/schema"
COMMAND = "python -m build_tools.jsonschemas"


def schemas() -> dict[str, dict]:
    """File name -> JSON Schema, for each kind of file a contributor edits."""
    article = ArticleMeta.model_json_schema()
    article["title"] = "Explainer Archive article frontmatter"
    vocabulary = TypeAdapter(list[VocabularyEntry]).json_schema()
    vocabulary["title"] = "Explainer Archive vocabulary file (articles/vocabulary/*.yml)"
    vocabulary["description"] = "A list of entries, each with a unique id."
    return {
        "article.schema.json": {"$schema": DRAFT, **article},
        "vocabulary.schema.json": {"$schema": DRAFT, **vocabulary},
    }


def render() -> dict[str, str]:
    """File name -> the text written: stable key order, so the same models give the same bytes."""
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in schemas().items()}


def stale(folder: Path) -> list[str]:
    """The schema files in ``folder`` that are missing or differ from what the models give."""
    return [
        name
        for name, text in render().items()
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description="Write the JSON Schemas of articles and vocabularies.")
    parser.add_argument("--out", type=Path, default=Path("schemas"), help="folder to write into (default: schemas)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale(args.out)
        for name in out_of_date:
            print(f"{args.out / name}: out of date with build_tools/schema.py; run `{COMMAND}`", file=sys.stderr)
        return 1 if out_of_date else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
