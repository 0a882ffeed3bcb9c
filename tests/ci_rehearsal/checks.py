"""What the scenarios check, and the scenario of build state a pull request commits.

A build restored from main's cache says so in its log: actions/cache's "Cache restored from
key", then the build's own lines, ``generate: N pages (R rendered, W written, …)`` and ``build:
pages rendered (incremental, K page(s) re-rendered, …)``; ``reused_state`` reads them.
"""

from __future__ import annotations

import re
import zipfile

from tests.ci_rehearsal.rehearsal import FULL_NAME, Rehearsal, RehearsalError


def article(title: str, body: str, date: str = "2025-06-10") -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\nsummary: An article added by a rehearsed pull request.\n"
        "actors: [vladimir-putin]\ntopics: [sanctions]\nplaces: [russia]\n---\n\n"
        f"## What happened\n\n{body}\n"
    )


def expect(condition: object, message: str) -> None:
    if not condition:
        raise RehearsalError(message)


def succeeded(result, *jobs: str) -> None:
    expect(result.returncode == 0, f"expected success: {result.describe()}")
    for job in jobs:
        expect(result.jobs.get(job) == "succeeded", f"job {job!r} did not succeed: {result.describe()}")


def failed(result, job: str, reason: str) -> None:
    expect(result.returncode != 0, f"expected a failure: {result.describe()}")
    expect(result.jobs.get(job) == "failed", f"job {job!r} did not fail: {result.describe()}")
    expect(reason in result.text, f"the log does not say {reason!r}: {result.describe()}")


CACHE_RESTORED = re.compile(r"Cache restored from key: (build-state-\S+)")
GENERATED = re.compile(r"generate: (\d+) pages \((\d+) rendered, (\d+) written")
RENDERED = re.compile(r"build: pages rendered \((incremental, (\d+) page\(s\) re-rendered|clean)")


def deploy_main(r: Rehearsal) -> dict:
    """Deploy main as it is (run by hand: workflow_dispatch); its build state goes to main's cache."""
    main = r.origin_git("rev-parse", "main")
    event = {"ref": "refs/heads/main", "inputs": {}, "repository": r.repository(), "sender": {"login": "maintainer"}}
    deploy = r.act("workflow_dispatch", "deploy.yml", event, at=main, actor="maintainer")
    succeeded(deploy, "Build the site", "Publish to gh-pages")
    expect(f"Cache saved with key: build-state-Linux-{main}" in deploy.text, "Deploy did not save its build state")
    return {"deploy_seconds": round(deploy.seconds)}


REBASED = re.compile(
    r"generate: \d+ article file\(s\) and (\d+) page\(s\) moved or copied since the last run, unchanged"
)


def reused_state(result) -> dict:
    """What a build restored from main's cache reused, from the build's own log lines: the
    restored key and memo, the pages found unchanged by content, fewer pages rendered than the
    archive has, and MkDocs re-rendering (incremental) only the pages generate wrote."""
    text = result.text
    restored = CACHE_RESTORED.search(text)
    expect(restored, f"the build did not restore main's state: {result.describe()}")
    expect("state restored: memo, " in text and ", the key" in text, f"no memo or key restored: {result.describe()}")
    generated, rendered, rebased = GENERATED.search(text), RENDERED.search(text), REBASED.search(text)
    expect(generated and rendered, f"no generate/build lines in the log: {result.describe()}")
    pages, by_generate, written = map(int, generated.groups())
    expect(rebased and int(rebased[1]) > 0, f"no page of main's state was found unchanged: {result.describe()}")
    expect(by_generate < pages, f"generate rendered all {pages} pages: main's memo was not used")
    expect(rendered[2] is not None, f"the build was not incremental ({rendered[0]}): {result.describe()}")
    expect(
        int(rendered[2]) == written < pages, f"MkDocs re-rendered {rendered[2]} of {pages} pages ({written} written)"
    )
    return {
        "restored": restored[1],
        "pages": pages,
        "unchanged_by_content": int(rebased[1]),
        "rendered_by_generate": by_generate,
        "rerendered_by_mkdocs": int(rendered[2]),
    }


COMMITTED_ARTICLE = "articles/2025/2025-06-13-committed-state.md"
PLANTED = {
    ".build/generate-memo.cbor": "explainer-archive generate memo 2\nplanted\n",
    ".build/search/planted.txt": "planted\n",
    "site/planted/index.html": "<p>planted</p>\n",
    "site/.build-stamp.json": '{"stamp": "planted", "files": "planted"}\n',
}


def committed_state(r: Rehearsal, ctx: dict) -> dict:
    """#4 commits build state (git add -f): it is deleted before main's cache is restored."""
    main = r.origin_git("rev-parse", "main")
    r.commit_files(main, {COMMITTED_ARTICLE: article("Committed state", "Brings .build/.", "2025-06-13")}, "Add")
    for name, text in PLANTED.items():
        (r.clone / name).parent.mkdir(parents=True, exist_ok=True)
        (r.clone / name).write_text(text, encoding="utf-8")
    r.git("add", "-f", *PLANTED)
    r.git("commit", "-q", "-m", "Commit build state")
    head = r.sha()
    r.git("rm", "-rq", "--cached", ".build", "site")
    r.open_pull(4, head, "committed-state", FULL_NAME, "contributor")
    merge = r.push_pull(4, head)
    preview, run_ = r.preview(4, "opened", merge)
    succeeded(preview, "Build the preview")
    expect("cleared before restoring the cache: .build, site" in preview.text, "the committed state was not deleted")
    expect("ignoring .build/generate-memo.cbor" not in preview.text, "the committed memo was read")
    state = reused_state(preview)
    zips = r.state.artifact_zips(run_)
    expect(zips, f"the Preview run uploaded no artifact: {preview.describe()}")
    names = [name for _artifact, path in zips for name in zipfile.ZipFile(path).namelist()]
    expect(not [name for name in names if "planted" in name], f"a planted file reached the artifact: {names}")
    expect("site/articles/2025/committed-state/index.html" in names, f"the article is not in the preview: {names}")
    r.state.pulls[4].update(state="closed")
    return {"cleared": ".build, site", "state": state, "artifact_files": len(names)}
