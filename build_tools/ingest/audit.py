"""What ingest did to one source, measured: the source lines it lost (neither in the article nor
removed by a named rule), the data tables it kept, the speaker turns of a transcript it kept.

Used by the whole-corpus test (tests/ingest/test_corpus.py) and the benchmark
(``python -m bench.ingest_corpus``); nothing in the command depends on it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..layout import article_source
from .blocks import split_cells
from .linear import sub_closed
from .sources import SourceError, read_source
from .speakers import WRITTEN_TURN, is_transcript, turn
from .text import key, words
from .writer import InvalidArticle

if TYPE_CHECKING:
    from .tagging import Tagger
    from .verify import Verifier

MIN_WORDS = 3  # a source line of fewer words ("Q", "###", a date) is not counted
# Inline tags glue their text to what is around them ("42<sup>nd</sup>"); a link's tags do not
# ("…Season</a><a …>Download</a>": two links side by side).
_INLINE_TAG = re.compile(r"</?(?:sup|sub|span|em|strong|b|i|u|small|font|abbr|cite|s|del|ins|mark)\b[^>]*+>", re.I)
_TAG = re.compile(r"<[^>]*+>")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
_TARGET = re.compile(r"\]\([^\s)]*+\)?")  # a link's target (its title, if any, is words)
_URL = re.compile(r"\b(?:https?|mailto):\S*+")


def raw_key(text: str) -> str:
    """A comparison key of words: link targets and addresses left out (a rule may drop the
    target of a broken link, and a source line may start or end inside a link), case,
    emphasis and punctuation ignored."""
    return key(_URL.sub(" ", _TARGET.sub("] ", text)))


def _untagged(text: str) -> str:
    """The text without HTML tags (inline ones glued, block ones a space), tags that span lines too."""
    text = sub_closed(_INLINE_TAG, "", text, ">")
    return sub_closed(_TAG, " ", text, ">")


def source_lines(text: str) -> list[str]:
    """The lines of a source's text that carry at least MIN_WORDS words (HTML tags left out)."""
    return [line.strip() for line in _untagged(text).split("\n") if len(words(key(line))) >= MIN_WORDS]


_MARKER = re.compile(r"^\s*+(?:\d{1,3}[.)]|[-*+•●▪◦])\s++")


def _letters(text: str) -> str:
    """The words of ``text`` with no space between: a rule may split a glued word
    ("PresidentDownload") or join what pandoc split ("Source****s"), and still keep its text."""
    return "".join(raw_key(text).split())


def lost_lines(text: str, article: str, removed: list[tuple[str, str]]) -> list[str]:
    """The lines of ``text`` (a source) whose words are neither in ``article`` (the whole file
    written: frontmatter and body) nor in what a rule removed. Compared: the letters and digits
    of each line, in order, without its list marker (lists are numbered again)."""
    kept = _letters(_untagged(article))
    gone = "\n".join(_letters(_untagged(part)) for _, part in removed)
    lost = []
    for line in source_lines(html.unescape(text)):
        line_words = raw_key(_MARKER.sub("", line)).split()
        if not _accounted(line_words, kept, gone):
            lost.append(line)
    return lost


def _accounted(line_words: list[str], kept: str, gone: str) -> bool:
    """Whether a line is in the article or removed by a rule, or its start in one and its end in
    the other (a rule cut a link off the front of a line, or a date off its end)."""
    whole = "".join(line_words)
    if whole in kept or whole in gone:
        return True
    for cut in range(1, len(line_words)):
        head, tail = "".join(line_words[:cut]), "".join(line_words[cut:])
        if (head in gone and tail in kept) or (head in kept and tail in gone):
            return True
    return False


def tables(text: str) -> list[list[list[str]]]:
    """The tables of a Markdown text: runs of lines starting with "|" (a line right under a row
    that does not start with "|" goes on with its last cell), their rows' cells (separator rows
    left out)."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.split("\n"), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            if not _SEPARATOR.match(stripped) or "|" in stripped.strip("|-: "):
                current.append(split_cells(stripped))
            continue
        if current and stripped and not stripped.startswith("#"):
            current[-1][-1] += " " + stripped
            continue
        if current:
            found.append(current)
            current = []
    return found


def wide_tables(text: str, columns: int = 3) -> list[list[list[str]]]:
    """The tables of ``text`` with at least ``columns`` cells in some row."""
    return [table for table in tables(text) if max(len(row) for row in table) >= columns]


def table_kept(table: list[list[str]], body: str) -> bool:
    """Whether ``body`` holds a Markdown table (with its separator row) holding the cells of
    ``table``, in order (single-cell rows before its first row of several cells and after its
    last, a caption or a note, are paragraphs, as ``render_table`` makes them)."""
    wide = [index for index, row in enumerate(table) if len(row) >= 2]
    if not wide:
        return True
    rows = table[wide[0] : wide[-1] + 1]
    wanted = _letters(" ".join(cell for row in rows for cell in row))
    for candidate in _rendered_tables(body):
        if wanted in _letters(_untagged(" ".join(cell for row in candidate for cell in row))):
            return True
    return False


def _rendered_tables(body: str) -> list[list[list[str]]]:
    """The Markdown tables of an article body: runs of "|" lines whose second line is a separator."""
    out = []
    lines = body.split("\n")
    index = 0
    while index < len(lines):
        if lines[index].startswith("|"):
            end = index
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            run = lines[index:end]
            if len(run) >= 2 and _SEPARATOR.match(run[1]):
                out.append([split_cells(row) for row in run[:1] + run[2:]])
            index = end
        else:
            index += 1
    return out


def _turn_key(label: str, rest: str) -> str:
    """A turn's label and first words: what identifies it in the source and in the article."""
    return " ".join(words(key(f"{label} {rest}"))[:8])


