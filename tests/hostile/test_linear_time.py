"""Every pattern that reads article text runs in time linear in it (finding 5 of the second
security review): one line of 1,200 backticks used to take 102 s in ``check``, "<a" and 2,000
spaces 54 s, and ``ingest`` had patterns as bad (two dozen "<!-- -->" at the top of a file
took seconds, doubling with each one more).

Each hostile line below is 100 kB of one thing Markdown, HTML or YAML gives a meaning to. The
bounds: ``check`` of the line (in an article of the tiny check archive) under 1 s; ``ingest``
of a pasted text holding it under 2 s, of an HTML page under 3 s. Done linearly, the worst line
takes about a quarter of that on a loaded two-core machine (the HTML bound leaves room for
trafilatura, which alone takes about a second on 100 kB); a quadratic pattern on 100 kB takes
minutes, so the bounds separate the two by far. Times are the better of two runs, as other
processes only ever add time.
"""

from __future__ import annotations

import contextlib
import html
import time
from pathlib import Path

import pytest

from build_tools.checks.links import MAX_LINK_HINTS
from build_tools.checks.runner import run_checks
from build_tools.ingest.pipeline import ingest_file
from build_tools.ingest.sources import SourceError
from build_tools.pipeline import Project
from tests.check.archive import article_text, make_archive, write
from tests.ingest.golden import tagger

SIZE = 100_000
CHECK_SECONDS = 1.0
TEXT_SECONDS = 2.0
HTML_SECONDS = 3.0


