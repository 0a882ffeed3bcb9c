"""Stage 1: read article files and the vocabulary into validated objects.

Nothing here writes. Every problem of every file is collected; a file with errors is
left out of the result, so later stages only see valid input.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from .images import is_image_folder
from .layout import ARTICLE_FILENAME_RE, ARTICLES_DIR, ENTITY_KINDS, KIND, VOCABULARY_DIR, article_page, page_url
from .problems import Problem, display_path
from .schema import SLUG_RE, ArticleMeta, VocabularyEntry, explain, field_path, slugify
from .yamlsafe import Located, YamlError, decode_text, load, split_frontmatter


@dataclass(frozen=True)
class Article:
    path: Path
    meta: ArticleMeta
    body: str
    body_line: int
    lines: dict = field(compare=False, repr=False)
    shown: str = ""  # the path as messages print it
    # Digests of the file name with the whole file, and with the frontmatter only: what a
    # page showing the article, or only listing it, is made from (see generators.Job).
    digest: bytes = field(default=b"", compare=False, repr=False)
    meta_digest: bytes = field(default=b"", compare=False, repr=False)

    @cached_property
    def slug(self) -> str:
        match = ARTICLE_FILENAME_RE.match(self.path.name)
        return match["slug"] if match else self.path.stem

    @property
    def year(self) -> int:
        return self.meta.date.year

    @cached_property
    def url(self) -> str:
        """Site-relative URL, e.g. ``articles/2025/trump-to-speak-with-putin/``."""
        return page_url(article_page(self.year, self.slug))

    def line_of(self, *path: str | int) -> int:
        return Located(None, self.lines).line_of(tuple(path), 1) or 1

    def ids(self, kind: str) -> list[str]:
        return list(getattr(self.meta, kind))


@dataclass
class Vocabulary:
    """The controlled vocabulary: for each kind, entries by id, in file order."""

    entries: dict[str, dict[str, VocabularyEntry]] = field(default_factory=lambda: {kind: {} for kind in ENTITY_KINDS})
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    # Entries with a well-formed id whose other fields have errors, by (kind, id): their line.
    # Their id is known (an article using it is not told it is unknown); the entry has the error.
    broken: dict[tuple[str, str], int] = field(default_factory=dict)
    # Kinds whose file is missing or cannot be read as a list of entries: every id of the kind
    # would look unknown, so ids are not checked against it (the file's error says what is wrong).
    unreadable: set[str] = field(default_factory=set)

    def get(self, kind: str, entry_id: str) -> VocabularyEntry | None:
        return self.entries[kind].get(entry_id)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key[1] in self.entries[key[0]]


def read_article(
    path: Path, root: Path | None = None, vocabulary: Vocabulary | None = None
) -> tuple[Article | None, list[Problem]]:
    """Read and validate one article file; returns it (or None) and its problems.

    With a ``vocabulary``, a file rejected for other errors also has its actor, topic and
    place ids checked, so one run reports every error of the file (a valid article's ids
    are checked when it is linked into the catalog)."""
    shown = display_path(path, root)
    try:
        raw = path.read_bytes()
        text = decode_text(raw)
        front, body, body_line = split_frontmatter(text)
        located = load(front, first_line=2)
    except OSError as exc:
        return None, [Problem(shown, 1, "error", f"Cannot read the file: {exc.strerror}")]
    except YamlError as exc:
        return None, [Problem(shown, exc.line or 1, "error", exc.message)]
    if not isinstance(located.data, dict):
        return None, [Problem(shown, 1, "error", "Expected the frontmatter to be a mapping of fields")]
    problems: list[Problem] = []
    meta = None
    invalid: set[tuple] = set()  # the fields and id-list items the schema rejected
    try:
        meta = ArticleMeta.model_validate(located.data)
    except ValidationError as exc:
        for loc, message in explain(exc, ArticleMeta):
            line = located.line_of(tuple(loc), 1)
            message += _id_format_hint(located, loc, vocabulary)
            problems.append(Problem(shown, line, "error", f"{field_path(loc)}: {message}"))
            invalid.add(tuple(loc[:2]) if len(loc) > 1 and isinstance(loc[1], int) else tuple(loc[:1]))
    problems += _check_location(path, shown, located, meta)
    if problems or meta is None:
        if vocabulary is not None:
            problems += id_problems(shown, _raw_id_refs(located, invalid), vocabulary)
        return None, problems
    name = path.name.encode() + b"\0"
    digest = hashlib.blake2b(name + raw, digest_size=16).digest()
    meta_digest = hashlib.blake2b(name + front.encode(), digest_size=16).digest()
    return Article(path, meta, body, body_line, located.lines, shown, digest, meta_digest), []


def _raw_id_refs(located: Located, skip: set[tuple]) -> Iterator[tuple[str, str, int]]:
    """(kind, id, line) of every id string in a frontmatter the schema rejected, leaving out
    the fields and items the schema already complained about."""
    for kind in ENTITY_KINDS:
        value = located.data.get(kind)
        if (kind,) in skip or not isinstance(value, list):
            continue
        for index, item in enumerate(value):
            if isinstance(item, str) and (kind, index) not in skip:
                yield kind, item, located.line_of((kind, index), 1)


def _id_format_hint(located: Located, loc: tuple, vocabulary: Vocabulary | None) -> str:
    """For an id the schema refused ('Hamas', 'Vladimir Putin'): the vocabulary's ids it names."""
    if vocabulary is None or len(loc) != 2 or loc[0] not in ENTITY_KINDS or not isinstance(loc[1], int):
        return ""
    items = located.data.get(loc[0])
    wrong = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
    if not isinstance(wrong, str):
        return ""
    hint = _did_you_mean(suggest(vocabulary, loc[0], wrong))
    if not hint and NAME_LIKE_RE.fullmatch(wrong) and slugify(wrong):
        hint = _new_entry_hint(loc[0], wrong, f"in {vocabulary_file(loc[0])}", sentence=False)
    return hint


