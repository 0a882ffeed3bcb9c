"""`generate` after an edit renders only what the edit touches, and the result is always the
same docs/ as rendering everything from scratch (the memo in .build/ may cost time, never
correctness). Each step edits the archive the way an editor would, then compares."""

from __future__ import annotations

import functools
import random
import re
import shutil
from pathlib import Path

import pytest

from bench.synth import write_archive
from build_tools import caches, pipeline
from build_tools.caches import CACHE_FILE, MemoStore, code_salt
from build_tools.keys import KEY_DIR_ENV
from build_tools.layout import GENERATED, Project
from build_tools.pipeline import generate, render_pages
from build_tools.problems import InputError
from build_tools.readers import read_articles

N = 40


@pytest.fixture(autouse=True)
def memo_key_dir(tmp_path_factory, monkeypatch) -> Path:
    """A key of these tests' own, never the one in the home folder (see keys.memo_key); and
    the digest of build_tools/ taken once, so that an edit of it while the tests run does not
    make a memo stale halfway through a test."""
    folder = tmp_path_factory.getbasetemp() / "memo-key"
    monkeypatch.setenv(KEY_DIR_ENV, str(folder))
    monkeypatch.setattr(pipeline, "code_salt", SALT)
    return folder


SALT = functools.cache(code_salt)


def generated_files(docs: Path) -> dict[str, str]:
    out = {}
    for path in sorted(docs.rglob("*")):
        name = path.relative_to(docs).as_posix()
        if path.is_file() and name.split("/")[0] in GENERATED:
            out[name] = path.read_text("utf-8")
    return out


def assert_same_as_clean(root: Path) -> None:
    expected, _ = render_pages(Project(root))
    found = generated_files(root / "docs")
    assert sorted(found) == sorted(expected)
    for name, text in expected.items():
        assert found[name] == text, f"{name} differs from a clean render"


def article_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "articles").glob("[0-9]*/*.md"))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), "utf-8")


def field(path: Path, name: str) -> str:
    return re.search(rf"^{name}: (.*)$", path.read_text("utf-8"), re.M)[1]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental") / "archive"
    write_archive(root, N, seed=11)
    return root


@pytest.fixture
def archive(pristine, tmp_path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(pristine, root, symlinks=True)
    first = generate(Project(root))
    assert first.rendered == first.count  # nothing remembered yet: everything rendered
    assert (root / CACHE_FILE).is_file()
    return root


def body_edit(root: Path) -> None:
    path = article_files(root)[3]
    path.write_text(path.read_text("utf-8") + "\nA corrected sentence.\n", "utf-8")


def test_a_body_edit_renders_that_article_and_the_archive_wide_pages_only(archive):
    body_edit(archive)
    result = generate(Project(archive))
    archive_wide = 6  # home, the three overviews, the archive index, the archive feed
    assert result.rendered == archive_wide + 1
    assert [n for n in result.changed if n.startswith("articles/")] == [
        f"articles/{p.parent.name}/{p.stem[11:]}.md" for p in article_files(archive)[3:4]
    ]
    assert_same_as_clean(archive)


def test_nothing_changed_renders_only_the_archive_wide_pages_and_writes_nothing(archive):
    result = generate(Project(archive))
    assert result.rendered == 6 and result.changed == [] and result.removed == []
    assert_same_as_clean(archive)


def retitle(root: Path) -> None:
    path = article_files(root)[5]
    edit(path, f"title: {field(path, 'title')}", 'title: "A new title for this explainer"')


def retag(root: Path) -> None:
    path = article_files(root)[7]
    topics = (root / "articles/vocabulary/topics.yml").read_text("utf-8")
    new = [t for t in re.findall(r"^- id: (\S+)", topics, re.M) if t not in field(path, "topics")][-1]
    edit(path, "topics: [", f"topics: [{new}, ")


def redate(root: Path) -> None:
    path = article_files(root)[9]
    old = field(path, "date")
    new = "2019-02-03" if old != "2019-02-03" else "2019-02-04"
    edit(path, f"date: {old}", f"date: {new}")
    target = root / "articles" / new[:4] / f"{new}-{path.name[11:]}"
    target.parent.mkdir(exist_ok=True)
    path.rename(target)


def add(root: Path) -> None:
    source = article_files(root)[2]
    number = len(list((root / "articles").rglob("*-added-explainer-*.md"))) + 1
    slug = f"an-added-explainer-{number}"
    text = source.read_text("utf-8").replace(field(source, "title"), f'"An added explainer {number}"', 1)
    (source.parent / f"{field(source, 'date')}-{slug}.md").write_text(text, "utf-8")


def delete(root: Path) -> None:
    article_files(root)[12].unlink()


def draft(root: Path) -> None:
    path = article_files(root)[14]
    edit(path, "\ntitle:", "\ndraft: true\ntitle:")


def rename_entry(root: Path) -> None:
    path = root / "articles/vocabulary/actors.yml"
    used = field(article_files(root)[0], "actors").strip("[]").split(",")[0].strip()
    text = path.read_text("utf-8")
    start = text.index(f"- id: {used}\n")
    name = re.search(r'name: "([^"]+)"', text[start:])[1]
    path.write_text(text[:start] + text[start:].replace(name, "Renamed Entry", 1), "utf-8")


def hand_edited_page(root: Path) -> None:
    page = next((root / "docs/articles").rglob("*.md"))
    page.write_text(page.read_text("utf-8") + "\nEdited by hand.\n", "utf-8")


def removed_page(root: Path) -> None:
    next((root / "docs/actors").glob("*.md")).unlink()


STEPS = [body_edit, retitle, retag, redate, add, delete, draft, rename_entry, hand_edited_page, removed_page]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.__name__)
def test_each_kind_of_edit_gives_the_same_docs_as_a_clean_render(archive, step):
    step(archive)
    generate(Project(archive))
    assert_same_as_clean(archive)


