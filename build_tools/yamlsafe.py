"""Strict YAML reading shared by articles and vocabulary.

PyYAML's safe loader keeps the last of two duplicate keys, reads ``NO`` as false and
``3.10`` as 3.1. Here every scalar stays the text it was written as (the schema gives
it a type), duplicate keys and aliases are errors, and each key keeps its line number
so that messages can point at it.
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
# An anchor (&x) or alias (*x) can only start after a space, a flow indicator or line start.
MAYBE_ANCHOR_RE = re.compile(r"(?:^|[\s\[{,:?-])[&*][^\s]", re.M)


def load(text: str, first_line: int = 1) -> Located:
    """Load one YAML document with every scalar as a string."""
    try:
        if MAYBE_ANCHOR_RE.search(text):  # the slow, exact scan only where & or * could be syntax
            for event in yaml.parse(text, Loader=yaml.BaseLoader):
                anchor = getattr(event, "anchor", None)
                if isinstance(event, yaml.AliasEvent) or anchor:
                    line = event.start_mark.line + first_line
                    raise YamlError("YAML anchors and aliases (& and *) are not allowed", line)
        try:
            node = yaml.compose(text, Loader=FAST_LOADER)
        except yaml.YAMLError:  # the Python loader's messages are the clearer ones
            node = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        raise YamlError(f"Invalid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"Invalid YAML: {exc}", first_line) from None
    located = Located(None)
    located.data = _build(node, (), located.lines, first_line) if node is not None else None
    return located


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], first: int) -> Any:
    lines.setdefault(path, node.start_mark.line + first)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("Expected a plain key", key_node.start_mark.line + first)
            key = key_node.value
            if key in out:
                raise YamlError(
                    f"Duplicate key '{key}' (first at line {lines[path + (key,)]})",
                    key_node.start_mark.line + first,
                )
            lines[path + (key,)] = key_node.start_mark.line + first
            out[key] = _build(value_node, path + (key,), lines, first)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), lines, first) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:null" or (
        not node.style and node.value in ("", "~", "null")
    ):  # plain style: None (Python) or "" (libyaml)
        return None
    # A quoted scalar can spell any character as an escape ("\0", "\e", "\x9b", "\uD800"):
    # hold values to the same rule as the file's raw text (tabs and line breaks allowed).
    found = CONTROL_RE.search(node.value)
    bad = found.group() if found else None
    if bad is not None:
        items = [part for part in path if isinstance(part, int)]
        field_name = ".".join(part for part in path if isinstance(part, str))
        field_name += f" (item {items[-1] + 1})" if items else ""
        raise YamlError(
            f"{field_name + ': ' if field_name else ''}Expected text but found the "
            f"{'lone surrogate' if 0xD800 <= ord(bad) <= 0xDFFF else 'control character'} "
            f"U+{ord(bad):04X} (written as an escape)",
            node.start_mark.line + first,
        )
    return node.value


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
