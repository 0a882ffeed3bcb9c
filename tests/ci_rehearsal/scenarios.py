"""The scenarios of the rehearsal, in the order they build on each other.

pull-request   #1 adds one article: CI passes, Preview builds and uploads, Preview publish puts
               the preview into gh-pages/pr-1/ and creates one comment.
second-push    main is deployed (Deploy saves its build state in main's cache); #1 changes the
               article: the Preview build restores main's state and says it re-rendered only a
               few pages; the preview is updated and the same comment edited.
committed-state #4 adds an article and commits .build/ (a memo, a search file) and site/ (a
               planted page): the Preview run deletes them before restoring main's cache, the
               build reuses main's state, and nothing planted reaches the artifact.
fork           #2 comes from a fork: its report is posted as text and nothing is published; a
               label added by someone without write access changes nothing; the label added by a
               maintainer publishes pr-2/; a new push removes the label.
crafted        artifacts no Preview run of this repository makes (a path out of the artifact,
               another head commit, a size the listing says is too large, a site that unpacks
               too large, a pull-request number that is not a number): nothing is published
               and no comment is written. And a symbolic link: download-artifact writes it as a
               plain file holding the link's text, which is published as such (no link on
               gh-pages, nothing outside pr-1/).
theme          #3 changes a stylesheet: its preview is the whole site; closed, it is removed.
race           gh-pages moves between a run's fetch and its push (another run's preview lands
               then): the deploy and the publish each try again from the new gh-pages, and
               neither loses the other's folder.
merge          #1 is merged: Deploy publishes the site at the root of gh-pages, in one commit,
               keeping the live previews.
matrix         the archive passes the size deploy.yml renders as a matrix from (a maintainer lowers
               SITE_MATRIX_FROM to 3, with SITE_MATRIX_JOBS 2): Deploy renders it in two jobs
               (build --partition 1/2, 2/2), joins them (build --merge) and publishes the very
               site the one-job deploy did, Pagefind's index aside.
close          #1 is closed: pr-1/ is removed and its comment says so.
deploys        (only with --deploys N) N more pushes to main, each deployed; the size of origin.git
               after each.
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path

from tests.ci_rehearsal.checks import article, committed_state, deploy_main, expect, failed, reused_state, succeeded
from tests.ci_rehearsal.rehearsal import FULL_NAME, PAGES_URL, Rehearsal, RehearsalError
from tests.ci_rehearsal.standin import BOT, Run, now

ARTICLE = "articles/2025/2025-06-10-rehearsal-article.md"
ARTICLE_URL = "articles/2025/rehearsal-article/"
FORK_ARTICLE = "articles/2025/2025-06-11-fork-article.md"
FORK_ARTICLE_URL = "articles/2025/fork-article/"
MARKER = "<!-- explainer-archive-preview -->"


def comments(r: Rehearsal, number: int) -> list[dict]:
    return [c for c in r.state.comments if c["issue"] == number and c["user"]["login"] == BOT]


# -- the scenarios -------------------------------------------------------------------------


def pull_request(r: Rehearsal, ctx: dict) -> dict:
    main = r.origin_git("rev-parse", "main")
    head = r.commit_files(main, {ARTICLE: article("Rehearsal article", "A first version.")}, "Add an article")
    r.open_pull(1, head, "add-article", FULL_NAME, "contributor")
    merge = r.push_pull(1, head)
    ctx["pr1_head"] = head
    ctx["title"] = "Rehearsal article"
    out = {}
    if ctx.get("with_ci", True):
        ci = r.act("pull_request", "ci.yml", r.pull_event("opened", 1), at=merge, pytest_args=r.pytest_args)
        succeeded(ci, "Test, check, build")
        expect("Run Main Build the site" not in ci.text, "CI built the site of a pull request (Preview does)")
        out["ci_seconds"] = round(ci.seconds)
    preview, run_ = r.preview(1, "opened", merge)
    succeeded(preview, "Build the preview")
    expect(run_.id and r.state.artifact_zips(run_), f"the Preview run uploaded no artifact: {preview.describe()}")
    mark = len(r.standin.log)
    publish = r.publish(run_)
    succeeded(publish, "Find the build", "Publish the preview", "Comment on the pull request")
    pages = r.gh_pages()
    expect("pr-1" in pages["top"], f"gh-pages has no pr-1/: {pages}")
    page = r.pages_file(f"pr-1/{ARTICLE_URL}index.html") or ""
    expect("Rehearsal article" in page, "pr-1/ does not have the new article's page")
    posts = r.standin.requests("POST", r"/issues/1/comments$", mark)
    patches = r.standin.requests("PATCH", r"/issues/comments/", mark)
    expect(len(posts) == 1 and not patches, f"expected one comment created: {posts} {patches}")
    body = posts[0]["body"]["body"]
    expect(body.startswith(MARKER), "the comment does not start with the marker")
    expect(f"{PAGES_URL}pr-1/{ARTICLE_URL}" in body, f"the comment has no link to the new page:\n{body}")
    expect(f"Built from {head}" in body, "the comment does not name the head commit")
    ctx["comment_id"] = comments(r, 1)[0]["id"]
    thin_preview(r, 1, page, body)
    out.update(
        preview_seconds=round(preview.seconds),
        publish_seconds=round(publish.seconds),
        pr1_files=len(r.pages_files("pr-1")),
        comment_id=ctx["comment_id"],
    )
    return out


def thin_preview(r: Rehearsal, number: int, page: str, body: str) -> None:
    """pr-<n>/ holds the pages the report lists and nothing else; other links go to the published site."""
    files = set(r.pages_files(f"pr-{number}"))
    counts = re.search(r"\*\*(\d+) pages? added, (\d+) changed", body)
    expect(counts, f"the comment does not count the pages:\n{body}")
    listed = int(counts[1]) + int(counts[2]) + (0 if f"[`/`]({PAGES_URL}pr-{number}/)" in body else 1)
    expect(len(files) == listed, f"pr-{number}/ has {len(files)} files, the report lists {listed} pages")
    expect(not any("/assets/" in f or "/pagefind/" in f for f in files), f"pr-{number}/ has theme or search files")
    expect(f"pr-{number}/index.html" in files, f"pr-{number}/ has no index.html")
    expect(f'Preview of <a href="https://github.com/{FULL_NAME}/pull/{number}">' in page, "no preview banner")
    expect(f'href="{PAGES_URL}about/"' in page, "a link to an unchanged page does not go to the published site")
    expect(f'src="{PAGES_URL}javascripts/archive-search.js"' in page, "search is not the published site's")


def second_push(r: Rehearsal, ctx: dict) -> dict:
    out = deploy_main(r)
    head = r.commit_files(
        ctx["pr1_head"],
        {ARTICLE: article("Rehearsal article, revised", "A second version.")},
        "Revise the article",
    )
    merge = r.push_pull(1, head)
    ctx["pr1_head"] = head
    ctx["title"] = "Rehearsal article, revised"
    cleanup = act_target(r, "synchronize", 1, "contributor", "preview-cleanup.yml")
    expect(cleanup.returncode == 0 and not cleanup.jobs, f"no cleanup job should run: {cleanup.describe()}")
    preview, run_ = r.preview(1, "synchronize", merge)
    succeeded(preview, "Build the preview")
    expect("-> origin/gh-pages" not in preview.text, "the Preview checkout fetched gh-pages (a whole site)")
    out["state"] = reused_state(preview)
    mark = len(r.standin.log)
    publish = r.publish(run_)
    succeeded(publish, "Publish the preview", "Comment on the pull request")
    page = r.pages_file(f"pr-1/{ARTICLE_URL}index.html") or ""
    expect("Rehearsal article, revised" in page, "pr-1/ was not updated")
    expect(
        f"Preview of #1 at {head}" in r.origin_git("log", "-1", "--format=%s", "gh-pages"), "no commit of the update"
    )
    posts = r.standin.requests("POST", r"/issues/1/comments$", mark)
    patches = r.standin.requests("PATCH", rf"/issues/comments/{ctx['comment_id']}$", mark)
    expect(not posts and len(patches) == 1, f"expected the same comment edited: posts {posts}, patches {patches}")
    expect(f"Built from {head}" in patches[0]["body"]["body"], "the edited comment does not name the new commit")
    thin_preview(r, 1, page, patches[0]["body"]["body"])
    expect(len(comments(r, 1)) == 1, "pull request #1 has more than one preview comment")
    return {**out, "preview_seconds": round(preview.seconds), "publish_seconds": round(publish.seconds)}


def target(r: Rehearsal, action: str, number: int, actor: str, **extra) -> tuple[str, dict, str]:
    """The arguments of act() for a pull_request_target event: event name, payload, at=."""
    at, event = r.target_event(r.pull_event(action, number, **extra), actor)
    return ("pull_request_target", event, at)


def act_target(r: Rehearsal, action: str, number: int, actor: str, workflow: str, **extra):
    event_name, event, at = target(r, action, number, actor, **extra)
    return r.act(event_name, workflow, event, at=at, actor=actor)


def fork(r: Rehearsal, ctx: dict) -> dict:
    main = r.origin_git("rev-parse", "main")
    head = r.commit_files(
        main,
        {FORK_ARTICLE: article("Fork article", "Written in a fork.", "2025-06-11")},
        "Add an article from a fork",
    )
    r.open_pull(2, head, "fork-article", "outsider/archive", "outsider")
    merge = r.push_pull(2, head)
    preview, run_ = r.preview(2, "opened", merge)
    succeeded(preview, "Build the preview")
    before = r.gh_pages()["sha"]
    mark = len(r.standin.log)
    publish = r.publish(run_)
    succeeded(publish, "Publish the preview", "Comment on the pull request")
    expect(r.gh_pages()["sha"] == before, "gh-pages changed for an unapproved fork")
    expect("pr-2" not in r.gh_pages()["top"], "pr-2/ was published without approval")
    posts = r.standin.requests("POST", r"/issues/2/comments$", mark)
    expect(len(posts) == 1, f"expected one comment on #2: {posts}")
    body = posts[0]["body"]["body"]
    expect("not published" in body and "preview-fork" in body, f"the comment does not say why:\n{body}")
    expect("`/articles/2025/fork-article/`" in body and "https://" not in body, f"the report is not text only:\n{body}")
    out = {"unapproved": "report only"}

    # A label added by someone who may not write: still the report only.
    time.sleep(1.1)  # the label is added after the Preview run was created (times are to the second)
    r.state.label(2, "preview-fork", "triager")
    labeled = act_target(r, "labeled", 2, "triager", "preview-publish.yml", label={"name": "preview-fork"})
    succeeded(labeled, "Find the build", "Publish the preview")
    expect("was not added by someone with write access" in labeled.text, "the triager's label was not refused")
    expect("pr-2" not in r.gh_pages()["top"], "pr-2/ was published on a label by someone without write access")
    out["label_by_read_permission"] = "refused"

    # The maintainer's label, after the push: published.
    time.sleep(1.1)
    r.state.label(2, "preview-fork", "maintainer")
    mark = len(r.standin.log)
    approved = act_target(r, "labeled", 2, "maintainer", "preview-publish.yml", label={"name": "preview-fork"})
    succeeded(approved, "Find the build", "Publish the preview", "Comment on the pull request")
    expect("pr-2" in r.gh_pages()["top"], "pr-2/ was not published after the maintainer's approval")
    patches = r.standin.requests("PATCH", r"/issues/comments/", mark)
    expect(len(patches) == 1 and f"{PAGES_URL}pr-2/" in patches[0]["body"]["body"], "the comment has no link")
    thin_preview(r, 2, r.pages_file(f"pr-2/{FORK_ARTICLE_URL}index.html") or "", patches[0]["body"]["body"])
    out["label_by_maintainer"] = "published"

    # A new push withdraws the approval.
    head2 = r.commit_files(head, {FORK_ARTICLE: article("Fork article", "Changed.", "2025-06-11")}, "Change it")
    r.push_pull(2, head2)
    mark = len(r.standin.log)
    sync = act_target(r, "synchronize", 2, "outsider", "preview-cleanup.yml")
    succeeded(sync, "Withdraw the approval of a fork's preview")
    removed = r.standin.requests("DELETE", r"/issues/2/labels/preview-fork$", mark)
    expect(removed and removed[0]["status"] == 200, "the label was not removed on the new push")
    expect(not r.state.pulls[2]["labels"], "pull request #2 still has the label")
    out["new_push"] = "label removed"
    return out


def crafted_zip(r: Rehearsal, name: str, head_sha: str, number: str = "1", **change) -> Path:
    """An artifact as a Preview run would upload it, spoilt by ``change``."""
    files: dict[str, bytes] = {
        "pr-number": f"{number}\n".encode(),
        "head-sha": f"{head_sha}\n".encode(),
        "report.json": json.dumps({"added": [], "changed": [], "removed": [], "checks": {}}).encode(),
        "report.md": b"report\n",
        "site/index.html": b"<p>crafted</p>\n",
    }
    path = r.crafted / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, data in files.items():
            archive.writestr(arcname, data)
        if "symlink" in change:
            info = zipfile.ZipInfo("site/passwd.html")
            info.create_system = 3
            info.external_attr = (0o120777) << 16
            archive.writestr(info, change["symlink"])
        if "outside" in change:
            archive.writestr(change["outside"], b"written outside the artifact\n")
        if "unpacked" in change:
            with archive.open("site/big.bin", "w", force_zip64=True) as big:
                chunk = bytes(2**20)
                for _ in range(change["unpacked"] // len(chunk) + 1):
                    big.write(chunk)
    return path


def crafted(r: Rehearsal, ctx: dict) -> dict:
    head = ctx["pr1_head"]
    cases = [
        # (name, zip keywords, claimed size, job that fails, what the log says)
        ("wrong-head-sha", {"head_sha": "0" * 40}, None, "Publish the preview", "head commit does not match"),
        ("not-a-number", {"number": "1; touch /tmp/pwned"}, None, "Publish the preview", "not a number"),
        ("listed-too-large", {}, 700 * 2**20, "Find the build", "is too large"),
        ("unpacks-too-large", {"unpacked": 501 * 2**20}, None, "Publish the preview", "too large"),
        ("symlink", {"symlink": b"/etc/passwd"}, None, None, None),
        # download-artifact's unzip drops the "../": the file lands at the artifact's top level
        ("path-outside", {"outside": "../../outside.txt"}, None, "Publish the preview", "unexpected entries"),
    ]
    out = {}
    for name, spoil, claimed, job, reason in cases:
        keywords = {"head_sha": spoil.pop("head_sha", head), "number": spoil.pop("number", "1"), **spoil}
        zip_path = crafted_zip(r, name, **keywords)
        run_ = Run(
            id=r.next_run_id(),
            workflow="preview.yml",
            name="Preview",
            event="pull_request",
            head_sha=head,
            head_branch="add-article",
            head_repository=FULL_NAME,
            created_at=now(),
            artifact=zip_path,
            claimed_size=claimed,
        )
        r.state.runs[run_.id] = run_
        before, top_before = r.gh_pages()["sha"], set(r.gh_pages()["top"])
        mark = len(r.standin.log)
        result = r.publish(run_)
        written = r.standin.requests("POST", r"/comments$", mark) + r.standin.requests("PATCH", "", mark)
        if job:
            failed(result, job, reason)
            expect(r.gh_pages()["sha"] == before, f"{name}: gh-pages changed")
            expect(not written, f"{name}: a comment was written")
            out[name] = f"refused ({reason})"
        else:
            # The runner's unzip (download-artifact) writes every entry as a plain file: a link
            # arrives as a file holding the link's text (the validator's check of links is the
            # second line). Whatever was published holds no symbolic link and nothing outside pr-1/.
            expect(not r.pages_symlinks(), f"{name}: gh-pages has a symbolic link: {r.pages_symlinks()}")
            top = set(r.gh_pages()["top"])
            expect(not top - top_before - {"pr-1"}, f"{name}: gh-pages has {sorted(top - top_before)} more")
            expect(
                not any("outside.txt" in p and not p.startswith("pr-1/") for p in r.pages_files()),
                f"{name}: a file landed outside pr-1/",
            )
            outcome = "refused" if result.returncode else "published as plain files (no link, nothing outside)"
            if name == "symlink" and result.returncode == 0:
                expect(r.pages_file("pr-1/passwd.html") == "/etc/passwd", "the link did not arrive as its text")
            out[name] = outcome
    # Put the real preview of #1 back (a crafted one may have replaced it).
    run_ = max((run_ for run_ in r.state.runs.values() if run_.artifact is None and run_.head_sha == head), key=_id)
    succeeded(r.publish(run_), "Publish the preview")
    return out


def _id(run_: Run) -> int:
    return run_.id


def push_event(r: Rehearsal, before: str, after: str) -> dict:
    """The event of a push of ``after`` onto main, as GitHub sends it to a workflow."""
    return {
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "deleted": False,
        "forced": False,
        "repository": r.repository(),
        "sender": {"login": "maintainer"},
        "head_commit": {"id": after},
    }


def merge(r: Rehearsal, ctx: dict) -> dict:
    head = ctx["pr1_head"]
    before = r.origin_git("rev-parse", "main")
    merged = r.merge_commit(before, head, "Merge pull request #1 from org/add-article")
    r.git("push", "-q", "origin", f"{merged}:refs/heads/main")
    event = push_event(r, before, merged)
    previews = {p for p in r.gh_pages()["top"] if p.startswith("pr-")}
    out = {}
    if ctx.get("with_ci", True):
        ci = r.act("push", "ci.yml", event, at=merged, actor="maintainer", pytest_args=r.pytest_args)
        succeeded(ci, "Test, check, build")
        expect("Success - Main Build the site" in ci.text, "CI on main did not build the site")
        out["ci_seconds"] = round(ci.seconds)
    deploy = r.act("push", "deploy.yml", event, at=merged, actor="maintainer")
    succeeded(deploy, "Build the site", "Publish to gh-pages")
    pages = r.gh_pages()
    expect("index.html" in pages["top"], f"no site at the root of gh-pages: {pages}")
    expect(ctx["title"] in (r.pages_file(f"{ARTICLE_URL}index.html") or ""), "the article is not live")
    expect(previews <= set(pages["top"]), f"the previews {sorted(previews)} were not kept: {pages['top']}")
    expect(pages["commits"] == 1, f"gh-pages is not one commit after the deploy: {pages['commits']} commits")
    for preview in previews:
        expect(r.pages_files(preview), f"{preview}/ was kept empty")
    r.state.pulls[1].update(state="closed", merged=True)
    return {
        **out,
        "deploy_seconds": round(deploy.seconds),
        "gh_pages_commits": pages["commits"],
        "kept": sorted(previews),
    }


def _site_blobs(r: Rehearsal) -> dict[str, str]:
    """The published site on gh-pages (no preview, no search index): path -> blob."""
    lines = r.origin_git("ls-tree", "-r", "gh-pages").splitlines()
    blobs = {line.split("\t", 1)[1]: line.split()[2] for line in lines}
    return {path: blob for path, blob in blobs.items() if not path.startswith(("pr-", "pagefind/"))}


def matrix(r: Rehearsal, ctx: dict) -> dict:
    before = r.origin_git("rev-parse", "main")
    published = _site_blobs(r)
    workflow = r.git("show", f"{before}:.github/workflows/deploy.yml") + "\n"
    configured = workflow.replace('SITE_MATRIX_FROM: "20000"', 'SITE_MATRIX_FROM: "3"').replace(
        'SITE_MATRIX_JOBS: "4"', 'SITE_MATRIX_JOBS: "2"'
    )
    expect(configured.count('"3"') and configured.count('"2"'), "deploy.yml has no SITE_MATRIX_FROM/_JOBS to set")
    head = r.commit_files(before, {".github/workflows/deploy.yml": configured}, "Render the site as a matrix of 2")
    r.git("push", "-q", "origin", f"{head}:refs/heads/main")
    deploy = r.act("push", "deploy.yml", push_event(r, before, head), at=head, actor="maintainer")
    succeeded(deploy, "Plan the build", "Merge the partitions", "Publish to gh-pages")
    renders = sorted(job for job in deploy.jobs if job.startswith("Render partition"))
    expect(len(renders) == 2, f"expected two render jobs, ran {renders}: {deploy.describe()}")
    expect(all(deploy.jobs[job] == "succeeded" for job in renders), f"a render job failed: {deploy.describe()}")
    expect("Build the site" not in deploy.jobs, f"the one-job build ran too: {deploy.describe()}")
    expect("build: 2 partitions merged" in deploy.text, "the merge job did not merge two partitions")
    after = _site_blobs(r)
    differ = sorted(path for path in published.keys() | after.keys() if published.get(path) != after.get(path))
    expect(not differ, f"the matrix published another site than the one job did: {differ[:10]}")
    expect(any(p.startswith("pagefind/") for p in r.pages_files()), "the matrix site has no search index")
    return {"deploy_seconds": round(deploy.seconds), "jobs": sorted(deploy.jobs), "files_compared": len(after)}


def theme(r: Rehearsal, ctx: dict) -> dict:
    """#3 changes a stylesheet: every page may change, so its preview is the whole site; closed,
    it is removed."""
    main = r.origin_git("rev-parse", "main")
    css = (r.clone / "docs/stylesheets/archive.css").read_text(encoding="utf-8") + "\n/* pull request 3 */\n"
    head = r.commit_files(main, {"docs/stylesheets/archive.css": css}, "Change the stylesheet")
    r.open_pull(3, head, "stylesheet", FULL_NAME, "contributor")
    merge = r.push_pull(3, head)
    preview, run_ = r.preview(3, "opened", merge)
    succeeded(preview, "Build the preview")
    expect("the preview is the whole site" in preview.text, "no notice of a whole-site preview")
    succeeded(r.publish(run_), "Publish the preview", "Comment on the pull request")
    expect("/* pull request 3 */" in (r.pages_file("pr-3/stylesheets/archive.css") or ""), "pr-3/ lacks its stylesheet")
    files = r.pages_files("pr-3")
    expect(any(p.startswith("pr-3/assets/") for p in files), "pr-3/ is not the whole site")
    r.state.pulls[3].update(state="closed")
    succeeded(act_target(r, "closed", 3, "contributor", "preview-cleanup.yml"), "Remove the preview")
    expect("pr-3" not in r.gh_pages()["top"], "pr-3/ was not removed")
    return {"pr3_files": len(files), "closed": "pr-3/ removed"}


def race(r: Rehearsal, ctx: dict) -> dict:
    """gh-pages moves between a run's fetch and its push (race_hook.py): nothing is lost."""
    out = {}
    # A deploy (run again by hand: workflow_dispatch) while a preview is published.
    r.race_next_fetch("pr-99")
    main = r.origin_git("rev-parse", "main")
    event = {"ref": "refs/heads/main", "inputs": {}, "repository": r.repository(), "sender": {"login": "maintainer"}}
    deploy = r.act("workflow_dispatch", "deploy.yml", event, at=main, actor="maintainer")
    succeeded(deploy, "Build the site", "Publish to gh-pages")
    expect(r.raced(), "the deploy did not fetch gh-pages: no race happened")
    expect("gh-pages moved while deploying: trying again" in deploy.text, "the deploy did not try again")
    pages = r.gh_pages()
    expect({"pr-99", "pr-1", "pr-2", "index.html"} <= set(pages["top"]), f"a preview was lost: {pages['top']}")
    expect(pages["commits"] == 1, f"gh-pages is not one commit: {pages['commits']}")
    out["deploy"] = "tried again; the preview published meanwhile kept; one commit"
    # A preview published while another preview is: the crafted symlink artifact of #1 (it
    # differs from pr-1/, so there is something to push), then the real one again.
    r.race_next_fetch("pr-98")
    crafted_run = next(run_ for run_ in r.state.runs.values() if run_.artifact and run_.artifact.stem == "symlink")
    publish = r.publish(crafted_run)
    succeeded(publish, "Publish the preview")
    expect(r.raced(), "the publish did not fetch gh-pages: no race happened")
    expect("gh-pages moved: trying again" in publish.text, "the publish did not try again")
    top = set(r.gh_pages()["top"])
    expect({"pr-98", "pr-99", "pr-1", "pr-2", "index.html"} <= top, f"something was lost: {sorted(top)}")
    real = max(
        (run_ for run_ in r.state.runs.values() if run_.artifact is None and run_.head_sha == ctx["pr1_head"]), key=_id
    )
    succeeded(r.publish(real), "Publish the preview")
    out["publish"] = "tried again; both previews kept"
    # The folders the other runs published go as their pull requests close.
    for number in (98, 99):
        r.open_pull(number, ctx["pr1_head"], f"other-{number}", FULL_NAME, "contributor")
        r.state.pulls[number]["state"] = "closed"
        succeeded(act_target(r, "closed", number, "maintainer", "preview-cleanup.yml"), "Remove the preview")
    top = set(r.gh_pages()["top"])
    expect(not {"pr-98", "pr-99"} & top and {"pr-1", "pr-2"} <= top, f"closing #98 and #99 left {sorted(top)}")
    return out


