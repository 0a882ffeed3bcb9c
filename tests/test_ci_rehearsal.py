"""The short form of the CI rehearsal (tests/ci_rehearsal): one pull request that adds an article,
its Preview workflow and its Preview publish workflow run by a real Actions runner (act, from
requirements.lock) against a local origin and the GitHub stand-in.

It is not skipped: if act, Node.js or ../shared/actions is missing, it fails and says which.
The whole rehearsal is `make rehearse-ci`.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from tests.ci_rehearsal.rehearsal import PAGES_URL, Rehearsal, RehearsalError
from tests.ci_rehearsal.scenarios import ARTICLE_URL, play


@pytest.mark.slow
def test_a_pull_request_is_previewed_by_a_real_runner(tmp_path: Path) -> None:
    out = tmp_path / "rehearsal"
    started = time.monotonic()
    try:
        with Rehearsal(out, echo=lambda line: print(line, flush=True)) as rehearsal:
            results = play(rehearsal, ["pull-request"], with_ci=False)
            pages = rehearsal.pages_files("pr-1")
    except RehearsalError as exc:
        pytest.fail(f"the CI rehearsal could not run or failed: {exc}\n(see {out})", pytrace=False)
    finally:
        shutil.rmtree(out / "wheels", ignore_errors=True)  # 400 MB; the logs and origin.git stay
    print(f"short CI rehearsal: {time.monotonic() - started:.0f} s")
    assert results["pull-request"]["passed"]
    # What the runner left: a preview on gh-pages with the new page, and one comment linking to it.
    assert results["gh_pages"]["top"] == [".nojekyll", "pr-1"]
    assert f"pr-1/{ARTICLE_URL}index.html" in pages and "pr-1/index.html" in pages
    log = [json.loads(line) for line in (out / "requests.jsonl").read_text(encoding="utf-8").splitlines()]
    created = [r for r in log if r["method"] == "POST" and r["path"].endswith("/issues/1/comments")]
    assert len(created) == 1 and created[0]["status"] == 201
    assert f"{PAGES_URL}pr-1/{ARTICLE_URL}" in created[0]["body"]["body"]
    assert all(r["status"] != 404 for r in log), [r for r in log if r["status"] == 404]
