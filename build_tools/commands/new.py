"""``new``: start an article file with every field of the schema present and explained."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from pathlib import Path

from ..layout import ARTICLE_FILENAME_RE, ARTICLES_DIR, KINDS, VOCABULARY_DIR, article_source
from ..problems import display_path
from ..schema import SLUG_RE, TITLE_MAX, ArticleMeta, Source, iso_date, slugify  # noqa: F401 (slugify re-exported)
from ..writers import write_atomic
from . import add_root, project_of

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
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "new",
        help="create articles/<YYYY>/<YYYY-MM-DD>-<slug>.md with every field ready to fill in",
        description="Create a new article file named from its date and title, with every field of "
        "the schema present and commented, and print its path. Never overwrites a file.",
    )
    parser.add_argument("title", help="the article's headline, in quotes")
    parser.add_argument("--date", default=None, help="publication date YYYY-MM-DD (default: today)")
    parser.add_argument("--slug", default=None, help="URL slug (default: made from the title)")
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
    }
    assert list(fields) == list(ArticleMeta.model_fields), "new: the template is out of step with the schema"
    lines = ["---", "# Fill in every field, then run: python -m build_tools check <this file>"]
    for name, value in fields.items():
        lines.append(_field_line(name, value, COMMENTS[name]))
        if name == "source":
            for sub in Source.model_fields:
                value = '""' if sub == "name" else ""
                lines.append("  " + _field_line(sub, value, COMMENTS[f"source.{sub}"]))
    lines += [
        "---",
        "",
        "## A first section heading",
        "",
        "Write the explainer in Markdown, in ## and ### sections.",
        "",
    ]
    return "\n".join(lines)


def _field_line(name: str, value: str, comment: str) -> str:
    text = f"{name}: {value}" if value else f"{name}:"
    return f"{text:<32} # {comment}"


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
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
                f"new: Expected a title with Latin letters or digits to make a slug from but received {title!r}; "
                "pass --slug",
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