def close(r: Rehearsal, ctx: dict) -> dict:
    r.state.pulls[1].update(state="closed")
    mark = len(r.standin.log)
    removed = act_target(r, "closed", 1, "maintainer", "preview-cleanup.yml")
    succeeded(removed, "Remove the preview")
    top = r.gh_pages()["top"]
    expect("pr-1" not in top, f"pr-1/ is still on gh-pages: {top}")
    expect("index.html" in top, "the site at the root was removed too")
    patches = r.standin.requests("PATCH", rf"/issues/comments/{ctx['comment_id']}$", mark)
    expect(patches and "removed when the pull request was closed" in patches[-1]["body"]["body"], "comment not updated")
    return {"gh_pages_top": top}


def deploys(r: Rehearsal, ctx: dict, count: int) -> dict:
    sizes = []
    previews = {p for p in r.gh_pages()["top"] if p.startswith("pr-")}
    for index in range(count):
        before = r.origin_git("rev-parse", "main")
        text = article(f"Deploy number {index + 1}", f"Deployed {index + 1} times.", "2025-06-12")
        head = r.commit_files(before, {"articles/2025/2025-06-12-deploy-log.md": text}, f"Deploy {index + 1}")
        r.git("push", "-q", "origin", f"{head}:refs/heads/main")
        event = push_event(r, before, head)
        result = r.act("push", "deploy.yml", event, at=head, actor="maintainer")
        succeeded(result, "Publish to gh-pages")
        expect(previews <= set(r.gh_pages()["top"]), f"deploy {index + 1} lost a preview: {r.gh_pages()['top']}")
        sizes.append(repo_size(r))
        r.echo(f"    after deploy {index + 1}: {sizes[-1]}")
    # GitHub collects unreachable objects in time; here at once, to show what stays.
    r.origin_git("gc", "-q", "--prune=now")
    after_gc = repo_size(r)
    r.echo(f"    after git gc --prune=now: {after_gc}")
    return {"sizes": sizes, "after_gc": after_gc}


