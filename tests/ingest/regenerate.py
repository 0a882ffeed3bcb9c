"""Rewrite tests/ingest/expected/ from tests/ingest/inputs/: ``python -m tests.ingest.regenerate``."""

from __future__ import annotations

from .golden import EXPECTED, expected_path, inputs, render, tagger


def main() -> None:
    EXPECTED.mkdir(exist_ok=True)
    tags = tagger()
    for source in inputs():
        target = expected_path(source)
        text = render(source, tags)
        changed = not target.exists() or target.read_text(encoding="utf-8") != text
        target.write_text(text, encoding="utf-8")
        print(f"{'updated' if changed else 'same   '} {target.relative_to(EXPECTED.parent.parent.parent)}")


if __name__ == "__main__":
    main()
