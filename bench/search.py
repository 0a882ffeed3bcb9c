"""Bytes a reader's browser fetches for one search, measured in Chromium on a built site.

For each of ``QUERIES`` (fixed, so runs compare) a fresh browser context (empty cache, as a
first-time reader) opens ``/search/?q=<query>``, waits until the results are shown (their
excerpts fetched) and the network is idle, and sums the transfer size (``responseBodySize``: compressed bytes on the
wire) of every request under ``/pagefind/``. The site is served with gzip for text files, as
static hosts such as GitHub Pages do; Pagefind's own index files are stored compressed. The
page itself (HTML, theme CSS and JS) is reported apart: it is the same for every page.

``python -m bench.search SITE`` prints JSON for a built site/.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import statistics
import sys
import urllib.parse
from pathlib import Path

from .synth import REPO

sys.path.insert(0, str(REPO))  # the Chromium launch and static server the browser tests use
from tests.browsing import CHROMIUM_FLAGS, QuietHandler, chromium_path, serve  # noqa: E402

QUERIES = (
    "ceasefire",
    "sanctions",
    "inflation",
    "refugees",
    "vaccine",
    "tariffs",
    "election",
    "corruption trial",
    "peace talks",
    "humanitarian aid",
)
TEXT_TYPES = (".html", ".js", ".css", ".json", ".xml", ".svg", ".txt")


class _GzipHandler(QuietHandler):
    """A static server that gzips text files when the browser accepts it."""

    def send_head(self):
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not urllib.parse.urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to the folder's URL
            target = target / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and target.suffix in TEXT_TYPES and target.is_file()):
            return super().send_head()
        body = gzip.compress(target.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def _one_search(browser, base: str, query: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}

    def finished(request) -> None:
        with contextlib.suppress(Exception):  # a request torn down with the page has no sizes
            sizes[request.url] = sizes.get(request.url, 0) + request.sizes()["responseBodySize"]

    page.on("requestfinished", finished)
    page.goto(base + "search/?" + urllib.parse.urlencode({"q": query}))
    # The status line changes before the results' fragments arrive (and at 10,000 articles the
    # network can be idle in between, while the index is searched): wait for the results shown.
    page.wait_for_function(
        "() => { const s = document.getElementById('archive-search-status');"
        " return s && (/^0 results/.test(s.textContent)"
        " || (/result/.test(s.textContent) && document.querySelector('.archive-search__result'))); }",
        timeout=120_000,
    )
    page.wait_for_load_state("networkidle")
    results = page.locator(".archive-search__result").count()
    status = page.locator("#archive-search-status").inner_text()
    context.close()
    search = {url: n for url, n in sizes.items() if "/pagefind/" in url}
    return {
        "query": query,
        "status": status,
        "results_shown": results,
        "search_bytes": sum(search.values()),
        "search_requests": len(search),
        "page_bytes": sum(sizes.values()) - sum(search.values()),
        "largest": sorted(((n, url.split("/pagefind/")[-1]) for url, n in search.items()), reverse=True)[:3],
    }


def measure_search(site: Path, queries: tuple[str, ...] = QUERIES) -> dict:
    from playwright.sync_api import sync_playwright

    runs = []
    with serve(site, _GzipHandler) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)
        try:
            for query in queries:
                runs.append(_one_search(browser, base, query))
        finally:
            browser.close()
    per_query = [r["search_bytes"] for r in runs]
    return {
        "queries": runs,
        "median_search_bytes": int(statistics.median(per_query)),
        "max_search_bytes": max(per_query),
        "median_page_bytes": int(statistics.median(r["page_bytes"] for r in runs)),
    }


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m bench.search SITE", file=sys.stderr)
        return 2
    print(json.dumps(measure_search(Path(args[0]).resolve()), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