# What may be a name written where its id belongs ("Hamas", "Vladimir Putin"), not a path or markup.
NAME_LIKE_RE = re.compile(r"[^\W_][\w .'\u2019-]*")


@lru_cache(maxsize=65536)
def fold(label: str) -> str:
    """How a wrong id is compared with names: case, accents and punctuation folded (each label
    once: every unknown id is compared with every name and alias of its kind)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def suggest(vocabulary: Vocabulary, kind: str, wrong: str, limit: int = 3) -> list[str]:
    """Vocabulary ids close to ``wrong``: first the entries it names exactly once case, accents and
    punctuation are folded ('Hamas', 'Vladimir Putin', 'Sao Paulo'), then near spellings of ids,
    names and aliases."""
    choices: dict[str, str] = {}
    for entry in vocabulary.entries[kind].values():
        for label in (entry.id, entry.name, *entry.aliases):
            choices.setdefault(fold(label), entry.id)
    key = fold(wrong)
    ids: list[str] = [choices[key]] if key in choices else []
    found = process.extract(key, list(choices), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=75)
    for label, _score, _index in found:
        if choices[label] not in ids:
            ids.append(choices[label])
    return ids[:limit]


def vocabulary_file(kind: str) -> str:
    """Where the entries of a kind live, as messages name it."""
    return f"{ARTICLES_DIR}/{VOCABULARY_DIR}/{KIND[kind].vocabulary_file}"


REQUIRED_ENTRY_FIELDS = tuple(
    (info.alias or name) for name, info in VocabularyEntry.model_fields.items() if info.is_required()
)


def _did_you_mean(ids: list[str]) -> str:
    return f"; did you mean {' or '.join(repr(i) for i in ids)}?" if ids else ""


def _new_entry_hint(kind: str, wrong: str, where: str, sentence: bool) -> str:
    """How to add the entry an unknown id asks for: the file (``where``), its required fields and
    the command that starts it; a sentence of its own after a question, else a clause."""
    name = " ".join(word.capitalize() for word in wrong.split("-")) if wrong == slugify(wrong) else wrong.strip()
    name = name.replace('"', "")
    start = " A" if sentence else "; a"
    return (
        f"{start} new {KIND[kind].singular} needs an entry {where} ({', '.join(REQUIRED_ENTRY_FIELDS)}): "
        f'python -m build_tools new --entry {kind} "{name}"'
    )


def id_problems(shown: str, refs: Iterable[tuple[str, str, int]], vocabulary: Vocabulary) -> list[Problem]:
    """An error for each (kind, id, line) the vocabulary does not hold, with the nearest ids and
    how to add a new entry. An id whose entry has errors is known: the entry is reported."""
    problems = []
    for kind, entry_id, line in refs:
        if (kind, entry_id) in vocabulary or (kind, entry_id) in vocabulary.broken or kind in vocabulary.unreadable:
            continue
        hint = _did_you_mean(suggest(vocabulary, kind, entry_id))
        hint += _new_entry_hint(kind, entry_id, "there", sentence=bool(hint))
        message = f"{kind}: Expected an id from {vocabulary_file(kind)} but received {entry_id!r}{hint}"
        problems.append(Problem(shown, line, "error", message, "vocabulary-id"))
    return problems


def unknown_id_problems(article: Article, vocabulary: Vocabulary) -> list[Problem]:
    refs = (
        (kind, entry_id, article.line_of(kind, index))
        for kind in ENTITY_KINDS
        for index, entry_id in enumerate(article.ids(kind))
    )
    return id_problems(article.shown or display_path(article.path), refs, vocabulary)


def _check_location(path: Path, shown: str, located: Located, meta: ArticleMeta | None) -> list[Problem]:
    match = ARTICLE_FILENAME_RE.match(path.name)
    if not match:
        return [
            Problem(
                shown,
                1,
                "error",
                "file name: Expected <YYYY-MM-DD>-<slug>.md with a lowercase ASCII slug "
                f"(e.g. 2025-05-19-trump-to-speak-with-putin.md) but received {path.name!r}",
                "location",
            )
        ]
    problems = []
    if meta is not None and match["date"] != meta.date.isoformat():
        problems.append(
            Problem(
                shown,
                located.line_of(("date",), 1),
                "error",
                f"date: Expected {match['date']} to match the file name but received {meta.date}",
                "location",
            )
        )
    if path.parent.name != match["date"][:4]:
        problems.append(
            Problem(
                shown,
                1,
                "error",
                f"folder: Expected the file in articles/{match['date'][:4]}/ but it is in {path.parent.name}/",
                "location",
            )
        )
    return problems


# Extensions of files meant as Markdown that would otherwise be skipped without a word.
NEAR_MISS_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".text", ".txt")


def discover(articles_dir: Path) -> tuple[list[Path], list[tuple[Path, Problem]]]:
    """Every article file under ``articles/`` in a stable order, and a problem for each entry
    that is skipped: a symbolic link (file or folder; it could publish a file from outside the
    repository, and review shows only the link), a Markdown file with another extension
    (``.MD``, ``.markdown``: neither published nor checked), anything else that is not an
    article. Dotfiles (``.gitkeep``) and the top-level README are skipped silently."""
    paths: list[str] = []
    problems: list[tuple[Path, Problem]] = []
    root = str(articles_dir)
    for folder, subfolders, files in os.walk(articles_dir):
        top = folder == root
        for name in sorted(subfolders):
            full = os.path.join(folder, name)
            if os.path.islink(full):
                problems.append(_skipped(full, articles_dir, "a symbolic link to a folder"))
        subfolders[:] = sorted(
            d for d in subfolders if not (top and d == VOCABULARY_DIR) and not os.path.islink(os.path.join(folder, d))
        )
        problems += _image_folder_links(folder, subfolders, articles_dir)  # check reads the images themselves
        subfolders[:] = [d for d in subfolders if top or not is_image_folder(os.path.join(folder, d))]
        for name in files:
            full = os.path.join(folder, name)
            if name.startswith(".") or (top and name.upper() == "README.MD"):
                continue
            if os.path.islink(full):
                problems.append(_skipped(full, articles_dir, "a symbolic link"))
            elif name.endswith(".md"):
                paths.append(full)
            elif name.lower().endswith(NEAR_MISS_SUFFIXES):
                problems.append(_skipped(full, articles_dir, f"a {os.path.splitext(name)[1]!r} file"))
            else:
                problems.append(_skipped(full, articles_dir, "not an article file", "warning"))
    return [Path(path) for path in sorted(paths)], problems


def _image_folder_links(folder: str, subfolders: list[str], articles_dir: Path) -> list[tuple[Path, Problem]]:
    """An article's image folder (images.py) is not walked for articles, but a symbolic link in
    it is refused like any other: it could publish a file from outside the repository."""
    out = []
    for name in subfolders:
        path = os.path.join(folder, name)
        if folder != str(articles_dir) and is_image_folder(path):
            for dirpath, dirnames, files in os.walk(path):
                for entry in sorted(dirnames + files):
                    if os.path.islink(os.path.join(dirpath, entry)):
                        out.append(_skipped(os.path.join(dirpath, entry), articles_dir, "a symbolic link"))
    return out


def _skipped(path: str, articles_dir: Path, found: str, severity: str = "error") -> tuple[Path, Problem]:
    message = (
        f"file: Expected an article as a regular file named <YYYY-MM-DD>-<slug>.md but found {found}; "
        "it is neither checked nor published"
    )
    return Path(path), Problem(display_path(Path(path), articles_dir.parent), 1, severity, message, "location")


def article_paths(articles_dir: Path) -> list[Path]:
    """Every article file under ``articles/``, in a stable order (vocabulary excluded)."""
    return discover(articles_dir)[0]


FileMemo = dict[str, tuple[tuple[int, ...], "Article | None", list[Problem]]]


def file_signature(path: Path | str, ctime: bool = True) -> tuple[int, ...] | None:
    """What changes whenever a file's content may have: size, times and inode. Without ``ctime``
    for generated docs/ files: hard-linking an unchanged page into the next docs/
    (``DocsWriter.swap``) changes its ctime but not its content."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) if ctime else (st.st_size, st.st_mtime_ns, st.st_ino)


