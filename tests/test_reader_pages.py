"""Pages that read like a news archive: the headline first, deks in every list, a home page for
the news, entry pages as backgrounders, the full tag list after the article.

The first tests read the generated Markdown of the golden archive; the browser tests read the
sample archive built by MkDocs in Chromium at a desktop (1280 px) and a phone (390 px) width,
with axe, and save screenshots of each kind of page under tests/artifacts/ (not committed).
They need Debian's `chromium`; without it they are reported as skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from build_tools.layout import Project, article_page
from build_tools.linking import salience
from build_tools.markup import inline, role_text
from build_tools.pipeline import render_pages
from build_tools.schema import Role
from tests.browsing import browser_page, chromium_path, serve
from tests.conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
TEASER_RE = re.compile(r"^- \[(?P<title>.+?)\]\((?P<target>[^)]+\.md)\)(?P<rest>.*)$", re.M)


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> tuple[dict[str, str], object]:
    """The golden archive's pages (docs/-relative path → Markdown) and its catalog."""
    root = tmp_path_factory.mktemp("golden") / "archive"
    shutil.copytree(REPO / "tests" / "golden" / "archive", root)
    return render_pages(Project(root))


def _order(text: str, *needles: str) -> list[int]:
    return [text.index(needle) for needle in needles]


def test_an_article_opens_with_its_headline_and_ends_with_its_tags(golden):
    pages, catalog = golden
    text = pages["articles/2025/putin-and-the-talks.md"].split("\n---\n", 1)[1]
    positions = _order(
        text,
        "# Putin and the talks",
        '<p class="article-summary"',
        '<p class="article-byline"',
        'class="article-tags article-tags--central"',
        "## What happened",
        "**Source:**",
        'class="article-tags article-tags--all"',
        "## Related articles",
    )
    assert positions == sorted(positions)
    assert text.lstrip().startswith("# Putin and the talks")  # nothing above the headline
    central = re.search(r"article-tags--central.*?</nav>", text).group()
    article = next(a for a in catalog.articles if a.slug == "putin-and-the-talks")
    named = re.findall(r"\]\(\.\./\.\./(\w+)/([\w-]+)\.md\)", central)
    assert 1 <= len(named) <= 5 and set(named) <= set(catalog.keys_of(article))
    ranked = [k for k, s in salience(article, catalog.vocabulary).items() if s.central]
    assert named == ranked[:5]  # the most central first


def test_the_full_tag_list_is_grouped_people_places_topics(golden):
    pages, _ = golden
    text = pages["articles/2025/putin-and-the-talks.md"]
    full = text[text.index("article-tags--all") :]
    groups = re.findall(r'article-tags__label">([^<]+)</span>(.*?)</p>', full)
    assert [label for label, _ in groups] == ["People and organisations", "Places", "Topics"]
    kinds = [set(re.findall(r"\.\./\.\./(\w+)/", chips)) for _, chips in groups]
    assert kinds == [{"actors"}, {"places"}, {"topics"}]
    assert "Vladimir Putin" in groups[0][1] and "NATO" in groups[0][1] and "Ukraine" in groups[1][1]


def test_every_list_shows_each_article_with_its_dek_and_date(golden):
    """Home, entry, year and related lists: every link to an article carries its dek and date."""
    pages, catalog = golden
    by_page = {article_page(a.year, a.slug): a for a in catalog.articles}
    seen = set()
    for path, text in pages.items():
        for item in TEASER_RE.finditer(text):
            target = _resolve(path, item["target"])
            if target not in by_page:
                continue  # a link to an entry or an overview, not an article
            article = by_page[target]
            seen.add(path.split("/")[0])
            rest = item["rest"]
            assert '<span class="article-list__dek">' in rest, (path, item.group())
            assert f'<span class="article-list__dek">{inline(article.meta.summary)}</span>' in rest, (path, rest)
            assert f'datetime="{article.meta.date.isoformat()}"' in rest, (path, rest)
    assert {"index.md", "actors", "topics", "places", "archive", "articles"} <= seen


def _resolve(page: str, target: str) -> str:
    parts = page.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def test_roles_read_with_their_years():
    start, end = dt.date(2021, 1, 20), dt.date(2025, 1, 20)
    assert role_text(Role(title="US President", start=start, end=end)) == "US President 2021–2025"
    assert role_text(Role(title="President of Russia", start=dt.date(2012, 5, 7))) == "President of Russia since 2012"
    assert role_text(Role(title="Acting head", start=start, end=dt.date(2021, 6, 1))) == "Acting head 2021"


