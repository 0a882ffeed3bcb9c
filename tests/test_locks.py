"""The two locks: ``requirements.txt`` pins exactly what the site needs at run time (the direct
dependencies in pyproject.toml and all they require), ``requirements-dev.txt`` adds exactly what the
tools of the ``test`` extra need beyond that, and ``requirements.lock`` only names the second.

What a package requires is read from the metadata of the installed packages (this environment is
installed from the locks, so the versions are the pinned ones), markers evaluated for this Python.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PIN_RE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;#]+)$")
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def read_lock(name: str) -> tuple[list[str], dict[str, str]]:
    """The ``-r`` includes and the pins (canonical name -> version) of one requirements file."""
    includes: list[str] = []
    pins: dict[str, str] = {}
    for number, raw in enumerate((REPO / name).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            includes.append(line[3:].strip())
            continue
        match = PIN_RE.match(line)
        assert match, f"{name}:{number}: expected an exact pin like 'pyyaml==6.0.4' but received {raw!r}"
        key = canonicalize_name(match["name"])
        assert key not in pins, f"{name}:{number}: {match['name']} is pinned twice"
        pins[key] = match["version"]
    return includes, pins


def closure(requirements: list[str]) -> dict[str, str]:
    """Every distribution ``requirements`` need, with its installed version."""
    found: dict[str, str] = {}
    done: set[tuple[str, frozenset[str]]] = set()
    todo = [
        Requirement(text)
        for text in requirements
        if not Requirement(text).marker or Requirement(text).marker.evaluate()
    ]
    while todo:
        requirement = todo.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in done:
            continue
        done.add(key)
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise AssertionError(f"{requirement.name} is not installed: run `make test`") from None
        found[key[0]] = dist.version
        for text in dist.requires or []:
            child = Requirement(text)
            extras = requirement.extras or {""}
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(child)
    return found


def test_requirements_txt_pins_exactly_the_runtime_closure() -> None:
    includes, pins = read_lock("requirements.txt")
    assert includes == []
    needed = closure(PROJECT["dependencies"])
    assert sorted(set(needed) - set(pins)) == [], "needed at run time but not pinned in requirements.txt"
    assert sorted(set(pins) - set(needed)) == [], (
        "pinned in requirements.txt but not needed by pyproject.toml's dependencies: "
        "a test or lint tool belongs in requirements-dev.txt"
    )


def test_requirements_dev_adds_exactly_the_tools_closure() -> None:
    includes, pins = read_lock("requirements-dev.txt")
    assert includes == ["requirements.txt"]
    _, runtime = read_lock("requirements.txt")
    assert sorted(set(pins) & set(runtime)) == [], "pinned in both locks: keep it in requirements.txt only"
    needed = set(closure(PROJECT["optional-dependencies"]["test"])) - set(closure(PROJECT["dependencies"]))
    assert sorted(needed - set(pins)) == [], "needed by the test extra but not pinned in requirements-dev.txt"
    assert sorted(set(pins) - needed) == [], "pinned in requirements-dev.txt but not needed by the test extra"


def test_the_installed_versions_are_the_pinned_ones() -> None:
    pins = {**read_lock("requirements.txt")[1], **read_lock("requirements-dev.txt")[1]}
    installed = {name: metadata.version(name) for name in pins}
    wrong = {name: (pins[name], installed[name]) for name in pins if installed[name] != pins[name]}
    assert wrong == {}, f"(pinned, installed) differ: run `make test`, or pin what you installed: {wrong}"


def test_requirements_lock_only_names_the_dev_lock() -> None:
    includes, pins = read_lock("requirements.lock")
    assert pins == {}, (
        f"requirements.lock pins {sorted(pins)}: pin a runtime library in requirements.txt and a tool in "
        "requirements-dev.txt (and in pyproject.toml's dependencies or test extra); requirements.lock only includes them"
    )
    assert includes == ["requirements-dev.txt"]
