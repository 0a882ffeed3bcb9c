"""`make serve`: an edited article is served without a separate step, the server starts from the
last `make site`, and reading files during a rebuild does not trigger another rebuild."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.serve import _free_port
from build_tools.cli import main

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(condition, limit: float = 120.0) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < limit, "timed out"
        time.sleep(0.2)
    return time.monotonic() - started


@contextlib.contextmanager
def serving(root: Path) -> Iterator[tuple[str, Path]]:
    """`mkdocs serve --dirty` of ``root`` on a free port, as `make serve` runs it: the base URL
    and the file its output goes to; stopped (its whole process group) on the way out."""
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    log = root / "serve.log"
    with log.open("w") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield f"http://127.0.0.1:{port}/", log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_follows_an_edit_and_starts_from_the_last_build(golden_archive, capsys):
    assert main(["build", "--root", str(golden_archive)]) == 0
    capsys.readouterr()
    with serving(golden_archive) as (base, log):
        url = base + "articles/2025/putin-and-the-talks/"
        wait_for(lambda: "Putin and the talks" in fetch(url))
        assert "started from the last `make site`" in log.read_text()
        article = golden_archive / "articles/2025/2025-05-19-putin-and-the-talks.md"
        article.write_text(article.read_text("utf-8") + "\nA sentence written while serving.\n", "utf-8")
        wait_for(lambda: "A sentence written while serving." in fetch(url))
        time.sleep(3)  # long enough for a rebuild loop to show
        builds = log.read_text().count("Building documentation")
        time.sleep(3)
        assert log.read_text().count("Building documentation") == builds, "rebuilds keep coming"
        assert builds <= 3, log.read_text()  # the first build and the one for the edit (at most one more)
