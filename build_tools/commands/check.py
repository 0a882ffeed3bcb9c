"""``check``: report every problem of the archive's articles and vocabulary, writing nothing.

Output formats (``--format``):

text (default)
    one ``path:line: error|warning: message`` line per problem, then a summary line.
github
    GitHub Actions workflow commands: ``::error file=…,line=…,title=…::message`` (and
    ``::warning``). GitHub shows at most 10 error and 10 warning annotations per step, so only
    the first GITHUB_ANNOTATIONS of each become annotations; every other problem is printed as
    a plain text line in the log, and a final ``::notice`` summary says how many were left out.
    File names and messages come from the articles, so none of it can start a workflow command:
    every value of a command is escaped (``%``, CR, LF; also ``:`` and ``,`` in properties), and
    the plain lines are printed between ``::stop-commands::<random token>`` and ``::<token>::``,
    inside which the runner ignores commands (``::…`` at a line start and ``##[…`` anywhere).
json
    one JSON object, stable for tools (new keys may be added, existing ones keep their meaning)::

        {"version": 1,
         "problems": [{"path": "articles/2025/…md", "line": 5, "severity": "error",
                       "rule": "vocabulary-id", "message": "actors: Expected …"}],
         "summary": {"errors": 1, "warnings": 0, "files": 1, "checked": 12}}

    ``problems`` are sorted by path, line, severity, message; ``checked`` is the number of
    files whose problems are reported (every article and vocabulary file without PATHs).

``--changed-since REF`` checks the article and vocabulary files changed since the merge base of
REF and HEAD (uncommitted and untracked ones included). Of a vocabulary file it reports only the
entries added or edited, compared with the merge base entry by entry as data (so moving an entry
or editing a comment changes nothing), and the problems of the file as a whole; an entry nobody
touched is not reported, not even as unused. An article that uses an entry the change removed or
renamed is checked too. A PATH given besides is checked whole.

``--list-rules`` prints the rules instead (``checks.rules.RULES``: name, severity, module, what
it finds; a JSON document with ``--format json``) and checks nothing.

In every format each problem is one line: control characters in paths and messages are
shown escaped (``\\n``, ``\\x1b``), and ``##[`` (the runner's older command prefix) as ``#\\x23[``.

Exit status: 0 no problems or warnings only, 1 at least one error, 2 the check could not run
(a bad path or ref, git failing, an unreadable folder, or any unexpected failure: never a
traceback, whose status 1 would read as "errors found").
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
from pathlib import Path

from ..checks.rules import RULES, text_table
from ..checks.runner import check
from ..checks.selection import CheckError, changed_since, file_key
from ..problems import Problem
from . import add_root, project_of

GITHUB_ANNOTATIONS = 10
JSON_VERSION = 1
UNUSED_RULE = "unused-entry"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check articles and the vocabulary: schema, ids, duplicates, body, links, stale titles",
        description="Check every article and the vocabulary (or only the given files, or the files "
        "changed since a git ref) and report every problem of every file in one run as "
        "`path:line: error|warning: message`. Writes nothing. Exit status: 0 clean or warnings "
        "only, 1 errors, 2 the check could not run.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="article or vocabulary files or folders (default: all)"
    )
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="check only the articles and vocabulary files added or changed since this git ref "
        "(branch, tag or commit; compared with its merge base, uncommitted files included); in a "
        "vocabulary file, only the entries added or edited",
    )
    parser.add_argument(
        "--format", choices=("text", "github", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--no-unused",
        action="store_true",
        help=f"leave out the '{UNUSED_RULE}' warnings (vocabulary entries no article uses yet): a "
        "vocabulary prepared for a whole collection has many",
    )
    parser.add_argument(
        "--list-rules",
        action="store_true",
        help="print every rule (its name, severity, module and what it finds; with --format json, as JSON) "
        "and check nothing",
    )
    add_root(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except CheckError as exc:
        fail(f"check: {exc}")
    except OSError as exc:
        fail(f"check: could not run: {exc}")
    except Exception as exc:  # a bug: exit 2 (could not run), never a traceback's 1 (errors found)
        fail(f"check: could not run: {describe(exc)}")
    return 2


def _run(args: argparse.Namespace) -> int:
    if args.list_rules:
        return list_rules(args.format)
    project = project_of(args)
    entries = None
    if args.changed_since is not None:
        changed, entries = changed_since(project, args.changed_since)
        paths = changed + list(args.paths)
        if not paths:
            return emit(args.format, [], 0)
        given = {file_key(Path.cwd() / path) for path in args.paths}
        entries = {path: narrowed for path, narrowed in entries.items() if path not in given}
    else:
        paths = list(args.paths) or None
    result = check(project, paths, entries)
    problems, checked = result.problems, result.checked
    if args.no_unused:
        problems = [p for p in problems if p.rule != UNUSED_RULE]
    return emit(args.format, problems, checked)


def list_rules(form: str, stream=None) -> int:
    """``--list-rules``: the table of ``checks.rules.RULES``; ``--format json``: a JSON document."""
    stream = stream or sys.stdout
    if form == "json":
        rules = [
            {"rule": r.id, "severity": r.severity, "module": r.module, "description": r.description} for r in RULES
        ]
        print(json.dumps({"version": JSON_VERSION, "rules": rules}, indent=2, ensure_ascii=False), file=stream)
    else:
        stream.write(text_table())
    return 0


def fail(message: str) -> None:
    """A could-not-run message on stderr, one line and inert in a GitHub Actions log."""
    print(printable(message), file=sys.stderr)


def describe(exc: BaseException) -> str:
    """An unexpected exception in one line: its type, message and where it was raised."""
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" (at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}; please report this)"
    return f"{type(exc).__name__}: {exc}{where}"


def emit(form: str, problems: list[Problem], checked: int, stream=None) -> int:
    stream = stream or sys.stdout
    problems = sorted(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})
    summary = f"{checked} file(s) checked: {errors} error(s), {warnings} warning(s) in {files} file(s)"
    unused = sum(p.rule == UNUSED_RULE for p in problems)
    if unused:
        summary += f" ({unused} of the warnings: vocabulary entries no article uses; --no-unused leaves them out)"
    if form == "json":
        document = {
            "version": JSON_VERSION,
            "problems": [
                {"path": p.path, "line": p.line, "severity": p.severity, "rule": p.rule, "message": p.message}
                for p in problems
            ],
            "summary": {"errors": errors, "warnings": warnings, "files": files, "checked": checked},
        }
        # "##[" can only occur inside a JSON string, where \u0023 is the same character.
        text = json.dumps(document, indent=2, ensure_ascii=False).replace("##[", "#\\u0023[")
        print(text, file=stream)
    elif form == "github":
        shown = {"error": 0, "warning": 0}
        plain: list[str] = []
        for problem in problems:
            if shown[problem.severity] < GITHUB_ANNOTATIONS:
                shown[problem.severity] += 1
                print(github_annotation(problem), file=stream)
            else:
                plain.append(printable(problem.format()))
        if plain:
            # The runner ignores workflow commands until it reads ::<token>::, which the
            # articles cannot contain: the token is random and made only now.
            token = f"check-{secrets.token_hex(16)}"
            print(f"::stop-commands::{token}", file=stream)
            for line in plain:
                print(line, file=stream)
            print(f"::{token}::", file=stream)
        note = (
            f" ({len(plain)} more listed above as plain lines: GitHub shows at most {GITHUB_ANNOTATIONS} annotations of each kind)"
            if plain
            else ""
        )
        print(f"::notice title=check::{_escape(summary + note)}", file=stream)
    else:
        for problem in problems:
            print(printable(problem.format()), file=stream)
        print(summary if problems else f"check: no problems; {checked} file(s) checked", file=stream)
    return 1 if errors else 0


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """``text`` as one inert line: control characters escaped (``\\n``, ``\\x1b``, ``\\u2028``),
    and ``##[`` (which starts a runner command anywhere in a line) as ``#\\x23[``."""

    def escape(match: re.Match) -> str:
        char = match[0]
        if char in _NAMED:
            return _NAMED[char]
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _CONTROL.sub(escape, text).replace("##[", "#\\x23[")


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    return (
        f"::{problem.severity} file={_escape_property(problem.path)},line={problem.line},"
        f"title={_escape_property(problem.rule)}::{_escape(problem.message)}"
    )
