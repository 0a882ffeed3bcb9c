"""Strict YAML reading shared by articles and vocabulary.

PyYAML's safe loader keeps the last of two duplicate keys, reads ``NO`` as false and
``3.10`` as 3.1. Here every scalar stays the text it was written as (the schema gives
it a type), duplicate keys, anchors and aliases are errors, nesting is limited to
MAX_DEPTH levels, and each key keeps its line number so that messages can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_FRONTMATTER_BYTES = 64 * 1024
Path_ = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Located:
    """Parsed YAML plus the 1-based line of every key and item, by field path."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_, default: int | None = None) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return default
            path = path[:-1]


def decode_text(raw: bytes) -> str:
    """Decode a source file: UTF-8 only, BOM and CRLF accepted, control characters refused."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            f"Expected UTF-8 text but found the byte 0x{raw[exc.start]:02x} at byte {exc.start}",
            line,
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    found = CONTROL_RE.search(text)
    if found:
        number = text.count("\n", 0, found.start()) + 1
        raise YamlError(f"Expected text but found the control character U+{ord(found.group()):04X}", number)
    return text


# Control characters other than tab and line feed: C0, DEL, C1, and lone surrogates.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


# libyaml's loader when PyYAML was built with it (about 30 times faster), else the Python one.
FAST_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
# Mappings and lists inside one another: an article's frontmatter needs 2 levels, a vocabulary
# file 4. The limit keeps a hostile file from exhausting the stack or the memory.
MAX_DEPTH = 20
# Line and paragraph separators: invisible in editors, and YAML counts them as line breaks
# (so every later line number would be off by one). U+0085 is refused as a control character.
SEPARATOR_RE = re.compile("[\u2028\u2029]")
_SEPARATOR_NAMES = {"\u2028": "line separator", "\u2029": "paragraph separator"}


def load(text: str, first_line: int = 1) -> Located:
    """Load one YAML document with every scalar as a string.

    One pass over the parser's events, without recursion: anchors and aliases, nesting deeper
    than MAX_DEPTH, and a second document are refused as they come; the first error of the
    values themselves (a duplicate key, a key that is not plain, an escaped control character)
    is kept and reported once the whole text has parsed, so a syntax error or an alias anywhere
    in the file is reported before it."""
    found = SEPARATOR_RE.search(text)
    if found:
        raise YamlError(
            f"Expected text but found the {_SEPARATOR_NAMES[found.group()]} U+{ord(found.group()):04X}",
            text.count("\n", 0, found.start()) + first_line,
        )
    try:
        try:
            return _load_events(yaml.parse(text, Loader=FAST_LOADER), first_line)
        except yaml.YAMLError:  # the Python loader's messages are the clearer ones
            return _load_events(yaml.parse(text, Loader=yaml.BaseLoader), first_line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        hint = _quote_hint(text, mark, exc.problem or "") if mark else ""
        raise YamlError(f"Invalid YAML: {exc.problem or exc.context}{hint}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"Invalid YAML: {exc}", first_line) from None


# What YAML says when a plain value holds ": " or starts with a character that has a meaning
# ("`", "@", "%"): the fix is to quote the value. A value that starts like a list or a quoted
# string and goes on after it ("[Draft] Talks", '"Deal" reached') needs quotes around it all.
_NEEDS_QUOTES = ("mapping values are not allowed here", "that cannot start any token")
_KEY_VALUE_RE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*):[ \t]+(.+?)\s*$")
_CONTINUED_RE = re.compile(r"""^(?:\[[^\]]*\]|\{[^}]*\}|"[^"]*"|'[^']*')[ \t]*[^\s#]""")


def _quote_hint(text: str, mark: yaml.Mark, problem: str) -> str:
    """For a value that must be quoted: the line as it should be written; for a tab: spaces."""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "'\\t'" in problem or "'\t'" in problem:
        return "; indent with spaces: YAML does not allow a tab there"
    match = _KEY_VALUE_RE.match(line)
    if match is None:
        return ""
    value = match[3]
    inside = mark.column >= match.start(3)  # the problem is in the value, not in the key
    if not (_CONTINUED_RE.match(value) or (inside and any(p in problem for p in _NEEDS_QUOTES))):
        return ""
    if value.startswith(("'", '"')) and not _CONTINUED_RE.match(value):
        return ""
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"; put the value of {match[2]!r} in quotes: {match[2]}: {quoted}"


