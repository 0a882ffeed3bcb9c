"""Hardening: previews, annotations and exit codes.

1. ``check --format github`` printed every problem after the tenth as a raw line, so a file name
   with a newline could start a workflow command (``::error::…``, ``::add-mask::…``) in the log.
   Now every annotation value is escaped and the plain lines sit between
   ``::stop-commands::<random token>`` and ``::<token>::``; the text format shows one line per
   problem, control characters escaped.
2. ``diff`` exited 1 — "the articles have errors" — when it could not run at all. Now 2 means
   "could not run" (bad ref, unreadable repository, the base not generating, any unexpected
   failure, never a traceback) and 1 only "the report lists errors".
3. The preview comment carried the pull request's report as rendered Markdown, so a fork's title
   could put a phishing link or a tracking image in a comment posted by the repository's bot.
   Now every value from the pull request is a code span, in ``diff``'s report and in the comment
   that ``.github/scripts/preview_artifact.py`` (trusted code) renders from ``report.json``.
(4, fork previews only after approval, and their removal on close: tests/test_workflows.py.)
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import subprocess
from pathlib import Path

import markdown
import pytest

from build_tools import previews
from build_tools.cli import main
from build_tools.problems import Problem
from tests.conftest import REPO, write_article

EVIL_NAME = "x\n::error::pwned.md"
EVIL_TITLE = "[Read](https://phish.example/login) ![x](https://tracker.example/p.gif) <img src=x onerror=alert(1)>"
EVIL_MESSAGE = (
    "title: Expected text but received '<a href=\"https://phish.example/login\">Read</a>' "
    "![x](https://tracker.example/p.gif) @octocat www.phish.example `` ` | ::error::x ##[error]y"
)
OUR_COMMANDS = ("::error file=", "::warning file=", "::notice title=check::", "::stop-commands::")


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "commit.gpgsign=false", "commit", "-q", "-m", message)


@pytest.fixture
def repo(golden_archive: Path) -> Path:
    git(golden_archive, "init", "-q", "-b", "main")
    commit_all(golden_archive, "base")
    return golden_archive


# -- 1. workflow commands ----------------------------------------------------------------------


def runner_view(output: str) -> tuple[list[str], list[str]]:
    """What a GitHub Actions runner would take as commands, and the lines it would ignore."""
    commands, inert = [], []
    token = None
    for line in output.split("\n"):
        if token is not None:  # commands stopped: only ::<token>:: resumes them
            if line.strip() == f"::{token}::":
                token = None
            else:
                inert.append(line)
            continue
        if line.lstrip().startswith("::"):
            commands.append(line)
            if line.startswith("::stop-commands::"):
                token = line.removeprefix("::stop-commands::")
        else:
            assert "##[" not in line, line  # the older command form, found anywhere in a line
            inert.append(line)
    assert token is None, "commands left stopped"
    return commands, inert


def unescape_property(value: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


def test_github_annotations_cannot_inject_workflow_commands(golden_archive: Path, monkeypatch) -> None:
    monkeypatch.chdir(golden_archive)
    for day in range(1, 29):  # 28 errors: 10 annotations, the rest plain lines
        write_article(golden_archive, f"2025-02-{day:02d}-bad.md", f"title: Bad {day}\ndate: 2025-02-{day:02d}")
    folder = golden_archive / "articles" / "2025"
    evil = folder / EVIL_NAME  # sorts after the 2025-… files: a plain line
    evil.write_text("---\ntitle: '::error::pwned ##[error]pwned'\n---\n\nText.\n", encoding="utf-8")
    first = folder / "\n::warning::first.md"  # sorts first: an annotation
    first.write_text("---\ntitle: x\n---\n\nText.\n", encoding="utf-8")

    status, out, err = run_cli("check", "--format", "github")
    assert status == 1 and err == ""
    commands, inert = runner_view(out)
    assert all(line.startswith(OUR_COMMANDS) for line in commands), [
        c for c in commands if not c.startswith(OUR_COMMANDS)
    ]
    annotations = [c for c in commands if c.startswith(("::error ", "::warning "))]
    assert len([a for a in annotations if a.startswith("::error ")]) == 10
    files = set()
    for annotation in annotations:
        head, _, data = annotation[2:].partition("::")
        name, _, properties = head.partition(" ")
        assert name in ("error", "warning") and "\r" not in data
        for pair in properties.split(","):
            key, _, value = pair.partition("=")
            assert key in ("file", "line", "title") and not re.search(r"[:,\r\n]", value), pair
            if key == "file":
                files.add(unescape_property(value))
    assert "articles/2025/\n::warning::first.md" in files  # escaped, and read back exactly

    # Every problem was printed (10 annotations + the plain lines), each plain line one line.
    problems = json.loads(run_cli("check", "--format", "json")[1])["problems"]
    stopped = [line for line in inert if line.startswith("articles/")]
    assert len(problems) >= 25 and len(annotations) + len(stopped) == len(problems)
    assert any(line.startswith("articles/2025/x\\n::error::pwned.md:") for line in stopped)
    tokens = re.findall(r"^::stop-commands::(.+)$", out, re.M)
    assert len(tokens) == 1 and len(tokens[0]) >= 32
    assert run_cli("check", "--format", "github")[1].count(tokens[0]) == 0  # a new token each run

    # Text: one line per problem, the newline shown as \n; JSON: the name exactly.
    status, text, _ = run_cli("check")
    lines = text.strip().split("\n")
    assert status == 1 and len(lines) == text.count(": error: ") + text.count(": warning: ") + 1
    assert not any(line.lstrip().startswith("::") for line in lines)
    assert any(line.startswith("articles/2025/x\\n::error::pwned.md:1: error: ") for line in lines)
    status, document, _ = run_cli("check", "--format", "json")
    assert "##[" not in document
    assert "articles/2025/" + EVIL_NAME in {p["path"] for p in json.loads(document)["problems"]}


# -- 2. exit statuses of diff ------------------------------------------------------------------


def test_diff_exits_2_when_it_cannot_run_and_1_for_article_errors(repo: Path, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(repo)

    def could_not_run(*args: str) -> str:
        status, out, err = run_cli("diff", *args)
        assert status == 2, (args, status, out, err)
        assert err.strip().splitlines()[-1].startswith("diff: ") and "Traceback" not in err, err
        return err

    assert "no-such-ref" in could_not_run("no-such-ref")
    assert could_not_run("--", "-x")  # an option as a ref
    could_not_run("HEAD", "no-such-ref")

    # The base does not generate: nothing to compare with.
    write_article(repo, "2025-06-01-broken.md", "title: Broken\ndate: 01/06/25\nsummary: S")
    commit_all(repo, "a broken article")
    (repo / "articles" / "2025" / "2025-06-01-broken.md").unlink()
    commit_all(repo, "fixed")
    assert "could not be generated" in could_not_run("HEAD~1", "HEAD")

    # The report cannot be written where asked.
    could_not_run("HEAD", "--output", str(repo / "mkdocs.yml" / "report.md"))

    # git fails in the folder (as for a folder it may not read) or is missing.
    real_run = subprocess.run

    def unreadable(command, *args, **kwargs):
        if command[0] == "git":
            raise PermissionError(13, "Permission denied", str(repo))
        return real_run(command, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(previews.subprocess, "run", unreadable)
        assert "Permission denied" in could_not_run("HEAD")

    # A bug somewhere in the comparison: 2, in one line, never a traceback's 1.
    with monkeypatch.context() as patch:
        patch.setattr(previews, "compare", lambda base, head: {}["boom"])
        assert "KeyError" in could_not_run("HEAD")

    # A repository whose objects cannot be read.
    broken = tmp_path / "broken"
    subprocess.run(["cp", "-a", str(repo), str(broken)], check=True)
    for entry in (broken / ".git" / "objects").iterdir():
        subprocess.run(["rm", "-rf", str(entry)], check=True)
    could_not_run("HEAD", "--root", str(broken))
    # Not a repository, not a folder.
    (tmp_path / "plain" / "articles").mkdir(parents=True)
    (tmp_path / "plain" / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    could_not_run("HEAD", "--root", str(tmp_path / "plain"))
    could_not_run("HEAD", "--root", str(tmp_path / "nowhere"))

    # The head's articles have errors: 1, and the report says so.
    write_article(repo, "2025-06-02-bad.md", "title: Bad\ndate: 2025-06-02\nsummary: S\nactors: [nobody-at-all]")
    report = tmp_path / "report.md"
    status, _, err = run_cli("diff", "HEAD", "--output", str(report))
    assert status == 1, err
    assert "could not be generated" in report.read_text(encoding="utf-8")
    assert "nobody-at-all" in err and "Traceback" not in err
    status, out, _ = run_cli("diff", "HEAD", "--format", "json")
    assert status == 1 and json.loads(out)["generate_errors"]
    (repo / "articles" / "2025" / "2025-06-02-bad.md").unlink()
    assert run_cli("diff", "HEAD")[0] == 0


# -- 3. the report and the comment -------------------------------------------------------------


def load_artifact_script():
    path = REPO / ".github" / "scripts" / "preview_artifact.py"
    spec = importlib.util.spec_from_file_location("preview_artifact", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def strip_code_spans(text: str) -> str:
    return re.sub(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", text)


def assert_inert(text: str, own_links: str = "") -> None:
    """Rendered, no link, image or HTML from the pull request; outside code spans, none of its text."""
    rendered = markdown.markdown(text, extensions=["tables"])
    assert "<img" not in rendered and "<script" not in rendered  # (inside code they are &lt;img, &lt;script)
    for href in re.findall(r"<a [^>]*href=\"([^\"]*)\"", rendered):
        assert own_links and href.startswith(own_links), href
    outside = strip_code_spans(text)
    for word in ("phish", "tracker", "onerror", "<img", "@octocat", "pwned"):
        assert word not in outside, (word, [line for line in outside.splitlines() if word in line])
    for target in re.findall(r"\]\(([^)]*)", outside):
        assert own_links and target.startswith(own_links), target


def test_preview_report_and_comment_render_a_forks_text_inertly(repo: Path, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(repo)
    title = EVIL_TITLE.replace("'", "''")
    write_article(repo, "2025-06-01-evil.md", f"title: '{title}'\ndate: 2025-06-01\nsummary: A summary.")
    status, out, err = run_cli("diff", "HEAD", "--base-url", "https://example.org/pr-7/")
    assert status in (0, 1), err
    assert "phish.example" in out  # the title is there, as text
    assert_inert(out, own_links="https://example.org/pr-7/")

    # A malicious check message and file name, and a head that does not generate.
    evil = Problem("articles/2025/x\n[a](https://phish.example/).md", 3, "error", EVIL_MESSAGE, "schema")
    change = previews.PageChange("added", "articles/2025/evil.md", "/articles/2025/evil/", EVIL_TITLE, ("new article",))
    sneaky = previews.PageChange("changed", "x.md", "/x/](https://phish.example/", EVIL_TITLE, ("page changed",))
    checks = previews.CheckSummary(True, ["articles/2025/evil.md"], [evil, evil])
    preview = previews.Preview("main`` ` x", "a" * 40, "HEAD", "b" * 40, [change, sneaky], checks)
    report = previews.to_markdown(preview, "https://example.org/pr-7/")
    assert report.count("pwned") == 0 and report.count("phish.example") >= 4
    assert_inert(report, own_links="https://example.org/pr-7/")
    assert "https://example.org/pr-7/x/" not in report  # a URL path that is not plain is no link
    broken = previews.Preview("main", "a" * 40, "HEAD", "b" * 40, [], checks, [evil])
    assert_inert(previews.to_markdown(broken, "https://example.org/pr-7/"), own_links="https://example.org/pr-7/")
    # The tool's own words (reasons) are escaped text: inert even if they held such a title.
    rendered = markdown.markdown(previews.md_text(EVIL_TITLE))
    assert "<a " not in rendered and "<img" not in rendered and "phish" in rendered
    # A base URL that is not plain gives no links at all.
    assert_inert(previews.to_markdown(preview, "https://example.org/x)(javascript:alert(1)//"))

    # The comment: rendered by the trusted script from report.json, never from report.md.
    script = load_artifact_script()
    artifact = tmp_path / "artifact"
    (artifact / "site").mkdir(parents=True)
    (artifact / "site" / "index.html").write_text("<p>site</p>", encoding="utf-8")
    (artifact / "pr-number").write_text("7\n", encoding="utf-8")
    (artifact / "head-sha").write_text("b" * 40 + "\n", encoding="utf-8")
    (artifact / "report.md").write_text(f"{EVIL_TITLE}\n<script>alert(1)</script>\n", encoding="utf-8")
    data = json.loads(previews.to_json(preview, "https://example.org/pr-7/"))
    data["added"][0]["reasons"] = [EVIL_TITLE, 5, {"x": 1}]  # wrong types are left out, not trusted
    data["removed"] = [{"title": EVIL_TITLE, "url": "javascript:alert(1)", "reasons": "not a list"}, "junk"]
    (artifact / "report.json").write_text(json.dumps(data), encoding="utf-8")
    assert script.validate(artifact, "b" * 40) == {"number": "7", "site": "true"}
    pages = "https://org.github.io/archive/"
    for status_ in ("published", "fork", "no-site"):
        body = script.comment(artifact, "7", "b" * 40, pages, status_)
        assert body.startswith(script.MARKER) and "<script>" not in body
        assert_inert(body, own_links=f"{pages}pr-7/" if status_ == "published" else "")
        assert ("[`/articles/2025/evil/`](" in body) == (status_ == "published")
        assert "/x/](https://phish.example/" not in strip_code_spans(body)
    # The head did not generate: the errors are listed, inertly.
    data = json.loads(previews.to_json(broken))
    (artifact / "report.json").write_text(json.dumps(data), encoding="utf-8")
    body = script.comment(artifact, "7", "b" * 40, pages, "no-site")
    assert "could not be generated" in body
    assert_inert(body)
