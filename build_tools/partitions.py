"""Stage 5, split: MkDocs renders a disjoint share of the pages in each of several processes.

MkDocs renders one page after another in one process. The pages of this archive do not depend
on one another once generated (the nav is small and fixed; every cross-page list is Markdown
written by ``generate``), so the pages are split into M partitions, each rendered by its own
``mkdocs build --dirty`` with ``ARCHIVE_PARTITION=K/M`` in its environment: the hook
(``mkdocs_hooks.on_files``) keeps every file known to MkDocs, so links are still checked
against the whole site, but tells MkDocs that only partition K's pages are to be rendered.
The static assets and the theme's static pages (404, sitemap) are written by partition 1
only. ``build --jobs N`` runs N partitions at once into one staging folder; ``build --partition
K/M`` renders one into a folder of its own (a CI job each) and ``build --merge`` joins them.

Pages are assigned by size, the largest first, each to the partition with the fewest bytes so
far (ties: the lower number), from the sizes of the Markdown files: every process computes the
same assignment from the same docs/, and the partitions take about the same time.

Each partition folder holds ``PARTITION_FILE``: which partition it is, and the digest of the
docs/ it was rendered from, so that ``merge_partitions`` joins only the M partitions of one
docs/ (and refuses a folder rendered from another).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import re
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ENV = "ARCHIVE_PARTITION"  # "K/M": render only partition K of M (read by the MkDocs hook)
PARTITION_FILE = ".partition.json"  # in a partition's folder: which one, and from which docs/
SPEC = re.compile(r"^([0-9]+)/([0-9]+)$")
MAX_PARTITIONS = 256


class PartitionError(ValueError):
    """A partition that cannot be rendered or merged; the message says which and why."""


@dataclass(frozen=True)
class Partition:
    index: int  # K, from 1
    count: int  # M

    @classmethod
    def parse(cls, text: str) -> Partition:
        """``K/M`` with 1 ≤ K ≤ M ≤ ``MAX_PARTITIONS``; PartitionError saying what was expected."""
        found = SPEC.match(text.strip())
        if not found:
            raise PartitionError(f"expected a partition as K/M (e.g. 1/4), received {text!r}")
        index, count = int(found[1]), int(found[2])
        if not 1 <= index <= count <= MAX_PARTITIONS:
            raise PartitionError(f"expected K/M with 1 <= K <= M <= {MAX_PARTITIONS}, received {text!r}")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def folder_name(self) -> str:
        return f"{self.index}-of-{self.count}"

    @property
    def first(self) -> bool:
        """The partition that also writes the static assets and the theme's static pages."""
        return self.index == 1


def assign(sizes: Iterable[tuple[str, int]], count: int) -> list[list[str]]:
    """Split pages (name, size in bytes) into ``count`` lists of about equal total size: the
    largest page first, each to the lightest list so far (the lower number on a tie). The same
    sizes always give the same split; each list is sorted."""
    heap = [(0, number) for number in range(count)]
    parts: list[list[str]] = [[] for _ in range(count)]
    for name, size in sorted(sizes, key=lambda item: (-item[1], item[0])):
        load, number = heapq.heappop(heap)
        parts[number].append(name)
        heapq.heappush(heap, (load + max(size, 1), number))
    return [sorted(part) for part in parts]


def docs_digest(docs: Path) -> str:
    """A digest of every file name and file's bytes under docs/: what the partitions of one
    build share (a partition rendered from another docs/ is not merged with them)."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(docs):
        subfolders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, docs).replace(os.sep, "/")
            with open(path, "rb") as stream:
                digest.update(relative.encode() + b"\0" + hashlib.file_digest(stream, "sha256").digest())
    return digest.hexdigest()


def write_manifest(folder: Path, partition: Partition, digest: str) -> None:
    data = {"partition": partition.index, "of": partition.count, "docs": digest}
    (folder / PARTITION_FILE).write_text(json.dumps(data) + "\n", encoding="utf-8")


def _read_manifest(folder: Path) -> dict:
    path = folder / PARTITION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PartitionError(f"{path}: missing (not a folder written by build --partition)") from None
    except (OSError, ValueError) as exc:
        raise PartitionError(f"{path}: not readable as JSON ({exc})") from None
    fields = {"partition": int, "of": int, "docs": str}
    if not isinstance(data, dict) or any(not isinstance(data.get(k), t) for k, t in fields.items()):
        raise PartitionError(f"{path}: expected the fields partition (int), of (int) and docs (str), received {data!r}")
    return data


def partition_folders(parts: Path, count: int | None = None) -> list[Path]:
    """The folders ``K-of-M`` under ``parts``, in order, checked to be partitions 1..M of one
    M (``count`` if given); PartitionError naming what is missing or extra."""
    found = {}
    for entry in sorted(parts.iterdir()) if parts.is_dir() else []:
        named = re.fullmatch(r"([1-9][0-9]*)-of-([1-9][0-9]*)", entry.name)
        if named and entry.is_dir() and not entry.is_symlink():
            found.setdefault(int(named[2]), {})[int(named[1])] = entry
    if not found:
        raise PartitionError(f"{parts}: no partition folders (K-of-M, written by build --partition K/M)")
    if count is None:
        if len(found) > 1:
            raise PartitionError(f"{parts}: partitions of several splits ({sorted(found)}); expected one M")
        count = next(iter(found))
    have = found.get(count, {})
    missing = [k for k in range(1, count + 1) if k not in have]
    if missing:
        raise PartitionError(
            f"{parts}: expected partitions 1..{count} of {count}, missing {', '.join(map(str, missing))}"
        )
    return [have[k] for k in range(1, count + 1)]


def merge_partitions(folders: list[Path], target: Path, digest: str) -> int:
    """Join the partition folders (1..M, in order) into ``target`` (created), linking files
    rather than copying them where possible; returns the number of files. Each folder must have
    been rendered from the docs/ of ``digest``; a file in two folders must be the same bytes."""
    for number, folder in enumerate(folders, start=1):
        info = _read_manifest(folder)
        if (info["partition"], info["of"]) != (number, len(folders)):
            raise PartitionError(
                f"{folder / PARTITION_FILE}: expected partition {number} of {len(folders)}, "
                f"received {info['partition']} of {info['of']}"
            )
        if info["docs"] != digest:
            raise PartitionError(
                f"{folder}: rendered from another docs/ than this build's (docs digest "
                f"{info['docs'][:12]}…, expected {digest[:12]}…): render every partition from the same commit"
            )
    target.mkdir(parents=True)
    written = 0
    for folder in folders:
        written += _join(folder, target)
    return written


def _join(folder: Path, target: Path) -> int:
    count = 0
    for path, subfolders, files in os.walk(folder):
        subfolders.sort()
        relative = os.path.relpath(path, folder)
        into = target if relative == "." else target / relative
        into.mkdir(exist_ok=True)
        for name in sorted(files):
            if relative == "." and name == PARTITION_FILE:
                continue
            source, dest = Path(path) / name, into / name
            if not stat.S_ISREG(os.lstat(source).st_mode):
                raise PartitionError(f"{source}: not a regular file (a partition holds only files and folders)")
            if dest.exists():
                if dest.read_bytes() != source.read_bytes():
                    raise PartitionError(f"{dest.relative_to(target)}: written by two partitions, differently")
                continue
            try:
                os.link(source, dest)
            except OSError:
                shutil.copy2(source, dest)
            count += 1
    return count
