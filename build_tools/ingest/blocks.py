"""Normalization rule 2, blocks: lines grouped into paragraphs, lists, headings, tables, quotes
and code (pasted text keeps a paragraph per line; Markdown paragraphs are unwrapped); and the
blocks rendered back into Markdown, links without an address undone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .text import link_sub, plain_text


@dataclass
class Block:
    kind: str  # para, list, heading, table, rule, code
    text: str = ""
    level: int = 0
    items: list[tuple[int, str]] = field(default_factory=list)  # list items: (depth, text)
    ordered: bool = False
    start: int = 1  # an ordered list's first number, as the source numbered it
    turn: bool = False  # a paragraph that is a speaker's turn in a transcript: never a heading

    def plain(self) -> str:
        if self.kind == "list":
            return "\n".join(plain_text(text) for _, text in self.items)
        return plain_text(self.text)


# A footer label ("Disclaimer:", "Share this article"): a block of its own, even glued under the
# last paragraph; furniture ends the article there.
FOOTER_START = re.compile(
    r"^(disclaimer|share this( article| page)?|related (articles|posts|stories)|more from|about the author)s?\s*:?$",
    re.I,
)
_BULLET = re.compile(r"^(\s*)([•●▪◦‣∙·○■□➢►✓✔-]|\*|\+|\d{1,3}[.)])\s+(\S.*)$")


def _heading(line: str) -> tuple[str, str] | None:
    r"""(hashes, text) of an ATX heading line, as ^(#{1,6})\s+(.*?)\s*#*\s*$ reads it: the
    closing hashes and spaces stripped from the end (the lazy pattern retried its tail after
    every character: quadratic in a line of spaces)."""
    hashes = len(line) - len(line.lstrip("#"))
    if 1 <= hashes <= 6 and hashes == len(line):
        return line, ""  # an empty heading ("## " and spaces): nothing to keep
    if not 1 <= hashes <= 6 or not line[hashes].isspace():
        return None
    return line[:hashes], line[hashes:].lstrip().rstrip().rstrip("#").rstrip()


_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")
_LABEL_LINE = re.compile(r"^\s*\*\*[^*\n]{1,60}:\s*\*\*")


class _Reader:
    """``to_blocks`` line by line: the blocks so far, the paragraph being read, an open fence."""

    def __init__(self, markdown: bool):
        self.markdown = markdown
        self.blocks: list[Block] = []
        self.para: list[str] = []
        self.fence: list[str] | None = None
        self.previous_blank = False

    def flush(self) -> None:
        if self.para:
            self.blocks.append(Block("para", " ".join(part.strip() for part in self.para)))
            self.para.clear()

    def last(self, kind: str) -> Block | None:
        """The last block when it is of this ``kind`` and no paragraph is being read after it."""
        return self.blocks[-1] if self.blocks and self.blocks[-1].kind == kind and not self.para else None

    def line(self, raw: str) -> None:
        if self.fence is not None:
            self.fence.append(raw)
            if raw.strip().startswith("```"):
                self.blocks.append(Block("code", "\n".join(self.fence)))
                self.fence = None
            return
        line = raw.rstrip()
        stripped = line.strip()
        after_blank, self.previous_blank = self.previous_blank, not stripped
        if not stripped:
            self.flush()
        elif self.cell_goes_on(stripped, after_blank):
            pass
        elif not (self.alone(line, stripped) or self.quoted(stripped) or self.listed(raw, line, stripped, after_blank)):
            if self.markdown and _LABEL_LINE.match(stripped):
                self.flush()
            self.para.append(stripped)
            if not self.markdown or raw.endswith("  "):  # pasted text: a paragraph a line; Markdown: a hard break
                self.flush()

    def alone(self, line: str, stripped: str) -> bool:
        """A line that is a block of its own, or ends one: a fence, a rule, a heading, a footer label."""
        markdown = self.markdown
        if markdown and stripped.startswith("```"):
            self.flush()
            self.fence = [line]
            return True
        if _RULE.match(stripped) and not (self.para and stripped[0] in "-=" and markdown):
            self.flush()
            self.blocks.append(Block("rule"))
            return True
        if _RULE.match(stripped) and self.para and markdown:  # setext heading
            text = " ".join(self.para)
            self.para.clear()
            self.blocks.append(Block("heading", text, 1 if stripped[0] == "=" else 2))
            return True
        heading = _heading(stripped) if markdown or stripped.startswith("#") else None
        if heading and (markdown or len(stripped) < 150):
            self.flush()
            self.blocks.append(Block("heading", heading[1], len(heading[0])))
            return True
        if FOOTER_START.match(stripped):  # a footer label glued under the last paragraph
            self.flush()
            self.blocks.append(Block("para", stripped))
            return True
        return False

    def cell_goes_on(self, stripped: str, after_blank: bool) -> bool:
        """A line right under a table row that does not start with "|": the rest of the row's last
        cell, which held a line break (kept as <br>, a Markdown cell being one line)."""
        table = self.last("table")
        if table is None or after_blank or stripped.startswith(("|", "#", "```")) or _RULE.match(stripped):
            return False
        table.text += "<br>" + stripped
        return True

    def quoted(self, stripped: str) -> bool:
        """A line of a block quote (Markdown) or of a table."""
        if self.markdown and stripped.startswith(">") and not self.para:
            body = stripped[1:].strip()
            if self.blocks and self.blocks[-1].kind == "quote":
                self.blocks[-1].text += "\n" + (f"> {body}" if body else ">")
            else:
                self.blocks.append(Block("quote", f"> {body}"))
            return True
        if stripped.startswith("|"):
            table = self.last("table")
            if table is not None:
                table.text += "\n" + stripped
            else:
                self.flush()
                self.blocks.append(Block("table", stripped))
            return True
        return False

    def listed(self, raw: str, line: str, stripped: str, after_blank: bool) -> bool:
        """A list item, or the wrapped line of one (Markdown)."""
        bullet = _BULLET.match(line)
        in_list = self.last("list")
        if bullet and self.markdown and self.para and bullet[2][0].isdigit() and int(bullet[2][:-1]) != 1:
            # A numbered line inside a paragraph ("... in\n14. They discussed"): Markdown only
            # lets a list that starts at 1 interrupt a paragraph; this one is a wrapped line.
            return False
        if bullet:
            self.flush()
            indent = len(bullet[1].replace("\t", "    "))
            item = bullet[3].strip()
            if in_list is not None:
                in_list.items.append((indent, item))
            else:
                ordered = bullet[2][0].isdigit()
                start = int(bullet[2][:-1]) if ordered else 1
                self.blocks.append(Block("list", items=[(indent, item)], ordered=ordered, start=start))
            return True
        indent = len(raw) - len(raw.lstrip(" "))
        if in_list is not None and self.markdown and indent and (not after_blank or 2 <= indent <= 12):
            depth, item = in_list.items[-1]  # a wrapped list item
            in_list.items[-1] = (depth, f"{item} {stripped}")
            return True
        return False

    def finish(self) -> list[Block]:
        self.flush()
        if self.fence:
            self.blocks.append(Block("code", "\n".join(self.fence)))
        self.blocks = _join_split_tables(self.blocks)
        for block in self.blocks:
            if block.kind == "list":
                block.items = _depths(block.items)
            if block.kind == "table" and "\n" not in block.text and block.text.strip("| ").count("|") == 0:
                block.kind, block.text = "para", block.text.strip("| ")  # a one-cell box: its title line
        return self.blocks


def _width(table: Block) -> int:
    return max(len(split_cells(row)) for row in table.text.split("\n"))


def _join_split_tables(blocks: list[Block]) -> list[Block]:
    """A table whose cells held paragraphs, as pages copied from a browser write it: rows of the
    same width separated by one or two short paragraphs, each the rest of the row above's last
    cell. Those are one table again, the paragraphs in their cell (after a <br>)."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind == "table" and out and out[-1].kind == "table" and _width(block) == _width(out[-1]) >= 2:
            out[-1].text += "\n" + block.text
            index += 1
            continue
        gap = 0
        while index + gap < len(blocks) and blocks[index + gap].kind == "para" and gap < 2:
            gap += 1
        following = blocks[index + gap] if index + gap < len(blocks) else None
        if (
            gap
            and out
            and out[-1].kind == "table"
            and following is not None
            and following.kind == "table"
            and _width(following) == _width(out[-1]) >= 2
            and all(len(b.text) <= 400 for b in blocks[index : index + gap])
        ):
            out[-1].text += "".join("<br><br>" + b.text for b in blocks[index : index + gap])
            index += gap
            continue
        out.append(block)
        index += 1
    return out


def to_blocks(text: str, markdown: bool) -> list[Block]:
    """Lines grouped into blocks: paragraphs (pasted text keeps one per line; Markdown
    paragraphs are unwrapped), lists with their depths, headings, tables, quotes, code, rules."""
    reader = _Reader(markdown)
    for raw in text.split("\n"):
        reader.line(raw)
    return reader.finish()


def _depths(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Turn indents into nesting depths 0, 1, 2 ... (a deeper indent than the previous = one deeper)."""
    stack: list[int] = []
    out = []
    for indent, text in items:
        while stack and indent < stack[-1]:
            stack.pop()
        if not stack or indent > stack[-1]:
            if stack and len(stack) >= 3:
                indent = stack[-1]
            else:
                stack.append(indent)
        out.append((len(stack) - 1, text))
    base = min((d for d, _ in out), default=0)
    return [(d - base, t) for d, t in out]


# --- rendering -------------------------------------------------------------------------------


_GOOD_TARGET = re.compile(
    r"^(https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+([/?#:][^\s]*)?|mailto:(?=\S*?\S@\S)\S+|/\S*|#\S*)$"
)  # mailto:\S+@\S+ tried every "@" and every end: quadratic


def fix_links(text: str) -> str:
    """A link whose target is no address (pasted text, 'https://[') keeps its text and loses the link."""

    def repair(match: re.Match) -> str:
        if match[0].startswith("!") or _GOOD_TARGET.match(match[2]):
            return match[0]
        return match[1]

    return link_sub(repair, text)


def absolute_links(text: str, base: str | None) -> str:
    """Links relative to the source page ("/sotu", "../x") made absolute against the source's
    address, so they lead where the source meant rather than into this site (where ``check``
    would find no page); without an address, such a link keeps its text only. Links within the
    page ("#...") and links with a scheme are left as they are."""

    def resolve(match) -> str:
        target = match[2].strip()
        if match[0].startswith("!") or not target or target.startswith("#") or re.match(r"^[A-Za-z][\w+.-]*:", target):
            return match[0]
        if not base:
            return match[1]
        return f"[{match[1]}]({urljoin(base, target)})"

    return link_sub(resolve, text) if "](" in text else text


def render(blocks: list[Block]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "heading":
            parts.append(f"{'#' * block.level} {block.text}")
        elif block.kind == "list":
            lines = []
            number = block.start
            for depth, text in block.items:
                marker = f"{number}." if block.ordered and depth == 0 else "-"
                number += block.ordered and depth == 0
                lines.append(f"{'    ' * depth}{marker} {text}")
            parts.append("\n".join(lines))
        elif block.kind == "table":
            parts.append(render_table(block.text))
        elif block.kind in ("para", "code", "quote"):
            parts.append(block.text)
    return fix_links("\n\n".join(part for part in parts if part.strip())) + "\n"


_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_BAR = re.compile(r"(?<!\\)\|")


def split_cells(row: str) -> list[str]:
    """The cells of a table row ("| a | b |" or "| a | b", escaped "\\|" kept in a cell)."""
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip() for cell in _CELL_BAR.split(row)]


def render_table(text: str) -> str:
    """A table by the shape of its rows: when two rows have two cells or more (or one has three) it
    is a data table, written as a Markdown table (its first row of several cells the header, a
    separator row added when the source had none, every cell kept); single-cell rows before its
    first row of several cells (a caption) and after its last (sources, notes) become paragraphs.
    A box whose rows are single cells (a sidebar, a figure frame) becomes paragraphs."""
    rows = [split_cells(row) for row in text.split("\n") if not _SEPARATOR_ROW.match(row.strip())]
    rows = [row for row in rows if any(row)]
    wide = [index for index, row in enumerate(rows) if len(row) >= 2]
    if not wide or not (len(wide) >= 2 or len(rows[wide[0]]) >= 3):
        return "\n\n".join(cell for row in rows for cell in row if cell)
    first, last = wide[0], wide[-1]
    width = max(len(row) for row in rows[first : last + 1])
    body = [row + [""] * (width - len(row)) for row in rows[first : last + 1]]
    lines = [
        "| " + " | ".join(body[0]) + " |",
        "|" + " --- |" * width,
        *("| " + " | ".join(row) + " |" for row in body[1:]),
    ]
    before = [cell for row in rows[:first] for cell in row if cell]
    after = [cell for row in rows[last + 1 :] for cell in row if cell]
    return "\n\n".join([*before, "\n".join(lines), *after])
