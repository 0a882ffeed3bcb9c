"""``new --entry KIND "Name"``: a vocabulary entry started in its file, nothing else changed.

The entry is spliced into the file's text (never a YAML dump of the whole file, which would
drop comments and requote values). Where it goes: in a file whose entries (of the proposed
``kind``, in actors.yml) are sorted by name, at its place; otherwise at the end of the file.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..checks.selection import EntrySpan, entry_spans
from ..checks.vocabulary import skeleton
from ..layout import KIND
from ..problems import display_path
from ..readers import fold
from ..schema import ENTRY_KINDS, RESERVED_IDS, SLUG_RE, VocabularyEntry, explain, field_path, slugify
from ..writers import write_atomic
from ..yamlsafe import YamlError, decode_text, load

# The comments of the scaffold's fields, after the value, aligned like ``new``'s template.
COMMENTS = {
    "kind": f"proposed from the name, check it: {', '.join(ENTRY_KINDS)}",
    "aliases": "other names and spellings the articles use, as a list",
    "description": "REQUIRED: one sentence saying who or what it is",
    "wikidata": "optional: its Wikidata id, e.g. Q7747",
}


class EntryError(Exception):
    """The entry cannot be added: the message says why; ``status`` 1 (the input) or 2 (the files)."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Added:
    path: Path
    line: int  # of its "- id:" line
    id: str
    kind: str | None  # the proposed ``kind`` (actors), else None


def add_entry(vocabulary_dir: Path, kind: str, name: str, entry_id: str | None = None) -> Added:
    """Add an entry named ``name`` to the vocabulary file of ``kind``; EntryError if it cannot be."""
    name = " ".join(name.split())
    if not name:
        raise EntryError("name: Expected the entry's name but received nothing")
    entry_id = _entry_id(name, entry_id)
    path = vocabulary_dir / KIND[kind].vocabulary_file
    shown = display_path(path)
    try:
        raw = path.read_bytes()
        decoded = decode_text(raw)
        spans = entry_spans(decoded) if load(decoded).data is not None else []  # a file of comments only
    except OSError as exc:
        raise EntryError(f"cannot read {shown}: {exc.strerror}", 2) from None
    except YamlError as exc:
        raise EntryError(f"{shown}:{exc.line or 1}: {exc.message}; fix the file first", 2) from None
    if spans is None:
        raise EntryError(
            f"{shown}: Expected a YAML list of entries; fix the file first (python -m build_tools check)", 2
        )
    _refuse_taken(spans, shown, entry_id, name)
    proposed = propose_kind(name, spans) if KIND[kind].schema_type is None else None
    block = scaffold(entry_id, name, proposed)
    _validate(block, shown)
    text = raw.decode("utf-8")
    lines = text.split("\n")
    at = insertion_index(spans, name, proposed, lines)
    newline = "\r\n" if "\r\n" in text else "\n"
    if at == len(lines):  # at the end: after the last line, which may lack its line break
        if lines[-1].rstrip("\r"):
            lines[-1] += newline[:-1]  # its line break: "\r" of "\r\n", or nothing before the "\n"
            lines.append("")
        at = len(lines) - 1
    new_lines = [line + newline.rstrip("\n") for line in block.split("\n")]
    result = "\n".join(lines[:at] + new_lines + lines[at:])
    try:
        write_atomic(path, result, replace=True)
    except OSError as exc:
        raise EntryError(f"could not write {shown}: {exc.strerror}", 2) from None
    return Added(path, at + 1, entry_id, proposed)


def _entry_id(name: str, given: str | None) -> str:
    if given is not None:
        if not SLUG_RE.match(given) or given in RESERVED_IDS:
            raise EntryError(f"--id: Expected a lowercase ASCII slug like 'united-nations' but received {given!r}")
        return given
    made = slugify(name)
    if not SLUG_RE.match(made) or made in RESERVED_IDS:
        raise EntryError(f"Expected a name with letters or digits to make an id from but received {name!r}; pass --id")
    return made


def _refuse_taken(spans: list[EntrySpan], shown: str, entry_id: str, name: str) -> None:
    """An id already in the file, or a name another entry has as its name or an alias (``check``
    would reject the new entry for either)."""
    wanted = skeleton(name)
    for span in spans:
        if span.key == entry_id:
            raise EntryError(
                f"Expected a new id but {entry_id!r} is already an entry of {shown} (line {span.start}); "
                "nothing written (pass --id to choose another)"
            )
        data = span.data if isinstance(span.data, dict) else {}
        labels = [data.get("name"), *(data.get("aliases") if isinstance(data.get("aliases"), list) else [])]
        if any(isinstance(label, str) and skeleton(label) == wanted for label in labels):
            raise EntryError(
                f"Expected a new name but {name!r} is already a name or alias of {span.key!r} "
                f"({shown}:{span.start}); nothing written"
            )


