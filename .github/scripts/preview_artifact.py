"""The trusted half of the pull-request preview: checks the artifact a Preview run uploaded and
writes the pull-request comment from it.

Run by ``.github/workflows/preview-publish.yml`` as checked out from this repository (never from
the pull request), with the system Python and its standard library only. The artifact was
written by the pull request's code, so everything in it is untrusted data:

``validate ARTIFACT --head-sha SHA``
    checks the artifact's shape before any of it is used: only the expected entries, no symbolic
    links or special files, no ``.git*`` names or control characters in names, at most
    MAX_FILES files and MAX_BYTES bytes, a pull-request number that is a number, the head
    commit of the run that built it, a ``report.json`` that parses. Prints ``number=N`` and
    ``site=true|false`` (for ``$GITHUB_OUTPUT``); exits 1 with a ``::error::`` line otherwise.

``comment ARTIFACT --number N --head-sha SHA --pages-url URL --status S``
    prints the comment's Markdown, rendered here from ``report.json`` (``report.md`` is never
    used): every title, path, reason and message is shown as a code span, in which GitHub
    renders no link, image, HTML, autolink or @mention; the only links are to the preview's own
    pages, made of ``--pages-url`` and a URL path of slug-like segments. ``S`` says whether the
    site was published: ``published``, ``fork`` (a fork not approved for publishing) or
    ``no-site`` (the pull request's site could not be built).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from pathlib import Path

MARKER = "<!-- explainer-archive-preview -->"
FORK_LABEL = "preview-fork"
MAX_FILES = 50_000
MAX_BYTES = 500 * 2**20
MAX_REPORT_BYTES = 8 * 2**20
MAX_ROWS = 100  # per section of the comment
MAX_VALUE = 300  # characters of one value
MAX_BODY = 60_000  # characters of the comment (GitHub takes 65,536)
ENTRIES = {"pr-number", "head-sha", "report.md", "report.json", "site"}

NUMBER = re.compile(r"[1-9][0-9]{0,9}")
SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
PAGES_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/(?:[A-Za-z0-9._~-]+/)*")
URL_PATH = re.compile(r"/(?:[a-z0-9][a-z0-9-]*/)*(?:[a-z0-9][a-z0-9-]*\.xml)?")
BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]|^\.git", re.I)
INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)


class Rejected(Exception):
    """The artifact is not what a Preview run of this repository's code uploads."""


# -- validate ----------------------------------------------------------------------------------


def small_file(path: Path, limit: int) -> bytes:
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise Rejected(f"{path.name} is not a regular file")
    if info.st_size > limit:
        raise Rejected(f"{path.name} is larger than {limit} bytes")
    return path.read_bytes()


def validate(root: Path, head_sha: str) -> dict[str, str]:
    """The artifact's pull-request number and whether it has a site, or Rejected."""
    if not root.is_dir() or root.is_symlink():
        raise Rejected("no artifact folder")
    names = {entry.name for entry in root.iterdir()}
    if names - ENTRIES:
        raise Rejected(f"unexpected entries {sorted(names - ENTRIES)!r}")
    if not {"pr-number", "head-sha", "report.json"} <= names:
        raise Rejected("pr-number, head-sha or report.json is missing")
    files = total = 0
    for folder, dirs, filenames in os.walk(root, followlinks=False):
        for name in dirs + filenames:
            path = Path(folder, name)
            shown = path.relative_to(root).as_posix()
            if BAD_NAME.search(name):
                raise Rejected(f"a name that is not allowed: {shown!r}")
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                raise Rejected(f"symbolic link {shown!r}")
            if stat.S_ISREG(info.st_mode):
                files += 1
                total += info.st_size
            elif not stat.S_ISDIR(info.st_mode):
                raise Rejected(f"not a file or folder: {shown!r}")
            if not path.resolve().is_relative_to(root.resolve()):
                raise Rejected(f"path outside the artifact: {shown!r}")
            if files > MAX_FILES or total > MAX_BYTES:
                raise Rejected(f"too large (more than {MAX_FILES} files or {MAX_BYTES} bytes)")
    number = small_file(root / "pr-number", 32).decode("ascii", errors="replace").strip()
    if not NUMBER.fullmatch(number):
        raise Rejected("the pull request number is not a number")
    sha = small_file(root / "head-sha", 128).decode("ascii", errors="replace").strip()
    if not SHA.fullmatch(head_sha) or sha != head_sha:
        raise Rejected("the head commit does not match the run that built it")
    read_report(root)
    site = root / "site"
    has_site = site.is_dir() and not site.is_symlink()
    if has_site and not (site / "index.html").is_file():
        raise Rejected("site/ has no index.html")
    return {"number": number, "site": "true" if has_site else "false"}


def read_report(root: Path) -> dict:
    data = small_file(root / "report.json", MAX_REPORT_BYTES)
    try:
        report = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Rejected(f"report.json is not JSON: {type(exc).__name__}") from None
    if not isinstance(report, dict):
        raise Rejected("report.json is not a JSON object")
    return report


# -- comment -----------------------------------------------------------------------------------


