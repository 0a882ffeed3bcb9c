"""The project as a package: the wheel built from the working tree holds every subpackage and
every data file of ``build_tools``, installs into a fresh virtual environment, and its
``explainer-archive`` command runs there.

No network: the wheel is built with the build backend already installed (``--no-isolation``),
installed without dependencies, and the fresh environment finds the dependencies in this
environment's site-packages through a ``.pth`` file, after its own (so that ``build_tools``
can only come from the wheel).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "build_tools"


def _package_files() -> list[Path]:
    """Every file of build_tools that belongs in the wheel (bytecode caches are not shipped)."""
    return sorted(
        path.relative_to(REPO)
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the working tree (the build writes build/ and *.egg-info)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(PACKAGE, source / "build_tools", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"python -m build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    (built,) = (work / "dist").glob("*.whl")
    return built


def test_pyproject_has_a_build_system_and_a_license_file() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    assert project["project"]["license"] == "MIT"
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in license_text


def test_the_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = {path.as_posix() for path in _package_files()}
    missing = sorted(expected - names)
    assert not missing, (
        f"{len(missing)} file(s) of build_tools/ are not in the wheel, e.g. {missing[:5]}: a folder without "
        "__init__.py, or a data file that needs [tool.setuptools.package-data] in pyproject.toml"
    )
    subpackages = {p.parent.relative_to(REPO).as_posix() for p in PACKAGE.rglob("__init__.py")}
    assert {"build_tools/ingest", "build_tools/checks", "build_tools/commands"} <= subpackages
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def _fresh_venv(where: Path) -> Path:
    """A virtual environment without pip whose site-packages reaches this one's last."""
    venv.EnvBuilder(with_pip=False).create(where)
    python = where / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(own) / "zz_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return python


def test_the_wheel_installs_and_its_command_runs(wheel: Path, tmp_path: Path) -> None:
    python = _fresh_venv(tmp_path / "venv")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    script = tmp_path / "venv" / "bin" / "explainer-archive"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run(
        [str(python), "-c", "import build_tools.ingest, build_tools.cli; print(build_tools.ingest.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv"), where.stdout
    for args, expected in ((["--help"], "ingest"), (["ingest", "--help"], "--dry-run")):
        result = subprocess.run(
            [str(script), *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
        )
        assert result.returncode == 0, f"explainer-archive {' '.join(args)}:\n{result.stderr}"
        assert result.stdout.startswith("usage: ") and expected in result.stdout, result.stdout
        assert "Traceback" not in result.stderr
