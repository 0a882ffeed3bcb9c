"""The `new` command: a correctly named file with every field, never overwriting; once filled
in, it passes `check` and is published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from build_tools import cli
from build_tools.commands.new import slugify, template, write_new
from build_tools.schema import ArticleMeta, Source
from build_tools.yamlsafe import load, split_frontmatter
from tests.check.archive import make_archive
from tests.conftest import copy_site_config


@pytest.fixture
def archive(tmp_path: Path, monkeypatch) -> Path:
    root = make_archive(tmp_path / "archive")
    monkeypatch.chdir(root)
    return root


def test_new_writes_the_file_and_prints_its_path(archive, capsys):
    assert cli.main(["new", "Trump To Speak With Putin: São Paulo's take", "--date", "2025-05-20"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == "articles/2025/2025-05-20-trump-to-speak-with-putin-sao-paulos-take.md"
    text = (archive / out).read_text("utf-8")
    front, body, _ = split_frontmatter(text)
    data = load(front).data
    assert list(data) == list(ArticleMeta.model_fields)
    assert list(data["source"]) == list(Source.model_fields)
    assert data["title"] == "Trump To Speak With Putin: São Paulo's take"
    assert data["date"] == "2025-05-20"
    for line in front.split("\n")[1:]:
        assert " # " in line, f"field without a comment: {line!r}"
    assert body.startswith("## ")
    assert not [p for p in (archive / "articles/2025").iterdir() if p.name.startswith(".")], "temporary file left"


def test_date_defaults_to_today(archive, capsys):
    today = dt.date.today()
    assert cli.main(["new", "Today"]) == 0
    assert capsys.readouterr().out.strip() == f"articles/{today.year}/{today.isoformat()}-today.md"


def test_never_overwrites(archive, capsys):
    assert cli.main(["new", "Same", "--date", "2025-05-20"]) == 0
    path = archive / capsys.readouterr().out.strip()
    path.write_text("edited", encoding="utf-8")
    assert cli.main(["new", "Same", "--date", "2025-05-20"]) == 1
    err = capsys.readouterr().err
    assert "new: Expected a new file but articles/2025/2025-05-20-same.md already exists" in err
    assert path.read_text("utf-8") == "edited"
    # Another day of the same year would be published at the same URL: refused too.
    assert cli.main(["new", "Same", "--date", "2025-06-01"]) == 1
    assert "already exists with the slug 'same' in 2025" in capsys.readouterr().err
    assert cli.main(["new", "Same", "--date", "2025-06-01", "--slug", "same-again"]) == 0


def test_write_new_is_atomic_and_refuses_existing_files(tmp_path):
    target = tmp_path / "a.md"
    write_new(target, "one")
    with pytest.raises(FileExistsError):
        write_new(target, "two")
    assert target.read_text() == "one"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new", "T", "--date", "19/05/25"], "new: --date: Expected a date like 2025-05-19 but received '19/05/25'"),
        (["new", "T", "--date", "2025-02-30"], "new: --date: Expected a real calendar date but received '2025-02-30'"),
        (["new", "   "], "new: title: Expected a headline but received '   '"),
        (["new", "x" * 201], "new: title: Expected at most 200 characters but received 201"),
        (
            ["new", "— ? —"],
            "new: Expected a title with Latin letters or digits to make a slug from but received '— ? —'; pass --slug",
        ),
        (
            ["new", "T", "--slug", "Bad Slug"],
            "new: --slug: Expected a lowercase ASCII slug like 'putin-talks' but received 'Bad Slug'",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message(archive, capsys, argv, message):
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == message
    assert "Traceback" not in captured.err


def test_slugify():
    assert slugify("Trump To Speak With Putin Following Stalled Russia-Ukraine Negotiations") == (
        "trump-to-speak-with-putin-following-stalled-russia-ukraine-negotiations"
    )
    assert slugify("  Ça va? Über-Größe & 100% ") == "ca-va-uber-grosse-100"  # transliterated (python-slugify)
    long = slugify("word " * 40)
    assert len(long) <= 80 and not long.endswith("-") and long.startswith("word-word")


def test_the_unfilled_template_fails_check_and_says_what_to_fill(archive, capsys):
    assert cli.main(["new", "Talks", "--date", "2025-05-20"]) == 0
    capsys.readouterr()
    assert cli.main(["check", "articles/2025/2025-05-20-talks.md"]) == 1
    out = capsys.readouterr().out
    assert "articles/2025/2025-05-20-talks.md:5: error: summary: Expected text but received an empty value" in out
    assert "articles/2025/2025-05-20-talks.md:10: error: source.name: Expected text but received an empty value" in out


def test_a_filled_in_article_passes_check_and_is_published(archive, capsys):
    copy_site_config(archive)
    assert cli.main(["new", "Talks resume in Istanbul", "--date", "2025-05-20"]) == 0
    path = archive / capsys.readouterr().out.strip()
    text = path.read_text("utf-8")
    text = text.replace('summary: ""', "summary: Delegations met again after three years.")
    text = text.replace("actors: []", "actors: [vladimir-putin]").replace("places: []", "places: [russia, ukraine]")
    text = text.replace('  name: ""', "  name: Example News").replace("  url:  ", "  url: https://example.org/istanbul")
    path.write_text(text, encoding="utf-8")
    assert cli.main(["check", str(path.relative_to(archive))]) == 0
    assert cli.main(["build", "--root", str(archive)]) == 0
    page = (archive / "site/articles/2025/talks-resume-in-istanbul/index.html").read_text("utf-8")
    assert "Talks resume in Istanbul" in page and "Example News" in page


def test_template_lists_every_schema_field():
    front, _, _ = split_frontmatter(template("T", dt.date(2025, 1, 1)))
    assert set(load(front).data) == set(ArticleMeta.model_fields)
