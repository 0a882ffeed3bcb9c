"""Caches that arrive through git reach neither the published site nor files outside the archive.

``.build/`` and ``site/`` are git-ignored, yet ``git add -f`` can commit them, checking the
commit out puts them in the work tree, and CI restores ``.build/search`` from its cache. So
(README "Safety"):

1. ``.build/search`` (or ``.build``, or an entry in it) committed as a symbolic link is removed
   itself; the build neither deletes nor copies anything where it points;
2. a search bundle kept in ``.build/search`` is reused only if this machine's own run wrote it
   (a stamp keyed with the per-user key, over its pages and its very files): a planted bundle
   with the digest anyone can compute is discarded, not published — and the bundles of this
   machine's own last build still are reused;
3. a site/ is carried into a ``--dirty`` build only if this machine's own build wrote it and no
   file of it changed since: a planted site/ with the stamp anyone can compute gets a clean build.

Sharding is forced on the small golden archive (``ARCHIVE_SEARCH_SHARD_PAGES=1``, three shards).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from build_tools.builders import SEARCH_WORK, STAMP, shaping_digest
from build_tools.cli import main
from build_tools.indexers import MERGED, MERGED_STAMP, SHARD_STAMP
from build_tools.keys import folder_digest, keyed_digest
from build_tools.layout import Project

pytestmark = pytest.mark.slow

MARKER = "planted-by-a-pull-request-5c1e"
SHARDS = ("other", "dated-2024", "dated-2025")
CLEAN = re.compile(r"build: pages rendered \(clean, \d+ process\(es\)\)")  # a clean build, in any number of processes
AT_ONCE = r"\(up to \d+ at once, peak [\d.]+ MB\)"  # how many shards the indexer ran together


@pytest.fixture(autouse=True)
def forced_shards(monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVE_SEARCH_SHARD_PAGES", "1")


def build(root: Path, capfd) -> tuple[str, str]:
    """Build the archive; its output, that of the indexer subprocess included (capfd)."""
    capfd.readouterr()
    code = main(["build", "--root", str(root)])
    out, err = capfd.readouterr()
    assert code == 0, err
    return out, err


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (not following links) and the digest of each file."""
    found = {}
    for current, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(current) / name
            relative = path.relative_to(folder).as_posix()
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
    return found


def holding(folder: Path, text: str) -> list[str]:
    """The files under ``folder`` whose bytes hold ``text``."""
    needle = text.encode()
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()
    )


def rewrite(path: Path, data: bytes) -> None:
    """Replace the file with a new one (kept bundles are hard links of the published files)."""
    path.unlink()
    path.write_bytes(data)


def outside_folder(tmp_path: Path) -> Path:
    """A folder outside the archive: a marker subfolder, and what a sharded build would copy
    into site/pagefind if it followed a link here (a merged bundle with a script of its own)."""
    outside = tmp_path / "outside"
    (outside / "marker").mkdir(parents=True)
    (outside / "marker" / "keep.txt").write_text("not the build's to delete\n")
    (outside / MERGED).mkdir()
    (outside / MERGED / "pagefind.js").write_text(f"/* {MARKER} */\n")
    (outside / MERGED / "pagefind-entry.json").write_text('{"version": "1.5.2"}\n')
    return outside


@pytest.mark.parametrize("link", [".build/search", ".build", ".build/search/dated-2025"])
def test_search_work_folder_as_a_symbolic_link(golden_archive, tmp_path, capfd, link):
    outside = outside_folder(tmp_path)
    if link == ".build":
        (outside / "search").mkdir()
        (outside / "search" / "marker").mkdir()
    before = snapshot(outside)
    (golden_archive / link).parent.mkdir(parents=True, exist_ok=True)
    (golden_archive / link).symlink_to(outside, target_is_directory=True)

    out, err = build(golden_archive, capfd)

    assert snapshot(outside) == before  # nothing deleted there, nothing written
    assert (outside / "marker" / "keep.txt").is_file()
    assert re.search(r"search index: \d+ pages in 3 shards, 3 re-indexed", out)  # the shards were made afresh
    name = Path(link).name
    assert f"{name} is a symbolic link: removed the link itself (not what it points to)" in err
    for path in (golden_archive / ".build", golden_archive / SEARCH_WORK, golden_archive / SEARCH_WORK / SHARDS[2]):
        assert path.is_dir() and not path.is_symlink()
    site = golden_archive / "site"
    assert holding(site, MARKER) == []
    assert not {p.name for p in (site / "pagefind").iterdir()} & {"marker", "keep.txt"}


