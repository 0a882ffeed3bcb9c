"""build_tools/layout.py is the one home of the archive's paths, page URLs and kinds of entity:
the files that cannot import it agree with it, and a kind is added by adding one row to KINDS."""

from __future__ import annotations

import ast
import importlib
import json
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from build_tools import layout
from build_tools.layout import (
    ARCHIVE_DIR,
    ENTITY_KINDS,
    GENERATED,
    KIND,
    KINDS,
    MENU_KINDS,
    article_source,
    entity_page,
    feed_path,
    overview_page,
    page_source,
    page_url,
)
from build_tools.pipeline import render_pages
from build_tools.problems import InputError
from build_tools.yamlsafe import decode_text, load
from tests.conftest import GOLDEN_ARCHIVE, REPO

LAYOUT = REPO / "build_tools" / "layout.py"

# -- the layout itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("index.md", ""),
        ("actors/index.md", "actors/"),
        ("actors/vladimir-putin.md", "actors/vladimir-putin/"),
        ("actors/vladimir-putin/page-2.md", "actors/vladimir-putin/page-2/"),
        ("articles/2025/putin-and-the-talks.md", "articles/2025/putin-and-the-talks/"),
        ("archive/index.md", "archive/"),
        ("archive/2025.md", "archive/2025/"),
        ("archive/2025/03.md", "archive/2025/03/"),
        ("feeds/all.xml", "feeds/all.xml"),
        ("feeds/topics/sanctions.xml", "feeds/topics/sanctions.xml"),
    ],
)
def test_page_urls(path: str, url: str) -> None:
    assert page_url(path) == url


def test_feeds_keep_their_file_names() -> None:
    assert page_url(feed_path()) == "feeds/all.xml"
    assert page_url(feed_path(("actors", "nato"))) == "feeds/actors/nato.xml"


def test_a_new_article_file_matches_the_file_name_pattern() -> None:
    import datetime as dt

    path = article_source(Path("articles"), dt.date(2025, 3, 2), "a-slug")
    assert path == Path("articles/2025/2025-03-02-a-slug.md")
    match = layout.ARTICLE_FILENAME_RE.match(path.name)
    assert match and match["date"] == "2025-03-02" and match["slug"] == "a-slug"


def test_pages_name_their_source_files() -> None:
    assert page_source("articles/2025/a-slug.md", "2025-03-02") == "articles/2025/2025-03-02-a-slug.md"
    assert page_source("articles/2025/a-slug.md") is None
    assert page_source(entity_page(("places", "russia"), 2)) == "articles/vocabulary/places.yml"
    assert page_source(overview_page("topics")) == "articles/vocabulary/topics.yml"
    assert page_source("archive/2025.md") is None
    assert page_source("about.md") is None


def test_the_kinds_table_is_consistent() -> None:
    assert ENTITY_KINDS == ("actors", "topics", "places")  # the order of tags on a page
    assert [kind.name for kind in MENU_KINDS] == ["topics", "actors", "places"]
    assert set(KIND) == set(ENTITY_KINDS) and len(set(ENTITY_KINDS)) == len(KINDS)
    for kind in KINDS:
        assert kind.jsonld in ("about", "mentions")
        assert kind.name not in (ARCHIVE_DIR, layout.ARTICLES_DIR, layout.FEEDS_DIR)


def test_generated_covers_every_page_generate_writes() -> None:
    pages, _catalog = render_pages(layout.Project(GOLDEN_ARCHIVE))
    owners = {name.split("/", 1)[0] for name in pages}
    assert owners == set(GENERATED)


def test_layout_imports_nothing_of_the_package() -> None:
    tree = ast.parse(LAYOUT.read_text("utf-8"))
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    assert all(
        not (isinstance(n, ast.ImportFrom) and (n.level or (n.module or "").startswith("build_tools")))
        for n in top_level
    )
    code = "import sys, build_tools.layout; print([m for m in sys.modules if m.startswith('build_tools.')])"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "['build_tools.layout']"


# -- files that cannot import the layout agree with it --------------------------------------------