def propose_kind(name: str, spans: list[EntrySpan]) -> str:
    """The ``kind`` most entries have whose names end with the same word ("… Party", "… Court"),
    or whose word before "of" is the same ("Ministry of …"); else a person for two to four
    capitalised words, an organization for anything else. A proposal, printed as one."""
    votes: Counter[str] = Counter()
    for word in _head_words(name):
        for span in spans:
            data = span.data if isinstance(span.data, dict) else {}
            if (
                isinstance(data.get("name"), str)
                and data.get("kind") in ENTRY_KINDS
                and word in _head_words(data["name"])
            ):
                votes[data["kind"]] += 1
        if votes:
            return min(votes, key=lambda kind: (-votes[kind], kind))
    for word in _head_words(name):
        if word in KIND_WORDS:
            return KIND_WORDS[word]
    words = name.split()
    if 2 <= len(words) <= 4 and all(word[:1].isupper() and word.replace("-", "").isalpha() for word in words):
        return "person"
    return "organization"


# Words that say which kind of body a name names, when no entry's name ends with the same word.
KIND_WORDS = {
    **dict.fromkeys(["party", "democrats", "republicans"], "party"),
    **dict.fromkeys(["court", "tribunal"], "court"),
    **dict.fromkeys(["parliament", "congress", "senate", "assembly", "house", "knesset", "duma"], "legislature"),
    **dict.fromkeys(["government", "cabinet", "administration"], "government"),
    **dict.fromkeys(
        ["ministry", "department", "agency", "office", "bureau", "service", "commission", "authority"], "agency"
    ),
    **dict.fromkeys(["army", "forces", "brigades", "militia", "guard", "navy"], "armed-group"),
    **dict.fromkeys(["inc", "corp", "corporation", "company", "ltd", "llc", "airlines"], "company"),
    **dict.fromkeys(
        ["union", "nations", "organization", "organisation", "council", "alliance", "fund", "league", "committee"],
        "organization",
    ),
}


def _head_words(name: str) -> list[str]:
    """The words that say what a name names: its last, and the one before "of"."""
    words = fold(name).split()
    out = words[-1:]
    if "of" in words[1:]:
        out.append(words[words.index("of", 1) - 1])
    return out


def scaffold(entry_id: str, name: str, kind: str | None) -> str:
    """The entry's lines, without a final line break."""
    fields: list[tuple[str, str]] = [("kind", kind)] if kind else []
    fields += [("aliases", "[]"), ("description", '""'), ("wikidata", "")]
    lines = [f"- id: {entry_id}", f"  name: {_yaml_scalar(name)}"]
    for field_name, value in fields:
        text = f"  {field_name}: {value}" if value else f"  {field_name}:"
        lines.append(f"{text:<34} # {COMMENTS[field_name]}")
    return "\n".join(lines)


def _yaml_scalar(text: str) -> str:
    """``text`` as written in the files (plain) when YAML reads it back unchanged, else quoted."""
    try:
        if load(f"name: {text}").data == {"name": text}:
            return text
    except YamlError:
        pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _validate(block: str, shown: str) -> None:
    """The entry as the reader will see it once its description is written."""
    data: Any = load(block).data[0]
    try:
        VocabularyEntry.model_validate({**data, "description": "Written."})
    except ValidationError as exc:
        loc, message = explain(exc, VocabularyEntry)[0]
        raise EntryError(f"{field_path(loc)}: {message}; nothing written to {shown}") from None


def insertion_index(spans: list[EntrySpan], name: str, kind: str | None, lines: list[str]) -> int:
    """The index in ``lines`` to insert the entry before: at its place by name among the entries
    it belongs with (those of its ``kind`` when the file's entries have one) if they are sorted
    by name, else after the last of them; the end of the file when there is none."""
    group = [s for s in spans if isinstance(s.data, dict) and (kind is None or s.data.get("kind") == kind)]
    if not group:
        return len(lines)
    for sort_key in SORT_KEYS:
        names = [sort_key(s.data.get("name")) for s in group]
        if names == sorted(names):
            key = sort_key(name)
            following = next((s for s, other in zip(group, names, strict=True) if other > key), None)
            if following is not None:
                return following.start - 1
            break
    else:
        if kind is None:
            return len(lines)
    last = group[-1]
    end = last.end
    while end > last.start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # a blank line or the comment heading the next group stays after the entry
    return end


# How a file may be sorted by name: as Python compares case-folded names ("Andrés" after
# "Andrzej"), or without accents and punctuation.
SORT_KEYS = (
    lambda name: name.casefold() if isinstance(name, str) else "",
    lambda name: fold(name) if isinstance(name, str) else "",
)
