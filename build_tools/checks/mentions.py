"""Names the text uses that the article does not tag (rule ``untagged-mention``).

The mentions are those ``build_tools/linking`` finds (the same rules as ``tag`` and ``ingest``:
the vocabulary's names, aliases and context). Each actor or place the title, summary or body
names and the article's tag lists lack is one warning, at the line of its first mention, naming
the text as written and the entry. It is settled by tagging it (``python -m build_tools tag
--write <file>``) or, when the name does not mean that entry there, by the vocabulary's
``context`` (``forbids`` the phrase, or marks the name ``ambiguous`` with what ``requires`` it).
Topics are not reported: a topic is tagged from repeated mentions, not from one.
"""

from __future__ import annotations

from ..linking import article_tags
from ..problems import Problem
from ..readers import Article, Vocabulary

RULE = "untagged-mention"
KINDS = ("actors", "places")


def untagged_mention_problems(article: Article, vocabulary: Vocabulary) -> list[Problem]:
    tags = article_tags(article, vocabulary)
    found = tags.found
    tagged = {(kind, entry_id) for kind in KINDS for entry_id in article.ids(kind)}
    seen = set()
    problems = []
    for mention in found.mentions:
        key = mention.key
        if key[0] not in KINDS or key in tagged or key in seen:
            continue
        seen.add(key)
        if mention.zone == "body":
            line = article.body_line + article.body.count("\n", 0, mention.start - found.body_start)
        else:
            line = article.line_of(mention.zone)
        message = (
            f"{RULE}: the text names {mention.written!r} ({key[0]}/{key[1]}) but the article does not tag it; "
            f"tag it (python -m build_tools tag --write) or give the vocabulary entry a context"
        )
        problems.append(Problem(article.shown, line, "warning", message, "untagged-mention"))
    return problems
