"""Property tests: random text in every field never crashes the pipeline and never becomes
active HTML (hypothesis, derandomized, so every run tries the same examples)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.layout import Project
from build_tools.pipeline import render_pages
from build_tools.problems import InputError
from build_tools.readers import read_article
from build_tools.sanitize import clean_html
from tests.conftest import REPO

SETTINGS = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "onerror=",
    "onload",
    "javascript:",
    "JaVaScRiPt:",
    "&#106;avascript:",
    "data:text/html,",
    "vbscript:",
    '<a href="',
    '"',
    "'",
    "[x](",
    ")",
    "](javascript:alert(1))",
    "<",
    ">",
    "&",
    "&lt;",
    "&amp;",
    "`",
    "*",
    "_",
    "\\",
    "{: onclick=x }",
    "{:",
    "}",
    "#",
    "!",
    "|",
    "~",
    "\n",
    "\n\n",
    "    ",
    "<div markdown>",
    "</div>",
    "<svg onload=alert(1)>",
    "<style>",
    "<iframe src=x>",
    "<!--",
    "-->",
    "]]>",
    "{{",
    "}}",
    "{%",
    "---",
    "\u2028",
    "\u202e",
    "Кiev",
    "ﬁ",
    "\x00",
    "\x1b",
    "\ud800",
    "NO",
    "3.10",
    "1:20:30",
    "2024-02-30",
    "&#x3C;script&#x3E;",
]
texty = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=10).map("".join)
# mostly text the schema accepts (so the generators run), sometimes anything at all
_printable = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=6)
_valid = [f for f in FRAGMENTS if not any(ord(c) < 32 and c != "\n" or 0xD800 <= ord(c) <= 0xDFFF for c in f)]
_mostly_valid = st.lists(st.one_of(st.sampled_from(_valid), _printable), min_size=1, max_size=10).map("".join)
fieldy = st.one_of(*[_mostly_valid.map(lambda text: "T " + text)] * 4, texty)
bodies = st.one_of(*[_mostly_valid] * 3, texty)

MARKDOWN_EXTENSIONS = ["md_in_html", "tables", "pymdownx.tilde", "admonition", "toc"]  # mkdocs.yml's
ACTIVE = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "template",
    "form",
    "base",
    "meta",
    "link",
}
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


class _Strict(HTMLParser):
    """In a page fragment (no theme around it) nothing active may appear at all."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and BAD_SCHEME.match(
                re.sub(r"[\t\n\r]", "", value or "")
            ):
                self.found.append(f"{name}={value!r} on <{tag}>")


def active(html: str) -> list[str]:
    parser = _Strict()
    parser.feed(html)
    parser.close()
    return parser.found


def to_html(page: str) -> tuple[dict, str]:
    """A generated page as MkDocs sees it: (frontmatter, body HTML before the hook)."""
    import yaml

    _, front, body = page.split("---\n", 2)
    md = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"toc": {"permalink": True}, "pymdownx.tilde": {"subscript": False}},
    )
    return yaml.safe_load(front) or {}, md.convert(body)


def test_markdown_extensions_match_mkdocs_yml():
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    section = config.split("markdown_extensions:", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^  - ([\w.]+)", section, re.MULTILINE)
    assert sorted(listed) == sorted(MARKDOWN_EXTENSIONS)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a YAML double-quoted scalar (controls escaped)


def make_archive(root: Path, title: str, summary: str, body: str, name: str, description: str) -> Path:
    vocabulary = root / "articles" / "vocabulary"
    vocabulary.mkdir(parents=True, exist_ok=True)
    actors = (
        f"- id: someone\n  name: {_q(name)}\n  aliases: [{_q(name + ' alias')}]\n  description: {_q(description)}\n"
    )
    (vocabulary / "actors.yml").write_bytes(actors.encode("utf-8", "surrogatepass"))
    topics = f"- id: a-topic\n  name: {_q(description)}\n  description: d\n"
    (vocabulary / "topics.yml").write_bytes(topics.encode("utf-8", "surrogatepass"))
    (vocabulary / "places.yml").write_text("", "utf-8")
    path = root / "articles" / "2025" / "2025-05-20-case.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = (
        f"title: {_q(title)}\ndate: 2025-05-20\nsummary: {_q(summary)}\nactors: [someone]\ntopics: [a-topic]\n"
        f"source:\n  name: {_q(name)}\n  url: https://example.org/x\n  author: {_q(title)}\n"
    )
    path.write_bytes(f"---\n{front}---\n\n{body}".encode("utf-8", "surrogatepass"))
    return path


