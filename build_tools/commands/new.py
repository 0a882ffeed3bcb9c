"""``new``: start an article file with every field of the schema present and explained, or
(``--entry KIND``) a vocabulary entry in ``articles/vocabulary/<kind>.yml``.

An entry is inserted as text, so the rest of the file stays byte for byte as it was (comments,
order, quoting): in a file sorted by name, at its place by name (in actors.yml, among the entries
of its proposed ``kind``); in any other file, at the end. Its id is made from the name like an
article's slug, its ``kind`` (actors) proposed from the entries whose names end with the same
word, and its description left empty, which ``check`` reports until it is written."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from pathlib import Path

from ..checks.placeholders import HEADING, INSTRUCTION
from ..layout import ARTICLE_FILENAME_RE, ARTICLES_DIR, ENTITY_KINDS, KINDS, VOCABULARY_DIR, article_source
from ..problems import display_path
from ..schema import SLUG_RE, TITLE_MAX, ArticleMeta, Source, iso_date, slugify  # noqa: F401 (slugify re-exported)
from ..writers import write_atomic
from . import add_root, project_of
from .new_entry import EntryError, add_entry

# Shown after each field; every field of ArticleMeta and Source must be here (tests check it).
COMMENTS = {
    "title": f"headline, at most {TITLE_MAX} characters",
    "date": "publication date, YYYY-MM-DD; must match the file name",
    "summary": "REQUIRED: one or two sentences, at most 300 characters, shown under the title",
    **{
        kind.name: f"ids from {ARTICLES_DIR}/{VOCABULARY_DIR}/{kind.vocabulary_file}"
        + (f", e.g. [{', '.join(kind.examples)}]" if kind.examples else "")
        for kind in KINDS
    },
    "source": "where the text comes from; delete the whole block if it is original",
    "source.name": "REQUIRED in source: publisher or site, e.g. The White House",
    "source.url": "optional: address of the original text",
    "source.license": "optional: e.g. Public domain (17 USC 105), CC BY 4.0",
    "source.author": "optional: author(s) as the source names them",
    "source.id": "optional: the source's own identifier, e.g. a report number",
    "updated": "optional: date of the last substantive correction, YYYY-MM-DD",
    "draft": "true keeps the article off the site",
    "images": "optional: each image beside the article, e.g. [{file: map.png, credit: ..., license: CC BY 4.0}]",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "new",
        help="create articles/<YYYY>/<YYYY-MM-DD>-<slug>.md with every field ready to fill in, "
        "or (--entry KIND) a vocabulary entry",
        description="Create a new article file named from its date and title, with every field of "
        "the schema present and commented, and print its path. Never overwrites a file. With "
        '--entry KIND "Name": add an entry to articles/vocabulary/<KIND>.yml (id made from the '
        "name, proposed kind, fields to fill in), leaving the rest of the file as it is; refused "
        "if the id or the name is already there.",
    )
    parser.add_argument("title", help="the article's headline (with --entry: the entry's name), in quotes")
    parser.add_argument("--date", default=None, help="publication date YYYY-MM-DD (default: today)")
    parser.add_argument("--slug", default=None, help="URL slug (default: made from the title)")
    parser.add_argument(
        "--entry",
        choices=ENTITY_KINDS,
        metavar="KIND",
        default=None,
        help=f"add a vocabulary entry of this kind ({', '.join(ENTITY_KINDS)}) instead of an article",
    )
    parser.add_argument("--id", default=None, help="with --entry: the entry's id (default: made from the name)")
    add_root(parser)
    parser.set_defaults(func=run)


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def template(title: str, date: dt.date) -> str:
    fields = {
        "title": _yaml_string(title),
        "date": date.isoformat(),
        "summary": '""',
        **{kind.name: "[]" for kind in KINDS},
        "source": "",
        "updated": "",
        "draft": "false",
        "images": "[]",
    }
    assert list(fields) == list(ArticleMeta.model_fields), "new: the template is out of step with the schema"
    lines = ["---", "# Fill in every field, then run: python -m build_tools check <this file>"]
    for name, value in fields.items():
        lines.append(_field_line(name, value, COMMENTS[name]))
        if name == "source":
            for sub in Source.model_fields:
                value = '""' if sub == "name" else ""
                lines.append("  " + _field_line(sub, value, COMMENTS[f"source.{sub}"]))
    lines += ["---", "", HEADING, "", INSTRUCTION, ""]  # check reports both until they are replaced
    return "\n".join(lines)


def _field_line(name: str, value: str, comment: str) -> str:
    text = f"{name}: {value}" if value else f"{name}:"
    return f"{text:<32} # {comment}"


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    if args.entry is not None or args.id is not None:
        return run_entry(args, project)
    title = " ".join(args.title.split())
    if not title or any(unicodedata.category(c) == "Cc" for c in args.title.replace("\n", "").replace("\t", "")):
        print(f"new: title: Expected a headline but received {args.title!r}", file=sys.stderr)
        return 1
    if len(title) > TITLE_MAX:
        print(f"new: title: Expected at most {TITLE_MAX} characters but received {len(title)}", file=sys.stderr)
        return 1
    try:
        date = iso_date(args.date) if args.date is not None else dt.date.today()
    except ValueError as exc:
        print(f"new: --date: {exc}", file=sys.stderr)
        return 1
    slug = args.slug if args.slug is not None else slugify(title)
    if not SLUG_RE.match(slug):
        if args.slug is None:
            print(
                f"new: Expected a title with letters or digits to make a slug from but received {title!r}; pass --slug",
                file=sys.stderr,
            )
        else:
            print(
                f"new: --slug: Expected a lowercase ASCII slug like 'putin-talks' but received {slug!r}",
                file=sys.stderr,
            )
        return 1
    if not project.articles.is_dir():
        print(f"new: Expected an articles/ folder in {project.root} but found none", file=sys.stderr)
        return 2
    path = article_source(project.articles, date, slug)
    folder = path.parent
    same_url = sorted(p for p in folder.glob(f"*-{slug}.md") if _slug_of(p) == slug) if folder.is_dir() else []
    if path.exists() or same_url:
        existing = path if path.exists() else same_url[0]
        print(
            f"new: Expected a new file but {display_path(existing, project.root)} already exists "
            f"with the slug {slug!r} in {date.year}; nothing written (choose another --slug)",
            file=sys.stderr,
        )
        return 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_new(path, template(title, date))
    except FileExistsError:
        print(
            f"new: Expected a new file but {display_path(path, project.root)} already exists; nothing written",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"new: could not write {display_path(path, project.root)}: {exc.strerror}", file=sys.stderr)
        return 2
    print(display_path(path, project.root))
    return 0


def _slug_of(path: Path) -> str | None:
    match = ARTICLE_FILENAME_RE.match(path.name)
    return match["slug"] if match else None


def write_new(path: Path, text: str) -> None:
    """Write a new file atomically; an existing file is never replaced (FileExistsError)."""
    write_atomic(path, text, replace=False)


def run_entry(args: argparse.Namespace, project) -> int:
    """``new --entry KIND "Name"``: print where the entry went and what is left to fill in."""
    if args.entry is None:
        print("new: --id: Expected --entry KIND with it (the id of a new vocabulary entry)", file=sys.stderr)
        return 1
    if args.date is not None or args.slug is not None:
        print("new: --entry: Expected no --date or --slug (an entry has neither)", file=sys.stderr)
        return 1
    try:
        added = add_entry(project.vocabulary, args.entry, args.title, args.id)
    except EntryError as exc:
        print(f"new: {exc}", file=sys.stderr)
        return exc.status
    shown = display_path(added.path, project.root)
    kind = f", kind {added.kind!r} (proposed: check it)" if added.kind else ""
    print(
        f"{shown}:{added.line}: added entry {added.id!r}{kind}; write its description, tag an article "
        "with it, then run: python -m build_tools check --changed-since main"
    )
    return 0
