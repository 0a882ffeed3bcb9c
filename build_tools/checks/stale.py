"""Stale titles: "former" or "current" titles that contradict the vocabulary's roles.

A vocabulary entry may carry ``roles`` (``title``, ``from``, ``to``; ``to`` is exclusive and
may be left out while the role lasts). For a person with roles, the text
"former <title> <name>" on a date inside one of those roles, and "<title> <name>" or
"current <title> <name>" on a date outside all of them, are flagged; "then-<title>" is never
flagged. <title> is the role title or its last word ("US President", "President"); <name> is
the entry's name, an alias, or the surname when no other role holder shares it. For a
government entry (kind ``government``), "current/present/sitting/incumbent <name>" outside its
term and "former/previous <name>" inside it are flagged. Its term is its own ``roles`` when it
has some, otherwise the roles of the person it is named after: "<X> administration" /
"<X> government" / "<X> presidency" links to the one role holder whose surname or alias is X
(the "Biden administration" is current exactly while Joe Biden is "US President").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from ..problems import Problem
from ..readers import Article, Vocabulary
from ..schema import VocabularyEntry
from .prose import prose_lines
from .vocabulary import skeleton

FORMER = ("former", "ex-", "previous")
CURRENT = ("current", "present", "sitting", "incumbent")


@dataclass
class Term:
    """When an entry holds office, and how to say so in a message."""

    entry: VocabularyEntry
    holder: VocabularyEntry  # the entry whose roles define the term (a person for an administration)
    pattern: re.Pattern
    government: bool
    names: tuple[frozenset[str], ...] = ()  # the words of each name the pattern knows (``_words``)
    titles: tuple[frozenset[str], ...] = ()  # ... and of each title

    def mentioned(self, words: frozenset[str]) -> bool:
        """Whether all the words of a name (and of a title) are among ``words``: if not, the
        pattern cannot match, and the text is not scanned for it."""
        return any(name <= words for name in self.names) and (
            not self.titles or any(title <= words for title in self.titles)
        )

    def roles(self, title: str | None = None):
        roles = self.holder.roles
        if self.government and self.holder is not self.entry:
            # "<X> administration" is in office while X heads it, not while X was a deputy
            heads = [r for r in roles if HEAD_RE.search(r.title) and not DEPUTY_RE.search(r.title)]
            roles = heads or roles
        if title is None:
            return list(roles)
        key = _title_key(title)
        exact = [r for r in roles if _title_key(r.title) == key]
        if exact:
            return exact
        # "President Biden" names the office by its last words: US President, not US Vice President
        return [
            r
            for r in roles
            if _title_key(r.title).endswith(" " + key) and not DEPUTY_RE.search(_title_key(r.title)[: -len(key)])
        ]

    def describe(self, title: str | None = None) -> str:
        roles = self.roles(title) or self.roles()
        spans: dict[str, list[str]] = {}
        for r in roles:
            spans.setdefault(r.title, []).append(f"{r.start} to {r.end}" if r.end else f"from {r.start}")
        prefix = f"{self.holder.name}: " if self.holder is not self.entry else ""
        return prefix + "; ".join(f"{t} {', '.join(s)}" for t, s in spans.items()) if roles else ""


HEAD_RE = re.compile(r"\b(president|prime minister|chancellor|premier)\b", re.I)
DEPUTY_RE = re.compile(r"\b(vice|deputy)\b", re.I)


def _title_key(title: str) -> str:
    return skeleton(title).replace("u s ", "us ")


def _alternation(words: list[str]) -> str:
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


def _starts(words: list[str]) -> str:
    """A lookahead for the first characters of ``words`` (case-insensitive in the patterns): a
    pattern tried at every character of a line (of spaces, say) fails there at once."""
    return "(?=[" + "".join(sorted({re.escape(w[0]) for w in words if w})) + "])"


_WORD = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    """The words of ``text``, case-folded at least as loosely as re.IGNORECASE compares them
    (İ and ı as i, the iota subscript as ι), so that a name the patterns match is never missed."""
    return frozenset(
        word.casefold().replace("\u0307", "").replace("ı", "i") for word in _WORD.findall(text.replace("\u0345", "ι"))
    )


def _surname(entry: VocabularyEntry) -> str:
    return entry.name.split()[-1] if entry.name.split() else ""


def terms(vocabulary: Vocabulary) -> list[Term]:
    """Every actor whose roles let the text be checked for stale titles."""
    actors = list(vocabulary.entries["actors"].values())
    holders = [e for e in actors if e.roles and (e.kind or "").lower() != "government"]
    surnames = defaultdict(list)
    for person in holders:
        surnames[_surname(person).casefold()].append(person)
    out = []
    for person in holders:
        titles = set()
        for role in person.roles:
            words = role.title.split()
            titles |= {role.title, words[-1], role.title.replace("US ", "U.S. ")}
        title_words = {w.casefold() for t in titles for w in t.split()}
        names = [person.name] + [a for a in person.aliases if not {w.casefold() for w in a.split()} & title_words]
        if len(surnames[_surname(person).casefold()]) == 1:
            names.append(_surname(person))
        pattern = re.compile(
            _starts([*FORMER, *CURRENT, "then", *titles])
            + rf"(?<![\w-])(?:(?P<mod>{_alternation(list(FORMER + CURRENT))})\s+|(?P<then>then)[-\s]+)?"
            rf"(?P<title>{_alternation(sorted(titles))})\s+(?P<name>{_alternation(names)})(?![\w-])",
            re.IGNORECASE,
        )
        words = (tuple(_words(name) for name in names if name), tuple(_words(title) for title in titles if title))
        out.append(Term(person, person, pattern, False, *words))
    for entry in actors:
        if (entry.kind or "").lower() != "government":
            continue
        holder = entry if entry.roles else None
        if holder is None:
            match = re.match(r"^(?:the\s+)?(.+?)\s+(?:administration|government|presidency|cabinet)$", entry.name, re.I)
            if match:
                named = match[1].casefold()
                found = [
                    p
                    for p in holders
                    if named in {_surname(p).casefold(), p.name.casefold(), *(a.casefold() for a in p.aliases)}
                ]
                holder = found[0] if len(found) == 1 else None
        if holder is None:
            continue
        names = [entry.name, *entry.aliases]
        names = [re.sub(r"^the\s+", "", n, flags=re.I) for n in names]
        pattern = re.compile(
            _starts([*FORMER, *CURRENT, "the"])
            + rf"(?<![\w-])(?:the\s+)?(?P<mod>{_alternation(list(FORMER + CURRENT))})\s+(?P<name>{_alternation(names)})(?![\w-])",
            re.IGNORECASE,
        )
        out.append(Term(entry, holder, pattern, True, tuple(_words(name) for name in names if name)))
    return out


def _holds(roles, day: dt.date) -> bool:
    return any(r.start <= day and (r.end is None or day < r.end) for r in roles)


def stale_title_problems(article: Article, vocabulary: Vocabulary, known: list[Term] | None = None) -> list[Problem]:
    day = article.meta.date
    texts = [(article.line_of("title"), article.meta.title), (article.line_of("summary"), article.meta.summary)]
    texts += prose_lines(article.body, article.body_line)
    whole = "\n".join(text for _, text in texts)
    words = _words(whole)
    problems = []
    for term in terms(vocabulary) if known is None else known:
        # most terms are not mentioned: a look at the words, then one scan of those that may be
        if not term.mentioned(words) or not term.pattern.search(whole):
            continue
        for line, text in texts:
            for match in term.pattern.finditer(text):
                if not term.government and match["then"]:
                    continue
                modifier = (match["mod"] or "").casefold()
                title = None if term.government else match["title"]
                roles = term.roles(title) or term.roles()
                holds = _holds(roles, day)
                said = re.sub(r"\s+", " ", match[0])
                held_before = any(r.start <= day for r in roles)
                subject = term.holder.name
                if term.government:
                    subject = (
                        term.entry.name if term.entry.name.lower().startswith("the ") else f"the {term.entry.name}"
                    )
                role = "in office" if term.government else (roles[0].title if roles else "")
                if modifier in FORMER and holds:
                    wanted = re.sub(rf"\b{re.escape(match['mod'])}\s+", "", said, count=1, flags=re.I)
                    why = f"{subject} is {role}"
                elif modifier in FORMER and not held_before:
                    wanted = said[match.start("name") - match.start() :] if not term.government else said
                    why = f"{subject} is not yet {role}"
                elif (modifier in CURRENT or (not modifier and not term.government)) and not holds:
                    if match["mod"]:
                        wanted = re.sub(rf"\b{re.escape(match['mod'])}\b", "former", said, count=1, flags=re.I)
                    else:
                        wanted = f"former {said}"
                    why = f"{subject} is no longer {role}" if held_before else f"{subject} is not yet {role}"
                    if not held_before:
                        wanted = said[match.start("name") - match.start() :] if not term.government else said
                else:
                    continue
                problems.append(
                    Problem(
                        article.shown,
                        line,
                        "warning",
                        f"stale title: Expected {wanted!r} on {day}, when {why} ({term.describe(title)}), but received {said!r}",
                        "stale-title",
                    )
                )
    return problems