def render(root: Path) -> dict[str, str] | None:
    try:
        pages, _ = render_pages(Project(root))
    except InputError as exc:
        assert exc.problems, "InputError without problems"
        for problem in exc.problems:
            assert problem.message and problem.line >= 1
        return None
    return pages


@SETTINGS
@given(title=fieldy, summary=fieldy, name=fieldy, description=fieldy)
def test_random_frontmatter_and_vocabulary_text_never_becomes_html(tmp_path_factory, title, summary, name, description):
    root = tmp_path_factory.mktemp("prop")
    path = make_archive(root, title, summary, "## Section\n\nPlain text.\n", name, description)
    article, problems = read_article(path)
    assert (article is None) == bool(problems)
    pages = render(root)
    if pages is None:
        return
    for page_name, page in pages.items():
        if not page_name.endswith(".md"):
            continue  # feeds: XML written by feedgen, text escaped by the XML writer
        meta, html = to_html(page)
        # no cleaning here: the escaping alone must keep the text inert
        assert active(html) == [], (page_name, html)
        for key in ("title", "description"):
            value = str(meta.get(key, ""))
            assert "<" not in value and '"' not in value, (page_name, key, value)
        assert "<" not in str(meta.get("structured_data", "")), page_name


@SETTINGS
@given(body=bodies)
def test_random_body_never_reaches_the_page_active(tmp_path_factory, body):
    root = tmp_path_factory.mktemp("prop")
    make_archive(root, "A title", "A summary.", "## Section\n\n" + body + "\n", "Someone", "Somebody.")
    pages = render(root)
    if pages is None:
        return
    meta, html = to_html(pages["articles/2025/case.md"])
    assert active(clean_html(html)) == []


@pytest.mark.parametrize(
    "body", ["<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>"]
)
def test_the_property_checker_sees_active_html(body):
    _, html = to_html(f"---\ntitle: t\n---\n{body}\n")
    assert active(html) != []
    assert active(clean_html(html)) == []


# --- the sanitizer's fast path gives what the full allowlist gives ----------------------------

_class_names = st.sampled_from(
    ["headerlink", "article-byline", "timeline__bar--3", "md-dialog", "md-dialog--active", "note", "x", "", "&amp;"]
)
_ids = st.sampled_from(["a", "__drawer", "__search", "_x", "sec-1", 'a"b', "a&b", " __x"])
_spaces = st.sampled_from([" ", "  ", "\t", "\n", " \n "])


@st.composite
def _classy_html(draw) -> str:
    """HTML whose class and id values the attribute filter may or may not change: allowed and
    theme classes, odd spacing, ids of Material's controls, quotes, entities, text that looks
    like an attribute, single-quoted and unquoted values."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        tag = draw(st.sampled_from(["p", "div", "span", "a", "h2", "em", "table"]))
        classes = draw(st.lists(_class_names, max_size=3))
        spacing = draw(_spaces)
        quote = draw(st.sampled_from(['"', "'", ""]))
        attributes = ""
        if classes:
            value = spacing.join(classes) if quote else (classes[0] or "x")
            attributes += f" class={quote}{value}{quote}"
        if draw(st.booleans()):
            attributes += f' id="{draw(_ids)}"'
        text = draw(st.sampled_from(["text", ' class="md-dialog"', " id=__drawer", "<b>bold</b>", "&para;"]))
        parts.append(f"<{tag}{attributes}>{text}</{tag}>")
    return "".join(parts)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(html=st.one_of(_classy_html(), bodies))
def test_the_fast_cleaner_gives_what_the_filtering_cleaner_gives(html):
    from build_tools import sanitize

    assert sanitize._clean(html) == sanitize._CLEANER.clean(html)


@pytest.mark.parametrize(
    "html",
    ['<p class="md-dialog">x</p>', '<p id="__drawer">x</p>', '<p class="note  x">x</p>', "<p class='a  b'>x</p>"],
)
def test_the_fast_cleaner_falls_back_when_the_filter_would_change_a_value(html):
    from build_tools import sanitize

    assert not sanitize._filter_would_keep(sanitize._FAST_CLEANER.clean(html))
    assert sanitize._clean(html) == sanitize._CLEANER.clean(html) != sanitize._FAST_CLEANER.clean(html)