def read_articles(
    articles_dir: Path,
    paths: list[Path] | None = None,
    memo: FileMemo | None = None,
    vocabulary: Vocabulary | None = None,
) -> tuple[list[Article], list[Problem]]:
    """Read every article. With a ``memo`` from an earlier run, a file whose signature is
    unchanged is not parsed again; the memo is updated to describe this run. A rejected
    file is always read again: its id errors depend on the vocabulary (see read_article)."""
    articles, problems = [], []
    fresh: FileMemo = {}
    if paths is None:
        paths, skipped = discover(articles_dir)
        problems = [problem for _path, problem in skipped]
    for path in paths:
        name = str(path)
        signature = file_signature(name) if memo is not None else None
        known = memo.get(name) if memo is not None else None
        if known is not None and signature is not None and known[0] == signature and known[1] is not None:
            article, found = known[1], known[2]
        else:
            article, found = read_article(path, articles_dir.parent, vocabulary)
        if signature is not None:
            fresh[name] = (signature, article, found)
        problems += found
        if article is not None:
            articles.append(article)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return articles, problems


def read_vocabulary(vocabulary_dir: Path) -> tuple[Vocabulary, list[Problem]]:
    vocabulary, problems = Vocabulary(), []
    for kind in ENTITY_KINDS:
        path = vocabulary_dir / KIND[kind].vocabulary_file
        vocabulary.files[kind] = path
        shown = display_path(path, vocabulary_dir.parent.parent)
        if not path.exists():
            problems.append(Problem(shown, 1, "error", f"Expected the {kind} vocabulary file but it is missing"))
            vocabulary.unreadable.add(kind)
            continue
        try:
            located = load(decode_text(path.read_bytes()))
        except YamlError as exc:
            problems.append(Problem(shown, exc.line or 1, "error", exc.message))
            vocabulary.unreadable.add(kind)
            continue
        if located.data is None:
            continue
        if not isinstance(located.data, list):
            problems.append(Problem(shown, 1, "error", "Expected a YAML list of entries"))
            vocabulary.unreadable.add(kind)
            continue
        for index, raw in enumerate(located.data):
            line = located.line_of((index,), 1)
            try:
                entry = VocabularyEntry.model_validate(raw)
            except ValidationError as exc:
                ident = raw.get("id") if isinstance(raw, dict) else None
                label = f"entry {ident!r}" if isinstance(ident, str) else f"entry {index + 1}"
                for loc, message in explain(exc, VocabularyEntry):
                    where = located.line_of((index, *loc), line)
                    name = field_path(loc) or "entry"
                    problems.append(Problem(shown, where, "error", f"{label}: {name}: {message}", "vocabulary"))
                if isinstance(ident, str) and SLUG_RE.match(ident):
                    vocabulary.broken.setdefault((kind, ident), line)
                continue
            if entry.id in vocabulary.entries[kind]:
                first = vocabulary.lines[(kind, entry.id)]
                problems.append(
                    Problem(
                        shown, line, "error", f"id {entry.id!r} is used twice (first at line {first})", "vocabulary"
                    )
                )
                continue
            vocabulary.entries[kind][entry.id] = entry
            vocabulary.lines[(kind, entry.id)] = line
    return vocabulary, problems
