"""Hostile input: the bad-input corpus (tests/hostile/), XSS payloads in every text route,
and output paths that must stay inside their folder.

Policy (README "Safety"): bad frontmatter or vocabulary is rejected by `generate` with a
message naming the file, line and field; raw HTML in a body is rejected by `check` and by the
strict `build` (the sanitizer's report is a warning, so `mkdocs build --strict` fails and
site/ is kept); whatever gets past that (`mkdocs serve`, a non-strict build) is cleaned.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.layout import Project
from build_tools.pipeline import render_pages
from build_tools.sanitize import clean_html
from build_tools.writers import DocsWriter
from tests.conftest import GOLDEN_ARCHIVE, REPO, copy_site_config, write_article
from tests.hostile.sitescan import MARKER, active_html, scan_site

CORPUS = Path(__file__).parent / "hostile"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["case"]
DEFAULT_TARGET = "articles/2025/2025-05-20-case.md"
VOCABULARY_TARGET = "articles/vocabulary/actors.yml"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue() + err.getvalue()


# -- the corpus ---------------------------------------------------------------------------------


def test_every_corpus_file_has_a_case_and_every_case_a_file():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".md", ".yml")}
    named = [case["file"] for case in CASES]
    assert sorted(named) == sorted(files)
    assert all(case.get("accepted") or case.get("expect") for case in CASES)


@pytest.fixture(scope="module")
def corpus_archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus") / "archive"
    shutil.copytree(GOLDEN_ARCHIVE, root)
    copy_site_config(root)
    status, output = run_cli("generate", "--root", str(root))
    assert status == 0, output
    return root


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_corpus_case(corpus_archive, case, monkeypatch):
    root = corpus_archive
    monkeypatch.chdir(root)  # messages show paths relative to the working folder
    source = CORPUS / case["file"]
    target = root / case.get("target", VOCABULARY_TARGET if source.suffix == ".yml" else DEFAULT_TARGET)
    docs_before = snapshot(root / "docs")
    original = target.read_bytes() if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((original or b"") + source.read_bytes())
    articles_before = snapshot(root / "articles")
    try:
        status, output = run_cli(case.get("command", "generate"), "--root", str(root))
        assert snapshot(root / "articles") == articles_before, "a command wrote into articles/"
    finally:
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)
    assert "Traceback" not in output
    if case.get("accepted"):
        assert status == 0, output
        return
    assert status == 1, output
    for line in case["expect"]:
        assert line in output
    assert snapshot(root / "docs") == docs_before, "docs/ changed although the input has errors"


# -- XSS in every route text takes into site/ ----------------------------------------------------

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert('xss')>",
    '" onmouseover="alert(\'xss\')" x="',
    "' onfocus='alert(`xss`)' autofocus '",
    "</title></script><svg onload=alert('xss')>",
    "[click](javascript:alert('xss'))",
    "<a href=\"jAvAsCrIpT:alert('xss')\">a</a>",
    "]]></summary><script>xss</script>",
    "{{ 'xss' }} {% raw %}",
    "\\u003cscript\\u003exss",
]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture
def hostile_fields_archive(golden_archive):
    """Payloads in every frontmatter and vocabulary text field; bodies stay plain."""
    root = golden_archive
    for n, payload in enumerate(PAYLOADS):
        front = f"""\
            title: {_quoted(f"T{n} {payload}"[:200])}
            date: 2025-06-{n + 1:02d}
            summary: {_quoted(f"S{n} {payload} {payload}"[:300])}
            actors: [vladimir-putin, hostile-{n}]
            topics: [sanctions]
            source:
              name: {_quoted(payload)}
              url: https://example.org/{n}?q=%3Cscript%3Exss
              author: {_quoted(payload)}
              license: {_quoted(payload)}
              id: {_quoted(payload)}
            """
        write_article(root, f"2025-06-{n + 1:02d}-hostile-{n}.md", front)
    actors = root / "articles" / "vocabulary" / "actors.yml"
    entries = "".join(
        f"- id: hostile-{n}\n  name: {_quoted(f'A{n} {payload}')}\n  kind: person\n"
        f"  aliases: [{_quoted(payload)}]\n  description: {_quoted(f'D{n} {payload}')}\n"
        for n, payload in enumerate(PAYLOADS)
    )
    actors.write_text(actors.read_text("utf-8") + entries, "utf-8")
    return root


@pytest.mark.slow
def test_hostile_text_fields_are_escaped_in_every_built_file(hostile_fields_archive):
    root = hostile_fields_archive
    status, output = run_cli("build", "--root", str(root))
    assert status == 0, output
    site = root / "site"
    assert scan_site(site) == []
    page = (site / "articles/2025/hostile-0/index.html").read_text("utf-8")
    # the text arrives, as text, in the heading, <title>, description, JSON-LD and tag chips
    assert "T0 &lt;script&gt;alert(" in page
    assert "<title>T0 &lt;script&gt;" in page
    assert '<meta name="description" content="S0 &lt;script&gt;' in page
    assert "\\u003cscript\\u003ealert('xss')\\u003c/script\\u003e" in page
    assert "A0 &lt;script&gt;" in page
    feed = (site / "feeds/all.xml").read_text("utf-8")
    assert "T0 &lt;script&gt;alert('xss')&lt;/script&gt;" in feed


HOSTILE_BODY = """\
## Section

