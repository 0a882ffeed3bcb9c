"""Regenerate the generator's golden files: ``python -m tests.golden`` (this set alone;
``python -m tests.regenerate`` rewrites every golden set).

Reads the fixture archive in ``tests/golden/archive/`` and writes every generated page to
``tests/golden/expected/``. Review the git diff of ``expected/`` before committing it.
"""

import shutil
from pathlib import Path

from build_tools.layout import Project
from build_tools.pipeline import render_pages

HERE = Path(__file__).parent
ARCHIVE = HERE / "archive"
EXPECTED = HERE / "expected"


def main() -> None:
    pages, _ = render_pages(Project(ARCHIVE))
    shutil.rmtree(EXPECTED, ignore_errors=True)
    for name, text in pages.items():
        path = EXPECTED / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(pages)} expected pages to {EXPECTED}")


if __name__ == "__main__":
    main()
