"""Tests of ``python -m build_tools ingest``.

Golden fixtures live in tests/ingest/: raw inputs in inputs/ beside their expected articles in
expected/, frozen vocabulary in vocabulary/, and pages held out of the tuning of the rules in
heldout/ (checked for properties, not byte for byte). Regenerate the expected files with:

    .venv/bin/python -m tests.ingest.regenerate

None of these tests needs ../shared.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.ingest import detect
from build_tools.ingest.blocks import fix_links, to_blocks
from build_tools.ingest.characters import clean_characters
from build_tools.ingest.dates import parse_date
from build_tools.ingest.furniture import is_chrome_text
from build_tools.ingest.normalize import normalize
from build_tools.ingest.sections import bold_term, heading_candidate
from build_tools.ingest.sources import Draft, SourceError, read_source
from build_tools.ingest.tagging import Tagger
from build_tools.ingest.text import key
from build_tools.ingest.writer import render_article, scalar
from build_tools.readers import Vocabulary, read_article
from build_tools.schema import VocabularyEntry
from tests.ingest.golden import EXPECTED, HELDOUT, INPUTS, VOCABULARY, expected_path, inputs, render, tagger

REPO = Path(__file__).resolve().parent.parent
SEED = INPUTS / "trump-putin-2025-05-19.txt"


# --- golden files --------------------------------------------------------------------------


@pytest.mark.parametrize("source", inputs(), ids=lambda p: p.name)
def test_golden(source: Path) -> None:
    expected = expected_path(source)
    assert expected.exists(), "no expected file; run: python -m tests.ingest.regenerate"
    assert render(source) == expected.read_text(encoding="utf-8"), (
        f"{source.name} no longer normalizes to {expected.relative_to(REPO)}; if the change is "
        "deliberate, run python -m tests.ingest.regenerate and read the diff"
    )


@pytest.mark.parametrize("source", inputs(), ids=lambda p: p.name)
def test_golden_output_is_a_valid_article(source: Path, tmp_path: Path) -> None:
    text = expected_path(source).read_text(encoding="utf-8")
    date = re.search(r"^date: (\d{4})-(\d\d-\d\d)$", text, re.M)
    path = tmp_path / "articles" / date[1] / f"{date[1]}-{date[2]}-x.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    article, problems = read_article(path, tmp_path)
    assert not problems, [p.format() for p in problems]
    assert list(re.findall(r"^(\w+):", text.split("---")[1], re.M)) == [
        k for k in ("title", "date", "summary", "actors", "topics", "places", "source") if k in text
    ]


def test_seed_as_the_issue_asks() -> None:
    text = (EXPECTED / "trump-putin-2025-05-19.md").read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    title = "Trump To Speak With Putin Following Stalled Russia-Ukraine Negotiations"
    assert f"title: {title}" in front and body.count(title) == 0
    assert "date: 2025-05-19" in front
    assert "summary: 'Trump to Speak with Putin: A Potential Turning Point in Russia-Ukraine Negotiations?'" in front
    assert body.lstrip().startswith("The ongoing conflict in Ukraine has reached a critical juncture")
    for heading in (
        "## Trump's Communication with Putin: A Controversial Decision",
        "### Potential Motivations Behind the Conversation",
        "## The State of Russia-Ukraine Negotiations: Where Do We Stand?",
        "### Key Issues Hindering Progress",
        "## Potential Outcomes and Implications of the Trump-Putin Conversation",
        "### Conclusion",
    ):
        assert f"\n{heading}\n" in body
    assert "- **Personal Ambition:** Some believe" in body
    for debris in ("min read", "Post on", "Article with TOC", "Table of Contents", "\nclose", "•"):
        assert debris not in body
    actors = re.search(r"^actors: \[(.*)\]$", front, re.M)[1].split(", ")
    places = re.search(r"^places: \[(.*)\]$", front, re.M)[1].split(", ")
    assert {"donald-trump", "vladimir-putin", "nato", "united-nations", "european-union"} <= set(actors)
    assert {"russia", "ukraine", "crimea"} <= set(places)
    assert "url:" not in front and "license:" not in front  # nothing is known about where it came from


CHROME = re.compile(
    r"\[(Citation|Subscribe|Share/Save|Site Feedback|Listen|Hide Overview)\]|Download PDF|PDF Version History"
    r"|Version: \d+\)|CRS PRODUCT|Disclaimer:|\d+ min read|Article with TOC|Table of Contents|\\###|<span|<figure|<br(?!>)"
    r"|\u00a0|^> \[|Jump to Main Text"
)


def _source_paragraphs(raw: str) -> list[str]:
    """Paragraphs of running text in a CRS page: between the 'Listen' line and the disclaimer."""
    start = raw.index("[Listen]")
    start = raw.index("\n", start)
    end = raw.index("Disclaimer:")
    return [
        p
        for p in re.split(r"\n\s*\n", raw[start:end])
        if len(p.split()) >= 25 and not p.lstrip().startswith(("|", "- ["))
    ]


@pytest.mark.parametrize("name", ["crs-IF12672v12-russia-s-nuclear-weapons.md", "crs-LSB11422v1-parental-rights.md"])
def test_crs_keeps_every_paragraph_and_no_chrome(name: str) -> None:
    raw = (INPUTS / name).read_text(encoding="utf-8")
    out = (EXPECTED / name).read_text(encoding="utf-8")
    body_key = key(out.split("\n---\n", 1)[1])
    for paragraph in _source_paragraphs(raw):
        assert key(clean_characters(paragraph)) in body_key, paragraph[:80]
    assert not CHROME.search(out, re.M)
    meta = re.search(r"\*\*Publication Date:\*\* (\d\d)/(\d\d)/(\d{4})", raw)
    assert f"date: {meta[3]}-{meta[1]}-{meta[2]}" in out
    author = re.search(r"\| \*\*Authors?:\*\* \| (.+?) *$", raw, re.M)[1]
    assert f"author: {author}" in out


# --- held-out pages: never used to tune the rules ----------------------------------------------


@pytest.mark.parametrize("source", sorted(HELDOUT.iterdir()), ids=lambda p: p.name)
def test_heldout_pages_generalise(source: Path, tmp_path: Path) -> None:
    item = _ingest(source)
    text = item.text
    body = item.body
    assert not CHROME.search(body), CHROME.search(body)
    assert body.count(f"\n{item.meta['title']}\n") == 0
    assert item.meta["summary"] and len(item.meta["summary"]) <= 300
    assert item.meta["source"].get("url", "").startswith("https://")
    path = tmp_path / "articles" / f"{item.meta['date'].year}" / f"{item.meta['date']}-{item.slug}.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    article, problems = read_article(path, tmp_path)
    assert not problems, [p.format() for p in problems]
    raw = source.read_text(encoding="utf-8")
    if "[Listen]" in raw:  # CRS: every paragraph of running text is kept
        for paragraph in _source_paragraphs(raw):
            assert key(clean_characters(paragraph)) in key(body), paragraph[:80]
        assert item.meta["source"].get("author") and item.meta["source"].get("id")


def _ingest(source: Path):
    from build_tools.ingest.pipeline import ingest_file

    return ingest_file(source, tagger(), source.name)


# --- unit tests of the rules on made-up inputs ---------------------------------------------------


def _draft(text: str, fmt: str = detect.TEXT, **meta) -> Draft:
    meta.setdefault("date_text", "2025-01-02")
    return Draft(Path("made-up.txt"), fmt, text, meta=meta)


def test_detect_from_content_not_extension() -> None:
    assert detect.detect("<!DOCTYPE html><html><body><p>x</p></body></html>", ".txt") == detect.HTML
    assert detect.detect("---\ntitle: X\ndate: '2021-01-01'\n---\nBody", ".txt") == detect.FRONTMATTER
    assert detect.detect("# Title\n\nSome [link](https://a.b/c) and **bold**.", ".txt") == detect.MARKDOWN
    assert detect.detect("Title\n\nPlain pasted text.\n  • a bullet", ".md") == detect.TEXT


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5 min read Post on May 19, 2025", "2025-05-19"),
        ("Updated on Jun 26, 2025", "2025-06-26"),
        ("Published 17 Jul 2023", "2023-07-17"),
        ("Updated April 10, 2026", "2026-04-10"),
        ("Publication Date: 04/10/2026", "2026-04-10"),
        ("2017-09-21T11:44:40-04:00", "2017-09-21"),
        ("no date here", None),
    ],
)
def test_dates_in_any_form(text: str, expected: str | None) -> None:
    found = parse_date(text)
    assert (found.isoformat() if found else None) == expected


def test_title_found_once_and_repeats_removed_wherever_they_stand() -> None:
    text = "My Title\n\n3 min read Published 17 Jul 2023\nMy Title\nA body paragraph with enough words to count as running text, really it does.\nMy title\nclose"
    result = normalize(_draft(text, date_text=""))
    assert result.title == "My Title"
    assert result.date.isoformat() == "2023-07-17"
    assert "My Title" not in result.body and "My title" not in result.body and "close" not in result.body


def test_table_row_date_author_and_id() -> None:
    text = "# A Report\n\n| **Publication Date:** | 04/10/2026\n| **Author:** | Doe, Jane\n| **Report No.:** | R1234\n\nRunning text of the report that is long enough to be a paragraph of the body, with a full stop."
    result = normalize(_draft(text, detect.MARKDOWN, date_text=""))
    assert result.date.isoformat() == "2026-04-10"
    assert result.source["author"] == "Doe, Jane" and result.source["id"] == "R1234"
    assert "Publication Date" not in result.body


def test_dek_split_into_summary() -> None:
    text = "Title Here\nIs This the Dek? - The lead paragraph goes on after the dek with more words in it."
    result = normalize(_draft(text))
    assert result.summary == "Is This the Dek?"
    assert result.body.startswith("The lead paragraph goes on")


def test_summary_is_the_lead_sentence_when_no_dek() -> None:
    text = (
        "Title Here\n\n"
        + "First sentence of the article is here and it is long enough to stand alone as a summary line. Second one. "
        * 1
    )
    assert normalize(_draft(text)).summary.startswith("First sentence of the article")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Why It Matters", (2, "Why It Matters")),
        ("Where Do We Stand Now?", (2, "Where Do We Stand Now?")),
        ("Key Issues Hindering Progress:", (3, "Key Issues Hindering Progress")),
        ("Conclusion:", (3, "Conclusion")),
        ("The talks have been hampered by several critical issues:", None),
        ("This is a sentence.", None),
        ("1:33 P.M. EDT", None),
        ("**Bold Section Label**", (2, "Bold Section Label")),
    ],
)
def test_heading_candidates(line: str, expected) -> None:
    assert heading_candidate(line) == expected


def test_sections_need_body_text_after_them() -> None:
    text = "T\nA Heading Line\nA paragraph of running text that follows it and ends properly.\nTrailing Line"
    body = normalize(_draft(text)).body
    assert "## A Heading Line" in body and "## Trailing Line" not in body


def test_bullets_become_a_list_with_bold_terms() -> None:
    blocks = to_blocks(
        "Intro line:\n  • Term One: text of one.\n  ● Second: more.\n  ▪ plain item\n1. numbered", markdown=False
    )
    kinds = [b.kind for b in blocks]
    assert kinds == ["para", "list"]
    assert [bold_term(t) for _, t in blocks[1].items][:2] == ["**Term One:** text of one.", "**Second:** more."]


@pytest.mark.parametrize(
    "line",
    [
        "Article with TOC",
        "Table of Contents",
        "Advertisement",
        "Read More",
        "close",
        "Listen",
        "7 min read",
        "[Citation](https://x.org#c)[Subscribe](https://x.org/s)[Share/Save](https://x.org#s)",
        "[Home](https://x.org/) > [Section](https://x.org/s) > R123",
        "[Download PDF (310KB)](https://x.org/a.pdf)",
    ],
)
def test_debris_lines(line: str) -> None:
    assert is_chrome_text(line)


def test_text_is_not_debris() -> None:
    assert not is_chrome_text("Close allies met in Brussels to discuss the response.")
    assert not is_chrome_text("See [the report](https://x.org/r) for details.")


def test_pandoc_leftovers_fixed() -> None:
    text = clean_characters("A\u00a0b <span class='x'>c</span><br/>d\n\n\\###\n\n<figure>e</figure> f\u2060g")
    assert text == "A b c\nd\n\ne fg"


def test_embedded_html_becomes_markdown() -> None:
    text = clean_characters('<blockquote><p>Quote <a href="https://x.org/a">here</a></p></blockquote>')
    assert "> Quote [here](https://x.org/a)" in text


def test_table_of_contents_block_removed() -> None:
    text = "# T\n\n# Contents\n\n- [Intro](https://x.org#_Toc1)\n- [More](https://x.org#_Toc2)\n\nIntro\n\nRunning text of the first section with a full stop at the end of it."
    body = normalize(_draft(text, detect.MARKDOWN)).body
    assert "Contents" not in body and "_Toc" not in body and body.startswith("## Intro")


def test_links_and_emphasis_kept() -> None:
    text = "T\n\nA paragraph with a [link](https://example.org/x) and _emphasis_ and **strong** text in it."
    body = normalize(_draft(text, detect.MARKDOWN)).body
    assert "[link](https://example.org/x)" in body and "_emphasis_" in body and "**strong**" in body


def test_foreign_frontmatter_and_byline(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text(
        "---\ntitle: \"A\\u00a0Title\"\ndate: '2021-03-23'\nsource_url: https://www.whitehouse.gov/x/\n---\n\nBy Jane Doe and John Roe\n\n"
        "Running text of the article, long enough to be a paragraph of the body.\n",
        encoding="utf-8",
    )
    result = normalize(read_source(path))
    assert result.title == "A Title" and result.date.isoformat() == "2021-03-23"
    assert result.source == {
        "name": "The White House",
        "url": "https://www.whitehouse.gov/x/",
        "license": "Public domain (US Government work, 17 USC 105)",
        "author": "Jane Doe and John Roe",
    }
    assert "By Jane" not in result.body


def test_unreadable_inputs_give_a_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "nodate.txt").write_text(
        "Title\nSome text that is long enough but carries no date at all anywhere.", encoding="utf-8"
    )
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody", encoding="utf-8")
    with pytest.raises(SourceError, match="empty"):
        normalize(read_source(tmp_path / "empty.txt"))
    with pytest.raises(SourceError, match="date"):
        normalize(read_source(tmp_path / "nodate.txt"))
    with pytest.raises(SourceError, match="YAML"):
        normalize(read_source(tmp_path / "bad.md"))


def test_yaml_emitted_safely_and_round_trips(tmp_path: Path) -> None:
    for value in ("NO", "3.10", "a: b", "#x", "'quoted'", '"dq"', "- item", "Ünïcode — dash", "yes", "null", "@at"):
        meta = {
            "title": value,
            "date": parse_date("2025-01-02"),
            "summary": value,
            "actors": [],
            "topics": [],
            "places": [],
            "source": {"name": value},
        }
        path = tmp_path / "articles" / "2025" / "2025-01-02-x.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_article(meta, "## H\n\nText."), encoding="utf-8")
        article, problems = read_article(path, tmp_path)
        assert not problems and article.meta.title == value and article.meta.source.name == value, scalar(value)


# --- tagging -------------------------------------------------------------------------------------


def _vocabulary(**kinds) -> Vocabulary:
    vocabulary = Vocabulary()
    for kind, entries in kinds.items():
        for entry in entries:
            vocabulary.entries[kind][entry["id"]] = VocabularyEntry.model_validate({"description": "d", **entry})
    return vocabulary


def test_tagging_longest_match_case_aware_and_shared_aliases() -> None:
    vocabulary = _vocabulary(
        actors=[
            {
                "id": "vladimir-putin",
                "name": "Vladimir Putin",
                "aliases": ["Putin", "Russian President Vladimir Putin"],
            },
            {"id": "united-nations", "name": "United Nations", "aliases": ["UN"]},
            {"id": "georgia-band", "name": "Georgia Band", "aliases": ["Georgia"]},
        ],
        places=[
            {"id": "russia", "name": "Russia"},
            {"id": "georgia", "name": "Georgia"},
            {"id": "turkey", "name": "Turkey"},
        ],
        topics=[{"id": "sanctions", "name": "Sanctions"}],
    )
    tagger_ = Tagger(vocabulary)
    assert tagger_.find("Russian President Vladimir Putin met the UN; un-related; turkey dinner") == [
        "Russian President Vladimir Putin",
        "UN",
    ]
    tags = tagger_.tag(
        "Title", "Summary", "Putin and Putin again. Russia once. Georgia twice, Georgia. Sanctions and sanctions."
    )
    assert tags.ids["actors"] == ["vladimir-putin"]
    assert tags.ids["places"] == ["russia"]  # one mention tags a place; Georgia is ambiguous
    assert tags.ids["topics"] == ["sanctions"]
    assert "Georgia" in tags.ambiguous
    assert Tagger(vocabulary).tag("Russia Today", "", "Nothing.").ids["places"] == ["russia"]  # title counts


# --- the command ---------------------------------------------------------------------------------


def _archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "articles").mkdir(parents=True)
    shutil.copytree(VOCABULARY, root / "articles" / "vocabulary")
    (root / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    return root


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "build_tools", "ingest", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_ingest_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    first = _run(str(SEED), "--root", str(root), cwd=root)
    assert first.returncode == 0, first.stderr
    written = list((root / "articles" / "2025").glob("*.md"))
    assert [p.name for p in written] == [
        "2025-05-19-trump-to-speak-with-putin-following-stalled-russia-ukraine-negotiations.md"
    ]
    assert written[0].read_text(encoding="utf-8") == (EXPECTED / "trump-putin-2025-05-19.md").read_text(
        encoding="utf-8"
    )
    before = written[0].stat().st_mtime_ns
    second = _run(str(SEED), "--root", str(root), cwd=root)
    assert second.returncode == 0
    assert "duplicate of articles/2025/2025-05-19-trump-to-speak" in second.stdout and "skipped" in second.stdout
    assert "0 written (0 clean, 0 need editing), 1 duplicate(s) skipped, 0 failed" in second.stdout
    assert written[0].stat().st_mtime_ns == before
    forced = _run(str(SEED), "--root", str(root), "--force", cwd=root)
    assert forced.returncode == 0 and "1 written" in forced.stdout


def test_failures_are_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = _run(
        str(bad),
        str(tmp_path / "missing.txt"),
        str(INPUTS / "wh-2021-07-21-statement-zelenskyy-visit.md"),
        "--root",
        str(root),
        cwd=root,
    )
    assert result.returncode == 1
    assert "bad.txt: error: the file is empty" in result.stderr
    assert "missing.txt: error: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert "1 written (1 clean, 0 need editing), 0 duplicate(s) skipped, 2 failed" in result.stdout


def test_dry_run_writes_nothing_and_no_vocabulary_is_exit_2(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    result = _run(str(SEED), "--dry-run", "--suggest-vocabulary", "--root", str(root), cwd=root)
    assert result.returncode == 0 and "date: 2025-05-19" in result.stdout
    assert "Names the vocabulary lacks" in result.stdout
    assert not list((root / "articles").glob("20*"))
    shutil.rmtree(root / "articles" / "vocabulary")
    assert _run(str(SEED), "--root", str(root), cwd=root).returncode == 2


def test_links_without_an_address_keep_their_text() -> None:
    text = "[a](https://x.org/p#:~:text=A%20b) [b](According%20to%20records) [\\[9\\]](https://%5B) [c](/local)"
    assert fix_links(text) == "[a](https://x.org/p#:~:text=A%20b) b \\[9\\] [c](/local)"


def test_an_article_the_schema_rejects_is_reported_and_not_written(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    bad = tmp_path / "bad.md"
    bad.write_text(
        '---\ntitle: A statement on the talks\ndate: 2025-05-20\nauthor: "Jane \u202eDoe"\n'
        "source_url: https://example.org/statement\n---\n\n## The talks\n\nThe talks resumed in Geneva on Monday.\n",
        encoding="utf-8",
    )
    result = _run(str(bad), "--root", str(root), cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "not a valid article, not written" in output and "U+202E" in output
    assert not list((root / "articles").glob("20*/*.md"))


def test_bidi_marks_and_zero_width_characters_of_pasted_text_are_dropped_not_fatal(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    page = tmp_path / "marks.md"
    page.write_text(
        '---\ntitle: "\u200eTalks \u200bresume in Geneva\u202c"\ndate: 2025-05-20\n'
        "source_url: https://example.org/talks\n---\n\n## The talks\n\nThe talks \u200fresumed in Geneva on Monday.\n",
        encoding="utf-8",
    )
    result = _run(str(page), "--root", str(root), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    (written,) = (root / "articles" / "2025").glob("*.md")
    text = written.read_text(encoding="utf-8")
    assert "title: Talks resume in Geneva" in text
    assert not any(char in text for char in "\u200e\u200b\u202c\u200f")


# --- issue 16: tables, transcripts, wrapped numbers, HTML metadata, --force, --explain, exit codes --


def _expected(name: str) -> str:
    return (EXPECTED / name).read_text(encoding="utf-8")


def test_golden_data_table_without_a_separator_row_is_a_table() -> None:
    raw = (INPUTS / "crs-IF10753v6-energy-star-table-without-separator.md").read_text(encoding="utf-8")
    out = _expected("crs-IF10753v6-energy-star-table-without-separator.md")
    assert "| Fiscal Year | EPA Funding | DOE Funding \n" in raw and "| --- |" not in raw
    assert "| Fiscal Year | EPA Funding | DOE Funding |\n| --- | --- | --- |\n| 2015 | $44.2 | $4.3 |\n" in out
    for row in re.findall(r"^\| (\d{4}) \| (\$[\d.]+) \| (\$[\d.]+) $", raw, re.M):
        assert f"| {row[0]} | {row[1]} | {row[2]} |" in out
    # the one-column box framing a figure stays paragraphs
    assert "\n\nFigure 1. ENERGY STAR Promotional Mark\n\n" in out and "| Figure 1." not in out


def test_golden_transcript_turns_are_bold_in_order_and_corrections_struck() -> None:
    out = _expected("wh-2022-05-10-remarks-economy-transcript-struck.md")
    body = out.split("\n---\n", 1)[1]
    assert not re.search(r"^#+ .*(THE PRESIDENT|\bQ\b)", body, re.M)
    # consecutive short turns, each kept, in order
    short = "**THE PRESIDENT:** Resign?  That’s a good idea.\n\n**Q** The senator added later,"
    assert short in body
    assert "**Q** Mr. President, today you have retail gasoline prices" in body
    assert body.index("**THE PRESIDENT:** Yes.") < body.index("**Q** — yet you have yet to ask Americans")
    assert "Senator Rick Scott of ~~Wisconsin~~ \\[Florida\\]" in body and "<s>" not in body


def test_golden_wrapped_numbered_line_stays_in_its_paragraph() -> None:
    out = _expected("wh-2024-02-15-statement-wrapped-numbered-line.md")
    assert "at the White House on March 12.  The leaders will reaffirm" in out
    assert not re.search(r"^\d+\. ", out, re.M)


def test_golden_html_title_with_apostrophe_and_ampersand() -> None:
    out = _expected("page-og-title-apostrophe-ampersand.md")
    assert "title: The Secretary's Remarks on Trade & Security\n" in out
    assert "date: 2025-03-04\n" in out  # the meta tag's date, not the "March 3, 2025" of the body
    assert "comments" not in out and "Share" not in out and "&amp;" not in out
    assert "(https://www.example.gov/news/2025/03/03/joint-statement/)" in out  # a relative link made absolute


def test_choose_title_agrees_with_the_h1() -> None:
    from build_tools.ingest.sources import choose_title, page_metadata

    page = page_metadata(
        '<html><head><meta property="og:title" content="Short"><title>A Long &amp; Right Title | x.gov</title>'
        "</head><body><h1>A Long &amp; Right Title</h1></body></html>"
    )
    assert page.titles == ["Short", "A Long & Right Title | x.gov"]
    assert choose_title(["Extractor Title", *page.titles], page.headings) == "A Long & Right Title | x.gov"
    assert choose_title(["Extractor Title", "Other"], ["Unrelated"]) == "Extractor Title"


def test_no_date_from_a_link_address(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1>"
        "<p>The talks resumed on Monday, officials said, after a pause of several weeks in the capital.</p>"
        '<p>See <a href="https://example.org/2019/05/04/earlier-talks/">the earlier talks</a> for more.</p>'
        "</article></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="--date"):
        normalize(read_source(page))
    from build_tools.ingest.pipeline import ingest_file

    item = ingest_file(page, tagger(), "page.html", date=parse_date("2025-06-01"))
    assert item.meta["date"].isoformat() == "2025-06-01"


@pytest.mark.parametrize(
    "rows, table",
    [
        ("| A | B | C\n| 1 | 2 | 3\n| 4 | 5 | 6", "| A | B | C |\n| --- | --- | --- |\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |"),
        ("| A | B |\n|---|---|\n| 1 | 2 |", "| A | B |\n| --- | --- |\n| 1 | 2 |"),
        (
            "| Table 1. Caption\n| A | B\n| 1 | 2\n| Total\n| 3 | 4\n| Source: X.",
            "Table 1. Caption\n\n| A | B |\n| --- | --- |\n| 1 | 2 |\n| Total |  |\n| 3 | 4 |\n\nSource: X.",
        ),
        ("| Figure 2. A box\n|  \n| Source: Y.", "Figure 2. A box\n\nSource: Y."),
    ],
)
def test_tables_by_the_shape_of_their_rows(rows: str, table: str) -> None:
    from build_tools.ingest.blocks import render

    assert render(to_blocks(rows, markdown=True)).strip() == table


def test_a_cell_with_a_line_break_or_paragraphs_stays_in_its_row() -> None:
    from build_tools.ingest.blocks import render

    text = (
        "| Law | Parts\n| P.L. 1 | Division A\nDivision B\n| P.L. 2 | Title I\n\nApplies to banks.\n| P.L. 3 | Title II"
    )
    assert render(to_blocks(text, markdown=True)).strip() == (
        "| Law | Parts |\n| --- | --- |\n| P.L. 1 | Division A<br>Division B |\n"
        "| P.L. 2 | Title I<br><br>Applies to banks. |\n| P.L. 3 | Title II |"
    )


def test_speaker_turns_never_become_headings() -> None:
    text = "Remarks\n\nQ Why?\n\nTHE PRESIDENT: Because.\n\nAUDIENCE: Booo —\n\nQ Mr. President —\n\nMS. PSAKI:\n\nGo ahead."
    body = normalize(_draft(text, detect.MARKDOWN)).body
    assert "#" not in body
    assert body.strip().split("\n\n") == [
        "**Q** Why?",
        "**THE PRESIDENT:** Because.",
        "**AUDIENCE:** Booo —",
        "**Q** Mr. President —",
        "**MS. PSAKI:** Go ahead.",
    ]


def test_a_capitalised_label_outside_a_transcript_is_no_turn() -> None:
    text = "T\n\nFERPA: Applicability and Recent Action\n\nThe law gives parents rights over the records of their children at school."
    body = normalize(_draft(text, detect.MARKDOWN)).body
    assert "**FERPA:**" not in body and body.startswith("## FERPA: Applicability")


def test_struck_text_and_end_marks() -> None:
    text = clean_characters("It was <s>Ninety</s> \\[Ninety-eight\\] percent.\n\n\\# \\# \\#\n\n**\\###**\n")
    assert text.strip() == "It was ~~Ninety~~ \\[Ninety-eight\\] percent."


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
LINE = st.one_of(
    st.lists(WORD, min_size=1, max_size=8).map(" ".join),  # a wrapped line of text
    st.tuples(st.integers(1, 30), st.lists(WORD, min_size=1, max_size=6)).map(lambda t: f"{t[0]}. {' '.join(t[1])}"),
    st.lists(WORD, min_size=1, max_size=6).map(lambda w: "- " + " ".join(w)),
    st.lists(WORD, min_size=1, max_size=6).map(lambda w: "    " + " ".join(w)),  # an indented wrapped line
    st.just(""),
)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=12), st.booleans())
def test_every_word_of_numbered_bulleted_and_wrapped_lines_is_kept(lines: list[str], markdown: bool) -> None:
    from build_tools.ingest.blocks import render

    text = "\n".join(lines)
    out = render(to_blocks(text, markdown))
    expected = [w for w in re.findall(r"[a-z]+", text)]
    assert re.findall(r"[a-z]+", out) == expected


def test_explain_force_and_exit_codes(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    first = _run(str(SEED), "--root", str(root), "--explain", cwd=root)
    assert first.returncode == 0, first.stderr
    assert "explain: page-furniture removed" in first.stdout and "    Article with TOC" in first.stdout
    (article,) = (root / "articles" / "2025").glob("*.md")
    edited = article.read_text(encoding="utf-8") + "\nAn editor's paragraph.\n"
    article.write_text(edited, encoding="utf-8")
    forced = _run(str(SEED), "--root", str(root), "--force", cwd=root)
    assert forced.returncode == 0, forced.stderr
    kept = re.search(r"the edited version is kept in (\S+)", forced.stdout)
    assert kept, forced.stdout
    assert (root / kept[1]).read_text(encoding="utf-8") == edited
    assert "An editor's paragraph" not in article.read_text(encoding="utf-8")
    again = _run(str(SEED), "--root", str(root), "--force", cwd=root)  # ingest's own text: nothing to keep
    assert "edited version" not in again.stdout
    needs = tmp_path / "needs.md"
    needs.write_text(
        "---\ntitle: A statement on the talks\ndate: 2025-05-20\nsource_url: https://example.org/s\n---\n\n"
        "The talks resumed in Geneva on Monday, and both sides said they were hopeful.\n{: .lead }\n",
        encoding="utf-8",
    )
    result = _run(str(needs), "--root", str(root), cwd=root)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "written articles/2025/2025-05-20-a-statement-on-the-talks.md, needs editing: html: line" in result.stdout
    assert "1 written (0 clean, 1 need editing)" in result.stdout


def test_without_a_terminal_every_file_is_listed(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(21):
        (folder / f"note-{number:02d}.txt").write_text(
            f"Statement number {number} on the talks\n\nPublished 17 Jul 2023\n\n"
            f"The talks resumed in Geneva for the {number}th time on Monday, officials said.\n",
            encoding="utf-8",
        )
    result = _run(str(folder), "--root", str(root), cwd=root)
    assert result.returncode == 0, result.stderr
    assert sum(line.endswith(".md") and ": written " in line for line in result.stdout.splitlines()) == 21
