"""``tag``: propose (as a diff) or write the tag changes of existing articles.

For each article the rules of ``build_tools/linking`` find what its title, summary and body name;
every actor and place named and every topic named often enough is added, and each tag list is
written most central first. A tag an editor added is never removed (one the text never names
goes last, in the editor's order). Only the tag lists change: the body and every other byte of
the frontmatter stay as they are. A file that does not parse, or that the schema rejects, is
refused with its problems and left untouched.

Exit status: 0 done (whether or not anything changed), 1 some file was refused, 2 the command
could not run (no articles/ folder, no valid vocabulary, a path that does not exist).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

from ..layout import ENTITY_KINDS, Project
from ..linking import article_tags, tagger_for
from ..linking.retag import RetagError, retag
from ..linking.suggest import print_suggestions, suggest_vocabulary
from ..linking.tagger import merge
from ..problems import display_path
from ..readers import Vocabulary, article_paths, read_article, read_vocabulary
from ..writers import write_atomic
from . import add_root, project_of

_LINK_TARGET = re.compile(r"\]\([^()\[\]\s]{0,2000}\)")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "tag",
        help="show (as a diff) or write the tag changes the text of existing articles supports",
        description="Find every actor, place and topic each article names (title, summary and body) with "
        "the vocabulary's names, aliases and context, and show the tag lists it should carry, most central "
        "first, as a diff. Tags an editor added are never removed, and nothing but the tag lists changes. "
        "A file that does not parse is refused and left untouched.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="article files or folders (default: every article)"
    )
    parser.add_argument("--write", action="store_true", help="write the changes into the files instead of a diff")
    parser.add_argument(
        "--suggest",
        action="store_true",
        help="also list the names the articles use that the vocabulary lacks, with an example and a YAML entry",
    )
    add_root(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    if not project.articles.is_dir():
        print(f"tag: Expected an articles/ folder in {project.root} but found none", file=sys.stderr)
        return 2
    vocabulary, problems = read_vocabulary(project.vocabulary)
    errors = [problem.format() for problem in problems if problem.severity == "error"]
    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        print(
            f"tag: Expected a valid vocabulary in {display_path(project.vocabulary)}; nothing tagged", file=sys.stderr
        )
        return 2
    paths, missing = _paths(project, args.paths)
    for path in missing:
        print(f"tag: {display_path(path)}: no such file or folder", file=sys.stderr)
    if missing:
        return 2
    changed = refused = 0
    texts: list[str] = []
    for path in paths:
        outcome = _tag_file(project, vocabulary, path, args.write, texts)
        changed += outcome == "changed"
        refused += outcome == "refused"
    verb = "changed" if args.write else "would change"
    print(f"tag: {changed} article(s) {verb}, {len(paths) - changed - refused} unchanged, {refused} refused")
    if args.suggest:
        print(f"\nNames the vocabulary lacks, by the number of articles naming them ({len(texts)} articles):")
        print_suggestions(suggest_vocabulary(tagger_for(vocabulary), texts))
    return 1 if refused else 0


def _paths(project: Project, given: list[Path]) -> tuple[list[Path], list[Path]]:
    if not given:
        return article_paths(project.articles), []
    paths, missing = [], []
    for path in given:
        if path.is_dir():
            paths += [p for p in article_paths(path) if project.vocabulary not in p.parents]
        elif path.is_file():
            paths.append(path)
        else:
            missing.append(path)
    return list(dict.fromkeys(paths)), missing


def _tag_file(project: Project, vocabulary: Vocabulary, path: Path, write: bool, texts: list[str]) -> str:
    """Tag one file: "changed", "unchanged" or "refused" (its problems printed); its title and
    body go to ``texts`` (for suggestions)."""
    shown = display_path(path, project.root)
    article, problems = read_article(path, project.root, vocabulary)
    if article is None:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(f"{shown}: refused: the file does not parse as a valid article; not tagged", file=sys.stderr)
        return "refused"
    texts.append(f"{article.meta.title}\n\n{_LINK_TARGET.sub(']', article.body)}")
    tags = article_tags(article, vocabulary)
    for spelling, owners in sorted(tags.ambiguous.items()):
        names = " and ".join(f"{kind}/{entry_id}" for kind, entry_id in owners)
        print(f"{shown}:1: warning: tag: {spelling!r} names {names}; not tagged (add context to the vocabulary)")
    lists = {kind: merge(kind, article.ids(kind), tags) for kind in ENTITY_KINDS}
    if all(lists[kind] == article.ids(kind) for kind in ENTITY_KINDS):
        return "unchanged"
    old = path.read_text(encoding="utf-8")
    try:
        new = retag(old, lists)
    except RetagError as exc:
        print(f"{shown}: refused: {exc}", file=sys.stderr)
        return "refused"
    if write:
        write_atomic(path, new, replace=True)
        print(f"{shown}: tags written")
    else:
        diff = difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{shown}", f"b/{shown}", n=1
        )
        sys.stdout.writelines(diff)
    return "changed"
