"""What each normalization rule removed from a source, so that nothing leaves it unaccounted for.

Every stage of ``normalize`` that can drop text runs through :meth:`Ledger.stage`, which compares
the blocks before and after (by their comparison key, so that a rule that only re-marks a block,
such as a line made a heading, removes nothing) and writes down, under the stage's rule name,
each block that went and the part of each block that was cut. ``ingest --explain`` prints it;
``audit`` checks that every source line is either in the article or here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .blocks import Block
from .text import key

# The rules and what they remove, as ``ingest --explain`` names them.
RULES = {
    "html-markup": "scripts, styles, frames, media and comments of raw HTML in the text",
    "script-code": "runs of three or more lines of script code pasted with a page",
    "end-mark": "end marks of a release ('###', '\\# \\# \\#')",
    "metadata": "'Label: value' lines, datelines and bylines of the page header, read into the frontmatter",
    "page-furniture": "repeated titles, share/subscribe/citation links, breadcrumbs, PDF lists, a trailing footer",
    "table-of-contents": "lists of in-page links, or of the headings that follow",
    "speakers": "nothing: speaker labels put in bold (listed only if it ever dropped text)",
    "sections": "nothing: lines made headings (listed only if it ever dropped text)",
    "empty-heading": "a heading with no text under it before the next heading of its level",
}


def block_text(block: Block) -> str:
    """The text of a block as one string (a list's items one a line)."""
    if block.kind == "list":
        return "\n".join(text for _, text in block.items)
    return block.text


@dataclass
class Ledger:
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, text)

    def stage(self, rule: str, blocks: list[Block], run: Callable[[list[Block]], list[Block]]) -> list[Block]:
        """``run(blocks)``, with what it removed written down under ``rule``."""
        before = [block_text(block) for block in blocks]
        after_blocks = run(blocks)
        after_texts = [block_text(block) for block in after_blocks]
        # Blocks a rule left as they were match by their text; the others by their key (a rule
        # that only re-marks a block, a line made a heading, removes nothing).
        same = Counter(after_texts)
        changed_before = []
        for text in before:
            if same[text] > 0:
                same[text] -= 1
            else:
                changed_before.append(text)
        changed_after = []  # what is left of the after texts once the unchanged ones are matched
        for text in after_texts:
            if same[text] > 0:
                same[text] -= 1
                changed_after.append(text)
        unmatched = Counter(key(text) for text in changed_after)
        gone = []
        for text in changed_before:
            text_key = key(text)
            if unmatched[text_key] > 0:
                unmatched[text_key] -= 1
            elif text_key:
                gone.append(text)
        # An after block matched by no before block is what a rule made of one: a block it cut.
        made = [text for text in changed_after if unmatched[key(text)] > 0 and text.strip()]
        for text in gone:
            kept = max((t for t in made if t in text), key=len, default="")
            rest = " ".join(text.replace(kept, " ", 1).split()) if kept else text.strip()
            if key(rest):  # the block was cut, not removed: what was cut went
                self.removed.append((rule, rest))
        return after_blocks

    def by_rule(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rule, text in self.removed:
            out.setdefault(rule, []).append(text)
        return out
