"""The whole corpus through ingest (../shared/corpus, 1,741 real files): nothing lost without a
named rule, the articles pass ``check``, tables stay tables, speaker turns stay turns.

Slow: every file is ingested and checked, in a pool of processes (about 1-3 minutes on two
cores); it runs in ``make test`` like every other test. Needs ``../shared/corpus``: without it the
test is skipped and says why. The same figures, printed: ``python -m bench.ingest_corpus``.
"""

from __future__ import annotations

import pytest

from bench.ingest_corpus import CORPUS, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not there ({CORPUS}): the whole-corpus figures cannot be measured")
    return run(CORPUS)


def test_no_source_line_is_lost_outside_a_named_rule(corpus) -> None:
    _, audits = corpus
    lost = [f"{item['path']}: {line[:120]}" for item in audits for line in item["lost"]]
    assert not lost, f"{len(lost)} source line(s) neither in the article nor removed by a rule:\n" + "\n".join(
        lost[:30]
    )


def test_nearly_every_written_article_passes_check(corpus) -> None:
    figures, audits = corpus
    whole = figures["all"]
    failed = [f"{item['path']}: {item['error']}" for item in audits if item["status"] == "failed"]
    assert whole.written >= 0.95 * whole.files, failed[:20]
    editing = [f"{item['path']}: {item['rules']}" for item in audits if item["status"] == "needs editing"]
    assert whole.clean_share >= 0.99, f"{whole.clean} of {whole.written} clean:\n" + "\n".join(editing[:30])


def test_every_table_of_three_columns_or_more_is_still_a_table(corpus) -> None:
    figures, audits = corpus
    assert figures["all"].tables >= 50  # the corpus has data tables: the test is not vacuous
    flattened = [item["path"] for item in audits if item["tables_kept"] != item["tables"]]
    assert not flattened, flattened


def test_no_speaker_turn_is_a_heading_or_missing(corpus) -> None:
    figures, audits = corpus
    assert figures["all"].transcripts >= 50
    headings = [f"{item['path']}: {line}" for item in audits for line in item["turn_headings"]]
    assert not headings, headings[:20]
    missing = [
        f"{item['path']}: {item['turns_kept']} of {item['turns']}"
        for item in audits
        if item["turns_kept"] < item["turns"] and item["status"] != "failed"
    ]
    assert not missing, missing[:20]
