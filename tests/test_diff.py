"""``python -m build_tools diff``: the preview report, on small git repositories built here."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from build_tools import previews
from build_tools.layout import Project, page_url
from build_tools.previews import GitError, compare_refs, to_json, to_markdown
from tests.conftest import REPO, write_article

VOCABULARY = {
    "actors.yml": """\
- id: vladimir-putin
  name: Vladimir Putin
  kind: person
  description: President of Russia.
- id: nato
  name: NATO
  kind: organization
  description: A military alliance.
""",
    "topics.yml": """\
- id: peace-negotiations
  name: Peace negotiations
  description: Talks aimed at a ceasefire.
- id: sanctions
  name: Sanctions
  description: Economic penalties.
""",
    "places.yml": """\
- id: russia
  name: Russia
  description: A country.
- id: ukraine
  name: Ukraine
  description: A country.
""",
}

TALKS = """\
title: Putin and the talks
date: 2025-05-19
summary: The talks stalled.
actors: [vladimir-putin]
topics: [peace-negotiations]
places: [russia]
"""
NATO = """\
title: NATO meets
date: 2025-03-02
summary: A summit.
actors: [nato]
places: [ukraine]
"""
SANCTIONS = """\
title: Sanctions on Russia
date: 2024-01-15
summary: New penalties.
topics: [sanctions]
"""
NEW = """\
title: Putin answers
date: 2025-06-01
summary: An answer to the talks.
actors: [vladimir-putin]
topics: [peace-negotiations]
"""


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z"}
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A tiny archive in a git repository with one commit: three articles in two years."""
    root = tmp_path / "archive"
    (root / "articles" / "vocabulary").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Test\nsite_url: https://example.org/\n", encoding="utf-8")
    for name, text in VOCABULARY.items():
        (root / "articles" / "vocabulary" / name).write_text(text, encoding="utf-8")
    write_article(root, "2025-05-19-putin-and-the-talks.md", TALKS)
    write_article(root, "2025-03-02-nato-meets.md", NATO)
    write_article(root, "2024-01-15-sanctions-on-russia.md", SANCTIONS)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "Test")
    git(root, "config", "commit.gpgsign", "false")
    commit(root, "base")
    return root


def by_path(preview) -> dict[str, previews.PageChange]:
    return {change.path: change for change in preview.changes}


def worktrees(root: Path) -> list[str]:
    return [line for line in git(root, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "build_tools", "diff", *args], cwd=root, capture_output=True, text=True, env=env
    )


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("index.md", "/"),
        ("actors/index.md", "/actors/"),
        ("actors/vladimir-putin.md", "/actors/vladimir-putin/"),
        ("articles/2025/putin-and-the-talks.md", "/articles/2025/putin-and-the-talks/"),
        ("archive/2025.md", "/archive/2025/"),
        ("feeds/all.xml", "/feeds/all.xml"),
    ],
)
def test_page_urls(path: str, url: str) -> None:
    assert "/" + page_url(path) == url  # as the report shows it


# -- one added article ---------------------------------------------------------------------


def test_adding_one_article_lists_its_page_and_every_index_page_it_changed(repo: Path) -> None:
    write_article(repo, "2025-06-01-putin-answers.md", NEW)
    commit(repo, "add an article")

    preview = compare_refs(Project(repo), "HEAD~1", "HEAD")
    changes = by_path(preview)

    assert [c.path for c in preview.of_status("added")] == ["articles/2025/putin-answers.md"]
    added = changes["articles/2025/putin-answers.md"]
    assert added.url == "/articles/2025/putin-answers/"
    assert added.title == "Putin answers"
    assert added.reasons == ("new article",)
    assert added.source == "articles/2025/2025-06-01-putin-answers.md"
    assert preview.of_status("removed") == []

    must_change = {
        "index.md": "/",
        "archive/index.md": "/archive/",
        "archive/2025.md": "/archive/2025/",
        "actors/index.md": "/actors/",
        "actors/vladimir-putin.md": "/actors/vladimir-putin/",
        "topics/index.md": "/topics/",
        "topics/peace-negotiations.md": "/topics/peace-negotiations/",
    }
    for path, url in must_change.items():
        assert path in changes, path
        assert changes[path].status == "changed"
        assert changes[path].url == url
        assert "1 article added" in changes[path].reasons, (path, changes[path].reasons)
    assert changes["actors/vladimir-putin.md"].title == "Vladimir Putin"

    # The article sharing its tags now lists it as related; its own text did not change.
    talks = changes["articles/2025/putin-and-the-talks.md"]
    assert talks.reasons == ("related articles changed",)

    # Nothing else: pages of tags the article does not carry, other years, unrelated articles.
    for path in (
        "actors/nato.md",
        "topics/sanctions.md",
        "places/index.md",
        "places/russia.md",
        "places/ukraine.md",
        "archive/2024.md",
        "articles/2025/nato-meets.md",
        "articles/2024/sanctions-on-russia.md",
    ):
        assert path not in changes, (path, changes.get(path))
    for change in preview.of_status("changed"):
        if change.path.startswith("articles/"):
            assert change.reasons == ("related articles changed",), change
        else:
            assert "1 article added" in change.reasons, change


