"""The `check` command: one named case per rule in tests/check/, the CLI, formats, git.

Each case is an input file in tests/check/ and an entry of tests/check/cases.toml (the format
of tests/hostile/cases.toml): the file is written to its ``target`` in the tiny archive of
tests/check/archive.py (which has no problems at all), or appended to the file there, `check`
runs on the whole archive, and the problems must be exactly the ``expect`` lines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from build_tools import cli
from build_tools.checks.duplicates import near_duplicate_pairs
from build_tools.checks.runner import run_checks
from build_tools.layout import Project
from tests.check.archive import ARTICLES, article_text, make_archive, write

CORPUS = Path(__file__).parent / "check"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["case"]
REPO = Path(__file__).resolve().parent.parent
SEED = "articles/2025/2025-05-19-trump-to-speak-with-putin-following-stalled-russia-ukraine-negotiations.md"


@pytest.fixture
def archive(tmp_path: Path, monkeypatch) -> Path:
    root = make_archive(tmp_path / "archive")
    monkeypatch.chdir(root)  # messages show paths relative to the working folder
    return root


def formatted(root: Path, paths=None) -> list[str]:
    return [p.format() for p in run_checks(Project(root), paths)]


def test_the_tiny_archive_has_no_problems(archive):
    assert formatted(archive) == []


def test_every_corpus_file_has_a_case_and_every_case_a_file():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".md", ".yml")}
    named = [case["file"] for case in CASES]
    assert sorted(named) == sorted(files)
    assert all(set(case) == {"file", "target", "expect"} for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[Path(case["file"]).stem for case in CASES])
def test_case(case: dict, archive: Path):
    target = archive / case["target"]
    original = target.read_bytes() if target.exists() else b""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(original + (CORPUS / case["file"]).read_bytes())
    assert formatted(archive) == case["expect"]


# -- the command line -------------------------------------------------------------------------


def test_unknown_id_fails_with_file_line_and_suggestion(archive, capsys):
    write(
        archive,
        "articles/2025/2025-05-19-typo.md",
        article_text("title: T\ndate: 2025-05-19\nsummary: S\nactors: [vladimir-puttin]", "## A\n\nText.\n"),
    )
    assert cli.main(["check", "--root", str(archive)]) == 1
    out = capsys.readouterr().out
    assert (
        "articles/2025/2025-05-19-typo.md:5: error: actors: Expected an id from articles/vocabulary/actors.yml "
        "but received 'vladimir-puttin'; did you mean 'vladimir-putin'? A new actor needs an entry there "
        '(id, name, description): python -m build_tools new --entry actors "Vladimir Puttin"' in out
    )
    assert out.strip().endswith("7 file(s) checked: 1 error(s), 0 warning(s) in 1 file(s)")


def test_clean_and_warnings_only_exit_0(archive, capsys):
    assert cli.main(["check", "--root", str(archive)]) == 0
    assert "check: no problems" in capsys.readouterr().out
    write(
        archive,
        "articles/vocabulary/topics.yml",
        (archive / "articles/vocabulary/topics.yml").read_text() + "- id: unused\n  name: Unused\n  description: D.\n",
    )
    assert cli.main(["check", "--root", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "articles/vocabulary/topics.yml:" in out and "0 error(s), 1 warning(s)" in out
    assert "(1 of the warnings: vocabulary entries no article uses; --no-unused leaves them out)" in out
    assert cli.main(["check", "--root", str(archive), "--no-unused"]) == 0
    assert "check: no problems" in capsys.readouterr().out


def test_only_the_given_paths_are_reported_but_duplicates_see_the_whole_archive(archive, capsys):
    body = ARTICLES["2024/2024-01-15-sanctions-explained.md"][1]
    write(archive, "articles/2025/2025-05-19-copy.md", article_text("title: T\ndate: 2025-05-19\nsummary: S", body))
    write(archive, "articles/2025/2025-05-20-bad.md", article_text("title: T\ndate: 2025-05-20", "## A\n\nText.\n"))
    assert cli.main(["check", "--root", str(archive), "articles/2025/2025-05-19-copy.md"]) == 1
    out = capsys.readouterr().out
    assert "articles/2025/2025-05-19-copy.md:7: error: body: Expected less than 90%" in out
    assert "2024-01-15-sanctions-explained.md:" not in out.replace("shared with articles/2024", "")
    assert "2025-05-20-bad.md" not in out


def test_paths_that_cannot_be_checked_exit_2(archive, capsys):
    assert cli.main(["check", "--root", str(archive), "nowhere.md"]) == 2
    assert "nowhere.md: Expected an article file but found nothing at this path" in capsys.readouterr().err
    assert cli.main(["check", "--root", str(archive), "mkdocs.yml"]) == 2
    assert "Expected an article under articles/<YYYY>/ or a vocabulary file" in capsys.readouterr().err
    assert cli.main(["check", "--root", str(archive / "articles" / "2024")]) == 2
    assert "Expected an articles/ folder" in capsys.readouterr().err


def test_bad_bytes_give_messages_not_tracebacks(archive, capsys):
    (archive / "articles/2025").mkdir(exist_ok=True)
    (archive / "articles/2025/2025-05-19-binary.md").write_bytes(b"---\ntitle: \xff\xfe\x00\n---\n")
    (archive / "articles/2025/2025-05-19-control.md").write_bytes(b"---\ntitle: a\x07b\n---\n")
    (archive / "articles/vocabulary/places.yml").write_bytes(b"- id: [unclosed\n")
    assert cli.main(["check", "--root", str(archive)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "2025-05-19-binary.md:2: error: Expected UTF-8 text but found the byte 0xff" in captured.out
    assert "2025-05-19-control.md:2: error: Expected text but found the control character U+0007" in captured.out
    assert "articles/vocabulary/places.yml:2: error: Invalid YAML" in captured.out
    # An unreadable vocabulary file is the one problem: its ids are not each reported as unknown.
    assert "places: Expected an id" not in captured.out


def test_json_format_is_stable(archive, capsys):
    write(archive, "articles/2025/2025-05-20-bad.md", article_text("title: T\ndate: 2025-05-20", "## A\n\nText.\n"))
    assert cli.main(["check", "--root", str(archive), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "version": 1,
        "problems": [
            {
                "path": "articles/2025/2025-05-20-bad.md",
                "line": 2,
                "severity": "error",
                "rule": "schema",
                "message": "summary: Required field is missing",
            }
        ],
        "summary": {"errors": 1, "warnings": 0, "files": 1, "checked": 7},
    }


def test_github_format_caps_annotations_and_lists_the_rest(archive, capsys):
    for day in range(1, 13):
        write(
            archive,
            f"articles/2025/2025-05-{day:02d}-bad.md",
            article_text(f"title: T\ndate: 2025-05-{day:02d}", "## A\n\nText, 50%, a:b.\n"),
        )
    assert cli.main(["check", "--root", str(archive), "--format", "github"]) == 1
    lines = capsys.readouterr().out.strip().split("\n")
    annotations = [line for line in lines if line.startswith("::error ")]
    assert len(annotations) == 10
    assert (
        annotations[0]
        == "::error file=articles/2025/2025-05-01-bad.md,line=2,title=schema::summary: Required field is missing"
    )
    assert "articles/2025/2025-05-11-bad.md:2: error: summary: Required field is missing" in lines
    assert lines[-1].startswith("::notice title=check::18 file(s) checked: 12 error(s), 0 warning(s) in 12 file(s)")
    assert "2 more listed above as plain lines" in lines[-1]


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_since_reports_only_the_branch_files_as_github_annotations(archive, capsys):
    # An old problem on main that the branch does not touch must not be reported.
    write(
        archive,
        "articles/2025/2025-04-01-old-problem.md",
        article_text("title: Old\ndate: 2025-04-01\nsummary: S\nactors: [nobody]", "## A\n\nText.\n"),
    )
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "main")
    git(archive, "checkout", "-q", "-b", "add-article")
    write(
        archive,
        "articles/2025/2025-05-19-new-bad.md",
        article_text("title: New\ndate: 2025-05-19\nsummary: S\nactors: [vladimir-puttin]", "## A\n\nText.\n"),
    )
    git(archive, "add", "-A")
    git(archive, "commit", "-q", "-m", "add an article")
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main", "--format", "github"]) == 1
    out = capsys.readouterr().out.strip().split("\n")
    assert out == [
        "::error file=articles/2025/2025-05-19-new-bad.md,line=5,title=vocabulary-id::actors: Expected an id from "
        "articles/vocabulary/actors.yml but received 'vladimir-puttin'; did you mean 'vladimir-putin'? A new actor "
        'needs an entry there (id, name, description): python -m build_tools new --entry actors "Vladimir Puttin"',
        "::notice title=check::1 file(s) checked: 1 error(s), 0 warning(s) in 1 file(s)",
    ]
    # Nothing changed since the branch itself: clean. A bad ref: could not run.
    assert cli.main(["check", "--root", str(archive), "--changed-since", "HEAD"]) == 0
    assert "no problems; 0 file(s) checked" in capsys.readouterr().out
    assert cli.main(["check", "--root", str(archive), "--changed-since", "no-such-branch"]) == 2
    assert "Expected a git branch, tag or commit but received 'no-such-branch'" in capsys.readouterr().err


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_since_reports_only_the_added_entry_and_article(archive, capsys):
    # On main: entries no article uses (one warning each in a whole run) and an old problem.
    topics = archive / "articles/vocabulary/topics.yml"
    topics.write_text(topics.read_text() + "- id: elections\n  name: Elections\n  description: Votes.\n")
    write(archive, "articles/2025/2025-04-01-old.md", article_text("title: Old\ndate: 2025-04-01", "## A\n\nText.\n"))
    git(archive, "init", "-q", "-b", "main")
    commit_all(archive, "main")
    git(archive, "checkout", "-q", "-b", "add-ada")
    # The branch: one half-written entry (inserted before others, whose lines move) and one article using it.
    actors = archive / "articles/vocabulary/actors.yml"
    half = "- id: ada-lovelace\n  name: Ada Lovelace\n  kind: person\n"
    actors.write_text("# People and bodies.\n" + half + actors.read_text())
    write(
        archive,
        "articles/2025/2025-05-19-ada.md",
        article_text(
            "title: Ada\ndate: 2025-05-19\nsummary: S.\nactors: [ada-lovelace]\ntags: [sanctions]",
            "## A\n\nSee [the sanctions](/articles/2024/sanctions-explained/).\n",
        ),
    )
    commit_all(archive, "add an entry and an article")
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main"]) == 1
    assert capsys.readouterr().out.split("\n") == [
        "articles/2025/2025-05-19-ada.md:6: error: tags: Unknown field (received a list); did you mean 'topics'?",
        "articles/vocabulary/actors.yml:2: error: entry 'ada-lovelace': description: Required field is missing",
        "2 file(s) checked: 2 error(s), 0 warning(s) in 2 file(s)",
        "",
    ]
    # Finished: the link's problem shows once the frontmatter is valid; the entry is used, so no warning at all.
    actors.write_text(actors.read_text().replace(half, half + "  description: Mathematician.\n"))
    article = archive / "articles/2025/2025-05-19-ada.md"
    article.write_text(article.read_text().replace("tags:", "topics:"))
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main"]) == 1
    assert capsys.readouterr().out.split("\n")[1:] == ["2 file(s) checked: 1 error(s), 0 warning(s) in 1 file(s)", ""]
    article.write_text(
        article.read_text().replace("(/articles/2024/sanctions-explained/)", "(../2024/sanctions-explained.md)")
    )
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main"]) == 0
    assert capsys.readouterr().out == "check: no problems; 2 file(s) checked\n"
    # An entry the branch edits is the branch's: its unused warning shows; the other unused ones do not.
    topics.write_text(topics.read_text().replace("description: Votes.", "description: Elections and votes."))
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main"]) == 0
    assert capsys.readouterr().out.split("\n")[0] == (
        "articles/vocabulary/topics.yml:9: warning: entry 'elections': Expected at least one article to use it "
        "but received none; tag an article with it, or remove the entry"
    )
    # Named on the command line besides, a file is checked whole: the untouched entry's warning shows.
    topics.write_text(topics.read_text().replace("description: Elections and votes.", "description: Votes."))
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main", "--no-unused"]) == 0
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main", "articles/vocabulary/topics.yml"]) == 0
    assert "articles/vocabulary/topics.yml:9: warning: entry 'elections'" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_new_entry_is_not_unused_while_its_article_has_a_frontmatter_error(archive, capsys):
    git(archive, "init", "-q", "-b", "main")
    commit_all(archive, "main")
    actors = archive / "articles/vocabulary/actors.yml"
    actors.write_text(
        "- id: ada-lovelace\n  name: Ada Lovelace\n  kind: person\n  description: D.\n" + actors.read_text()
    )
    summary = "summary: Talks resume: a new round"  # unquoted ': ', so the frontmatter cannot be read
    write(
        archive,
        "articles/2025/2025-05-19-ada.md",
        article_text(f"title: Ada\ndate: 2025-05-19\n{summary}\nactors: [ada-lovelace]", "## A\n\nText.\n"),
    )
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main"]) == 1
    out = capsys.readouterr().out.split("\n")
    # Only the article's own error: the entry it tags is not called unused (it is, once the value is quoted).
    assert out[0].startswith("articles/2025/2025-05-19-ada.md:4: error: Invalid YAML: mapping values are not allowed")
    assert out[1:] == ["2 file(s) checked: 1 error(s), 0 warning(s) in 1 file(s)", ""]
    # An entry the broken article does not name is still reported as unused.
    actors.write_text("- id: bo-diddley\n  name: Bo Diddley\n  kind: person\n  description: D.\n" + actors.read_text())
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main"]) == 1
    assert "actors.yml:1: warning: entry 'bo-diddley': Expected at least one article" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_since_reports_a_name_the_new_entry_takes_from_an_old_one(archive, capsys):
    git(archive, "init", "-q", "-b", "main")
    commit_all(archive, "main")
    actors = archive / "articles/vocabulary/actors.yml"
    # The new entry comes first, so the old entry after it is the one whose alias is reported.
    actors.write_text("- id: putin-twin\n  name: Putin\n  description: D.\n" + actors.read_text())
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main", "--no-unused"]) == 1
    assert capsys.readouterr().out.split("\n")[0] == (
        "articles/vocabulary/actors.yml:7: error: entry 'vladimir-putin': aliases[0]: Expected a name no other "
        "entry claims but received 'Putin', already a name or alias of 'putin-twin' (line 1)"
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_since_reports_the_articles_an_entry_removal_breaks(archive, capsys):
    git(archive, "init", "-q", "-b", "main")
    commit_all(archive, "main")
    actors = archive / "articles/vocabulary/actors.yml"
    nato = "- id: nato\n  name: NATO\n  kind: organization\n  aliases: [North Atlantic Treaty Organization]\n"
    actors.write_text(actors.read_text().replace(nato, nato.replace("id: nato", "id: the-nato")))
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main", "--no-unused"]) == 1
    out = capsys.readouterr().out.split("\n")
    assert out[0].startswith(
        "articles/2024/2024-01-15-sanctions-explained.md:5: error: actors: Expected an id from "
        "articles/vocabulary/actors.yml but received 'nato'; did you mean 'the-nato'?"
    )
    assert out[1] == "2 file(s) checked: 1 error(s), 0 warning(s) in 1 file(s)"


def test_a_half_written_entry_is_reported_with_the_article_that_uses_it(archive, capsys):
    actors = archive / "articles/vocabulary/actors.yml"
    actors.write_text(actors.read_text() + "- id: ada-lovelace\n  name: Ada Lovelace\n")
    write(
        archive,
        "articles/2025/2025-05-19-ada.md",
        article_text("title: Ada\ndate: 2025-05-19\nsummary: S.\nactors: [ada-lovelace]", "## A\n\nText.\n"),
    )
    # The id is known (no "unknown id" on the article); the entry's error is what keeps it off the site.
    assert cli.main(["check", "--root", str(archive), "articles/2025/2025-05-19-ada.md"]) == 1
    assert capsys.readouterr().out.split("\n") == [
        "articles/vocabulary/actors.yml:36: error: entry 'ada-lovelace': description: Required field is missing",
        "1 file(s) checked: 1 error(s), 0 warning(s) in 1 file(s)",
        "",
    ]


def test_a_folder_counts_every_file_checked(archive, capsys):
    for day in range(1, 7):
        write(
            archive,
            f"articles/2021/2021-03-0{day}-day-{day}.md",
            article_text(f"title: Day {day}\ndate: 2021-03-0{day}\nsummary: S.", "## A\n\nText.\n"),
        )
    assert cli.main(["check", "--root", str(archive), "articles/2021"]) == 0
    assert capsys.readouterr().out == "check: no problems; 6 file(s) checked\n"
    (archive / "articles/2021/2021-03-01-day-1.md").write_text("---\ntitle: x\n---\n")
    assert cli.main(["check", "--root", str(archive), "articles/2021/"]) == 1
    assert capsys.readouterr().out.strip().endswith("6 file(s) checked: 2 error(s), 0 warning(s) in 1 file(s)")


def test_a_name_in_place_of_an_id_gets_the_id_from_the_real_vocabulary(tmp_path, monkeypatch, capsys):
    root = make_archive(tmp_path / "archive", articles={})
    for name in ("actors", "topics", "places"):
        shutil.copy(REPO / f"articles/vocabulary/{name}.yml", root / f"articles/vocabulary/{name}.yml")
    write(
        root,
        "articles/2025/2025-05-19-names.md",
        article_text(
            "title: T\ndate: 2025-05-19\nsummary: S.\nactors: [Hamas]\nplaces: [Gaza Strip]", "## A\n\nText.\n"
        ),
    )
    monkeypatch.chdir(root)
    assert cli.main(["check", "articles/2025/2025-05-19-names.md"]) == 1
    out = capsys.readouterr().out
    assert (
        "articles/2025/2025-05-19-names.md:5: error: actors[0]: Expected a lowercase id like 'vladimir-putin' but "
        "received 'Hamas'; did you mean 'hamas'?" in out
    )
    assert (
        "places[0]: Expected a lowercase id like 'vladimir-putin' but received 'Gaza Strip'; did you mean 'gaza" in out
    )


def test_changed_since_outside_git_exits_2(archive, capsys):
    assert cli.main(["check", "--root", str(archive), "--changed-since", "main"]) == 2
    assert "check: git" in capsys.readouterr().err


def test_a_root_absolute_link_fails_check_and_the_strict_build_alike(archive, capsys):
    """MkDocs warns on the link too (mkdocs.yml: validation.links.absolute_links: warn), so a strict
    build stops at one that got past check; both propose the same relative link."""
    from tests.conftest import copy_site_config

    copy_site_config(archive)
    write(
        archive,
        "articles/2025/2025-05-19-abs.md",
        article_text(
            "title: Abs\ndate: 2025-05-19\nsummary: S.", "## A\n\nSee [x](/articles/2024/sanctions-explained/).\n"
        ),
    )
    assert cli.main(["check", "--root", str(archive)]) == 1
    assert "Expected a relative link such as '../2024/sanctions-explained.md'" in capsys.readouterr().out
    built = subprocess.run(
        [sys.executable, "-m", "build_tools", "build", "--root", str(archive), "--jobs", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 1, built.stdout + built.stderr
    # generate (build's first step) refuses it with check's own message, before MkDocs runs
    assert "Expected a relative link such as '../2024/sanctions-explained.md'" in built.stdout + built.stderr


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"tags": ["a"]}, ("tags", "Unknown field (received a list); did you mean 'topics'?")),
        ({"author": "A"}, ("author", "Unknown field (received 'A'); did you mean 'source.author'?")),
        ({"titel": "T"}, ("titel", "Unknown field (received 'T'); did you mean 'title'?")),
        (
            {"source": {"name": "N", "licence": "x"}},
            ("source.licence", "Unknown field (received 'x'); did you mean 'license'?"),
        ),
        (
            {"colour": "x"},
            (
                "colour",
                "Unknown field (received 'x'); expected one of title, date, summary, actors, topics, places, "
                "source, updated, draft, images",
            ),
        ),
    ],
)
def test_unknown_fields_get_the_field_meant(data, expected):
    from pydantic import ValidationError

    from build_tools.schema import ArticleMeta, explain, field_path

    with pytest.raises(ValidationError) as raised:
        ArticleMeta.model_validate({"title": "T", "date": "2025-01-01", "summary": "S", **data})
    assert [(field_path(loc), message) for loc, message in explain(raised.value, ArticleMeta)] == [expected]


def test_field_paths_are_written_one_way():
    from build_tools.schema import field_path

    assert [field_path(loc) for loc in [("summary",), ("source", "url"), ("actors", 0), ("roles", 0, "from")]] == [
        "summary",
        "source.url",
        "actors[0]",
        "roles[0].from",
    ]


# -- near-duplicates at scale -----------------------------------------------------------------


def test_near_duplicate_detection_is_roughly_linear():
    import random
    import time

    rng = random.Random(7)
    words = [f"w{i}" for i in range(5000)]
    texts = [" ".join(rng.choice(words) for _ in range(300)) for _ in range(2000)]
    texts.append(texts[10][:-40] + " one two three four five six")  # a near copy of text 10
    started = time.perf_counter()
    pairs = near_duplicate_pairs(texts)
    elapsed = time.perf_counter() - started
    assert [(a, b) for a, b, _ in pairs] == [(10, 2000)]
    assert elapsed < 10, f"2,001 articles took {elapsed:.1f}s"


# -- the real archive and its seed article ----------------------------------------------------


def test_the_sample_archive_has_no_errors(monkeypatch):
    monkeypatch.chdir(REPO)
    errors = [p.format() for p in run_checks(Project(REPO)) if p.severity == "error"]
    assert errors == []


def test_the_seed_article_warns_about_the_current_biden_administration(tmp_path, monkeypatch):
    root = make_archive(tmp_path)
    seed = (REPO / SEED).read_text("utf-8")
    write(root, SEED, seed)
    monkeypatch.chdir(root)
    stale = [p.format() for p in run_checks(Project(root), [root / SEED]) if p.rule == "stale-title"]
    assert stale == [
        f"{SEED}:12: warning: stale title: Expected 'US President Donald Trump' on 2025-05-19, when Donald Trump is "
        "US President (US President 2017-01-20 to 2021-01-20, from 2025-01-20), but received "
        "'former US President Donald Trump'",
        f"{SEED}:21: warning: stale title: Expected 'the former Biden administration' on 2025-05-19, when the Biden "
        "administration is no longer in office (Joe Biden: US President 2021-01-20 to 2025-01-20), but received "
        "'the current Biden administration'",
    ]


def test_the_seed_article_warns_with_the_real_vocabulary(monkeypatch):
    monkeypatch.chdir(REPO)
    stale = [p.message for p in run_checks(Project(REPO), [REPO / SEED]) if p.rule == "stale-title"]
    assert any("'the current Biden administration'" in m and "2021-01-20 to 2025-01-20" in m for m in stale), stale
    assert any("'former US President Donald Trump'" in m and "from 2025-01-20" in m for m in stale), stale