def test_an_entry_page_is_a_backgrounder(golden):
    pages, catalog = golden
    text = pages["actors/vladimir-putin.md"]
    facts = text[text.index('<dl class="entity-facts__list"') : text.index("</dl>")]
    assert "<dt>Kind</dt><dd>Person</dd>" in facts
    # the latest role first, each with its years
    assert "<dt>Roles</dt><dd>President of Russia since 2012</dd><dd>Prime Minister of Russia 2008–2012</dd>" in facts
    assert "<dt>In the archive</dt><dd>2 articles, 2025</dd>" in facts
    assert 'href="https://www.wikidata.org/wiki/Q7747"' in facts
    story, mentions = text.split("## The story so far", 1)[1].split("## Also mentioned in", 1)
    assert "putin-and-the-talks.md" in story and "markdown-in-title-and-summary.md" in mentions
    key = ("actors", "vladimir-putin")
    for article in catalog.by_entity[key]:
        central = salience(article, catalog.vocabulary)[key].central
        assert (article.slug in story) == central and (article.slug in mentions) == (not central)


def test_the_story_so_far_is_in_date_order():
    """On the sample archive: every entry page lists the articles about it newest first, by year."""
    pages, _ = render_pages(Project(REPO))
    checked = 0
    for path, text in pages.items():
        if path.split("/")[0] not in ("actors", "topics", "places") or "## The story so far" not in text:
            continue
        story = text.split("## The story so far", 1)[1].split("## Also mentioned in", 1)[0]
        dates = re.findall(r'class="article-list__date" datetime="([\d-]+)"', story)
        years = [int(y) for y in re.findall(r"^### (\d{4})$", story, re.M)]
        assert dates == sorted(dates, reverse=True) and years == sorted(years, reverse=True), path
        assert {int(d[:4]) for d in dates} == set(years), path
        checked += 1
    assert checked > 50


def test_the_home_page_counts_back_from_the_newest_article(golden):
    pages, catalog = golden
    text = pages["index.md"]
    assert text.split("\n---\n", 1)[1].lstrip().startswith("# Explainer Archive")
    assert "4 explainers on the news" in text and "New in May 2025: 1 explainer." in text
    assert '<div class="card-search"></div>' in text  # where the template puts the search form
    assert '<p class="coverage-period">June 2024 to May 2025</p>' in text
    covered = text.split("## Most covered in the last 12 months", 1)[1].split("## The longest-running stories")[0]
    # São Paulo's only article (January 2024) is older than the twelve months: it is not listed
    assert 'Sanctions](topics/sanctions.md) <span class="coverage__count">1 article</span>' in covered
    assert "São Paulo" not in covered
    assert 'aria-label="Articles per month, June 2024 to May 2025: 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1"' in covered
    longest = text.split("## The longest-running stories", 1)[1]
    first = re.search(r"^1\. \[([^\]]+)\].*?coverage__count\">([^<]+)<", longest, re.M)
    assert first.groups() == ("Sanctions", "2024–2025 · 2 years · 2 articles")
    assert catalog.monthly(("topics", "sanctions"), dt.date(2025, 5, 19), 12) == [0] * 9 + [1, 0, 0]
    assert catalog.monthly(("topics", "sanctions"), dt.date(2025, 5, 19), 17) == [1] + [0] * 13 + [1, 0, 0]


# -- in Chromium ----------------------------------------------------------------------------------

SEED_TITLE = "Trump To Speak With Putin Following Stalled Russia-Ukraine Negotiations"
SEED_SUMMARY = "Trump to Speak with Putin: A Potential Turning Point in Russia-Ukraine Negotiations?"
SEED_URL = "articles/2025/trump-to-speak-with-putin-following-stalled-russia-ukraine-negotiations/"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PICTURES = {
    "home": "",
    "article": SEED_URL,
    "actor": "actors/vladimir-putin/",
    "topic": "topics/russia-ukraine-war/",
    "year": "archive/2025/",
    "search": "search/?q=Putin",
}
browser = pytest.mark.skipif(chromium_path() is None, reason="no Chromium on this machine (apt-get install chromium)")


HEADLINE_AND_TAGS = """() => {
  const content = document.querySelector('article.md-content__inner');
  const h1 = content.querySelector('h1');
  const all = content.querySelector('.article-tags--all');
  const apart = '.article-tags, .article-related, .article-source, .article-byline, .article-summary, [hidden]';
  const body = [...content.querySelectorAll('p, li, h2, h3, table, pre, blockquote')].filter(e => !e.closest(apart));
  const last = body[body.length - 1];
  return {
    h1: h1.getBoundingClientRect().top + window.scrollY,
    tags: all ? all.getBoundingClientRect().top + window.scrollY : null,
    bodyEnd: last ? last.getBoundingClientRect().bottom + window.scrollY : null,
    after: all && last ? Boolean(last.compareDocumentPosition(all) & Node.DOCUMENT_POSITION_FOLLOWING) : null,
    central: content.querySelectorAll('.article-tags--central a').length,
  };
}"""


