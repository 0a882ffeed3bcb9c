"""A memo in .build/ that this machine's own run did not write is never decoded, let alone run.

``.build/`` is git-ignored, yet ``git add -f`` can commit it, so ``git pull`` can bring any
file there. ``generate`` must then render exactly what a clean run renders (README "Safety"):
an old pickled memo crafted to run code, a memo with a forged header, one signed with another
machine's key, or one cut short or damaged is ignored, with a one-line note on stderr.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import shutil
import stat
from pathlib import Path

import cbor2
import pytest

from bench.synth import write_archive
from build_tools import caches, keys, pipeline
from build_tools.caches import CACHE_FILE, FORMAT, LEGACY_FILES, MemoStore, code_salt
from build_tools.keys import KEY_DIR_ENV, KEY_NAME
from build_tools.layout import Project
from build_tools.pipeline import Generated, generate

N = 16
IGNORED = "not written by this machine's own run; rendering every page"


class RunsCode:
    """Unpickling this creates the folder ``marker``: what a hostile pickled memo would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def memo_key_dir(tmp_path, monkeypatch) -> Path:
    """This test's own key folder: tests never read or make the key in the home folder. (And
    the digest of build_tools/ taken once, so that an edit of it during the test run does not
    make a memo stale halfway through a test.)"""
    folder = tmp_path / "key"
    monkeypatch.setenv(KEY_DIR_ENV, str(folder))
    monkeypatch.setattr(pipeline, "code_salt", functools.cache(code_salt))
    caches._live.clear()  # no memo of another test kept in memory
    yield folder
    caches._live.clear()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A small archive, and the docs/ a clean run (no memo at all) writes for it."""
    root = tmp_path_factory.mktemp("memo") / "archive"
    write_archive(root, N, seed=7)
    clean = root.with_name("clean")
    shutil.copytree(root, clean, symlinks=True)
    result = generate(Project(clean), memo=False, persist=False)
    assert result.rendered == result.count
    return root, snapshot(clean / "docs")


@pytest.fixture
def archive(pristine, tmp_path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(pristine[0], root, symlinks=True)
    return root


@pytest.fixture
def clean_docs(pristine) -> dict[str, bytes]:
    return pristine[1]


def salt_of(root: Path) -> bytes:
    return pipeline.code_salt(Project(root).site_url)


def run(root: Path, capsys) -> tuple[Generated, str]:
    caches._live.clear()  # as a new process would: read the memo from the file
    result = generate(Project(root))
    return result, capsys.readouterr().err


def hostile_pickle(marker: Path) -> bytes:
    payload = pickle.dumps(RunsCode(marker), protocol=pickle.HIGHEST_PROTOCOL)
    pickle.loads(payload)  # the payload really runs code when unpickled (deliberately, our own bytes)
    assert marker.is_dir()
    marker.rmdir()
    return payload


def test_a_pickled_memo_crafted_to_run_code_is_never_unpickled(archive, clean_docs, tmp_path, capsys):
    marker = tmp_path / "code-ran"
    payload = hostile_pickle(marker)
    (archive / ".build").mkdir()
    for legacy in LEGACY_FILES:  # where the old code looked for it ...
        (archive / legacy).write_bytes(
            b"explainer-archive generate memo 1\n" + salt_of(archive).hex().encode() + b"\n" + payload
        )
    (archive / CACHE_FILE).write_bytes(payload)  # ... and where the memo is now
    result, err = run(archive, capsys)
    assert not marker.exists()
    assert result.rendered == result.count
    assert snapshot(archive / "docs") == clean_docs
    assert err.count("\n") == 1 and "generate: ignoring .build/generate-memo.cbor: not a generate memo" in err
    assert not any((archive / legacy).exists() for legacy in LEGACY_FILES)  # the old memo is removed

    # The same pickle behind the header of the format, with the right code digest: still data.
    (archive / CACHE_FILE).write_bytes(FORMAT + salt_of(archive).hex().encode() + b"\n" + payload)
    result, err = run(archive, capsys)
    assert not marker.exists() and result.rendered == result.count
    assert snapshot(archive / "docs") == clean_docs
    assert "generate: ignoring .build/generate-memo.cbor:" in err and "rendering every page" in err


def forged_frames(root: Path, key: bytes, memo: caches.Memo) -> bytes:
    """A memo file as caches writes it, but signed with ``key``."""
    stream = io.BytesIO()
    writer = caches._FrameWriter(stream, key, FORMAT + salt_of(root).hex().encode() + b"\n")
    for name, records in caches._sections(memo):
        writer.section(name, records)
    writer.write("end", [], last=True)
    return stream.getvalue()


def test_a_cbor_memo_with_a_forged_header_is_not_even_decoded(archive, clean_docs, monkeypatch, capsys):
    decoded = []
    real_loads = cbor2.loads
    monkeypatch.setattr(cbor2, "loads", lambda data, **kw: decoded.append(data) or real_loads(data, **kw))
    generate(Project(archive))  # a memo of our own, to copy its shape from
    memo = MemoStore(archive / CACHE_FILE, salt_of(archive)).load()
    decoded.clear()
    # The same memo, which claims every page up to date, with the right header (the code digest
    # is public) and signed as caches signs, but with a key anyone could guess.
    for guess in (bytes(keys.KEY_SIZE), hashlib.sha256(b"explainer-archive").digest()):
        (archive / CACHE_FILE).write_bytes(forged_frames(archive, guess, memo))
        result, err = run(archive, capsys)
        assert decoded == []
        assert result.rendered == result.count  # trusted, it would have kept all but 6 pages
        assert snapshot(archive / "docs") == clean_docs
        assert err == f"generate: ignoring .build/generate-memo.cbor: {IGNORED}\n"
    # The helper writes what caches writes: signed with this machine's key, the memo is used.
    memo = MemoStore(archive / CACHE_FILE, salt_of(archive)).load()  # the last run's, in memory
    (archive / CACHE_FILE).write_bytes(forged_frames(archive, keys.memo_key(archive), memo))
    result, err = run(archive, capsys)
    assert err == "" and decoded != [] and result.rendered == 6
    assert snapshot(archive / "docs") == clean_docs


def test_a_memo_signed_with_another_key_is_ignored_with_a_note(archive, clean_docs, tmp_path, monkeypatch, capsys):
    # Another machine (key B) vouches in its memo for a page that differs from a clean render ...
    monkeypatch.setenv(KEY_DIR_ENV, str(tmp_path / "other-machine"))
    generate(Project(archive))
    page = next((archive / "docs/articles").rglob("*.md"))
    page.write_bytes(page.read_bytes() + b"\n<script>alert(1)</script>\n")
    store = MemoStore(archive / CACHE_FILE, salt_of(archive))
    memo = store.load()
    name = page.relative_to(archive / "docs").as_posix()
    for _digest, pages in memo.jobs.values():
        if name in pages:
            pages[name] = caches.docs_signature(page)
    store.save(memo)
    caches._live.clear()
    result, err = run(archive, capsys)
    assert err == "" and b"alert(1)" in page.read_bytes()  # ... which a run with key B trusts ...
    assert snapshot(archive / "docs") != clean_docs
    # ... and this machine (key A) does not.
    monkeypatch.setenv(KEY_DIR_ENV, str(tmp_path / "this-machine"))
    result, err = run(archive, capsys)
    assert err == f"generate: ignoring .build/generate-memo.cbor: {IGNORED}\n"
    assert result.rendered == result.count
    assert snapshot(archive / "docs") == clean_docs
    result, err = run(archive, capsys)  # now remembered with this machine's key
    assert err == "" and result.rendered < result.count
    assert snapshot(archive / "docs") == clean_docs


def cut(at: int):
    return lambda data: data[:at]


def flip(at: int):
    return lambda data: data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


DAMAGE = {
    "empty": lambda data: b"",
    "garbage": lambda data: os.urandom(5000),
    "header only": lambda data: data[: data.index(b"\n", len(FORMAT)) + 1],
    "inside a frame head": lambda data: data[: data.index(b"\n", len(FORMAT)) + 10],
    "inside a frame": cut(len(FORMAT) + 33 + 37 + 100),
    "last byte missing": cut(-1),
    "a byte flipped in the first frame": flip(len(FORMAT) + 33 + 37 + 20),
    "a byte flipped at the end": flip(-1),
    "a flipped frame length": flip(len(FORMAT) + 33 + 3),
    "a huge frame length": lambda data: data[: len(FORMAT) + 33] + b"\xff\xff\xff\xff" + data[len(FORMAT) + 37 :],
    "trailing bytes": lambda data: data + b"\x00",
    "twice": lambda data: data + data[len(FORMAT) + 33 :],
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_memo_is_ignored(archive, clean_docs, damage, capsys):
    generate(Project(archive))
    memo = archive / CACHE_FILE
    memo.write_bytes(damage(memo.read_bytes()))
    result, err = run(archive, capsys)
    assert result.rendered == result.count
    assert snapshot(archive / "docs") == clean_docs
    assert err.startswith("generate: ignoring .build/generate-memo.cbor: ") and err.count("\n") == 1


@pytest.mark.parametrize("kind", ["symlink", "folder"])
def test_something_else_in_place_of_the_memo_is_ignored(archive, clean_docs, tmp_path, kind, capsys):
    generate(Project(archive))
    memo = archive / CACHE_FILE
    if kind == "symlink":  # git can commit one; a link to our own memo still is not read
        memo.rename(tmp_path / "elsewhere")
        memo.symlink_to(tmp_path / "elsewhere")
    else:
        memo.unlink()
        memo.mkdir()
    result, err = run(archive, capsys)
    assert result.rendered == result.count
    assert snapshot(archive / "docs") == clean_docs
    assert "generate: ignoring .build/generate-memo.cbor: cannot read it" in err


def test_a_memo_of_other_code_is_ignored_quietly(archive, capsys):
    generate(Project(archive))
    memo = archive / CACHE_FILE
    data = memo.read_bytes()
    salt = salt_of(archive).hex().encode()
    memo.write_bytes(data.replace(salt, bytes(reversed(salt)), 1))  # as after an edit of build_tools
    result, err = run(archive, capsys)
    assert result.rendered == result.count and err == ""


def test_an_edit_still_renders_only_what_it_touches(archive, clean_docs, capsys):
    first, err = run(archive, capsys)
    assert first.rendered == first.count and err == ""
    path = sorted((archive / "articles").glob("[0-9]*/*.md"))[3]
    path.write_bytes(path.read_bytes() + b"\nA corrected sentence.\n")
    result, err = run(archive, capsys)
    assert err == "" and result.rendered == 6 + 1  # the archive-wide pages and that article
    assert [n for n in result.changed if n.startswith("articles/")] == [
        f"articles/{path.parent.name}/{path.stem[11:]}.md"
    ]


# --- the key ---------------------------------------------------------------------------------


def test_the_key_is_made_private_outside_the_archive(archive, memo_key_dir):
    generate(Project(archive))
    key = memo_key_dir / KEY_NAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == keys.KEY_SIZE
    assert stat.S_IMODE(memo_key_dir.stat().st_mode) == 0o700
    assert key.read_bytes() not in (archive / CACHE_FILE).read_bytes()
    assert (archive / CACHE_FILE).read_bytes().startswith(FORMAT)
    before = key.read_bytes()
    generate(Project(archive))
    assert key.read_bytes() == before  # made once, then kept


def test_the_default_key_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert keys.key_dir() == tmp_path / "xdg" / "explainer-archive"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert keys.key_dir() == tmp_path / "home" / ".cache" / "explainer-archive"


def unusable_group_readable(folder: Path, archive: Path) -> None:
    folder.mkdir(mode=0o700)
    (folder / KEY_NAME).write_bytes(os.urandom(keys.KEY_SIZE))
    os.chmod(folder / KEY_NAME, 0o644)  # as git checks a file out: anyone may read it


def unusable_symlink(folder: Path, archive: Path) -> None:
    folder.mkdir(mode=0o700)
    target = archive / "key"
    target.write_bytes(os.urandom(keys.KEY_SIZE))
    os.chmod(target, 0o600)
    (folder / KEY_NAME).symlink_to(target)


def unusable_shared_folder(folder: Path, archive: Path) -> None:
    folder.mkdir()
    os.chmod(folder, 0o777)  # anyone could put a key of theirs there


def unusable_not_a_folder(folder: Path, archive: Path) -> None:
    folder.write_text("a file where the key folder would be")


UNUSABLE = {
    "group-readable": unusable_group_readable,
    "a symlink": unusable_symlink,
    "in a folder others can write": unusable_shared_folder,
    "cannot be made": unusable_not_a_folder,
    "inside the archive": None,
}


@pytest.mark.parametrize("how", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_without_a_usable_key_nothing_is_remembered(archive, clean_docs, memo_key_dir, monkeypatch, how, capsys):
    if how is None:
        memo_key_dir = archive / ".build" / "key"
        monkeypatch.setenv(KEY_DIR_ENV, str(memo_key_dir))
    else:
        how(memo_key_dir, archive)
    caches._noted.clear()
    for attempt in range(2):
        result, err = run(archive, capsys)
        assert result.rendered == result.count
        assert snapshot(archive / "docs") == clean_docs
        assert not (archive / CACHE_FILE).exists()
        if attempt == 0:  # said once per process
            assert err.startswith("generate: not remembering this run for the next one: ") and err.count("\n") == 1
        else:
            assert err == ""
    if how is None:
        assert not (memo_key_dir / KEY_NAME).exists()  # no key made inside the archive