def test_search_bundles_are_reused_only_when_this_machine_wrote_them(golden_archive, tmp_path, capfd):
    out, _ = build(golden_archive, capfd)
    assert re.search(rf"3 re-indexed {AT_ONCE}, merged bundle written", out), out
    work = golden_archive / SEARCH_WORK

    # What a pull request could commit into .build/search: the bundles with a script of its own
    # in the Pagefind runtime, under the digests of these very pages (anyone can compute them),
    # stamped as the unkeyed digest alone or keyed with another machine's key.
    planted = [work / shard / "bundle" for shard in SHARDS] + [work / MERGED]
    for bundle in planted:
        for script in bundle.glob("*.js"):
            rewrite(script, script.read_bytes() + f"\n/* {MARKER} */\n".encode())
    assert holding(work, MARKER)
    other_key = bytes(32)
    for index, shard in enumerate(SHARDS):
        stamp = work / shard / SHARD_STAMP
        digest = stamp.read_text().split()[0]
        files = folder_digest(work / shard / "bundle")
        forged = digest if index % 2 else f"{digest} {keyed_digest(other_key, 'search shard', digest, files)}"
        rewrite(stamp, forged.encode())
    stamp = work / MERGED / MERGED_STAMP
    rewrite(stamp, stamp.read_text().split()[0].encode())

    out, err = build(golden_archive, capfd)
    assert holding(golden_archive / "site", MARKER) == []
    assert re.search(rf"3 re-indexed {AT_ONCE}, merged bundle written", out), out
    for what in [f"bundle of shard {shard}" for shard in SHARDS] + ["merged bundle"]:
        assert f"search index: discarding the kept {what}: not written by this machine's own run" in err
    assert holding(work, MARKER) == []

    # The bundles this machine's own build wrote are reused.
    out, err = build(golden_archive, capfd)
    assert re.search(rf"search index: \d+ pages in 3 shards, 0 re-indexed {AT_ONCE}, merged bundle reused", out), out
    assert "discarding" not in err
    assert holding(golden_archive / "site", MARKER) == []

    # Without a usable key nothing is reused (a key folder others may write to proves nothing).
    shared = tmp_path / "shared-key-folder"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARCHIVE_CACHE_KEY_DIR", str(shared))
        out, err = build(golden_archive, capfd)
    assert re.search(rf"3 re-indexed {AT_ONCE}, merged bundle written", out), out
    assert "search index: cannot check kept shards (" in err
    assert not (work / SHARDS[0] / SHARD_STAMP).exists()


def test_a_committed_site_is_not_carried_into_an_incremental_build(golden_archive, capfd):
    site = golden_archive / "site"
    out, _ = build(golden_archive, capfd)
    assert CLEAN.search(out), out
    out, _ = build(golden_archive, capfd)
    assert "(incremental, 0 page(s) re-rendered, 1 process(es))" in out, out  # this machine's own site is reused

    # This machine's own site with a page added since (its stamp leaks: site/ is published).
    (site / "planted").mkdir()
    (site / "planted" / "index.html").write_text(f"<p>{MARKER}</p>\n")
    out, err = build(golden_archive, capfd)
    assert CLEAN.search(out), out
    assert "build: ignoring the build stamp of site/: not written by this machine's own build" in err
    assert not (site / "planted").exists() and holding(site, MARKER) == []

    # A site/ as a pull request could commit it: a page of its own, and the stamp the build
    # used to trust, the unkeyed digest of what shapes every page (anyone can compute it).
    (site / "planted").mkdir()
    (site / "planted" / "index.html").write_text(f"<p>{MARKER}</p>\n")
    (site / STAMP).unlink()
    (site / STAMP).write_text(json.dumps({"stamp": shaping_digest(Project(golden_archive))}) + "\n")
    out, err = build(golden_archive, capfd)
    assert CLEAN.search(out), out
    assert not (site / "planted").exists() and holding(site, MARKER) == []
    stamp = json.loads((site / STAMP).read_text())
    assert stamp["stamp"] != shaping_digest(Project(golden_archive)) and len(stamp["files"]) == 64