def test_cli_diff_against_the_previous_commit(repo: Path) -> None:
    write_article(repo, "2025-06-01-putin-answers.md", NEW)
    commit(repo, "add an article")

    result = run_cli(repo, "HEAD~1", "--format", "json")
    assert result.returncode in (0, 1), result.stderr  # 1 only when a check finds an error
    report = json.loads(result.stdout)
    assert report["head"] == {"ref": "working tree", "commit": None}
    assert [c["url"] for c in report["added"]] == ["/articles/2025/putin-answers/"]
    assert report["removed"] == []
    urls = {c["url"]: c["reasons"] for c in report["changed"]}
    assert urls["/actors/vladimir-putin/"] == ["1 article added"]
    assert urls["/"] == ["1 article added"]
    assert "/actors/nato/" not in urls
    assert report["summary"]["added"] == 1

    markdown = run_cli(repo, "HEAD~1", "--base-url", "https://example.org/pr-7/")
    assert markdown.stdout.startswith(previews.MARKER)
    assert "/actors/vladimir-putin/ — 1 article added" not in markdown.stdout  # a table, not a sentence
    assert "| `Vladimir Putin` | [`/actors/vladimir-putin/`](https://example.org/pr-7/actors/vladimir-putin/) |" in (
        markdown.stdout
    )
    assert "1 article added" in markdown.stdout
    assert "### Checks" in markdown.stdout


# -- a commit that adds, changes and deletes -----------------------------------------------


def test_added_changed_and_removed_articles(repo: Path) -> None:
    write_article(repo, "2025-06-01-putin-answers.md", NEW)
    write_article(repo, "2025-03-02-nato-meets.md", NATO.replace("NATO meets", "NATO meets again"))
    (repo / "articles" / "2024" / "2024-01-15-sanctions-on-russia.md").unlink()
    commit(repo, "add, change, delete")

    preview = compare_refs(Project(repo), "HEAD~1", "HEAD")
    changes = by_path(preview)

    assert changes["articles/2025/putin-answers.md"].status == "added"
    assert changes["articles/2025/nato-meets.md"].status == "changed"
    assert changes["articles/2025/nato-meets.md"].reasons == ("article changed",)
    assert changes["articles/2025/nato-meets.md"].title == "NATO meets again"
    removed = changes["articles/2024/sanctions-on-russia.md"]
    assert removed.status == "removed"
    assert removed.reasons == ("article removed or made a draft",)
    assert removed.title == "Sanctions on Russia"
    assert changes["archive/2024.md"].status == "removed"
    assert changes["archive/2024.md"].reasons == ("1 article removed",)
    assert changes["actors/nato.md"].reasons == ("1 listed article retitled or redated",)
    assert changes["topics/sanctions.md"].reasons == ("1 article removed",)
    home = changes["index.md"].reasons
    assert "1 article added" in home and "1 article removed" in home
    assert sorted(preview.changed_sources) == [
        "articles/2025/2025-03-02-nato-meets.md",
        "articles/2025/2025-06-01-putin-answers.md",
    ]

    data = json.loads(to_json(preview, "https://example.org/pr-3/"))
    assert data["summary"] == {s: len(preview.of_status(s)) for s in ("added", "changed", "removed")}
    assert data["added"][0]["preview_url"] == "https://example.org/pr-3/articles/2025/putin-answers/"
    assert "preview_url" not in data["removed"][0]
    assert data["checks"]["files"] == preview.checks.files


