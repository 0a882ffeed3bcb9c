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
            "new: Expected a title with letters or digits to make a slug from but received '— ? —'; pass --slug",
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


def test_the_sample_body_fails_check_once_the_frontmatter_is_filled_in(archive, capsys):
    # The sample heading and sentence are valid Markdown: without the placeholder rule they would be published.
    assert cli.main(["new", "Talks", "--date", "2025-05-20"]) == 0
    path = archive / capsys.readouterr().out.strip()
    text = path.read_text("utf-8").replace('summary: ""', "summary: Delegations met.")
    path.write_text(text.replace('  name: ""', "  name: Example News"), encoding="utf-8")
    assert cli.main(["check", "articles/2025/2025-05-20-talks.md"]) == 1
    assert capsys.readouterr().out.split("\n")[:2] == [
        "articles/2025/2025-05-20-talks.md:20: error: placeholder: Expected your own text but received "
        "'## A first section heading', which `new` wrote as a placeholder; replace it",
        "articles/2025/2025-05-20-talks.md:22: error: placeholder: Expected your own text but received "
        "'Write the explainer in Markdown, in ## and ### sections.', which `new` wrote as a placeholder; replace it",
    ]


def test_a_filled_in_article_passes_check_and_is_published(archive, capsys):
    copy_site_config(archive)
    assert cli.main(["new", "Talks resume in Istanbul", "--date", "2025-05-20"]) == 0
    path = archive / capsys.readouterr().out.strip()
    text = path.read_text("utf-8")
    text = text.replace('summary: ""', "summary: Delegations met again after three years.")
    text = text.replace("actors: []", "actors: [vladimir-putin]").replace("places: []", "places: [russia, ukraine]")
    text = text.replace('  name: ""', "  name: Example News").replace("  url:  ", "  url: https://example.org/istanbul")
    text = text.replace("## A first section heading", "## Where they met")
    text = text.replace("Write the explainer in Markdown, in ## and ### sections.", "Delegations met in Istanbul.")
    path.write_text(text, encoding="utf-8")
    assert cli.main(["check", str(path.relative_to(archive))]) == 0
    assert cli.main(["build", "--root", str(archive)]) == 0
    page = (archive / "site/articles/2025/talks-resume-in-istanbul/index.html").read_text("utf-8")
    assert "Talks resume in Istanbul" in page and "Example News" in page


def test_template_lists_every_schema_field():
    front, _, _ = split_frontmatter(template("T", dt.date(2025, 1, 1)))
    assert set(load(front).data) == set(ArticleMeta.model_fields)


# -- new --entry KIND "Name": a vocabulary entry ------------------------------------------------

ACTORS = """\
# Actors, grouped by kind, alphabetical by name within a group.

# --- People
- id: ada-lovelace
  name: Ada Lovelace
  kind: person
  aliases: [Lovelace]   # a comment the file keeps
  description: Mathematician.
- id: vladimir-putin
  name: Vladimir Putin
  kind: person
  aliases: ['Putin']
  description: President of Russia.

# --- Parties
- id: labour-party
  name: Labour Party
  kind: party
  description: A party.
- id: workers-party
  name: Workers' Party
  kind: party
  description: Another party.
"""


@pytest.fixture
def vocabulary(archive: Path) -> Path:
    path = archive / "articles/vocabulary/actors.yml"
    path.write_text(ACTORS, encoding="utf-8")
    return path


def test_entry_is_inserted_in_its_place_and_nothing_else_changes(vocabulary, capsys):
    assert cli.main(["new", "--entry", "actors", "Charles  Babbage"]) == 0
    assert capsys.readouterr().out.strip() == (
        "articles/vocabulary/actors.yml:9: added entry 'charles-babbage', kind 'person' (proposed: check it); "
        "write its description, tag an article with it, then run: python -m build_tools check --changed-since main"
    )
    text = vocabulary.read_text("utf-8")
    lines = text.split("\n")
    assert lines[8:14] == [
        "- id: charles-babbage",
        "  name: Charles Babbage",
        "  kind: person                     # proposed from the name, check it: person, organization, government, "
        "agency, legislature, court, party, company, armed-group",
        "  aliases: []                      # other names and spellings the articles use, as a list",
        '  description: ""                  # REQUIRED: one sentence saying who or what it is',
        "  wikidata:                        # optional: its Wikidata id, e.g. Q7747",
    ]
    assert "\n".join(lines[:8] + lines[14:]) == ACTORS  # every other byte as it was, comments and quotes too
    # A party goes among the parties (its kind from the entries whose names end the same), after the last.
    assert cli.main(["new", "--entry", "actors", "Green Party"]) == 0
    assert "actors.yml:22: added entry 'green-party', kind 'party'" in capsys.readouterr().out
    assert cli.main(["new", "--entry", "actors", "Zeta Party"]) == 0
    assert "actors.yml:36: added entry 'zeta-party', kind 'party'" in capsys.readouterr().out
    ids = [line for line in vocabulary.read_text("utf-8").split("\n") if line.startswith(("- id:", "# "))]
    assert ids == [
        "# Actors, grouped by kind, alphabetical by name within a group.",
        "# --- People",
        "- id: ada-lovelace",
        "- id: charles-babbage",
        "- id: vladimir-putin",
        "# --- Parties",
        "- id: green-party",
        "- id: labour-party",
        "- id: workers-party",
        "- id: zeta-party",
    ]
    assert vocabulary.read_text("utf-8").endswith(
        "  wikidata:                        # optional: its Wikidata id, e.g. Q7747\n"
    )