@pytest.mark.parametrize("in_place", [False, True], ids=["swap", "in-place (serve)"])
def test_a_random_sequence_of_edits(archive, in_place):
    order = list(STEPS)
    random.Random(5).shuffle(order)
    for step in order:
        step(archive)
        generate(Project(archive), in_place=in_place)
        assert_same_as_clean(archive)


def test_a_broken_or_foreign_memo_is_ignored(archive):
    memo = archive / CACHE_FILE
    memo.write_bytes(b"not a memo at all")
    body_edit(archive)
    result = generate(Project(archive))
    assert result.rendered == result.count
    assert_same_as_clean(archive)
    memo.write_bytes(memo.read_bytes()[:200])  # cut short: unreadable
    retitle(archive)
    assert generate(Project(archive)).rendered == result.count
    assert_same_as_clean(archive)


def test_an_error_writes_nothing_and_the_next_run_recovers(archive):
    before = generated_files(archive / "docs")
    path = article_files(archive)[4]
    edit(path, "date: ", "date: not-a-date ")
    with pytest.raises(InputError):
        generate(Project(archive))
    assert generated_files(archive / "docs") == before
    edit(path, "date: not-a-date ", "date: ")
    body_edit(archive)
    generate(Project(archive))
    assert_same_as_clean(archive)


def test_memo_off_renders_everything(archive):
    result = generate(Project(archive), memo=False)
    assert result.rendered == result.count
    assert_same_as_clean(archive)


def test_a_body_edit_patches_the_remembered_catalog_instead_of_building_it(archive, monkeypatch):
    from build_tools.catalog import Catalog

    built = []
    original = Catalog.build.__func__
    monkeypatch.setattr(Catalog, "build", classmethod(lambda cls, *a: built.append(1) or original(cls, *a)))
    body_edit(archive)
    generate(Project(archive))
    assert built == []  # patched: no index rebuilt
    assert_same_as_clean(archive)  # (this clean render builds its own catalog)
    retitle(archive)
    generate(Project(archive))
    assert len(built) >= 2  # the frontmatter changed: built anew
    assert_same_as_clean(archive)


def test_the_memo_gives_back_every_article_as_reading_it_does(archive):
    """What the next run takes from the memo instead of parsing a file is what parsing gives:
    the same path, frontmatter (with the same fields set), body, line numbers and digests."""
    project = Project(archive)
    memo = MemoStore(archive / CACHE_FILE, SALT(project.site_url)).load()
    caches._live.clear()
    again = MemoStore(archive / CACHE_FILE, SALT(project.site_url)).load()  # from the file
    assert again is not memo and again.files.keys() == memo.files.keys()
    fresh, problems = read_articles(project.articles)
    assert problems == [] and len(fresh) == len(again.files) == N
    assert any(a.meta.source for a in fresh) and any(a.meta.updated for a in fresh)
    for article in fresh:
        signature, remembered, found = again.files[str(article.path)]
        assert found == [] and signature == caches.file_signature(article.path)
        assert remembered == article and remembered.meta == article.meta
        assert remembered.meta.model_fields_set == article.meta.model_fields_set
        assert remembered.meta.model_dump_json() == article.meta.model_dump_json()
        assert type(remembered.path) is type(article.path)
        assert (remembered.lines, remembered.digest, remembered.meta_digest, remembered.shown) == (
            article.lines,
            article.digest,
            article.meta_digest,
            article.shown,
        )
        assert remembered.url == article.url and remembered.line_of("topics", 0) == article.line_of("topics", 0)
    assert again.jobs == memo.jobs and again.related == memo.related
    assert again.structure == memo.structure and again.vocabulary == memo.vocabulary


def test_a_memo_that_cannot_be_written_only_costs_time(archive, monkeypatch, capsys):
    """Should the frontmatter schema gain a type CBOR cannot carry, generate still succeeds."""
    caches._noted.clear()
    before = (archive / CACHE_FILE).read_bytes()
    monkeypatch.setattr(caches, "_model_plain", lambda model: [0, object()])
    body_edit(archive)
    generate(Project(archive))
    assert capsys.readouterr().err.startswith("generate: not remembering this run for the next one: ")
    assert (archive / CACHE_FILE).read_bytes() == before  # the last memo is kept, no leftovers
    assert [p.name for p in (archive / ".build").iterdir() if p.name.startswith(".generate.")] == []
    assert_same_as_clean(archive)
