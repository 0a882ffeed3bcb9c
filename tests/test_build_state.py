"""The build state deploy.yml caches and preview.yml restores (.github/scripts/build_state.py),
and the workflows' use of it: the paths are the ones the build reads, whatever the checkout
brought is deleted before a restore (a link removed, never followed), the key travels with the
state and lands where build_tools.keys accepts it, and a pull request's run only restores."""

from __future__ import annotations

import importlib.util
import os
import stat
from pathlib import Path

import yaml

from build_tools import keys
from build_tools.builders import SEARCH_WORK
from build_tools.caches import CACHE_FILE
from build_tools.layout import DOCS_DIR, GENERATED, SITE_DIR

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def script():
    path = ROOT / ".github" / "scripts" / "build_state.py"
    spec = importlib.util.spec_from_file_location("build_state", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cached_paths_are_what_the_build_reads_and_writes() -> None:
    paths = script().paths()
    assert CACHE_FILE.as_posix() in paths and SEARCH_WORK.as_posix() in paths and SITE_DIR in paths
    assert {f"{DOCS_DIR}/{name}" for name in GENERATED} <= set(paths)
    assert f".build/{keys.KEY_NAME}" in paths
    assert all(not p.startswith(("/", "~")) and ".." not in p.split("/") for p in paths)  # actions/cache's rule


def test_clear_deletes_what_git_brought_and_follows_no_link(tmp_path: Path) -> None:
    root, outside = tmp_path / "checkout", tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the checkout's", encoding="utf-8")
    (root / ".build" / "search").mkdir(parents=True)
    (root / CACHE_FILE).write_bytes(b"explainer-archive generate memo 2\nplanted\n")
    (root / ".build" / "search" / "link").symlink_to(outside)
    (root / SITE_DIR).symlink_to(outside, target_is_directory=True)
    (root / DOCS_DIR / "articles" / "2025").mkdir(parents=True)
    (root / DOCS_DIR / "articles" / "2025" / "x.md").write_text("planted", encoding="utf-8")
    (root / DOCS_DIR / "about.md").write_text("hand-written", encoding="utf-8")
    removed = script().clear(root)
    assert removed == [".build", SITE_DIR, f"{DOCS_DIR}/articles"]
    assert not os.path.lexists(root / ".build") and not os.path.lexists(root / SITE_DIR)
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "not the checkout's"
    assert (root / DOCS_DIR / "about.md").is_file()  # hand-written pages are the pull request's own


def test_the_key_goes_with_the_state_and_comes_back_private(tmp_path: Path, monkeypatch) -> None:
    module = script()
    main, runner = tmp_path / "main", tmp_path / "runner"
    (main / "checkout").mkdir(parents=True)
    monkeypatch.setenv("RUNNER_TEMP", str(main))
    monkeypatch.setenv(keys.KEY_DIR_ENV, str(module.key_dir(main / "checkout")))
    key = keys.memo_key(main / "checkout")
    module.save(main / "checkout")
    carried = (main / "checkout" / module.CARRIED_KEY).read_bytes()
    assert carried == key
    # A fresh runner: its own temporary folder; the cache restores .build/memo-key (umask 022).
    (runner / "checkout" / ".build").mkdir(parents=True)
    (runner / "checkout" / module.CARRIED_KEY).write_bytes(carried)
    os.chmod(runner / "checkout" / module.CARRIED_KEY, 0o644)
    monkeypatch.setenv("RUNNER_TEMP", str(runner))
    monkeypatch.setenv(keys.KEY_DIR_ENV, str(module.key_dir(runner / "checkout")))
    line = module.restored(runner / "checkout")
    assert line.startswith("state restored: nothing, 0 generated page(s), the key")
    assert not os.path.lexists(runner / "checkout" / module.CARRIED_KEY)  # never inside the checkout
    folder = module.key_dir(runner / "checkout")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / keys.KEY_NAME).stat().st_mode) == 0o600
    assert keys.memo_key(runner / "checkout") == key  # the build signs and checks with main's key


def steps(workflow: str) -> dict[str, list[dict]]:
    data = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))
    return {name: job["steps"] for name, job in data["jobs"].items() if "steps" in job}


def uses(step: dict) -> str:
    return (step.get("uses") or "").split("@")[0]


def test_only_main_writes_the_state_and_every_restore_follows_clear() -> None:
    restores, saves = {}, {}
    for workflow in ("ci.yml", "preview.yml", "deploy.yml", "preview-publish.yml", "preview-cleanup.yml"):
        for job, job_steps in steps(workflow).items():
            assert "actions/cache" not in [uses(step) for step in job_steps], f"{workflow} {job}: restore or save only"
            for index, step in enumerate(job_steps):
                if uses(step) == "actions/cache/restore":
                    before = "\n".join(s.get("run", "") for s in job_steps[:index])
                    assert "build_state.py clear" in before, f"{workflow} {job}: restores without clearing first"
                    after = "\n".join(s.get("run", "") for s in job_steps[index + 1 :])
                    assert "build_state.py restored" in after.split("make site")[0].split("build_tools build")[0]
                    restores[(workflow, job)] = step["with"]
                if uses(step) == "actions/cache/save":
                    before = "\n".join(s.get("run", "") for s in job_steps[:index])
                    assert "build_state.py save" in before
                    saves[(workflow, job)] = step["with"]
    assert {workflow for workflow, _job in saves} == {"deploy.yml"}  # main's runs alone write the state
    assert ("preview.yml", "build") in restores
    for found in (*restores.values(), *saves.values()):
        assert found["path"] == "${{ steps.state.outputs.paths }}"
        assert found["key"].startswith("build-state-${{ runner.os }}-")
    preview = restores[("preview.yml", "build")]
    assert preview["key"].endswith("${{ github.event.pull_request.base.sha }}")
    assert preview["restore-keys"] == "build-state-${{ runner.os }}-"


def test_a_preview_of_articles_is_built_with_the_published_address() -> None:
    text = (WORKFLOWS / "preview.yml").read_text(encoding="utf-8")
    assert 'echo "SITE_URL=${PAGES_URL}" >> "$GITHUB_ENV"' in text  # main's: its state can be reused
    assert '--base-url "$PREVIEW_URL"' in text  # the report still links to the preview