def repo_size(r: Rehearsal) -> dict:
    """origin.git as stored (loose and packed), and what is reachable once garbage is collected."""
    stats = dict(line.split(": ") for line in r.origin_git("count-objects", "-v").splitlines() if ": " in line)
    stored = (int(stats["size"]) + int(stats["size-pack"])) * 1024
    reachable = r.origin_git("rev-list", "--objects", "--all", "--disk-usage")
    gh_pages = r.origin_git("rev-list", "--objects", "gh-pages", "--disk-usage")
    return {
        "stored_bytes": stored,
        "reachable_bytes": int(reachable),
        "gh_pages_bytes": int(gh_pages),
        "gh_pages_commits": int(r.origin_git("rev-list", "--count", "gh-pages")),
    }


SCENARIOS = {
    "pull-request": pull_request,
    "second-push": second_push,
    "committed-state": committed_state,
    "fork": fork,
    "crafted": crafted,
    "theme": theme,
    "race": race,
    "merge": merge,
    "matrix": matrix,
    "close": close,
}


def play(r: Rehearsal, names: list[str], extra_deploys: int = 0, with_ci: bool = True) -> dict:
    """Plays the scenarios in order (each needs the ones before it); the results, by name."""
    ctx: dict = {"with_ci": with_ci}
    results: dict = {}
    summary_path = r.out / "summary.json"
    for name in names:
        r.echo(f"scenario {name}:")
        started = time.monotonic()
        try:
            outcome = SCENARIOS[name](r, ctx)
            results[name] = {"passed": True, "seconds": round(time.monotonic() - started), **outcome}
        except RehearsalError as exc:
            results[name] = {"passed": False, "seconds": round(time.monotonic() - started), "error": str(exc)}
            summary_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
            raise
        r.echo(f"  passed in {results[name]['seconds']} s")
        summary_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if extra_deploys:
        started = time.monotonic()
        results["deploys"] = {"passed": True, **deploys(r, ctx, extra_deploys)}
        results["deploys"]["seconds"] = round(time.monotonic() - started)
    results["gh_pages"] = r.gh_pages()
    results["origin_size"] = repo_size(r)
    summary_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results