class _Frame:
    __slots__ = ("value", "path", "key")

    def __init__(self, value: dict | list, path: Path_):
        self.value = value
        self.path = path
        self.key: str | None = None  # a mapping's key whose value comes next


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_END_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _load_events(events, first: int) -> Located:
    """Build the data from the parser's events, iteratively (no recursion: depth is bounded
    by MAX_DEPTH, not by Python's stack). An error in a value is raised once the whole text
    was parsed, so that a syntax error further down is the one reported."""
    located = Located(None)
    stack: list[_Frame] = []
    documents = 0
    deferred: YamlError | None = None  # the first error of the values, raised at the end
    for event in events:
        if isinstance(event, _END_EVENTS):
            stack.pop()
            continue
        if not isinstance(event, _NODE_EVENTS):
            documents = _structure_event(event, documents, first)
            continue
        line = event.start_mark.line + first
        if event.anchor:
            raise YamlError("YAML anchors and aliases (& and *) are not allowed", line)
        is_scalar = isinstance(event, yaml.ScalarEvent)
        if not is_scalar and len(stack) >= MAX_DEPTH:
            raise YamlError(f"Expected at most {MAX_DEPTH} levels of nesting but found more", line)
        if deferred is not None:
            if not is_scalar:
                stack.append(_Frame([], ()))  # keep the depth count; nothing is built any more
            continue
        deferred = _node_event(event, line, stack, located)
    if deferred is not None:
        raise deferred
    return located


def _structure_event(event, documents: int, first: int) -> int:
    """An event that is no value: an alias is refused, and so is a second document."""
    if isinstance(event, yaml.AliasEvent):
        raise YamlError("YAML anchors and aliases (& and *) are not allowed", event.start_mark.line + first)
    if isinstance(event, yaml.DocumentStartEvent):
        documents += 1
        if documents > 1:
            raise YamlError("Invalid YAML: but found another document", event.start_mark.line + first)
    return documents


def _node_event(event, line: int, stack: list[_Frame], located: Located) -> YamlError | None:
    """Place a scalar or a new mapping or list where the stack says; returns the error of a
    value (a bad key, a duplicate key, a bad scalar) instead of raising it."""
    lines = located.lines
    is_scalar = isinstance(event, yaml.ScalarEvent)
    parent = stack[-1] if stack else None
    if parent is None:
        path: Path_ = ()
    elif isinstance(parent.value, list):
        path = parent.path + (len(parent.value),)
    elif parent.key is None:  # a mapping's key
        if not is_scalar:
            stack.append(_Frame([], ()))
            return YamlError("Expected a plain key", line)
        key = event.value
        if key in parent.value:
            return YamlError(f"Duplicate key '{key}' (first at line {lines[parent.path + (key,)]})", line)
        lines[parent.path + (key,)] = line
        parent.key = key
        return None
    else:
        path = parent.path + (parent.key,)
    lines.setdefault(path, line)
    if is_scalar:
        try:
            value: Any = _scalar(event, path, line)
        except YamlError as exc:
            return exc
    else:
        value = {} if isinstance(event, yaml.MappingStartEvent) else []
    if parent is None:
        located.data = value
    elif isinstance(parent.value, list):
        parent.value.append(value)
    else:
        parent.value[parent.key] = value
        parent.key = None
    if not is_scalar:
        stack.append(_Frame(value, path))
    return None


def _scalar(event: yaml.ScalarEvent, path: Path_, line: int) -> str | None:
    if event.tag == "tag:yaml.org,2002:null" or (
        not event.style and event.value in ("", "~", "null")
    ):  # plain style: None (Python) or "" (libyaml)
        return None
    # A quoted scalar can spell any character as an escape ("\0", "\e", "\x9b", "\uD800"):
    # hold values to the same rule as the file's raw text (tabs and line breaks allowed).
    found = CONTROL_RE.search(event.value)
    if found is None:
        return event.value
    bad = found.group()
    field_name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    if path and isinstance(path[0], int):  # an entry of a vocabulary file
        field_name = f"entry {path[0] + 1}" + (f": {field_name.split('.', 1)[1]}" if len(path) > 1 else "")
    raise YamlError(
        f"{field_name + ': ' if field_name else ''}Expected text but found the "
        f"{'lone surrogate' if 0xD800 <= ord(bad) <= 0xDFFF else 'control character'} "
        f"U+{ord(bad):04X} (written as an escape)",
        line,
    )


def split_frontmatter(text: str) -> tuple[str, str, int]:
    """Return (frontmatter, body, body_first_line) of a Markdown file with --- fences."""
    if not text.strip():
        raise YamlError("The file is empty; expected YAML frontmatter between --- lines", 1)
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise YamlError("Expected the file to start with a --- line opening the frontmatter", 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            if len(front.encode("utf-8")) > MAX_FRONTMATTER_BYTES:
                raise YamlError(f"Frontmatter larger than {MAX_FRONTMATTER_BYTES // 1024} kB", 1)
            start = index + 1
            while start < len(lines) and not lines[start].strip():
                start += 1
            return front, "\n".join(lines[start:]), start + 1
    raise YamlError("The frontmatter opened on line 1 is never closed with a --- line", 1)
