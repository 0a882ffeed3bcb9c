"""A reader's path through the built sample archive in headless Chromium.

Needs Debian's `chromium` (installed by .ci/run); without it these tests are reported as
skipped with the reason.
"""

from __future__ import annotations

import pytest

from tests.browsing import browser_page, chromium_path, serve
from tests.conftest import REPO

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="no Chromium on this machine (apt-get install chromium)"),
]

SEED_TITLE = "Trump To Speak With Putin Following Stalled Russia-Ukraine Negotiations"
SCREENSHOTS = REPO / "tests" / "artifacts"


def heading_text(page) -> str:
    return page.locator("article h1").inner_text().rstrip("¶").strip()


def test_search_open_article_follow_tag(sample_site):
    SCREENSHOTS.mkdir(exist_ok=True)
    with serve(sample_site) as base, browser_page() as page:
        page.goto(base)
        page.get_by_role("searchbox", name="Search the archive", exact=True).fill("Putin")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=Putin")
        result = page.locator(".archive-search__result a", has_text=SEED_TITLE).first
        result.wait_for(timeout=15_000)
        page.screenshot(path=SCREENSHOTS / "search-putin.png")
        result.click()
        page.wait_for_load_state()
        assert "/articles/2025/" in page.url
        assert page.locator("article h1").count() == 1
        assert heading_text(page) == SEED_TITLE
        headings = page.locator("article h2").all_inner_texts()
        assert any("Trump's Communication with Putin" in h for h in headings)
        page.screenshot(path=SCREENSHOTS / "article.png")
        page.locator(".article-tags--all a", has_text="Vladimir Putin").click()
        page.wait_for_load_state()
        assert page.url.endswith("/actors/vladimir-putin/")
        assert heading_text(page) == "Vladimir Putin"
        listed = page.locator("article a", has_text=SEED_TITLE)
        assert listed.count() >= 1
        page.screenshot(path=SCREENSHOTS / "actor-vladimir-putin.png", full_page=True)


def test_search_filters_narrow_results(sample_site):
    def count(page) -> int:
        return int(page.locator("#archive-search-status").inner_text().split()[0])

    with serve(sample_site) as base, browser_page() as page:
        page.goto(base + "search/?q=Russia")
        page.locator(".archive-search__result").first.wait_for(timeout=15_000)
        everything = count(page)
        page.locator("#archive-search-filterbox > summary").click()
        page.get_by_role("checkbox", name="Article").check()
        page.wait_for_function(
            f"parseInt(document.getElementById('archive-search-status').textContent) < {everything}", timeout=10_000
        )
        # the status line updates first; the results follow once their fragments have loaded
        page.wait_for_function(
            "() => { const m = [...document.querySelectorAll('.archive-search__meta')];"
            " return m.length > 0 && m.every(e => e.textContent.trim().startsWith('Article')); }",
            timeout=15_000,
        )
        metas = page.locator(".archive-search__meta").all_inner_texts()
        assert metas and all(m.startswith("Article") for m in metas)
        assert "type=Article" in page.url
        page.screenshot(path=SCREENSHOTS / "search-filtered.png", full_page=True)


A11Y_PAGES = {
    "home": "",
    "article": "articles/2025/trump-to-speak-with-putin-following-stalled-russia-ukraine-negotiations/",
    "actor": "actors/vladimir-putin/",
    "topic": "topics/russia-ukraine-war/",
    "place": "places/ukraine/",
    "year": "archive/2025/",
    "overview": "actors/",
    "search": "search/?q=Putin",
}


@pytest.mark.parametrize("name", sorted(A11Y_PAGES))
def test_no_serious_accessibility_violations(sample_site, name):
    from axe_playwright_python.sync_playwright import Axe

    with serve(sample_site) as base, browser_page() as page:
        page.goto(base + A11Y_PAGES[name])
        if name == "search":
            page.locator(".archive-search__result").first.wait_for(timeout=15_000)
            page.locator("#archive-search-filterbox > summary").click()
            page.locator("#archive-search-filters input[type=checkbox]").first.wait_for(timeout=10_000)
        results = Axe().run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], "\n".join(serious)


def test_search_is_keyboard_reachable(sample_site):
    with serve(sample_site) as base, browser_page() as page:
        page.goto(base)
        for _ in range(15):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id") == "archive-searchbox-input":
                break
        else:
            pytest.fail("the header search box is not reachable with Tab")
        page.keyboard.type("sanctions")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=sanctions")
        page.locator(".archive-search__result").first.wait_for(timeout=15_000)
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.tagName") == "SUMMARY":
                break
        else:
            pytest.fail("the filter panel is not reachable with Tab from the search box")
        page.keyboard.press("Enter")  # opens the filter panel
        page.locator("#archive-search-filters input[type=checkbox]").first.wait_for(timeout=10_000)
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.type") == "checkbox":
                break
        else:
            pytest.fail("no filter checkbox is reachable with Tab from the filter panel")
        page.keyboard.press("Space")
        page.wait_for_function("location.search.includes('type=')", timeout=10_000)