def repeated(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


def padded(start: str, filler: str, end: str = "") -> str:
    return start + filler * (SIZE - len(start) - len(end)) + end


# Every character Markdown, HTML and YAML care about, alone, after a letter and before one.
CHARACTERS = list("`~*_[]()<>!#|\\{}:\"'&=-+.,;/?@$%^") + [" ", "\t"]
LINES = {f"{char!r} * n": repeated(char) for char in CHARACTERS}
LINES |= {f"'a{char}' * n": repeated("a" + char) for char in CHARACTERS}
LINES |= {f"'{char}a' * n": repeated(char + "a") for char in CHARACTERS}
LINES |= {
    # the two of the review
    "'`' * n (code span)": repeated("`"),
    "'<a' + spaces (tag)": padded("<a", " "),
    # code spans, comments, tags and attributes
    "'`a' * n": repeated("`a"),
    "'``a`' * n": repeated("``a`"),
    "'\\\\`' * n": repeated("\\`"),
    "'<!--' * n": repeated("<!--"),
    "'<!-- ' * n": repeated("<!-- "),
    "'<!-- -->' * n": repeated("<!-- -->"),
    "'<a<a' * n": repeated("<a<a"),
    "'<a ' * n": repeated("<a "),
    "'<a href=' + spaces": padded("<a href=", " "),
    "'<a b' + spaces + 'x'": padded("<a b", " ", "x"),
    "'<a x=\"' * n": repeated('<a x="'),
    "'<a href='x'>' * n": repeated("<a href='x'>"),
    "'<br>' * n": repeated("<br>"),
    "'<script>' * n": repeated("<script>"),
    "'<table><tr><td>' * n": repeated("<table><tr><td>"),
    "'<td>' * n": repeated("<td>"),
    "'<blockquote>' * n": repeated("<blockquote>"),
    "'<span' * n": repeated("<span"),
    "'<http://' * n": repeated("<http://"),
    # links and images
    "'](' * n": repeated("]("),
    "'[' * n + ']('": padded("", "[", "]("),
    "'[' * n + '](x'": padded("", "[", "](x"),
    "nested brackets": "[" * (SIZE // 2 - 1) + "a" + "]" * (SIZE // 2),
    "nested brackets then '('": "[" * (SIZE // 2 - 2) + "a" + "]" * (SIZE // 2) + "(",
    "nested parentheses": "[a](" + "(" * (SIZE // 2 - 4) + ")" * (SIZE // 2),
    "'[a](' * n": repeated("[a]("),
    "'[a](' + 'x' * n": padded("[a](", "x"),
    "'[a](<' * n": repeated("[a](<"),
    "'[a](b (' * n": repeated("[a](b ("),
    "'[a](b \"' * n": repeated('[a](b "'),
    "'[a](b ' + spaces": padded("[a](b", " "),
    "'![a](' * n": repeated("![a]("),
    "'[Home](' * n": repeated("[Home]("),
    "'[Home](x)' * n": repeated("[Home](x)"),
    "'[a](x)' * n": repeated("[a](x) "),
    "'[x]: ' * n": repeated("[x]: "),
    "'http://' * n": repeated("http://"),
    "'mailto:' + '@' * n": padded("mailto:", "@", " "),
    # headings, lists, tables, emphasis, admonitions, attribute lists
    "'# ' + spaces + 'x'": padded("# ", " ", "x"),
    "'## a' + ' #' * n + 'x'": padded("## a", " #", "x"),
    "'**' + 'a' * n": padded("**", "a"),
    "'**a' + spaces + 'x'": padded("**a", " ", "x**"),
    "'- ' + spaces + 'x'": padded("- ", " ", "x"),
    "'| ' + spaces + 'a'": padded("|", " ", "a"),
    "'!!! a' + spaces + 'b'": padded("!!! a", " ", "b"),
    "'{a=' * n": repeated("{a="),
    "'{.a}' * n": repeated("{.a}"),
    # metadata, dates, titles, names
    "'a:' after spaces": padded("", " ", "a:"),
    "'Date:' + spaces + 'x'": padded("Date:", " ", "x |"),
    "'May ' + spaces": padded("May", " ", "x"),
    "'Posted on ' * n": repeated("Posted on "),
    "'May 1, ' * n": repeated("May 1, "),
    "'A.' * n": repeated("A."),
    "'A. ' * n": repeated("A. "),
    "'President' + spaces + 'x'": padded("President", " ", "x"),
    "'former' + spaces + 'x'": padded("former", " ", "x"),
    "'former US President ' * n": repeated("former US President "),
    "'then' + ' -' * n": padded("then", " -", " President Biden"),
    "'Title - ' + ' -' * n": padded("Abcdefghijklmno", " -", " a"),
    "'title |' + spaces + 'x.gov'": padded("Title |", " ", "x.gov"),
    "words": repeated("Lorem ipsum dolor sit amet. "),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return make_archive(tmp_path_factory.mktemp("linear") / "archive")


def best_of_two(run) -> float:
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
        if seconds[-1] < CHECK_SECONDS / 4:
            break
    return min(seconds)


@pytest.mark.parametrize("name", list(LINES))
def test_check_reads_a_100_kb_line_in_linear_time(archive, name):
    path = write(
        archive,
        "articles/2025/2025-05-20-long-line.md",
        article_text(
            "title: One long line\ndate: 2025-05-20\nsummary: An article with one very long line.\ntopics: [sanctions]",
            f"## Section\n\nText before the line.\n\n{LINES[name]}\n\nText after the line.\n",
        ),
    )
    seconds = best_of_two(lambda: run_checks(Project(archive), [path]))
    assert seconds < CHECK_SECONDS, f"check took {seconds:.1f} s on {name}"


def test_check_of_a_line_of_broken_links_in_a_large_site_looks_for_few_suggestions(tmp_path):
    """A "did you mean" is a fuzzy search of every page of the site: at most MAX_LINK_HINTS an
    article, and one look per distinct link (a line of 14,000 links took 110 s to check in an
    archive of 2,000 articles)."""
    root = make_archive(tmp_path / "archive")
    notes = root / "docs" / "notes"
    notes.mkdir(parents=True)
    for number in range(2000):
        (notes / f"note-{number:04d}.md").write_text("# Note\n", encoding="utf-8")
    line = "".join(f"[a](/notes/note-{number:04d}x) " for number in range(4000))
    line += "[same](/nowhere) " * 2000
    path = write(
        root,
        "articles/2025/2025-05-20-links.md",
        article_text(
            "title: Links\ndate: 2025-05-20\nsummary: Thousands of broken links.\ntopics: [sanctions]",
            f"## Section\n\n{line}\n",
        ),
    )
    problems = []
    seconds = best_of_two(lambda: problems.append(run_checks(Project(root), [path])))
    messages = [p.message for p in problems[-1] if p.rule == "link"]
    assert len(messages) == 4001
    assert sum("did you mean" in message for message in messages) == MAX_LINK_HINTS
    assert seconds < 2 * CHECK_SECONDS, f"check took {seconds:.1f} s"


# -- ingest --------------------------------------------------------------------------------------

INGEST_LINES = LINES | {"'<!-- -->' * n at the top": repeated("<!-- -->")}
# Line breaks too: patterns over several lines (end marks, tags alone on their line) searched
# the same blank lines again from each of their starts. In a Markdown export, so that lines of
# tags are not taken for an HTML page (which trafilatura reads, slowly on 25,000 elements).
LINE_BREAKS = {
    "line breaks": repeated("\n"),
    "' \\n' * n": repeated(" \n"),
    "'#\\n' * n": repeated("#\n"),
    "'\\\\###\\n' * n": repeated("\\###\n"),
    "'<p>\\n' * n": repeated("<p>\n"),
    "'<p>\\n\\n' * n": repeated("<p>\n\n"),
    "'<td>\\n' * n": repeated("<td>\n"),
    "'a\\n\\n' * n (paragraphs)": repeated("a\n\n"),
    "'- a\\n' * n (list items)": repeated("- a\n"),
    "'## A\\n\\nb\\n\\n' * n (sections)": repeated("## A\n\nb\n\n"),
}
EXPORT = (
    "---\ntitle: Russia Sanctions Explained\ndate: 2025-05-19\n---\n\n"
    "The sanctions on Russia changed how energy is sold across Europe and Asia, and this article explains why.\n\n"
    "{lines}\n\nThe end of the article says what happens next with the sanctions and the talks.\n"
)
PASTED = (
    "Russia Sanctions Explained Today\n\nPosted on May 19, 2025\n\n"
    "The sanctions on Russia changed how energy is sold across Europe and Asia, and this article explains why.\n\n"
    "{line}\n\nThe end of the article says what happens next with the sanctions and the talks.\n"
)
PAGE = (
    "<!doctype html><html><head><title>Russia Sanctions Explained | example.org</title>"
    '<meta property="article:published_time" content="2025-05-19"></head><body><article>'
    "<h1>Russia Sanctions Explained</h1><p>The sanctions on Russia changed how energy is sold across Europe "
    "and Asia, and this article explains why.</p><p>{line}</p><p>The end of the article says what happens "
    "next with the sanctions and the talks.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def tags():
    return tagger()


def ingest_seconds(path: Path, tags) -> float:
    def run():
        with contextlib.suppress(SourceError):  # a reason to refuse the text is an answer too
            ingest_file(path, tags, path.name)

    return best_of_two(run)


@pytest.mark.parametrize("name", list(INGEST_LINES))
def test_ingest_normalizes_a_pasted_text_with_a_100_kb_line_in_linear_time(tmp_path, tags, name):
    path = tmp_path / "pasted.txt"
    line = INGEST_LINES[name]
    text = line + "\n\n" + PASTED.format(line="") if name.endswith("at the top") else PASTED.format(line=line)
    path.write_text(text, encoding="utf-8")
    seconds = ingest_seconds(path, tags)
    assert seconds < TEXT_SECONDS, f"ingest took {seconds:.1f} s on {name}"


@pytest.mark.parametrize("name", list(LINE_BREAKS))
def test_ingest_normalizes_100_kb_of_line_breaks_in_linear_time(tmp_path, tags, name):
    path = tmp_path / "export.md"
    path.write_text(EXPORT.format(lines=LINE_BREAKS[name]), encoding="utf-8")
    seconds = ingest_seconds(path, tags)
    assert seconds < TEXT_SECONDS, f"ingest took {seconds:.1f} s on {name}"


@pytest.mark.parametrize("name", list(LINES))
def test_ingest_reads_an_html_page_with_a_100_kb_paragraph_in_linear_time(tmp_path, tags, name):
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(line=html.escape(LINES[name])), encoding="utf-8")
    seconds = ingest_seconds(path, tags)
    assert seconds < HTML_SECONDS, f"ingest took {seconds:.1f} s on {name}"