<script>alert('xss')</script>
<img src=x onerror="alert('xss')">
[click](javascript:alert('xss'))
<a href="JaVaScRiPt:alert('xss')">x</a>
<a href="&#106;avascript:alert('xss')">entity</a>
<a href=" javascript:alert('xss')">space</a>
<style>body {{ display: none }} /* xss */</style>
<iframe src="https://evil.example/xss"></iframe>
<div onclick="alert('xss')" markdown>text in a div</div>
<svg onload="alert('xss')"><circle/></svg>
[data](data:text/html;base64,eHNz)
![img](vbscript:msgbox-xss)
<object data="https://evil.example/xss.swf"></object>
<form action="javascript:alert('xss')"><button>go</button></form>
<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('xss')>"></noscript>
Paragraph {{: onmouseover="alert('xss')" }}

## Heading <img src=x onerror=alert('xss')>

Kept: <small>small</small>, <abbr title="title">abbr</abbr>, <kbd>kbd</kbd>, <sup>1</sup>.
"""


@pytest.fixture
def hostile_body_archive(golden_archive):
    write_article(
        golden_archive,
        "2025-06-01-hostile-body.md",
        "title: Hostile body\ndate: 2025-06-01\nsummary: Raw HTML in the body.\nactors: [vladimir-putin]",
        HOSTILE_BODY.format(),
    )
    return golden_archive


@pytest.mark.slow
def test_raw_html_in_a_body_fails_the_strict_build_and_keeps_the_site(golden_archive, hostile_body_archive):
    """generate (build's first step) refuses the article with check's messages, so nothing is
    written; the sanitizer behind it is tested below on the page as the generator renders it."""
    root = golden_archive
    (root / "articles/2025/2025-06-01-hostile-body.md").rename(root / "hostile-body.md.off")
    status, output = run_cli("build", "--root", str(root))
    assert status == 0, output
    before = snapshot(root / "site")
    docs_before = snapshot(root / "docs")
    (root / "hostile-body.md.off").rename(root / "articles/2025/2025-06-01-hostile-body.md")
    result = subprocess.run(
        [sys.executable, "-m", "build_tools", "build", "--root", str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    where = "articles/2025/2025-06-01-hostile-body.md"
    for line, received in ((10, "<script>"), (11, "<img>"), (17, "<iframe>"), (19, "<svg>"), (23, "<form>")):
        assert f"{where}:{line}: error: html: Expected Markdown or only the HTML tags" in output, line
        assert f"but received {received}" in output
    assert (
        f"{where}:12: error: link: Expected an http(s), mailto or internal link but received a javascript: link"
        in output
    )
    assert "docs/ and site/ are unchanged" in output
    assert snapshot(root / "site") == before
    assert snapshot(root / "docs") == docs_before
    assert not list(root.glob("site.tmp-*"))


def _hostile_page_past_generate(root: Path) -> None:
    """docs/ as generate writes it, with the hostile article's page as the generator renders it
    (what reached MkDocs before generate ran check's rules, or a hand-edited docs/)."""
    article = root / "articles/2025/2025-06-01-hostile-body.md"
    article.rename(root / "hostile-body.md.off")
    status, output = run_cli("generate", "--root", str(root))
    assert status == 0, output
    (root / "hostile-body.md.off").rename(article)
    name = "articles/2025/hostile-body.md"
    (root / "docs" / name).write_text(render_pages(Project(root))[0][name], encoding="utf-8")


@pytest.mark.slow
def test_raw_html_in_a_body_is_removed_when_the_build_is_not_strict(hostile_body_archive, tmp_path):
    root = hostile_body_archive
    _hostile_page_past_generate(root)
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
    strict = subprocess.run([*mkdocs, "--strict"], cwd=root, env=env, capture_output=True, text=True)
    assert strict.returncode != 0, strict.stderr  # the sanitizer's warning stops a strict build
    assert (
        "WARNING -  articles/2025/2025-06-01-hostile-body.md (docs/articles/2025/hostile-body.md): "
        "raw HTML not allowed, removed: " in strict.stderr
    )
    for removed in ("<script> element", "onerror= attribute on <img>", "href=\"javascript:alert('xss')\" on <a>"):
        assert removed in strict.stderr
    shutil.rmtree(site, ignore_errors=True)
    result = subprocess.run([*mkdocs, "--no-strict"], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "raw HTML not allowed, removed" in result.stderr
    assert scan_site(site) == []
    page = (site / "articles/2025/hostile-body/index.html").read_text("utf-8")
    assert "text in a div" in page and "<small>small</small>" in page and "<kbd>kbd</kbd>" in page
    assert '<abbr title="title">abbr</abbr>' in page
    # the generator's own markup survives the cleaning
    assert (
        '<p class="article-byline" data-pagefind-ignore="all"><time datetime="2025-06-01">June 1, 2025</time>' in page
    )
    assert 'class="headerlink" href="#section"' in page
    assert "data-pagefind-ignore" in page or "article-related" not in page
    # ...and the table of contents is text
    toc = page.split('<nav class="md-nav md-nav--secondary"', 1)[-1].split("</nav>", 1)[0]
    assert "<img" not in toc and active_html(toc) == []


def test_golden_pages_are_not_changed_by_the_sanitizer(golden_archive):
    """The generator's own markup is all inside the allowlist: cleaning changes nothing visible."""
    from build_tools.sanitize import removed

    samples = [
        '<p class="article-byline" data-pagefind-ignore="all"><time datetime="2025-03-02">March 2, 2025</time> · 1 min read</p>',
        '<div class="article-source" data-pagefind-ignore="data-pagefind-ignore">\n<p><strong>Source:</strong> '
        '<a href="https://example.org/x">Example</a>. License: PD.</p>\n</div>',
        '<h2 id="what-happened">What happened<a class="headerlink" href="#what-happened" title="Permanent link">¶</a></h2>',
        '<ul>\n<li><a href="../x/">X</a> <small>May 19, 2025</small></li>\n</ul>',
        '<table>\n<thead>\n<tr>\n<th>Name</th>\n<th style="text-align: right;">Articles</th>\n</tr>\n</thead></table>',
        '<ol class="timeline" aria-label="Coverage by year"><li><span class="timeline__count">1</span></li></ol>',
        '<nav class="pager" aria-label="Pages"><a href="page-2/">Older</a></nav>',
        '<div class="admonition note">\n<p class="admonition-title">Note</p>\n<p>x</p>\n</div>',
    ]
    for html in samples:
        assert removed(html, clean_html(html)) == [], html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('xss')</script>",
        "<scr<script>ipt>alert('xss')</script>",
        "<img src=x onerror=alert('xss')>",
        "<IMG SRC=\"jav&#x09;ascript:alert('xss');\">",
        "<a href='&#x6A;avascript:alert(\"xss\")'>x</a>",
        "<a href='java\nscript:alert(\"xss\")'>x</a>",
        "<svg><script>alert('xss')</script></svg>",
        "<math><mi xlink:href='javascript:alert(\"xss\")'>x</mi></math>",
        "<details open ontoggle=alert('xss')>",
        "<body onload=alert('xss')>",
        "<a href='vbscript:msgbox(\"xss\")'>x</a>",
        "<a href='data:text/html,<script>alert(\"xss\")</script>'>x</a>",
        "<style>@import 'https://evil.example/xss.css';</style>",
        "<div style=\"background:url(javascript:alert('xss'))\">x</div>",
        "<base href='javascript:alert(\"xss\")//'>",
        "<meta http-equiv='refresh' content='0;url=javascript:alert(\"xss\")'>",
        "<!--<script>alert('xss')</script>-->",
        "<noscript><p title='</noscript><img src=x onerror=alert(\"xss\")>'></noscript>",
    ],
)
def test_sanitizer_removes_known_xss_vectors(payload):
    cleaned = clean_html(payload)
    assert active_html(cleaned) == [], cleaned
    assert "<script" not in cleaned.lower() and "javascript:" not in cleaned.lower()


# -- output paths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../x.md", "articles/../../x.md", "/tmp/x.md", "../docs-evil/articles/x.md", "about.md", "stylesheets/x.css"],
)
def test_writer_refuses_paths_outside_the_generated_folders(tmp_path, name):
    docs = tmp_path / "docs"
    docs.mkdir()
    with pytest.raises(ValueError, match="refusing to write"):
        DocsWriter(docs).swap({name: "x"})
    with pytest.raises(ValueError, match="refusing to write"):
        DocsWriter(docs).in_place({name: "x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_writer_refuses_to_write_through_a_symlink_out_of_docs(tmp_path):
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    docs.mkdir()
    outside.mkdir()
    (docs / "articles").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="refusing to write"):
        DocsWriter(docs).in_place({"articles/2025/x.md": "x"})
    assert list(outside.iterdir()) == []


def test_scan_finds_what_it_should(tmp_path):
    """The scanner itself: it must see active content, or the tests above prove nothing."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(f"<p><img src=x onerror=alert('{MARKER}')></p>", "utf-8")
    (site / "b.html").write_text("<a href=' JavaScript:alert(1)'>x</a>", "utf-8")
    (site / "c.html").write_text(f"<script>alert('{MARKER}')</script>", "utf-8")
    (site / "d.html").write_text(f"<p>&lt;script&gt;alert('{MARKER}')&lt;/script&gt; onerror=x</p>", "utf-8")
    found = scan_site(site)
    assert [f.split(":")[0] for f in found] == ["a.html", "b.html", "c.html"]
