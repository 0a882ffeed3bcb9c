"""Size limits of the code under build_tools/ (issue 14): no module longer than 600 lines and no
function or method longer than 60 (from its ``def`` line to its last line, decorators aside).
A failure lists every offender with its length, longest first."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "build_tools"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def shown(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def function_lengths(path: Path) -> list[tuple[str, int, int]]:
    """(qualified name, line of its ``def``, length in lines) of every function in ``path``,
    methods and nested functions included."""
    found: list[tuple[str, int, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                found.append((name, child.lineno, child.end_lineno - child.lineno + 1))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text("utf-8"), str(path)), "")
    return found


def test_the_package_has_modules():
    assert len(modules()) > 10


def test_no_module_is_longer_than_600_lines():
    lengths = [(len(path.read_text("utf-8").splitlines()), shown(path)) for path in modules()]
    offenders = sorted(((n, name) for n, name in lengths if n > MAX_MODULE_LINES), reverse=True)
    assert not offenders, f"{len(offenders)} module(s) longer than {MAX_MODULE_LINES} lines:\n" + "\n".join(
        f"  {name}: {n} lines" for n, name in offenders
    )


def test_no_function_is_longer_than_60_lines():
    offenders = sorted(
        (
            (length, f"{shown(path)}:{line} {name}")
            for path in modules()
            for name, line, length in function_lengths(path)
            if length > MAX_FUNCTION_LINES
        ),
        key=lambda item: (-item[0], item[1]),
    )
    assert not offenders, f"{len(offenders)} function(s) longer than {MAX_FUNCTION_LINES} lines:\n" + "\n".join(
        f"  {where}: {n} lines" for n, where in offenders
    )
