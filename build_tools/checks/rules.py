"""Every rule ``check`` reports, in one table: the ``rule`` of each ``Problem`` it prints.

``check --list-rules`` prints it and CONTRIBUTING.md's "What `check` looks at" holds it as
``markdown_table()`` makes it (tests/test_rules.py compares both, and that every rule a module
reports is here). A new rule is a row here, its function in the module named, and its call in
``runner.check``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str  # the ``rule`` of its problems
    severity: str  # "error", "warning", or both ("error / warning") in the order of ``description``'s cases
    description: str  # one line, Markdown (CONTRIBUTING.md)
    module: str  # where its problems are made, under build_tools/


RULES: tuple[Rule, ...] = (
    Rule(
        "schema",
        "error",
        "frontmatter fields and values (titles and names one line, nothing invisible; source URLs that are URLs)",
        "readers",
    ),
    Rule(
        "location",
        "error / warning",
        "file name, folder and date agree; symbolic links and `.MD`/`.markdown` files under `articles/` (errors), "
        "any other file there (warnings)",
        "readers",
    ),
    Rule("vocabulary-id", "error", "ids missing from the vocabulary, with suggestions", "readers"),
    Rule(
        "duplicate-slug",
        "error / warning",
        "same slug in the same year (same URL) / in another year",
        "checks.duplicates",
    ),
    Rule(
        "duplicate-source",
        "error",
        "two articles with the same source URL (scheme and host in any case, no `www.`, trailing slash, "
        "fragment, default port or `utm_*`; the path and the query count)",
        "checks.duplicates",
    ),
    Rule(
        "near-duplicate",
        "warning / error",
        "50% / 90% of the text's 5-word sequences shared with another article",
        "checks.duplicates",
    ),
    Rule("body", "error", "article text, no empty heading", "checks.body"),
    Rule(
        "no-sections",
        "warning",
        "no `##` heading in a text of 400 words or more (a shorter one needs none)",
        "checks.body",
    ),
    Rule("empty-section", "warning", "a heading with no text before the next heading of its level", "checks.body"),
    Rule(
        "heading-level",
        "warning",
        "a `#` heading in the body (the title is the page's `#`); a skipped level (`##` then `####`)",
        "checks.body",
    ),
    Rule(
        "placeholder",
        "error",
        "the sample heading and sentence `new` writes, still in the body",
        "checks.placeholders",
    ),
    Rule(
        "html",
        "error",
        "raw HTML beyond the allowed inline tags; `on*`, `style`, `class`, `id`, `hidden`, `data-*` attributes; "
        "attribute lists (`{: … }`); admonition types the theme does not draw",
        "checks.body",
    ),
    Rule(
        "link",
        "error",
        "`javascript:`, `data:`, `vbscript:`, `file:` links; internal links to no page, a draft or a file name, "
        "or from the site's root (`/articles/…`: write the relative `.md` link it suggests)",
        "checks.links",
    ),
    Rule(
        "image",
        "error",
        "an image the text shows (`![alt](<YYYY-MM-DD>-<slug>/map.png)`): in the article's folder, alt text, "
        "a credit and license in `images:`, a PNG/JPEG/WebP/GIF file its bytes agree with (no SVG), "
        "at most 1,000,000 bytes and 3000 pixels on the longest side",
        "checks.images",
    ),
    Rule(
        "image-unused",
        "warning",
        "a file of the article's image folder, or an `images:` entry, that the text never shows",
        "checks.images",
    ),
    Rule(
        "remote-image",
        "warning",
        "an image loaded from another site (`![alt](https://…)`): save it beside the article and credit it",
        "checks.images",
    ),
    Rule(
        "vocabulary",
        "error",
        "duplicate ids; one name or alias claimed by two entries, names equal once normalised (case, accents, "
        'look-alike letters such as Cyrillic "К"), mixed-script words, role dates',
        "readers, checks.vocabulary",
    ),
    Rule(
        "unused-entry",
        "warning",
        "vocabulary entries no article uses (`--no-unused` leaves them out)",
        "checks.vocabulary",
    ),
    Rule(
        "untagged-mention",
        "warning",
        "an actor or place the title, summary or body names (names, aliases, the vocabulary's `context`) "
        "that the article does not tag",
        "checks.mentions",
    ),
    Rule(
        "stale-title",
        "warning",
        '"former <title> <name>" inside a role, "<title> <name>" / "current <title> <name>" outside it; '
        '"current <X> administration" outside the term of the person it is named after',
        "checks.stale",
    ),
)
RULE = {rule.id: rule for rule in RULES}


def markdown_table() -> str:
    """The rules as CONTRIBUTING.md shows them."""
    rows = ["| rule | severity | what |", "| --- | --- | --- |"]
    rows += [f"| {rule.id} | {rule.severity} | {rule.description.replace('|', '&#124;')} |" for rule in RULES]
    return "\n".join(rows) + "\n"


def text_table() -> str:
    """The rules as ``check --list-rules`` prints them: one aligned line each."""
    header = ("rule", "severity", "module", "what")
    rows = [header] + [(rule.id, rule.severity, rule.module, rule.description) for rule in RULES]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join("  ".join([*(row[c].ljust(widths[c]) for c in range(3)), row[3]]) for row in rows) + "\n"
