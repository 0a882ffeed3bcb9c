"""pre-commit's check of mkdocs.yml: the file read as MkDocs reads it, whose loader knows the
`!ENV` and `!relative` tags that a plain YAML check rejects, and validated as MkDocs validates it
(theme, plugins, hooks, paths). Usage: python tools/check_mkdocs_yml.py mkdocs.yml ...
Exit status 0: valid; 1: the file does not load, printed as `file: message` with line and column.
"""

from __future__ import annotations

import logging
import os
import sys

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.config import load_config  # noqa: E402 (after the variable Material reads on import)
from mkdocs.exceptions import ConfigurationError  # noqa: E402


def main(paths: list[str]) -> int:
    logging.basicConfig(format="%(message)s", level=logging.WARNING)  # MkDocs logs each invalid value
    status = 0
    for path in paths:
        try:
            load_config(path)
        except ConfigurationError as error:
            print(f"{path}: {error}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
