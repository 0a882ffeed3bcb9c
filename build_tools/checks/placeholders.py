"""Text that ``new`` writes for the author to replace (rule ``placeholder``).

``new`` starts an article with a sample heading and a sentence saying what to write. Both are
valid Markdown, so without this rule an article could be published with them. The template
takes its lines from here, so the two cannot drift apart.
"""

from __future__ import annotations

from ..problems import Problem
from ..readers import Article
from .prose import prose_lines

# The body ``new`` writes, line by line (blank lines between them).
HEADING = "## A first section heading"
INSTRUCTION = "Write the explainer in Markdown, in ## and ### sections."
BODY_PLACEHOLDERS = (HEADING, INSTRUCTION)


def placeholder_problems(article: Article) -> list[Problem]:
    """An error for each line of the body that is still ``new``'s placeholder."""
    return [
        Problem(
            article.shown,
            line,
            "error",
            f"placeholder: Expected your own text but received {text.strip()!r}, which `new` wrote "
            "as a placeholder; replace it",
            "placeholder",
        )
        for line, text in prose_lines(article.body, article.body_line)
        if text.strip() in BODY_PLACEHOLDERS
    ]
