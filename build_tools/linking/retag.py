"""Rewrite an article file's tag lists, and nothing else of it.

``retag(text, lists)`` replaces the value of each tag field (``actors: [...]``, flow or block
style, on one line or several) with a flow list of the new ids, or adds the field after the
previous tag field (else at the end of the frontmatter) when the article has none. Every other
byte of the file — the body, the other fields, comments, quoting — is kept. The result is
checked: loading the old and the new frontmatter must give the same fields but for the tag
lists, or ``RetagError`` is raised and nothing is written.
"""

from __future__ import annotations

import re

from ..layout import ENTITY_KINDS
from ..yamlsafe import YamlError, load, split_frontmatter

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class RetagError(Exception):
    """The file's frontmatter could not be rewritten safely; the message says why."""


def retag(text: str, lists: dict[str, list[str]]) -> str:
    """``text`` with the tag fields of ``lists`` (kind -> ids) set; unchanged kinds kept byte for byte."""
    try:
        front, _body, _line = split_frontmatter(text)
        before = load(front, first_line=2).data
    except YamlError as exc:
        raise RetagError(f"line {exc.line or 1}: {exc.message}") from None
    if not isinstance(before, dict):
        raise RetagError("line 1: Expected the frontmatter to be a mapping of fields")
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    for kind in ENTITY_KINDS:
        ids = lists.get(kind)
        if ids is None or before.get(kind) == ids or (not ids and kind not in before):
            continue
        if any(not _ID.match(i) for i in ids):
            raise RetagError(f"{kind}: Expected ids like 'united-nations' but received {ids!r}")
        field = f"{kind}: [{', '.join(ids)}]"
        start = _field_line(lines, end, kind)
        if start is None:
            at = _insert_at(lines, end, kind)
            lines.insert(at, field)
            end += 1
        else:
            stop = start + 1
            while stop < end and (lines[stop].startswith((" ", "\t")) or not lines[stop].strip()):
                stop += 1
            while stop - 1 > start and not lines[stop - 1].strip():
                stop -= 1
            lines[start:stop] = [field]
            end -= stop - start - 1
    result = "\n".join(lines)
    _verify(before, result, lists)
    return result


def _field_line(lines: list[str], end: int, kind: str) -> int | None:
    for index in range(1, end):
        if re.match(rf"{kind}\s*:", lines[index]):
            return index
    return None


def _insert_at(lines: list[str], end: int, kind: str) -> int:
    """After the previous tag field that is present (and its continuation lines), else before the end."""
    earlier = ENTITY_KINDS[: ENTITY_KINDS.index(kind)]
    for previous in reversed(earlier):
        start = _field_line(lines, end, previous)
        if start is not None:
            stop = start + 1
            while stop < end and lines[stop].startswith((" ", "\t")):
                stop += 1
            return stop
    return end


def _verify(before: dict, result: str, lists: dict[str, list[str]]) -> None:
    after = load(split_frontmatter(result)[0], first_line=2).data
    expected = dict(before)
    for kind, ids in lists.items():
        if ids or kind in before:
            expected[kind] = ids
    if not isinstance(after, dict) or after != expected:
        raise RetagError("the rewritten frontmatter would differ beyond its tag lists; not written")