def test_retagging_and_vocabulary_changes(repo: Path) -> None:
    write_article(repo, "2025-03-02-nato-meets.md", NATO.replace("places: [ukraine]", "places: [russia]"))
    vocabulary = repo / "articles" / "vocabulary"
    actors = (vocabulary / "actors.yml").read_text(encoding="utf-8")
    (vocabulary / "actors.yml").write_text(
        actors.replace("A military alliance.", "A military alliance of 32 states.")
        + "- id: ada-lovelace\n  name: Ada Lovelace\n  kind: person\n  description: No articles.\n",
        encoding="utf-8",
    )
    commit(repo, "retag and edit the vocabulary")

    changes = by_path(compare_refs(Project(repo), "HEAD~1", "HEAD"))
    assert changes["places/russia.md"].reasons == ("1 article newly listed",)
    assert changes["places/ukraine.md"].reasons == ("1 article no longer listed",)
    assert changes["actors/nato.md"].reasons == ("actor entry changed",)
    assert changes["actors/ada-lovelace.md"].status == "added"
    assert changes["actors/ada-lovelace.md"].reasons == ("new actor",)
    assert "1 entry added" in changes["actors/index.md"].reasons
    assert changes["articles/2025/nato-meets.md"].reasons[0] == "article changed"


def test_working_tree_is_compared_as_it_is(repo: Path) -> None:
    write_article(repo, "2025-05-19-putin-and-the-talks.md", TALKS.replace("The talks stalled.", "They stalled."))
    preview = compare_refs(Project(repo), "HEAD")
    assert preview.head == "working tree" and preview.head_commit == ""
    pages = {c.path: c.reasons for c in preview.changes if not c.path.startswith("feeds/")}
    assert pages.pop("articles/2025/putin-and-the-talks.md") == ("article changed",)
    # the summary changed, and every list of the article shows it (home, its year, its entities)
    assert pages == {
        "index.md": ("1 listed summary changed",),
        "archive/2025.md": ("1 listed summary changed",),
        "actors/vladimir-putin.md": ("1 listed summary changed",),
        "places/russia.md": ("1 listed summary changed",),
        "topics/peace-negotiations.md": ("1 listed summary changed",),
    }
    for feed in (c for c in preview.changes if c.path.startswith("feeds/")):  # feeds carry summaries
        assert feed.reasons == ("1 listed article changed",), feed
    assert "the working tree" in to_markdown(preview)


def test_no_changes(repo: Path) -> None:
    preview = compare_refs(Project(repo), "HEAD", "HEAD")
    assert preview.changes == []
    assert "**No page changes.**" in to_markdown(preview)


# -- worktrees, errors ---------------------------------------------------------------------


def test_worktrees_are_removed_afterwards(repo: Path) -> None:
    write_article(repo, "2025-06-01-putin-answers.md", NEW)
    commit(repo, "add an article")
    before = worktrees(repo)
    compare_refs(Project(repo), "HEAD~1", "HEAD")
    assert worktrees(repo) == before


def test_worktrees_are_removed_on_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Path] = []
    real = previews.Snapshot.of

    def failing(project: Project):
        made.append(project.root)
        real(project)
        raise RuntimeError("boom")

    monkeypatch.setattr(previews.Snapshot, "of", staticmethod(failing))
    before = worktrees(repo)
    with pytest.raises(RuntimeError, match="boom"):
        compare_refs(Project(repo), "HEAD", "HEAD")
    assert made and not made[0].exists()
    assert worktrees(repo) == before


def test_unknown_ref(repo: Path) -> None:
    with pytest.raises(GitError, match="no-such-branch"):
        compare_refs(Project(repo), "no-such-branch")
    result = run_cli(repo, "no-such-branch")
    assert result.returncode == 2
    assert "no-such-branch" in result.stderr
    assert run_cli(repo, "--", "--output=x").returncode == 2


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    result = run_cli(tmp_path, "HEAD")
    assert result.returncode == 2
    assert "diff:" in result.stderr