def speaker_turns(text: str) -> list[str]:
    """The turns of a source ``text`` (paragraphs starting with a speaker label, in a transcript),
    each as its label and the first words of its line."""
    out, found_turns = [], []
    previous = ""
    for line in _untagged(text.replace("\u00a0", " ")).split("\n"):
        found = turn(line) if not previous.strip() or previous.endswith("  ") else None
        if found is not None:
            found_turns.append(found)
            out.append(_turn_key(*found))
        previous = line
    return out if is_transcript(found_turns) else []


def written_turns(body: str) -> list[str]:
    """The turns of an article body ("**THE PRESIDENT:** ..."), each as its label and first words."""
    out = []
    for line in body.split("\n"):
        match = WRITTEN_TURN.match(line)
        if match:
            out.append(_turn_key(match["label"], line[match.end() :]))
    return out


def turns_kept(source: str, body: str) -> int:
    """How many of the source's turns the article holds as turns, in order (label in bold, the
    same first words; a source line may end before the eighth word)."""
    written = written_turns(body)
    kept, at = 0, 0
    for found in speaker_turns(source):
        for index in range(at, len(written)):
            if written[index] == found or written[index].startswith(found + " "):
                kept, at = kept + 1, index + 1
                break
    return kept


def turns_as_headings(source: str, body: str) -> list[str]:
    """Headings of an article body that are a speaker turn of the source (in a transcript, a
    paragraph there starting with a speaker label, not a heading the source marked as one)."""
    if not speaker_turns(source):
        return []
    source_turns = set()
    for line in source.replace("\u00a0", " ").split("\n"):
        if turn(line) is not None:
            source_turns.add(key(line))
    out = []
    for line in body.split("\n"):
        if line.startswith("#") and turn(line.lstrip("#").strip()) is not None:
            text_key = key(line)
            if any(text_key and text_key in source_key for source_key in source_turns):
                out.append(line)
    return out


@dataclass
class FileAudit:
    """The figures of one source file."""

    path: str
    status: str  # written, needs editing, failed, duplicate
    rules: list[str] = field(default_factory=list)  # rules of the errors check found in the article
    warnings: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    tables: int = 0  # tables of >= 3 columns in the source
    tables_kept: int = 0
    turns: int = 0  # speaker turns in the source
    turns_kept: int = 0
    turn_headings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""
    year: int = 0  # what the duplicate decision needs
    slug: str = ""
    url: str | None = None
    body: str = ""


def audit(path: Path, tagger: Tagger, verifier: Verifier) -> FileAudit:
    """Ingest one file as the command does (without writing it) and measure what became of it."""
    from .pipeline import ingest_file  # the pipeline imports this module's neighbours

    shown = str(path)
    try:
        draft = read_source(path)
        item = ingest_file(path, tagger, shown, draft=draft)
        text = item.text
    except (SourceError, InvalidArticle) as exc:
        return FileAudit(shown, "failed", error=str(exc))
    target = article_source(verifier.project.articles, item.meta["date"], item.slug)
    problems = verifier.problems(text, target)
    rules = sorted({p.rule for p in problems if p.severity == "error"})
    result = FileAudit(
        shown,
        "needs editing" if rules else "written",
        rules,
        sorted({p.rule for p in problems if p.severity == "warning"}),
        lost_lines(draft.text, text, item.normalized.removed),
        year=item.meta["date"].year,
        slug=item.slug,
        url=item.meta["source"].get("url"),
        body=item.body,
    )
    source_tables = wide_tables(draft.text)
    result.tables = len(source_tables)
    result.tables_kept = sum(table_kept(table, item.body) for table in source_tables)
    result.turns = len(speaker_turns(draft.text))
    result.turns_kept = turns_kept(draft.text, item.body)
    result.turn_headings = turns_as_headings(draft.text, item.body)
    return result
