"""What a reader's browser fetches to show one article page, measured in Chromium on a built site.

The budget (README, "Pages"): an article page is at most 60 kB of HTML and at most 150 kB in
total on first load, search aside, in gzip transfer. For ``PAGES`` article pages spread over the
archive (the same spread at every size, so runs compare), a fresh browser context (empty cache:
a first-time reader) opens the page on the gzip server of ``bench.search`` (as static hosts
serve it), waits for the network to be idle and sums the transfer size (``responseBodySize``)
of every response but Pagefind's (no search is run; the search page is measured by
``bench.search``). Reported per page and as the median and the largest: the HTML (raw and gzip
transfer), everything fetched, the number of requests, any response with an error status, and
the cumulative layout shift (``layout-shift`` entries without recent input: what moves when
styles, scripts or fonts arrive).

The baseline, measured in the same run the same way: the About page, hand-written and short,
i.e. what the theme itself costs a reader (its CSS, JavaScript and header). Each article figure is
also given as a ratio to it, because sizes change when the theme is upgraded: compare ratios
between runs.

``python -m bench.weight SITE`` prints JSON for a built site/.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
from pathlib import Path

from .search import _GzipHandler
from .synth import REPO

sys.path.insert(0, str(REPO))
from tests.browsing import CHROMIUM_FLAGS, chromium_path, serve  # noqa: E402

PAGES = 9
BASELINE = "about/"
HTML_BUDGET = 60_000  # bytes of HTML per article page, raw (the gzip transfer is far below)
TOTAL_BUDGET = 150_000  # bytes transferred on first load, gzip, search aside

#: Collects layout shifts from the start of the page (buffered), as the Layout Instability API
#: defines the score: shifts within 500 ms of an input do not count (there is none here).
CLS_SCRIPT = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) window.__cls += entry.value; }
}).observe({type: 'layout-shift', buffered: true});
"""


def article_urls(site: Path, count: int = PAGES) -> list[str]:
    """``count`` article page URLs spread evenly over the archive's articles, oldest to newest."""
    pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "articles").glob("*/*/index.html"))
    if len(pages) <= count:
        return pages
    step = (len(pages) - 1) / (count - 1)
    return [pages[round(i * step)] for i in range(count)]


def _one_page(browser, base: str, url: str, site: Path) -> dict:
    context = browser.new_context()
    context.add_init_script(CLS_SCRIPT)
    page = context.new_page()
    sizes: dict[str, int] = {}
    errors: list[str] = []

    def finished(request) -> None:
        with contextlib.suppress(Exception):  # a request torn down with the page has no sizes
            sizes[request.url] = sizes.get(request.url, 0) + request.sizes()["responseBodySize"]

    page.on("requestfinished", finished)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url[len(base) - 1 :]}") if r.status >= 400 else None)
    page.goto(base + url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # let a late shift (a script's or an image's) be recorded
    shift = page.evaluate("window.__cls")
    context.close()
    fetched = {u: n for u, n in sizes.items() if "/pagefind/" not in u}
    return {
        "url": url,
        "html_bytes": (site / url / "index.html").stat().st_size,
        "html_transfer_bytes": fetched.get(base + url, 0),
        "total_transfer_bytes": sum(fetched.values()),
        "requests": len(fetched),
        "errors": errors,
        "layout_shift": round(shift, 4),
    }


def measure_weight(site: Path, count: int = PAGES) -> dict:
    """Article pages against the budget, and the About page as the baseline."""
    from playwright.sync_api import sync_playwright

    urls = article_urls(site, count)
    with serve(site, _GzipHandler) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)
        try:
            baseline = _one_page(browser, base, BASELINE, site)
            pages = [_one_page(browser, base, url, site) for url in urls]
        finally:
            browser.close()
    return summarise(pages, baseline)


def summarise(pages: list[dict], baseline: dict) -> dict:
    def figure(name: str) -> dict:
        values = [p[name] for p in pages]
        median = statistics.median(values) if values else 0
        return {"median": median, "max": max(values, default=0), "median_x_baseline": _ratio(median, baseline[name])}

    html, total = figure("html_bytes"), figure("total_transfer_bytes")
    return {
        "pages": pages,
        "baseline": baseline,
        "html_bytes": html,
        "html_transfer_bytes": figure("html_transfer_bytes"),
        "total_transfer_bytes": total,
        "layout_shift_max": max((p["layout_shift"] for p in pages), default=0.0),
        "errors": sorted({e for p in [baseline, *pages] for e in p["errors"]}),
        "budget": {
            "html_bytes": HTML_BUDGET,
            "total_transfer_bytes": TOTAL_BUDGET,
            "met": bool(pages) and html["max"] <= HTML_BUDGET and total["max"] <= TOTAL_BUDGET,
        },
    }


def _ratio(value: float, base: float) -> float | None:
    return round(value / base, 2) if base else None


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m bench.weight SITE", file=sys.stderr)
        return 2
    print(json.dumps(measure_weight(Path(args[0]).resolve()), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def describe(found: dict) -> str:
    """The table cell of ``python -m bench``: the largest article page against the budget."""
    html, total = found["html_bytes"], found["total_transfer_bytes"]
    verdict = "within budget" if found["budget"]["met"] else "OVER BUDGET"
    return (
        f"HTML max {html['max'] / 1000:.1f} kB (median ×{html['median_x_baseline']} About), "
        f"first load max {total['max'] / 1000:.1f} kB gzip (median ×{total['median_x_baseline']} About), "
        f"layout shift {found['layout_shift_max']}: {verdict}"
    )
