"""How `make serve` answers an edit: from saving an article to its new text in the HTTP response.

``measure_serve(archive, code, env)`` does what ``make serve`` does (``generate``, then
``mkdocs serve --dirty`` with the project's hook) on an archive that ``build`` has built,
waits until the server answers, then appends a sentence to one article ``EDITS`` times and
polls that article's URL until the sentence is in the page. Reported: the time until the server
first answered, and the time from each write to the new text being served.

``python -m bench.serve ARCHIVE`` runs it on a kept archive and prints JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

EDITS = 3
POLL_S = 0.1
STARTUP_LIMIT_S = 1800
EDIT_LIMIT_S = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _article(archive: Path) -> tuple[Path, str]:
    """A mid-archive article and its served URL path."""
    paths = sorted(p for p in (archive / "articles").glob("[0-9]*/*.md"))
    path = paths[len(paths) // 2]
    return path, f"articles/{path.parent.name}/{path.stem[11:]}/"


def measure_serve(archive: Path, code: Path, env: dict[str, str], log=print) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    py = sys.executable
    started = time.perf_counter()
    subprocess.run([py, "-m", "build_tools", "generate", "--root", str(archive)], cwd=code, env=env, check=True)
    server = subprocess.Popen(
        [py, "-m", "mkdocs", "serve", "--dirty", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=archive,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    path, url = _article(archive)
    try:
        while _get(base + url) is None:
            if server.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited with {server.returncode}")
            if time.perf_counter() - started > STARTUP_LIMIT_S:
                raise RuntimeError("mkdocs serve did not answer in time")
            time.sleep(1)
        startup = time.perf_counter() - started
        log(f"serve: answering after {startup:.1f} s")
        time.sleep(5)  # let the watcher settle after the first build
        latencies = []
        for number in range(EDITS):
            marker = f"Served-edit-check {os.getpid()}-{number}."
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"\n{marker}\n")
            written = time.perf_counter()
            while marker not in (_get(base + url) or ""):
                if time.perf_counter() - written > EDIT_LIMIT_S:
                    raise RuntimeError(f"the edit was not served within {EDIT_LIMIT_S} s")
                time.sleep(POLL_S)
            latencies.append(round(time.perf_counter() - written, 2))
            log(f"serve: edit {number + 1} served after {latencies[-1]} s")
            time.sleep(8)  # the rebuild that our own docs/ writes trigger
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
    return {
        "startup_s": round(startup, 1),
        "edit_to_served_s": latencies,
        "edit_to_served_median_s": statistics.median(latencies),
    }


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m bench.serve ARCHIVE", file=sys.stderr)
        return 2
    archive = Path(args[0]).resolve()
    code = (archive / "build_tools").resolve().parent
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(code)}
    print(json.dumps(measure_serve(archive, code, env), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