def test_make_clean_removes_exactly_what_generate_owns(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("no make")
    shutil.copy2(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "build_tools").symlink_to(REPO / "build_tools")
    docs = tmp_path / "docs"
    for name in GENERATED:
        target = docs / name if name.endswith(".md") else docs / name / "page.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("generated\n")
    for hand_written in ("about.md", "search.md", "stylesheets/archive.css"):
        (docs / hand_written).parent.mkdir(parents=True, exist_ok=True)
        (docs / hand_written).write_text("kept\n")
    (tmp_path / "site").mkdir()
    result = subprocess.run(
        ["make", "--no-print-directory", "clean", f"PYTHON={sys.executable}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    left = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    assert left == ["about.md", "search.md", "stylesheets/archive.css"]
    assert not (tmp_path / "site").exists()


def test_the_nav_lists_every_kind_in_menu_order() -> None:
    nav = load(decode_text((REPO / "mkdocs.yml").read_bytes())).data["nav"]
    entries = [next(iter(item.items())) for item in nav]
    overviews = [(title, path) for title, path in entries if path.split("/")[0] in KIND or path.endswith("/index.md")]
    overviews = [entry for entry in overviews if not entry[1].startswith(ARCHIVE_DIR + "/")]
    assert overviews == [(kind.title, overview_page(kind.name)) for kind in MENU_KINDS]


def test_tag_chips_name_no_kind() -> None:
    text = (REPO / "build_tools" / "markup.py").read_text("utf-8").split("def chip(", 1)[1]
    assert "KIND[key[0]].singular" in text
    for kind in KINDS:
        assert not re.search(rf"\b({kind.name}|{kind.singular})\b", text, re.I), kind.name


def test_the_search_page_names_every_kind() -> None:
    text = (REPO / "docs" / "search.md").read_text("utf-8")
    singulars = ", ".join(kind.singular for kind in MENU_KINDS)
    assert f"Filter by type, {singulars} and year" in text
    links = re.findall(r'<a href="\.\./(\w+)/">', text)
    assert links == [*(kind.name for kind in MENU_KINDS), ARCHIVE_DIR]


def test_the_search_script_and_styles_name_every_kind() -> None:
    script = (REPO / "docs" / "javascripts" / "archive-search.js").read_text("utf-8")
    groups = re.findall(r'\["(\w+)", "(\w+)", "(?:all|any)"\]', script)
    assert groups[1:-1] == [(kind.singular, kind.title) for kind in MENU_KINDS]
    styles = (REPO / "docs" / "stylesheets" / "archive.css").read_text("utf-8")
    assert set(re.findall(r"\.archive-tag--(\w+)", styles)) == {kind.singular for kind in KINDS}


def test_every_subpackage_is_packaged() -> None:
    setuptools = pytest.importorskip("setuptools")
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]["find"]
    found = set(setuptools.find_packages(where=str(REPO), include=config["include"]))
    folders = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "build_tools").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert "build_tools.ingest" in folders and found == folders


# -- a fourth kind, defined in one place ----------------------------------------------------------

SERIES_ROW = '    Kind("series", "series", "Series", "Series", "CreativeWorkSeries"),\n'
SERIES_FILE = """\
- id: peace-talks
  name: The peace talks
  description: Explainers that follow the talks, one round at a time.
"""


@pytest.fixture
def fresh_package() -> Iterator[None]:
    """The package's modules imported anew inside the test, and put back as they were after it."""
    before = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "build_tools"}
    for name in before:
        del sys.modules[name]
    try:
        yield
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == "build_tools"]:
            del sys.modules[name]
        sys.modules.update(before)


def _with_series_kind() -> types.ModuleType:
    """Import the package with one row added to layout.KINDS, and nothing else changed."""
    source = LAYOUT.read_text("utf-8")
    end = source.index("\n)\n", source.index("KINDS: tuple[Kind, ...] = ("))
    patched = source[: end + 1] + SERIES_ROW + source[end + 1 :]
    importlib.import_module("build_tools")
    module = types.ModuleType("build_tools.layout")
    module.__file__, module.__package__ = str(LAYOUT), "build_tools"
    sys.modules["build_tools.layout"] = module
    exec(compile(patched, str(LAYOUT), "exec"), module.__dict__)
    return importlib.import_module("build_tools.pipeline")


def _series_archive(root: Path) -> Path:
    shutil.copytree(GOLDEN_ARCHIVE, root)
    (root / "articles" / "vocabulary" / "series.yml").write_text(SERIES_FILE, encoding="utf-8")
    article = root / "articles" / "2025" / "2025-05-19-putin-and-the-talks.md"
    text = article.read_text("utf-8")
    article.write_text(text.replace("\ntitle:", "\nseries: [peace-talks]\ntitle:", 1), encoding="utf-8")
    return root


def test_an_extra_kind_needs_only_its_row_in_kinds(tmp_path: Path, fresh_package: None) -> None:
    root = _series_archive(tmp_path / "archive")
    with pytest.raises(InputError):  # without the row, "series" is no field of an article
        render_pages(layout.Project(root))
    pipeline = _with_series_kind()
    result = pipeline.generate(pipeline.Project(root), memo=False, persist=False)
    assert result.count > 0
    docs = root / "docs"
    for name in ("series/index.md", "series/peace-talks.md", "feeds/series/peace-talks.xml"):
        assert (docs / name).is_file(), name
    entry = (docs / "series/peace-talks.md").read_text("utf-8")
    assert "search_type: Series" in entry and "[Atom feed](../feeds/series/peace-talks.xml)" in entry
    assert "The peace talks" in (docs / "series/index.md").read_text("utf-8")
    assert "2025-05-19" in (docs / "feeds/series/peace-talks.xml").read_text("utf-8")
    home = (docs / "index.md").read_text("utf-8")
    assert home.index("### Series") > home.index("### Places")  # most covered, in menu order
    article = (docs / "articles/2025/putin-and-the-talks.md").read_text("utf-8")
    front = yaml.safe_load(article.split("---\n")[1])
    assert front["tag_links"][-1] == "series/peace-talks/" and front["tag_kinds"][-1] == "series"
    data = json.loads(front["structured_data"])
    things = data.get("about", []) + data.get("mentions", [])  # salience decides which, and the order
    assert any({"@type": "CreativeWorkSeries", "name": "The peace talks"}.items() <= t.items() for t in things)
