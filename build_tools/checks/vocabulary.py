"""The vocabulary as a whole: one name or alias claimed by two entries, names that normalise to
the same form (case, accents, look-alike letters), mixed-script words, roles ending before they
start, and entries no article uses. (Duplicate ids and the entries' schema are the reader's.)"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from confusable_homoglyphs import categories, confusables

from ..layout import ENTITY_KINDS
from ..problems import Problem, display_path
from ..readers import Article, Vocabulary
from ..schema import VocabularyEntry
from ..yamlsafe import YamlError, decode_text, load


def _confusable_pairs(word: str) -> list[tuple[str, str, str]]:
    found = confusables.is_confusable(word, greedy=True, preferred_aliases=["latin"]) or []
    out = []
    for item in found:
        # a homoglyph may be a sequence of characters (e.g. two apostrophes): only single letters map
        latin = [h["c"] for h in item["homoglyphs"] if len(h["c"]) == 1 and categories.alias(h["c"]) == "LATIN"]
        if latin:
            out.append((item["character"], item["alias"], latin[0]))
    return out


@lru_cache(maxsize=65536)
def skeleton(label: str) -> str:
    """The form two names are compared in: NFKC, case-folded, confusable letters mapped to
    Latin, accents and punctuation dropped."""
    # Invisible format characters (zero-width space, joiners, bidi marks) first: "Vladimir\u200b
    # Putin" must compare equal to "Vladimir Putin", not split a word in two.
    label = "".join(c for c in label if unicodedata.category(c) != "Cf")
    text = re.sub(
        r"[^\w\s]|_", " ", unicodedata.normalize("NFKC", label)
    )  # punctuation first: it has look-alike letters
    mapping = {char: latin for char, _alias, latin in _confusable_pairs(text)}
    text = "".join(mapping.get(c, c) for c in text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def vocabulary_lint(
    vocabulary: Vocabulary, articles: list[Article], root: Path, unread: str = ""
) -> list[tuple[str, Problem, tuple[str, ...]]]:
    """Every problem of the vocabulary, with the kind of entry whose file it is in and the ids of
    the entries it is about (two for a name claimed twice: ``check --changed-since`` reports it
    when either entry is new). ``unread`` is the frontmatter text of articles that have errors:
    an id written there is not reported as unused (the article's own error is the one to fix)."""
    out = []
    used = {(kind, i) for article in articles for kind in ENTITY_KINDS for i in article.ids(kind)}
    written = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", unread))
    used |= {(kind, i) for kind in ENTITY_KINDS for i in vocabulary.entries[kind] if i in written}
    for kind in ENTITY_KINDS:
        path = vocabulary.files.get(kind)
        if path is None or not path.exists():
            continue
        shown = display_path(path, root)
        lines = _entry_lines(path)
        claimed: dict[str, tuple[str, str]] = {}  # skeleton -> (entry id, label as written)
        for entry in vocabulary.entries[kind].values():
            start = vocabulary.lines.get((kind, entry.id), 1)
            where = lines.get(entry.id, {})
            labels = [("name", entry.name, where.get("name", start))]
            labels += [(f"aliases[{i}]", alias, where.get(i, start)) for i, alias in enumerate(entry.aliases)]
            problems = []
            for field_name, label, line in labels:
                problems += _mixed_script_problems(entry, field_name, label, shown, line)
                for problem, owner in _claim_problems(
                    vocabulary, kind, entry, (field_name, label, line), shown, claimed
                ):
                    out.append((kind, problem, (entry.id, owner)))
            problems += _role_problems(entry, shown, where, start)
            if (kind, entry.id) not in used:
                problems.append(
                    Problem(
                        shown,
                        start,
                        "warning",
                        f"entry {entry.id!r}: Expected at least one article to use it but received none; tag an article "
                        "with it, or remove the entry",
                        "unused-entry",
                    )
                )
            out += [(kind, problem, (entry.id,)) for problem in problems]
    return out


def _mixed_script_problems(entry: VocabularyEntry, field_name: str, label: str, shown: str, line: int) -> list[Problem]:
    """The first word of a name or alias that mixes scripts with a letter that looks Latin."""
    for word in label.split():
        pairs = _confusable_pairs(word) if confusables.is_mixed_script(word) else []
        if pairs:
            char, alias, latin = pairs[0]
            return [
                Problem(
                    shown,
                    line,
                    "error",
                    f"entry {entry.id!r}: {field_name}: Expected letters of one script but received "
                    f"{label!r}, whose {alias.title()} {char!r} (U+{ord(char):04X}) looks like the Latin {latin!r}",
                    "vocabulary",
                )
            ]
    return []


def _claim_problems(
    vocabulary: Vocabulary,
    kind: str,
    entry: VocabularyEntry,
    labelled: tuple[str, str, int],
    shown: str,
    claimed: dict[str, tuple[str, str]],
) -> list[tuple[Problem, str]]:
    """A name or alias (field, label, line) another entry of the kind already claims, with that
    entry's id; else the label is claimed for this entry."""
    field_name, label, line = labelled
    key = skeleton(label)
    if not key:
        return []
    owner = claimed.setdefault(key, (entry.id, label))
    if owner[0] == entry.id:
        return []
    first_line = vocabulary.lines.get((kind, owner[0]), 1)
    same = unicodedata.normalize("NFKC", owner[1]).casefold() == unicodedata.normalize("NFKC", label).casefold()
    reason = "already a name or alias of" if same else f"which normalises to {key!r} like {owner[1]!r} of"
    return [
        (
            Problem(
                shown,
                line,
                "error",
                f"entry {entry.id!r}: {field_name}: Expected a name no other entry claims but received "
                f"{label!r}, {reason} {owner[0]!r} (line {first_line})",
                "vocabulary",
            ),
            owner[0],
        )
    ]


def _role_problems(entry: VocabularyEntry, shown: str, where: dict, start: int) -> list[Problem]:
    return [
        Problem(
            shown,
            where.get(("roles", index), start),
            "error",
            f"entry {entry.id!r}: roles[{index}]: Expected 'to' on or after 'from' {role.start} but received {role.end}",
            "vocabulary",
        )
        for index, role in enumerate(entry.roles)
        if role.end is not None and role.end < role.start
    ]


def _entry_lines(path: Path) -> dict[str, dict]:
    """For each entry id: the line of its name, of each alias (by index) and of each role."""
    try:
        located = load(decode_text(path.read_bytes()))
    except (OSError, YamlError):
        return {}
    out: dict[str, dict] = {}
    for index, raw in enumerate(located.data if isinstance(located.data, list) else []):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        lines: dict = {"name": located.line_of((index, "name"))}
        for i, _ in enumerate(raw.get("aliases") or [] if isinstance(raw.get("aliases"), list) else []):
            lines[i] = located.line_of((index, "aliases", i))
        for i, _ in enumerate(raw.get("roles") or [] if isinstance(raw.get("roles"), list) else []):
            lines[("roles", i)] = located.line_of((index, "roles", i))
        out.setdefault(raw["id"], lines)
    return out
