"""Near-duplicates: a text that nearly repeats an article already in the archive (or one written
earlier in the same run) under another title or date is not written, and the run says of which
article and how alike; ``--force`` writes it anyway. Exact duplicates keep their own handling."""

from __future__ import annotations

import random
from pathlib import Path

from build_tools.checks.duplicates import DUPLICATE, near_duplicate_pairs
from build_tools.ingest.writer import Archive
from tests.test_ingest import _archive, _run  # an archive and ingest through the CLI, as the ingest tests do

_VOCABULARY_TEXT = (
    "treaty council border trade minister talks reserve grain harbour tariff envoy pipeline summit "
    "sanctions export ferry census budget drought ceasefire railway bond refinery quota mission "
    "parliament harvest convoy tunnel ballot charter corridor subsidy cable reactor patrol loan"
)
WORDS = _VOCABULARY_TEXT.split()


def _body(seed: int, words: int = 320) -> str:
    """A text of ``words`` words, a sentence every 12 and a paragraph every 60, the same for a seed."""
    rng = random.Random(seed)
    out, sentence = [], []
    for number in range(1, words + 1):
        sentence.append(rng.choice(WORDS))
        if number % 12 == 0:
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
        if number % 60 == 0:
            out.append("\n\n")
    return " ".join(out + sentence).replace(" \n\n ", "\n\n").strip() + "\n"


def _edited(body: str, changes: int) -> str:
    """``body`` with ``changes`` words replaced, spread over the text (an annual notice's new dates)."""
    tokens = body.split(" ")
    step = len(tokens) // (changes + 1)
    for number in range(1, changes + 1):
        tokens[number * step] = "renewed"
    return " ".join(tokens)


def _source(folder: Path, name: str, title: str, date: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\nPublished {date}\n\n{body}", encoding="utf-8")
    return path


def test_the_same_share_as_check_decides() -> None:
    """A text check would call a duplicate of another (at least 90 % of 5-grams) is a
    near-duplicate for ingest, with the same share; one check only warns of is not."""
    original = _body(1)
    near, loose = _edited(original, 2), _edited(original, 12)
    archive = Archive(Path("articles"))
    archive.add(Path("articles/2022/2022-03-30-notice.md"), 2022, "notice", None, original)
    found = archive.near_duplicate(near)
    assert found is not None and found[0] == Path("articles/2022/2022-03-30-notice.md")
    ((_, _, share),) = near_duplicate_pairs([original, near])
    assert found[1] == share >= DUPLICATE
    ((_, _, loose_share),) = near_duplicate_pairs([original, loose]) or [(0, 1, 0.0)]
    assert loose_share < DUPLICATE and archive.near_duplicate(loose) is None
    assert archive.near_duplicate(_body(2)) is None  # another text altogether
    assert archive.near_duplicate("Too short to tell.") is None  # as check: under 10 shingles


def test_a_cheap_key_narrows_the_archive_before_any_text_is_compared() -> None:
    """Among 2,000 articles of every length, a query computes the sketch of those of about its
    length only (a Jaccard of 0.9 needs lengths within 10 %), not of the whole archive."""
    archive = Archive(Path("articles"))
    rng = random.Random(7)
    tokens = _body(5, 40_000).split(" ")  # each article a slice of one long text: cheap to make
    for number in range(2000):
        start, size = rng.randrange(len(tokens) - 4000), rng.randint(80, 4000)
        body = " ".join(tokens[start : start + size])
        archive.add(Path(f"articles/2024/a-{number}.md"), 2024, f"a-{number}", None, body)
    target = Path("articles/2024/a-1234.md")
    found = archive.near_duplicate(_edited(archive.bodies[target], 2))
    assert found is not None and found[0] == target
    assert len(archive.sketches) < 0.25 * len(archive.bodies), len(archive.sketches)


def test_a_near_duplicate_is_not_written_and_force_writes_it(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    body = _body(3)
    _source(raw, "a-notice-2022.txt", "Notice on the continuation of the emergency", "30 Mar 2022", body)
    _source(raw, "b-notice-2023.txt", "Notice continuing the emergency", "7 Apr 2023", _edited(body, 2))
    first = _run(str(raw), "--root", str(root), cwd=root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (
        "b-notice-2023.txt: not written: near-duplicate of "
        "articles/2022/2022-03-30-notice-on-the-continuation-of-the-emergency.md ("
    ) in first.stdout
    assert "of its 5-word sequences shared; check reports 90% or more as a duplicate); use --force" in first.stdout
    assert "1 written (1 clean, 0 need editing), 1 duplicate(s) skipped (1 near-duplicate(s)), 0 failed" in first.stdout
    assert not (root / "articles" / "2023").exists()
    # A later run compares with the archive as it is on disk.
    again = _run(str(raw / "b-notice-2023.txt"), "--root", str(root), "--dry-run", cwd=root)
    assert again.returncode == 0 and "would not be written: near-duplicate of articles/2022/" in again.stdout
    forced = _run(str(raw / "b-notice-2023.txt"), "--root", str(root), "--force", cwd=root)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "near-duplicate of articles/2022/2022-03-30-notice-on-the-continuation-of-the-emergency.md" in forced.stdout
    assert "written anyway (--force)" in forced.stdout
    assert [p.name for p in (root / "articles" / "2023").glob("*.md")] == [
        "2023-04-07-notice-continuing-the-emergency.md"
    ]
    assert (root / "articles" / "2022" / "2022-03-30-notice-on-the-continuation-of-the-emergency.md").is_file()


def test_an_exact_duplicate_is_still_reported_as_one(tmp_path: Path) -> None:
    root = _archive(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    body = _body(4)
    _source(raw, "a.txt", "Statement on the grain corridor", "2 May 2024", body)
    _source(raw, "b.txt", "Statement on the grain corridor, again", "3 May 2024", body)
    result = _run(str(raw), "--root", str(root), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "b.txt: duplicate of articles/2024/2024-05-02-statement-on-the-grain-corridor.md (the same text)" in (
        result.stdout
    )
    assert "1 duplicate(s) skipped, 0 failed" in result.stdout