def test_head_that_does_not_generate(repo: Path) -> None:
    write_article(repo, "2025-06-01-broken.md", NEW.replace("date: 2025-06-01", "date: 01/06/25"))
    result = run_cli(repo, "HEAD")
    assert result.returncode == 1
    assert "could not be generated" in result.stdout
    assert "Expected a date" in result.stdout
    data = json.loads(run_cli(repo, "HEAD", "--format", "json").stdout)
    assert data["generate_errors"]


def test_archive_in_a_subfolder_of_the_repository(repo: Path, tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    shutil.copytree(repo, outer / "site-source", ignore=shutil.ignore_patterns(".git"))
    git(outer, "init", "-q")
    git(outer, "config", "user.email", "test@example.org")
    git(outer, "config", "user.name", "Test")
    git(outer, "config", "commit.gpgsign", "false")
    commit(outer, "base")
    write_article(outer / "site-source", "2025-06-01-putin-answers.md", NEW)
    commit(outer, "add an article")
    preview = compare_refs(Project(outer / "site-source"), "HEAD~1", "HEAD")
    assert [c.path for c in preview.of_status("added")] == ["articles/2025/putin-answers.md"]
    assert preview.changes[0].source == "articles/2025/2025-06-01-putin-answers.md"


# -- the Markdown report -------------------------------------------------------------------


def test_markdown_report_neutralises_untrusted_titles(repo: Path) -> None:
    evil = NEW.replace("Putin answers", "'@octocat [click](https://evil.example) <img src=x> | pipe www.evil.example'")
    write_article(repo, "2025-06-01-putin-answers.md", evil)
    text = to_markdown(compare_refs(Project(repo), "HEAD"), "https://example.org/pr-1/")
    row = next(line for line in text.splitlines() if "/articles/2025/putin-answers/" in line)
    # The title is one code span (in which GitHub renders no link, HTML, autolink or @mention),
    # and its pipe cannot open a new cell.
    assert row.startswith("| `@octocat [click](https://evil.example) <img src=x> ¦ pipe www.evil.example` | ")
    assert row.count("|") == 4
    html = markdown.markdown(text, extensions=["tables"])
    assert "evil.example" not in "".join(re.findall(r"<a [^>]*>", html)) and "<img" not in html


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("plain", "`plain`"),
        ("a `tick` b", "``a `tick` b``"),
        ("``two``", "``` ``two`` ```"),
        ("`", "`` ` ``"),
        ("line\nbreak\ttab", "`line break tab`"),
        ("bidi\u202etext", "`bidi\\u202etext`"),
        ("", "(empty)"),
    ],
)
def test_code_spans_cannot_be_closed_from_inside(value: str, span: str) -> None:
    assert previews.md_code(value) == span


def test_links_only_to_plain_preview_paths() -> None:
    assert previews.page_link("https://example.org/pr-1/", "/actors/x/") == (
        "[`/actors/x/`](https://example.org/pr-1/actors/x/)"
    )
    assert previews.page_link("https://example.org/pr-1/", "/feeds/all.xml").startswith("[")
    for url in ("/a b/", "/x/(y)/", "//evil.example/", "/javascript:alert(1)/", "/A/"):
        assert previews.page_link("https://example.org/pr-1/", url).startswith("`"), url
    for base in ("javascript:alert(1)//", "https://example.org/x)(", "https://exa mple.org/"):
        assert previews.page_link(base, "/actors/x/").startswith("`"), base


def test_checks_summary_covers_the_changed_articles(repo: Path) -> None:
    write_article(repo, "2025-06-01-putin-answers.md", NEW)
    preview = compare_refs(Project(repo), "HEAD")
    checks = preview.checks
    assert checks.files == ["articles/2025/2025-06-01-putin-answers.md"]
    try:
        import build_tools.checks.runner  # noqa: F401
    except ImportError:
        assert not checks.available and "not available" in checks.note
    else:
        assert checks.available
        for problem in checks.problems:
            assert not Path(problem.path).is_absolute(), problem
    assert "### Checks" in to_markdown(preview)
