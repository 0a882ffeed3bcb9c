"""How tagging scales with the vocabulary: CPU milliseconds per article, new rules beside the old.

    .venv/bin/python -m bench.linking                 # sizes 300 (the real vocabulary), 1000, 5000, 10000
    .venv/bin/python -m bench.linking --sizes 10000 --articles 20

The articles are the sample archive's (real text, 1–90 kB). The vocabulary is the archive's own
plus synthetic entries up to the size asked (deterministic: people "Firstname Lastname" with
their surname as an alias, organisations with an acronym, places), so the real names still
match and the rest only costs what a large vocabulary costs. Each figure is process CPU time
(not wall time: the machines this runs on are shared), the best of ``--repeat`` passes over
the articles, divided by their number.

"old" is the tagger this module replaced (one regular expression of every name, from git
``OLD_TAGGER``); "new" is ``build_tools.linking`` (one Aho–Corasick automaton over folded text).
Both are built once per vocabulary; building is reported apart.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from build_tools.linking import Tagger  # noqa: E402
from build_tools.readers import Vocabulary, article_paths, read_article, read_vocabulary  # noqa: E402
from build_tools.schema import VocabularyEntry  # noqa: E402

OLD_TAGGER = "b6839bf"  # the last commit with the regex tagger in build_tools/ingest/tagging.py
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vo",
    "shu",
    "dan",
    "pel",
    "gri",
    "mor",
    "sal",
    "vik",
    "tor",
    "ben",
    "rud",
    "hal",
    "ose",
    "ani",
    "qua",
    "zel",
    "fen",
    "dor",
    "wyn",
]


def synthetic(size: int, seed: int = 1) -> Vocabulary:
    """The archive's vocabulary grown to ``size`` entries with made-up ones."""
    vocabulary, _ = read_vocabulary(REPO / "articles" / "vocabulary")
    rng = random.Random(seed)
    count = sum(len(v) for v in vocabulary.entries.values())
    seen: set[str] = set()
    while count < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        other = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        kind = rng.choice(("person", "organization", "place"))
        name = f"{word} {other}" if kind == "person" else f"{word} {other} Council" if kind == "organization" else word
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        slug = name.lower().replace(" ", "-") + f"-{count}"
        aliases = (
            [other] if kind == "person" else [f"{word[0]}{other[0]}C{count % 97}"] if kind == "organization" else []
        )
        data = {"id": slug, "name": name, "aliases": aliases, "description": "Synthetic."}
        target = "places" if kind == "place" else "actors"
        if kind != "place":
            data["kind"] = kind
        vocabulary.entries[target][slug] = VocabularyEntry.model_validate(data)
        count += 1
    return vocabulary


def old_tagger_class() -> type | None:
    """The regex Tagger of ``OLD_TAGGER``, or None when git cannot show it."""
    try:
        source = subprocess.run(
            ["git", "show", f"{OLD_TAGGER}:build_tools/ingest/tagging.py"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    source = source.replace("from ..readers", "from build_tools.readers").replace(
        "from ..schema", "from build_tools.schema"
    )
    module = types.ModuleType("old_tagging")
    sys.modules[module.__name__] = module  # its dataclasses look themselves up there
    exec(compile(source, f"{OLD_TAGGER}:tagging.py", "exec"), module.__dict__)  # noqa: S102 — our own history
    return module.Tagger


def per_article(tagger, articles: list, repeat: int) -> float:
    """Best CPU milliseconds per article over ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for article in articles:
            tagger.tag(article.meta.title, article.meta.summary, article.body)
        best = min(best, time.process_time() - started)
    return best / len(articles) * 1000


def built(cls, vocabulary: Vocabulary):
    started = time.process_time()
    tagger = cls(vocabulary)
    return tagger, (time.process_time() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.linking", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,1000,5000,10000", help="vocabulary sizes (0: the archive's own)")
    parser.add_argument("--articles", type=int, default=0, help="only the first N sample articles (0: all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-old", action="store_true", help="skip the old tagger")
    args = parser.parse_args(argv)
    vocabulary, _ = read_vocabulary(REPO / "articles" / "vocabulary")
    articles = [read_article(path, REPO)[0] for path in article_paths(REPO / "articles")]
    articles = [a for a in articles if a is not None][: args.articles or None]
    size = sum(len(a.body) for a in articles) / len(articles) / 1000
    print(
        f"{len(articles)} sample articles, {size:.1f} kB of body on average; CPU ms per article (best of {args.repeat})"
    )
    old = None if args.no_old else old_tagger_class()
    print(f"{'vocabulary':>10}  {'new':>8}  {'new build':>10}  {'old':>8}  {'old build':>10}")
    for wanted in (int(s) for s in args.sizes.split(",")):
        vocab = synthetic(wanted) if wanted else vocabulary
        entries = sum(len(v) for v in vocab.entries.values())
        new, new_build = built(Tagger, vocab)
        row = f"{entries:>10}  {per_article(new, articles, args.repeat):>8.2f}  {new_build:>10.0f}"
        if old is not None:
            tagger, old_build = built(old, vocab)
            row += f"  {per_article(tagger, articles, 1):>8.2f}  {old_build:>10.0f}"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
