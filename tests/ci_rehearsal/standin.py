"""A stand-in for the few GitHub REST endpoints the workflows call, on 127.0.0.1 only.

It holds the state a rehearsal sets (pull requests, labels and who added them, collaborators'
permissions, workflow runs and their artifacts) and what the workflows change (comments, labels),
and records every request it is sent, with its answer's status, in ``requests.jsonl``. An
endpoint it does not know answers 404 and is recorded as such, so a workflow that calls something
new shows up in the log.

Artifacts: the runs of a rehearsed Preview upload theirs to act's artifact server, which keeps
each as ``ARTIFACTS/<run id>/<name>/<name>.zip``; the stand-in lists and serves those (as GitHub's
API does for a download from another run: a 302 to a blob address). A crafted run can instead
name a zip of its own and the size the listing claims.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

BOT = "github-actions[bot]"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Run:
    id: int
    workflow: str  # file name, e.g. preview.yml
    name: str
    event: str
    head_sha: str
    head_branch: str
    head_repository: str
    created_at: str
    conclusion: str = "success"
    artifact: Path | None = None  # a crafted zip instead of act's upload
    claimed_size: int | None = None  # the size the listing claims, instead of the zip's


@dataclass
class State:
    owner: str
    repo: str
    artifacts: Path  # act's --artifact-server-path
    pages_url: str
    pulls: dict[int, dict] = field(default_factory=dict)
    comments: list[dict] = field(default_factory=list)
    events: dict[int, list[dict]] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    runs: dict[int, Run] = field(default_factory=dict)
    next_id: int = 1000

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def label(self, number: int, name: str, actor: str, when: str | None = None) -> None:
        """``actor`` adds a label to pull request ``number``, as the labeled event records it."""
        pull = self.pulls[number]
        if name not in [label["name"] for label in pull["labels"]]:
            pull["labels"].append({"name": name})
        self.events.setdefault(number, []).append(
            {
                "id": self.new_id(),
                "event": "labeled",
                "label": {"name": name},
                "actor": {"login": actor},
                "created_at": when or now(),
            }
        )

    def artifact_zips(self, run: Run) -> list[tuple[str, Path]]:
        if run.artifact is not None:
            return [("preview", run.artifact)]
        folder = self.artifacts / str(run.id)
        return sorted((zip_.parent.name, zip_) for zip_ in folder.glob("*/*.zip")) if folder.is_dir() else []


class StandIn:
    """The server, in a thread; ``log`` is what it was asked, also written to ``log_path``."""

    def __init__(self, state: State, log_path: Path) -> None:
        self.state = state
        self.log_path = log_path
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, entry: dict) -> None:
        with self.lock:
            self.log.append(entry)
            with self.log_path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def requests(self, method: str | None = None, path: str = "", since: int = 0) -> list[dict]:
        """The recorded requests from index ``since`` on, by method and a regular expression on the path."""
        return [r for r in self.log[since:] if (method is None or r["method"] == method) and re.search(path, r["path"])]

    def handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # the log is requests.jsonl
                pass

            def answer(self, status: int, body: object = None, headers: dict | None = None, raw: bytes = b"") -> None:
                data = raw or (json.dumps(body).encode() if body is not None else b"")
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                entry = {
                    "time": now(),
                    "method": self.command,
                    "path": parts.path,
                    "query": query,
                    "body": body,
                    "authorization": bool(self.headers.get("Authorization")),
                }
                with standin.lock:
                    status, answer, headers, blob = route(standin.state, self.command, parts.path, query, body)
                entry["status"] = status
                standin.record(entry)
                self.answer(status, answer, headers, blob)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any

        def route(state: State, method: str, path: str, query: dict, body):
            # -> (status, json body, headers, raw bytes)
            if method == "GET" and (m := re.fullmatch(r"/_blobs/(\d+)/(\d+)", path)):
                run = state.runs.get(int(m[1]))
                zips = state.artifact_zips(run) if run else []
                index = int(m[2])
                if index < len(zips):
                    return 200, None, {}, zips[index][1].read_bytes()
                return 404, {"message": "Not Found"}, {}, b""
            prefix = f"/repos/{state.owner}/{state.repo}"
            if not path.startswith(prefix + "/"):
                return 404, {"message": "Not Found"}, {}, b""
            rest = unquote(path[len(prefix) :])

            if method == "GET" and rest == "/pages":
                return 200, {"html_url": state.pages_url, "source": {"branch": "gh-pages", "path": "/"}}, {}, b""
            if method == "GET" and (m := re.fullmatch(r"/pulls/(\d+)", rest)):
                pull = state.pulls.get(int(m[1]))
                return (200, pull, {}, b"") if pull else (404, {"message": "Not Found"}, {}, b"")
            if (m := re.fullmatch(r"/issues/(\d+)/comments", rest)) and method in ("GET", "POST"):
                number = int(m[1])
                if method == "GET":
                    return 200, [c for c in state.comments if c["issue"] == number], {}, b""
                comment = {
                    "id": state.new_id(),
                    "issue": number,
                    "body": body.get("body", "") if isinstance(body, dict) else "",
                    "user": {"login": BOT, "type": "Bot"},
                    "created_at": now(),
                    "updated_at": now(),
                }
                state.comments.append(comment)
                return 201, comment, {}, b""
            if method == "PATCH" and (m := re.fullmatch(r"/issues/comments/(\d+)", rest)):
                comment = next((c for c in state.comments if c["id"] == int(m[1])), None)
                if comment is None:
                    return 404, {"message": "Not Found"}, {}, b""
                comment["body"] = body.get("body", "") if isinstance(body, dict) else ""
                comment["updated_at"] = now()
                return 200, comment, {}, b""
            if method == "GET" and (m := re.fullmatch(r"/issues/(\d+)/events", rest)):
                return 200, state.events.get(int(m[1]), []), {}, b""
            if method == "DELETE" and (m := re.fullmatch(r"/issues/(\d+)/labels/(.+)", rest)):
                pull = state.pulls.get(int(m[1]))
                names = [label["name"] for label in pull["labels"]] if pull else []
                if m[2] not in names:
                    return 404, {"message": "Label does not exist"}, {}, b""
                pull["labels"] = [label for label in pull["labels"] if label["name"] != m[2]]
                return 200, pull["labels"], {}, b""
            if method == "GET" and (m := re.fullmatch(r"/collaborators/([^/]+)/permission", rest)):
                permission = state.permissions.get(m[1])
                if permission is None:
                    return 404, {"message": "Not Found"}, {}, b""
                return 200, {"permission": permission, "user": {"login": m[1]}}, {}, b""
            if method == "GET" and (m := re.fullmatch(r"/actions/workflows/([^/]+)/runs", rest)):
                runs = [
                    run_json(state, run)
                    for run in state.runs.values()
                    if run.workflow == m[1]
                    and query.get("head_sha", run.head_sha) == run.head_sha
                    and query.get("event", run.event) == run.event
                    and query.get("status", run.conclusion) in (run.conclusion, "completed")
                ]
                return 200, {"total_count": len(runs), "workflow_runs": runs}, {}, b""
            if method == "GET" and (m := re.fullmatch(r"/actions/runs/(\d+)/artifacts", rest)):
                run = state.runs.get(int(m[1]))
                if run is None:
                    return 404, {"message": "Not Found"}, {}, b""
                listed = []
                for index, (name, zip_) in enumerate(state.artifact_zips(run)):
                    if query.get("name") not in (None, name):
                        continue
                    size = zip_.stat().st_size if run.claimed_size is None else run.claimed_size
                    listed.append(
                        {
                            "id": run.id * 100 + index,
                            "name": name,
                            "size_in_bytes": size,
                            "expired": False,
                            "created_at": run.created_at,
                            "workflow_run": {"id": run.id, "head_sha": run.head_sha},
                        }
                    )
                return 200, {"total_count": len(listed), "artifacts": listed}, {}, b""
            if method == "GET" and (m := re.fullmatch(r"/actions/artifacts/(\d+)/zip", rest)):
                run_id, index = divmod(int(m[1]), 100)
                if run_id not in state.runs:
                    return 404, {"message": "Not Found"}, {}, b""
                return 302, None, {"Location": f"{standin.url}/_blobs/{run_id}/{index}"}, b""
            return 404, {"message": "Not Found (not handled by the stand-in)"}, {}, b""

        def run_json(state: State, run: Run) -> dict:
            return {
                "id": run.id,
                "name": run.name,
                "path": f".github/workflows/{run.workflow}",
                "event": run.event,
                "status": "completed",
                "conclusion": run.conclusion,
                "head_sha": run.head_sha,
                "head_branch": run.head_branch,
                "head_repository": {"full_name": run.head_repository},
                "created_at": run.created_at,
            }

        return Handler
