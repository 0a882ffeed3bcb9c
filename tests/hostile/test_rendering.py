"""Hardening, findings 2, 3 and 9: values that used to leave their place in the page.

2. A source URL with ``>)`` ended the credit link and added an image and a phishing link.
3. Attribute lists (``{: … }``) and attributes in a body set Material's classes (a fixed
   "session expired" dialog), ``hidden`` text that search indexes, and Pagefind filters.
9. A multi-line title added a second ``<h1>``, a rule and a list.

Each is refused by the schema or by ``check`` (tests/hostile/cases.toml), and whatever could
still get past that is neutralised in the rendered HTML: the properties below are fuzzed with
hypothesis against Python-Markdown with mkdocs.yml's extensions and the sanitizer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.generators import safe_url
from build_tools.layout import Project
from build_tools.pipeline import render_pages
from build_tools.problems import InputError
from build_tools.sanitize import allowed_class, clean_html
from build_tools.schema import ArticleMeta
from tests.conftest import REPO, write_article
from tests.test_properties import MARKDOWN_EXTENSIONS, make_archive

SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS)


def page_html(root: Path) -> str | None:
    try:
        pages, _ = render_pages(Project(root))
    except InputError:
        return None
    page = pages["articles/2025/case.md"]
    return clean_html(to_html(page.split("\n---\n", 1)[1]))


# -- 2. source URLs ---------------------------------------------------------------------------------

URL_PARTS = [
    "a",
    "/",
    ">",
    "<",
    ")",
    "(",
    "]",
    "[",
    "<img/src=https://tracker.example/pixel.gif>",
    "[Read](https://phish.example/login)",
    "![x](https://tracker.example/p.gif)",
    " ",
    '"',
    "'",
    "%20",
    "?q=1&r=2",
    "#frag",
    "\\",
    "`",
    "*",
    "_",
    "é",
    "{",
    "}",
]
url_tails = st.lists(st.sampled_from(URL_PARTS), max_size=8).map("".join)


@SETTINGS
@given(tail=url_tails)
def test_2_a_source_url_is_refused_or_ends_up_as_one_link_with_the_url_as_its_address(tmp_path_factory, tail):
    url = "https://example.org/" + tail
    root = tmp_path_factory.mktemp("url")
    path = make_archive(root, "A title", "A summary.", "## Section\n\nPlain text.\n", "Someone", "Somebody.")
    path.write_text(path.read_text("utf-8").replace("https://example.org/x", json.dumps(url)), "utf-8")
    url = url.strip()  # as the schema reads it
    html = page_html(root)
    if html is None:
        try:
            ArticleMeta.model_validate(
                {"title": "t", "date": "2025-05-20", "summary": "s", "source": {"name": "n", "url": url}}
            )
        except ValueError:
            return  # refused by the schema, with a message (tests/hostile/cases.toml)
        pytest.fail(f"{url!r} was accepted by the schema but the page did not render")
    # The credit and whatever a URL could have added after it, up to the tag list the page puts next
    # (its "Filed under" links are the page's own, not the URL's).
    start = html.index('<div class="article-source"')
    end = html.find('<div class="article-tags', start)
    credit = html[start : end if end != -1 else len(html)]
    found = elements(credit)
    links = [attrs for tag, attrs in found if tag == "a"]
    assert [tag for tag, _ in found if tag in ("img", "script", "iframe")] == []
    assert len(links) == 1, credit
    assert links[0]["href"] == safe_url(url)


def test_2_the_red_team_url_is_refused_and_a_valid_url_with_brackets_stays_one_link():
    with pytest.raises(ValueError, match="Expected an http"):
        ArticleMeta.model_validate(
            {
                "title": "t",
                "date": "2025-05-20",
                "summary": "s",
                "source": {
                    "name": "n",
                    "url": "https://example.org/a>)<img/src=https://tracker.example/pixel.gif>[Read](https://phish.example/login)",
                },
            }
        )
    html = to_html(f"[Source]({safe_url('https://en.wikipedia.org/wiki/Mercury_(planet)')}) rest")
    assert html == '<p><a href="https://en.wikipedia.org/wiki/Mercury_%28planet%29">Source</a> rest</p>'


# -- 3. attribute lists and attributes ---------------------------------------------------------

ATTRIBUTES = [
    ".md-dialog",
    ".md-dialog--active",
    ".archive-visually-hidden",
    "#__drawer",
    "hidden",
    'data-pagefind-filter="actor:Donald Trump"',
    'data-pagefind-meta="title:Fake"',
    "data-pagefind-body",
    'style="position:fixed"',
    'onclick="x()"',
    ".admonition",
    ".article-summary",
]
attribute_lists = st.lists(st.sampled_from(ATTRIBUTES), min_size=1, max_size=4).map(
    lambda names: "{: " + " ".join(names) + " }"
)
PLACES = [
    "Paragraph text.\n{attrs}",
    "## Heading {attrs}",
    "*emphasis*{attrs} and text",
    "[link](https://example.org/){attrs}",
    "- item\n{attrs}",
    "> quote\n{attrs}",
    '<details markdown="1" {html}><summary>s</summary>text</details>',
    "<small {html}>small</small>",
    '!!! md-dialog md-dialog--active "Session expired"\n    Sign in again.',
]


def _html_attributes(attrs: str) -> str:
    out = []
    for item in attrs.strip("{: }").split(" "):
        if item.startswith("."):
            out.append(f'class="{item[1:]}"')
        elif item.startswith("#"):
            out.append(f'id="{item[1:]}"')
        elif item:
            out.append(item)
    return " ".join(out)


def assert_no_borrowed_attributes(html: str) -> None:
    for tag, attrs in elements(html):
        assert "hidden" not in attrs, (tag, attrs)
        assert "style" not in attrs or tag in ("td", "th"), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert all(name == "data-pagefind-ignore" for name in attrs if name.startswith("data-")), (tag, attrs)
        assert all(allowed_class(name) for name in attrs.get("class", "").split()), (tag, attrs)
        assert not attrs.get("id", "").startswith("__"), (tag, attrs)


@SETTINGS
@given(place=st.sampled_from(PLACES), attrs=attribute_lists)
def test_3_attribute_lists_and_attributes_in_a_body_set_nothing_on_the_page(tmp_path_factory, place, attrs):
    body = place.format(attrs=attrs, html=_html_attributes(attrs))
    root = tmp_path_factory.mktemp("attrs")
    make_archive(root, "A title", "A summary.", f"## Section\n\n{body}\n", "Someone", "Somebody.")
    html = page_html(root)
    assert html is not None
    assert_no_borrowed_attributes(html)
    if "{attrs}" in place:  # attr_list is off: the list stays visible text, never an attribute
        assert "{: " in html


def test_3_the_generators_own_classes_and_attributes_are_kept(tmp_path):
    make_archive(tmp_path, "A title", "A summary.", "## Section\n\nText.\n", "Someone", "Somebody.")
    html = page_html(tmp_path)
    assert '<p class="article-byline" data-pagefind-ignore="all">' in html
    assert '<div class="article-source" data-pagefind-ignore="all">' in html
    assert clean_html('<a class="headerlink" href="#x">¶</a>') == '<a class="headerlink" href="#x">¶</a>'
    assert clean_html('<div class="admonition note"><p class="admonition-title">Note</p></div>') == (
        '<div class="admonition note"><p class="admonition-title">Note</p></div>'
    )


def test_3_mkdocs_yml_has_no_attribute_lists():
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    assert not re.search(r"^\s*-\s*attr_list\b", config, re.M)


# -- 9. titles --------------------------------------------------------------------------------

TITLE_PARTS = [
    "A",
    " ",
    "\n",
    "\n\n",
    "# Second",
    "---",
    "===",
    "- item",
    "1. item",
    "> quote",
    "\u202e",
    "\u200b",
    "|a|",
    "<h1>",
    "`",
]
titles = st.lists(st.sampled_from(TITLE_PARTS), min_size=1, max_size=8).map(lambda parts: "T " + "".join(parts))


@SETTINGS
@given(title=titles)
def test_9_a_title_is_refused_or_is_exactly_one_heading_with_nothing_else(tmp_path_factory, title):
    root = tmp_path_factory.mktemp("title")
    make_archive(root, title, "A summary.", "## Section\n\nPlain text.\n", "Someone", "Somebody.")
    html = page_html(root)
    if html is None:
        assert re.search("[\n\u202e\u200b]", title), f"{title!r} refused without a reason the schema names"
        return
    found = [tag for tag, _ in elements(html)]
    assert found.count("h1") == 1
    head = html[: html.index("</h1>")]
    assert [tag for tag, _ in elements(head)] == ["h1"]
    assert "<hr" not in html and "<ol" not in html and "<blockquote" not in html


# -- the whole build ----------------------------------------------------------------------------


def _past_generate(root: Path, source: str, page: str) -> None:
    """docs/ as generate writes it without ``source``, then that article's page as the generator
    renders it: what reaches MkDocs past generate (which refuses check's errors)."""
    held = root / "held.md.off"
    (root / source).rename(held)
    status = subprocess.run(
        [sys.executable, "-m", "build_tools", "generate", "--root", str(root)], cwd=REPO, capture_output=True, text=True
    )
    assert status.returncode == 0, status.stdout + status.stderr
    held.rename(root / source)
    (root / "docs" / page).write_text(render_pages(Project(root))[0][page], encoding="utf-8")


@pytest.mark.slow
def test_3_an_attribute_list_article_builds_with_the_list_as_text_and_raw_attributes_fail_the_build(golden_archive):
    root = golden_archive
    write_article(
        root,
        "2025-06-01-dialog.md",
        "title: Dialog\ndate: 2025-06-01\nsummary: An attribute list.",
        "## Section\n\nSession expired, sign in again.\n{: .md-dialog .md-dialog--active }\n\n"
        'Indexed only.\n{: hidden data-pagefind-filter="actor:Donald Trump" }\n',
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "build_tools", "build", "--root", str(root)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # generate refuses it with check's message
    assert "2025-06-01-dialog.md:10: error: attribute list: Expected no attribute lists in an article" in output
    assert not (root / "site/articles/2025/dialog").exists()

    # Past generate, MkDocs keeps the list as text: a strict build passes and sets nothing.
    _past_generate(root, "articles/2025/2025-06-01-dialog.md", "articles/2025/dialog.md")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "mkdocs-site")]
    result = subprocess.run(mkdocs, cwd=root, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (root / "mkdocs-site/articles/2025/dialog/index.html").read_text("utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    assert "{: .md-dialog .md-dialog--active }" in article
    assert "<p>Indexed only.\n{: hidden data-pagefind-filter=" in article
    for tag, attrs in elements(page):
        assert "md-dialog--active" not in attrs.get("class", ""), (tag, attrs)  # the theme has its own md-dialog
        assert "Donald Trump" not in attrs.get("data-pagefind-filter", ""), (tag, attrs)

    (root / "articles/2025/2025-06-01-dialog.md").unlink()
    write_article(
        root,
        "2025-06-02-dialog-html.md",
        "title: Dialog HTML\ndate: 2025-06-02\nsummary: An attribute in HTML.",
        '## Section\n\n<details class="md-dialog md-dialog--active" markdown><summary>Session expired</summary>'
        "Sign in again.</details>\n",
    )
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 1, result.stdout + result.stderr  # refused by generate or by the strict build
    assert "2025-06-02-dialog-html.md" in result.stdout + result.stderr
    assert not (root / "site/articles/2025/dialog-html").exists()
    _past_generate(root, "articles/2025/2025-06-02-dialog-html.md", "articles/2025/dialog-html.md")
    result = subprocess.run(mkdocs, cwd=root, capture_output=True, text=True, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "articles/2025/2025-06-02-dialog-html.md (docs/articles/2025/dialog-html.md): raw HTML not allowed" in output
    assert "class 'md-dialog' on <details>" in output
