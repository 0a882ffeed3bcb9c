"""The frontmatter schema and the strict YAML reader, through read_article."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.readers import read_article, read_vocabulary

GOOD = """\
title: A title
date: 2025-05-19
summary: A summary.
actors: [vladimir-putin]
"""


def article(tmp_path: Path, front: str, name: str = "2025-05-19-a-title.md", body: str = "## S\n\nText\n") -> Path:
    path = tmp_path / "articles" / name[:4] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    result, problems = read_article(path)
    return [f"{p.line}: {p.message}" for p in problems]


def test_valid_article_reads(tmp_path):
    result, problems = read_article(article(tmp_path, GOOD))
    assert problems == []
    assert result.meta.title == "A title"
    assert result.slug == "a-title"
    assert result.url == "articles/2025/a-title/"
    assert result.meta.actors == ["vladimir-putin"]
    assert result.body.startswith("## S")


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("date: 2025-05-19\nsummary: s\n", "2: title: Required field is missing"),
        (GOOD.replace("2025-05-19", "19/05/25"), "3: date: Expected a date like 2025-05-19 but received '19/05/25'"),
        (GOOD.replace("2025-05-19", "2025-02-30"), "3: date: Expected a real calendar date but received '2025-02-30'"),
        (GOOD.replace("2025-05-19", "3.10"), "3: date: Expected a date like 2025-05-19 but received '3.10'"),
        (GOOD + "draft: NO\n", "6: draft: Expected true or false but received 'NO'"),
        (
            GOOD + "colour: blue\n",
            "6: colour: Unknown field (received 'blue'); expected one of title, date, summary, actors, topics, places, "
            "source, updated, draft, images",
        ),
        (GOOD.replace("A summary.", "x" * 301), "4: summary: Expected at most 300 characters but received 301"),
        (
            GOOD.replace("[vladimir-putin]", "Vladimir Putin"),
            "5: actors: Expected a list of vocabulary ids but received 'Vladimir Putin'",
        ),
        (GOOD + "title: again\n", "6: Duplicate key 'title' (first at line 2)"),
        ("title: &a x\ndate: 2025-05-19\nsummary: *a\n", "2: YAML anchors and aliases (& and *) are not allowed"),
        (
            GOOD + "source:\n  name: X\n  url: ftp://x\n",
            "8: source.url: Expected an http(s) URL but received 'ftp://x'",
        ),
    ],
)
def test_schema_errors_name_field_line_expected_and_found(tmp_path, front, expected):
    assert expected in messages(article(tmp_path, front))


def test_title_no_stays_text(tmp_path):
    result, problems = read_article(article(tmp_path, GOOD.replace("A title", "NO")))
    assert problems == [] and result.meta.title == "NO"


def test_every_error_of_a_file_reported_at_once(tmp_path):
    found = messages(article(tmp_path, "date: 19/05/25\nsummary: s\ndraft: maybe\n"))
    assert len(found) >= 3
    assert any("title: Required" in m for m in found)
    assert any("date: Expected a date" in m for m in found)
    assert any("draft: Expected true or false" in m for m in found)


def test_date_must_match_file_name_and_folder(tmp_path):
    found = messages(article(tmp_path, GOOD.replace("2025-05-19", "2025-05-20")))
    assert "3: date: Expected 2025-05-19 to match the file name but received 2025-05-20" in found
    path = tmp_path / "articles" / "2024" / "2025-05-19-a-title.md"
    path.parent.mkdir(parents=True)
    path.write_text(f"---\n{GOOD}---\n\n## S\n", encoding="utf-8")
    assert any("folder: Expected the file in articles/2025/" in m for m in messages(path))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "The file is empty"),
        (b"title: x\n", "Expected the file to start with a --- line"),
        (b"---\ntitle: x\n", "never closed"),
        (b"---\ntitle: \xff\n---\n", "Expected UTF-8 text but found the byte 0xff"),
        (b"---\ntitle: a\x00b\n---\n", "control character U+0000"),
    ],
)
def test_broken_files_give_clear_errors(tmp_path, raw, expected):
    path = tmp_path / "articles" / "2025" / "2025-05-19-a-title.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    found = messages(path)
    assert len(found) == 1 and expected in found[0], found


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "articles" / "2025" / "2025-05-19-a-title.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf---\r\n" + GOOD.replace("\n", "\r\n").encode() + b"---\r\n\r\n## S\r\n")
    result, problems = read_article(path)
    assert problems == [] and result.meta.title == "A title"


def test_vocabulary_errors_and_duplicates(tmp_path):
    folder = tmp_path / "articles" / "vocabulary"
    folder.mkdir(parents=True)
    (folder / "actors.yml").write_text(
        "- id: nato\n  name: NATO\n  description: An alliance.\n"
        "- id: nato\n  name: NATO again\n  description: Twice.\n"
        "- id: Bad Id\n  name: Bad\n  description: x\n  wikidata: 7747\n",
        encoding="utf-8",
    )
    (folder / "places.yml").write_text("[]\n", encoding="utf-8")
    vocabulary, problems = read_vocabulary(folder)
    text = [p.format() for p in problems]
    assert any(":4: error: id 'nato' is used twice (first at line 1)" in t for t in text)
    assert any("Expected a lowercase ASCII slug like 'united-nations' but received 'Bad Id'" in t for t in text)
    assert any("Expected a Wikidata id like Q7747 but received '7747'" in t for t in text)
    assert any("topics vocabulary file but it is missing" in t for t in text)
    assert list(vocabulary.entries["actors"]) == ["nato"]