def visible(value: object, limit: int = MAX_VALUE) -> str:
    text = " ".join(str(value).split())
    text = INVISIBLE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(value: object, cell: bool = False) -> str:
    """Untrusted text as a code span that nothing inside can close (see build_tools/previews.py)."""
    text = visible(value)
    if cell:
        text = text.replace("|", "¦")  # a pipe ends a table cell even inside a code span
    if not text:
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def records(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def problem_line(problem: dict) -> str:
    severity = problem.get("severity") if problem.get("severity") in ("error", "warning") else "problem"
    line = integer(problem.get("line"))
    where = f"{problem.get('path', '')}:{line}" if line is not None else str(problem.get("path", ""))
    return "- " + code(f"{where}: {severity}: {problem.get('message', '')}")


def count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


class Body:
    """Lines of the comment, within MAX_BODY characters."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.full = False

    def add(self, *lines: str) -> bool:
        size = sum(len(line) + 1 for line in lines)
        if self.full or self.size + size > MAX_BODY - 500:
            self.full = True
            return False
        self.lines += lines
        self.size += size
        return True

    def text(self) -> str:
        if self.full:
            self.lines += ["", "_The report is longer than a comment can be: the rest is left out._"]
        return "\n".join(self.lines) + "\n"


def comment(root: Path, number: str, head_sha: str, pages_url: str, status: str) -> str:
    if not NUMBER.fullmatch(number) or not SHA.fullmatch(head_sha):
        raise Rejected("no valid pull request number or head commit")
    published = status == "published" and bool(PAGES_URL.fullmatch(pages_url))
    preview = f"{pages_url}pr-{number}/" if published else ""
    if published:
        link = f"**Preview:** {preview}"
    elif status == "fork":
        link = (
            "**Preview:** not published. The site of a pull request from a fork is published only "
            f"after a maintainer reviews its latest commit and adds the label `{FORK_LABEL}` "
            "(again after every push)."
        )
    elif status == "no-site":
        link = "**Preview:** not published: the site could not be built (see the errors below)."
    else:
        link = "**Preview:** not published."
    body = Body()
    body.add(MARKER, link, f"Built from {head_sha}.", "")
    report = read_report(root)

    generate_errors = records(report.get("generate_errors"))
    if generate_errors:
        body.add("**The pages could not be generated:**", "")
        for problem in generate_errors[:MAX_ROWS]:
            body.add(problem_line(problem))
        if len(generate_errors) > MAX_ROWS:
            body.add(f"- … and {len(generate_errors) - MAX_ROWS} more")
        return body.text()

    sections = {name: records(report.get(name)) for name in ("added", "changed", "removed")}
    if any(sections.values()):
        body.add(
            f"**{count(len(sections['added']), 'page')} added, {len(sections['changed'])} changed, "
            f"{len(sections['removed'])} removed.**"
        )
    else:
        body.add("**No page changes.**")
    for name, rows in sections.items():
        if not rows:
            continue
        body.add("", f"### {name.capitalize()} ({len(rows)})", "", "| page | URL | why |", "| --- | --- | --- |")
        for row in rows[:MAX_ROWS]:
            url = row.get("url") if isinstance(row.get("url"), str) else ""
            title = row.get("title") if isinstance(row.get("title"), str) and row.get("title") else url
            shown = code(url, cell=True)
            if published and name != "removed" and URL_PATH.fullmatch(url):
                shown = f"[`{url}`]({preview}{url[1:]})"
            why = ", ".join(strings(row.get("reasons")))
            if not body.add(f"| {code(title, cell=True)} | {shown} | {code(why, cell=True)} |"):
                break
        if len(rows) > MAX_ROWS:
            body.add(f"| … and {len(rows) - MAX_ROWS} more | | |")

    checks = report.get("checks") if isinstance(report.get("checks"), dict) else {}
    body.add("", "### Checks", "")
    problems = records(checks.get("problems"))
    files = strings(checks.get("files"))
    if checks.get("available") is not True:
        body.add(f"Not run: {code(checks.get('note', ''))}")
    elif not files:
        body.add("_Nothing to check: no article added or changed._")
    else:
        errors = sum(p.get("severity") == "error" for p in problems)
        body.add(
            f"{count(errors, 'error')}, {count(len(problems) - errors, 'warning')} "
            f"in {count(len(files), 'changed article')}."
        )
        if problems:
            body.add("")
            for problem in problems[:MAX_ROWS]:
                if not body.add(problem_line(problem)):
                    break
            if len(problems) > MAX_ROWS:
                body.add(f"- … and {len(problems) - MAX_ROWS} more")
    return body.text()


# -- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate")
    check.add_argument("artifact", type=Path)
    check.add_argument("--head-sha", required=True)
    write = commands.add_parser("comment")
    write.add_argument("artifact", type=Path)
    write.add_argument("--number", required=True)
    write.add_argument("--head-sha", required=True)
    write.add_argument("--pages-url", default="")
    write.add_argument("--status", choices=("published", "fork", "no-site"), required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            for key, value in validate(args.artifact, args.head_sha).items():
                print(f"{key}={value}")
        else:
            sys.stdout.write(comment(args.artifact, args.number, args.head_sha, args.pages_url, args.status))
    except Rejected as exc:
        print(f"::error title=preview::Rejected the preview artifact: {visible(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"::error title=preview::Could not read the preview artifact: {visible(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