@pytest.mark.browser
@browser
def test_on_a_phone_every_headline_comes_first_and_the_tags_follow_the_body(sample_site):
    articles = sorted(p.parent.relative_to(sample_site).as_posix() for p in sample_site.glob("articles/*/*/index.html"))
    assert len(articles) > 20
    tagged = 0
    with serve(sample_site) as base, browser_page(WIDTHS["phone"]) as page:
        for url in articles:
            page.goto(f"{base}{url}/")
            found = page.evaluate(HEADLINE_AND_TAGS)
            assert found["h1"] <= 300, (url, found)
            assert found["central"] <= 5, (url, found)
            if found["tags"] is None:  # an article without tags has no chips at all
                assert found["central"] == 0, (url, found)
                continue
            assert found["after"] and found["tags"] >= found["bodyEnd"], (url, found)
            tagged += 1
        assert tagged > 20


@pytest.mark.browser
@browser
def test_the_home_and_entry_pages_show_each_articles_dek(sample_site):
    with serve(sample_site) as base, browser_page(WIDTHS["phone"]) as page:
        page.goto(base)
        card = page.locator(".card-list li", has_text=SEED_TITLE)
        assert card.locator(".article-list__dek").inner_text() == SEED_SUMMARY
        page.goto(base + "actors/vladimir-putin/")
        item = page.locator(".article-list li", has_text=SEED_TITLE)
        assert item.locator(".article-list__dek").inner_text() == SEED_SUMMARY
        assert item.locator("time").get_attribute("datetime") == "2025-05-19"
        for url in ("", "actors/vladimir-putin/", "topics/russia-ukraine-war/", "archive/2025/"):
            page.goto(base + url)
            items = page.locator(".article-list li, .card-list li")
            deks = page.locator(".article-list li .article-list__dek, .card-list li .article-list__dek")
            assert items.count() > 0 and deks.count() == items.count(), url
            assert all(text.strip() for text in deks.all_inner_texts()), url
        page.goto(base + "actors/joe-biden/")
        roles = page.locator(".entity-facts__list dd").all_inner_texts()
        assert "US President 2021–2025" in roles and "US Vice President 2009–2017" in roles


@pytest.mark.browser
@browser
@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("name", sorted(PICTURES))
def test_pages_at_both_widths_pass_axe_and_are_pictured(sample_site, name, width):
    """axe finds no serious or critical issue; no request fails (no feeds/sitemap.xml either);
    nothing shifts as the page loads; a full-page screenshot is saved for a reader to look at."""
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(exist_ok=True)
    with serve(sample_site) as base, browser_page(WIDTHS[width]) as page:
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.add_init_script(
            "window.__cls = 0; new PerformanceObserver(l => { for (const e of l.getEntries())"
            " if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});"
        )
        page.goto(base + PICTURES[name])
        if name == "search":
            page.locator(".archive-search__result").first.wait_for(timeout=15_000)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=ARTIFACTS / f"{name}-{WIDTHS[width][0]}.png", full_page=True)
        assert failed == []
        if name != "search":  # the search page fills in its results as they arrive
            assert page.evaluate("window.__cls") < 0.01
        results = Axe().run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], "\n".join(serious)


def test_rankings_from_worker_processes_equal_those_made_in_process(golden, monkeypatch):
    """Many articles are ranked in forked workers (centrality.rank_all): the same rankings."""
    from build_tools import centrality

    _, catalog = golden
    serial: dict = {}
    centrality.rank_all(catalog.articles, catalog.vocabulary, serial)
    monkeypatch.setattr(centrality, "PARALLEL_MIN", 1)
    monkeypatch.setattr(centrality.os, "cpu_count", lambda: 2)
    forked: dict = {}
    centrality.rank_all(catalog.articles, catalog.vocabulary, forked)
    assert forked == serial and len(serial) == len(catalog.articles)
    article = next(a for a in catalog.articles if a.slug == "putin-and-the-talks")
    assert serial[article.digest][0] == (("actors", "vladimir-putin"), True)


def test_rankings_are_remembered_between_runs(golden_archive, monkeypatch):
    """The memo keeps each article's ranking: after a body edit only that article is ranked
    again, and the memo read back from its file holds a ranking for every article."""
    from build_tools import caches, centrality, pipeline

    project = Project(golden_archive)
    pipeline.generate(project)
    caches._live.clear()  # read the memo back from its file, not from this process
    memo = caches.MemoStore(golden_archive / caches.CACHE_FILE, caches.code_salt(project.site_url)).load()
    catalog, _ = pipeline.load_catalog(project)
    assert {a.digest for a in catalog.articles} == set(memo.rankings)
    talks = next(a for a in catalog.articles if a.slug == "putin-and-the-talks")
    assert memo.rankings[talks.digest] == centrality.ranking(talks, catalog.vocabulary)

    ranked: list[str] = []
    original = centrality.ranking
    monkeypatch.setattr(centrality, "ranking", lambda a, v: ranked.append(a.slug) or original(a, v))
    path = golden_archive / "articles/2025/2025-05-19-putin-and-the-talks.md"
    path.write_text(path.read_text("utf-8") + "\nPutin spoke again.\n", "utf-8")
    caches._live.clear()
    pipeline.generate(project)
    assert ranked == ["putin-and-the-talks"]