def test_the_new_entry_fails_check_until_its_description_is_written(vocabulary, capsys):
    assert cli.main(["new", "--entry", "actors", "Charles Babbage"]) == 0
    capsys.readouterr()
    assert cli.main(["check", "articles/vocabulary/actors.yml"]) == 1
    out = capsys.readouterr().out
    assert (
        "articles/vocabulary/actors.yml:13: error: entry 'charles-babbage': description: Expected text but received "
        "an empty value" in out
    )
    text = vocabulary.read_text("utf-8").replace('description: ""', "description: Mathematician and engineer.")
    vocabulary.write_text(text, encoding="utf-8")
    assert cli.main(["check", "articles/vocabulary/actors.yml"]) == 0  # warnings only: entries no article uses
    assert "entry 'charles-babbage': Expected at least one article to use it" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["new", "--entry", "actors", "Ada Lovelace"],
            "new: Expected a new id but 'ada-lovelace' is already an entry of articles/vocabulary/actors.yml "
            "(line 4); nothing written (pass --id to choose another)",
        ),
        (
            ["new", "--entry", "actors", "PUTIN"],
            "new: Expected a new name but 'PUTIN' is already a name or alias of 'vladimir-putin' "
            "(articles/vocabulary/actors.yml:9); nothing written",
        ),
        (
            ["new", "--entry", "actors", "Someone", "--id", "Some One"],
            "new: --id: Expected a lowercase ASCII slug like 'united-nations' but received 'Some One'",
        ),
        (
            ["new", "--entry", "actors", "Someone", "--date", "2025-01-01"],
            "new: --entry: Expected no --date or --slug (an entry has neither)",
        ),
        (
            ["new", "Someone", "--id", "someone"],
            "new: --id: Expected --entry KIND with it (the id of a new vocabulary entry)",
        ),
        (["new", "--entry", "actors", "  "], "new: name: Expected the entry's name but received nothing"),
        (
            ["new", "--entry", "actors", "Ada\u200bLovelace", "--id", "ada-2"],
            "new: name: Expected visible text but received the zero-width character U+200B at character 4; "
            "nothing written to articles/vocabulary/actors.yml",
        ),
    ],
)
def test_entry_refusals_write_nothing(vocabulary, capsys, argv, message):
    assert cli.main(argv) == 1
    assert capsys.readouterr().err.strip() == message
    assert vocabulary.read_text("utf-8") == ACTORS


def test_entry_with_its_own_id_in_a_file_without_kinds_keeps_crlf(archive, capsys):
    places = archive / "articles/vocabulary/places.yml"
    places.write_bytes(b"# Places\r\n- id: russia\r\n  name: Russia\r\n  description: Country.")  # no final newline
    assert cli.main(["new", "--entry", "places", "\u0141\u00f3d\u017a: city", "--id", "lodz"]) == 0
    assert capsys.readouterr().out.startswith("articles/vocabulary/places.yml:5: added entry 'lodz'; write")
    assert places.read_bytes().split(b"\r\n")[:6] == [
        b"# Places",
        b"- id: russia",
        b"  name: Russia",
        b"  description: Country.",
        b"- id: lodz",
        '  name: "\u0141\u00f3d\u017a: city"'.encode(),  # quoted: a plain value cannot hold ": "
    ]
    assert b"\n" not in places.read_bytes().replace(b"\r\n", b"")
    assert b"kind:" not in places.read_bytes()  # only actors have a kind
