"""A synthetic archive in the project's own article format, deterministic from a seed.

``write_archive(Path("/tmp/arch"), n=10_000, seed=1)`` writes::

    /tmp/arch/articles/<YYYY>/<YYYY-MM-DD>-<slug>.md   N articles, 600–1500 words each
    /tmp/arch/articles/vocabulary/{actors,topics,places}.yml
    /tmp/arch/mkdocs.yml, overrides/, docs/<hand-written files>   copied from the repository
    /tmp/arch/build_tools -> <repo>/build_tools                  symlink (mkdocs.yml hooks/watch)

so that ``python -m build_tools build --root /tmp/arch`` builds it like the real archive.

Realism, roughly: 3–8 ``##`` sections, some ``###``, bullet lists, external links, bold
text; tags drawn with a Zipf (1/rank^s) popularity so a few actors, topics and places are in
a large share of the articles and most are in a few; dates spread over 2013–2025 with more
articles in recent years; ~60 % carry a ``source``, ~8 % an ``updated`` date, ~1 % are drafts.

Everything comes from one ``random.Random(seed)``: same seed and N, same bytes.
Also usable as ``python -m bench.synth DIR --n 1000 --seed 1``.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import random
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


REPO = Path(__file__).resolve().parent.parent
#: Where the hand-written site files are (copied into every synthetic archive) ...
COPIED_ROOTS = ("mkdocs.yml", "overrides", "docs")
#: ... and what to copy when git cannot list them.
COPIED = ("mkdocs.yml", "overrides", "docs/about.md", "docs/stylesheets")
#: Folders mkdocs.yml refers to by relative path (``hooks:``, ``watch:``): symlinked, not copied.
LINKED = ("build_tools",)

FIRST_YEAR, LAST_YEAR = 2013, 2025
ZIPF_S = 1.1
POOL = 1 << 20  # tokens of running text drawn once per seed; sentences are slices of it
RARE_WORDS = 20_000  # pseudo-words forming the long tail of the text vocabulary (for search indexes)

WORDS = _words("""
the of and to in a that for on is with as was by it said at from its has have be are an
government officials minister president election vote parliament court ruling law policy
economy inflation prices market markets trade tariffs sanctions budget deficit debt bank
central interest rates growth recession jobs workers wages union strike protest protesters
police security military troops forces border ceasefire talks negotiations agreement deal
treaty summit leaders allies alliance coalition opposition party candidate campaign voters
poll majority minority reform bill committee hearing investigation report evidence data
analysis experts analysts researchers scientists climate emissions energy oil gas prices
supply shortage crisis emergency aid humanitarian refugees migrants asylum health hospital
vaccine outbreak pandemic public spending tax cuts plan proposal critics supporters said
would could may might will can also but not more than after before during while since
because however although despite amid over under between against across through about
new first last year years month week day today recent former current next previous major
key central regional national international global local federal state city country region
capital north south east west coast province district community communities residents people
families children women men students teachers doctors farmers companies businesses investors
industry sector technology digital online platform social media information access rights
human civil freedom press justice accountability transparency corruption fraud charges trial
judge jury prosecutors lawyers defense appeal decision case cases power control influence
pressure support opposition response reaction concern concerns risk risks threat threats
attack attacks violence conflict war peace stability security cooperation relations
diplomatic diplomats embassy envoy talks meeting visit statement announcement letter
according reported confirmed denied warned announced called urged promised pledged agreed
expected likely unlikely possible significant important major serious growing rising falling
higher lower large small long short early late high low strong weak clear open closed
""")
CONNECTORS = ["However,", "Meanwhile,", "In addition,", "By contrast,", "At the same time,", "Still,", "Critics say"]
HEADINGS = """Background|What happened|Why it matters|What comes next|The key players|How we got here|
The numbers|What critics say|What supporters say|The legal questions|The economic stakes|Reactions abroad|
The timeline|What remains unclear|The political fallout|Who is affected|The historical context|
Looking ahead|The main arguments|Where talks stand""".replace("\n", "").split("|")
SUBHEADINGS = """Early signs|The first response|A divided reaction|Costs and benefits|The official account|
Disputed figures|Local impact|International pressure|Open questions|Precedents""".replace("\n", "").split("|")
SOURCES = [
    ("The White House", "https://www.whitehouse.gov/briefings-statements/", "Public domain (17 USC 105)"),
    ("US Department of State", "https://www.state.gov/releases/", "Public domain (17 USC 105)"),
    ("European Commission", "https://ec.europa.eu/commission/presscorner/", "CC BY 4.0"),
    ("United Nations News", "https://news.un.org/en/story/", None),
    ("Congressional Research Service", "https://crsreports.congress.gov/product/", "Public domain (17 USC 105)"),
]

SYLLABLES = _words("""ka lo mi ra ten vo sa li an dor el ma ri no ve ta ko ru zen bar mon del fa gri ha ist
jun lev mar nor ob pra qu ros sul tor ul vin wes yar zor bel cas dan fen gor hal""")
GIVEN = _words("""Amara Boris Chen Dalia Elena Farid Grace Hassan Ines Jonas Kenji Leila Marco Nadia Omar Petra
Quentin Rosa Samir Tara Ulrich Vera Wei Ximena Yusuf Zara Aleksander Beatriz Carlos Dmitri""")
ORG_PATTERNS = [
    "{X} Party",
    "Ministry of {T}",
    "{X} Institute",
    "{X} Council",
    "Union of {X} Workers",
    "{X} Bank",
    "{X} Movement",
    "{X} Federation",
    "Agency for {T}",
]
GOV_PATTERNS = ["Government of {X}", "{X} administration", "{X} Cabinet"]
PLACE_SUFFIXES = ["", "", "", "ia", "stan", " Province", " City", "land", " Region", " Islands"]
TOPIC_WORDS = _words("""Trade Energy Climate Migration Elections Justice Security Health Education Housing Water
Food Labour Taxation Privacy Cybersecurity Defence Transport Farming Fisheries Mining Banking
Media Religion Policing Prisons Pensions Aid Borders Space""")
TOPIC_TAILS = ["policy", "reform", "crisis", "disputes", "regulation", "funding", "rights", "markets"]


@dataclass
class Entry:
    id: str
    name: str
    description: str
    kind: str | None = None
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    iptc: str | None = None
    roles: tuple[tuple[str, str, str | None], ...] = ()


def _slug(text: str) -> str:
    out, dash = [], False
    for ch in text.lower():
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


class Synth:
    def __init__(self, seed: int = 1, actors: int = 300, places: int = 250, topics: int = 60):
        self.rng = random.Random(seed)
        # Running text: common words at the top of a Zipf (s=1) word distribution, pseudo-words
        # as its long tail, drawn once into a pool that sentences slice at random offsets.
        lexicon = WORDS + [w.lower() for w in self._unique_words(RARE_WORDS)]
        cum_words = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(lexicon))))
        self.pool = self.rng.choices(lexicon, cum_weights=cum_words, k=POOL)
        self.vocab = {
            "actors": self._unique(self._actor, actors),
            "places": self._unique(self._place, places),
            "topics": self._unique(self._topic, topics),
        }
        # Zipf popularity: cumulative weights over a shuffled order, so popularity is not file order.
        self.popular: dict[str, tuple[list[Entry], list[float]]] = {}
        for kind, entries in self.vocab.items():
            order = entries[:]
            self.rng.shuffle(order)
            cum = list(itertools.accumulate(1 / (rank + 1) ** ZIPF_S for rank in range(len(order))))
            self.popular[kind] = (order, cum)

    # -- vocabulary -----------------------------------------------------------------------

    def _word(self, lo: int = 2, hi: int = 3) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(lo, hi))).capitalize()

    def _unique_words(self, count: int) -> list[str]:
        seen: dict[str, None] = {}
        while len(seen) < count:
            seen.setdefault(self._word(2, 4), None)
        return list(seen)

    def _sentence(self, lo: int = 8, hi: int = 22) -> str:
        k = lo + int(self.rng.random() * (hi - lo + 1))
        start = int(self.rng.random() * (POOL - k))
        text = " ".join(self.pool[start : start + k])
        return text[0].upper() + text[1:] + "."

    def _unique(self, make, count: int) -> list[Entry]:
        seen: set[str] = set()
        out = []
        while len(out) < count:
            entry = make()
            if entry.id in seen or not entry.id:
                continue
            seen.add(entry.id)
            out.append(entry)
        return out

    def _wikidata(self) -> str | None:
        return f"Q{self.rng.randint(1, 99_999_999)}" if self.rng.random() < 0.7 else None

    def _actor(self) -> Entry:
        roll = self.rng.random()
        if roll < 0.6:
            name = f"{self.rng.choice(GIVEN)} {self._word(2, 4)}"
            surname = name.split()[-1]
            roles = ()
            if self.rng.random() < 0.2:
                start = dt.date(self.rng.randint(2005, 2022), self.rng.randint(1, 12), self.rng.randint(1, 28))
                end = start.replace(year=start.year + self.rng.randint(1, 5))
                roles = (
                    (
                        "Minister of " + self.rng.choice(TOPIC_WORDS),
                        start.isoformat(),
                        end.isoformat() if end.year <= LAST_YEAR else None,
                    ),
                )
            return Entry(
                _slug(name),
                name,
                f"{self._sentence(8, 16)[:-1]}; politician and public figure.",
                "person",
                (surname,),
                self._wikidata(),
                roles=roles,
            )
        patterns, kind = (ORG_PATTERNS, "organization") if roll < 0.85 else (GOV_PATTERNS, "government")
        name = self.rng.choice(patterns).format(X=self._word(), T=self.rng.choice(TOPIC_WORDS))
        aliases = ("".join(w[0] for w in name.split() if w[0].isupper()),) if self.rng.random() < 0.5 else ()
        return Entry(_slug(name), name, self._sentence(10, 24), kind, aliases, self._wikidata())

    def _place(self) -> Entry:
        name = self._word(2, 3) + self.rng.choice(PLACE_SUFFIXES)
        aliases = (f"Republic of {name}",) if self.rng.random() < 0.2 else ()
        return Entry(_slug(name), name, self._sentence(8, 20), None, aliases, self._wikidata())

    def _topic(self) -> Entry:
        name = f"{self.rng.choice(TOPIC_WORDS)} {self.rng.choice(TOPIC_TAILS)}"
        iptc = f"{self.rng.randint(20_000_000, 20_001_300)}" if self.rng.random() < 0.3 else None
        return Entry(_slug(name), name.capitalize(), self._sentence(14, 30), None, (), self._wikidata(), iptc)

    def vocabulary_yaml(self, kind: str) -> str:
        lines = []
        for e in self.vocab[kind]:
            lines.append(f"- id: {e.id}")
            lines.append(f"  name: {_q(e.name)}")
            if e.kind:
                lines.append(f"  kind: {e.kind}")
            lines.append(f"  aliases: [{', '.join(_q(a) for a in e.aliases)}]")
            lines.append(f"  description: {_q(e.description)}")
            if e.wikidata:
                lines.append(f"  wikidata: {e.wikidata}")
            if e.iptc:
                lines.append(f'  iptc: "{e.iptc}"')
            if e.roles:
                lines.append("  roles:")
                for title, start, end in e.roles:
                    lines.append(f"    - title: {_q(title)}")
                    lines.append(f"      from: {start}")
                    if end:
                        lines.append(f"      to: {end}")
        return "\n".join(lines) + "\n"

    # -- articles -------------------------------------------------------------------------

    def _tags(self, kind: str, lo: int, hi: int) -> list[Entry]:
        order, cum = self.popular[kind]
        want = self.rng.randint(lo, hi)
        picked: dict[str, Entry] = {}
        total = cum[-1]
        while len(picked) < want:
            entry = order[bisect.bisect(cum, self.rng.random() * total)]
            picked.setdefault(entry.id, entry)
        return list(picked.values())

    def _date(self) -> dt.date:
        # More articles in recent years: year weight grows linearly.
        span = LAST_YEAR - FIRST_YEAR + 1
        year = FIRST_YEAR + min(span - 1, int(span * self.rng.random() ** 0.7))
        start = dt.date(year, 1, 1).toordinal()
        return dt.date.fromordinal(start + self.rng.randrange(365))

    def _paragraph(self, names: list[str], budget: int) -> tuple[str, int]:
        sentences, used = [], 0
        for _ in range(self.rng.randint(2, 5)):
            s = self._sentence()
            if names and self.rng.random() < 0.4:
                s = f"{self.rng.choice(CONNECTORS)} {self.rng.choice(names)} {s[0].lower()}{s[1:]}"
            sentences.append(s)
            used += s.count(" ") + 1
            if used >= budget:
                break
        text = " ".join(sentences)
        if self.rng.random() < 0.35:  # an external link on a phrase
            words = text.split(" ")
            i = self.rng.randrange(max(1, len(words) - 3))
            target = f"https://www.example.org/{self.rng.choice(WORDS)}/{self.rng.randint(1000, 99999)}"
            words[i : i + 3] = [f"[{' '.join(words[i : i + 3]).rstrip('.,')}]({target})"]
            text = " ".join(words)
        if self.rng.random() < 0.15:
            text = text.replace(" said ", " **said** ", 1)
        return text, used

    def _list(self, names: list[str]) -> tuple[str, int]:
        items, used = [], 0
        for _ in range(self.rng.randint(3, 5)):
            label = self.rng.choice(names) if names and self.rng.random() < 0.5 else self._word(2, 3)
            s = self._sentence(8, 18)
            items.append(f"- **{label}:** {s}")
            used += s.count(" ") + 2
        return "\n".join(items), used

    def _body(self, words: int, names: list[str]) -> str:
        sections = self.rng.randint(3, 8)
        per = words // sections
        parts = []
        headings = self.rng.sample(HEADINGS, sections)
        for heading in headings:
            parts.append(f"## {heading}")
            used = 0
            while used < per:
                roll = self.rng.random()
                if roll < 0.12 and used:
                    parts.append(f"### {self.rng.choice(SUBHEADINGS)}")
                elif roll < 0.30:
                    text, n = self._list(names)
                    parts.append(text)
                    used += n
                else:
                    text, n = self._paragraph(names, per - used)
                    parts.append(text)
                    used += n
        return "\n\n".join(parts) + "\n"

    def article(self, taken: set[str]) -> tuple[str, str]:
        """(relative path, file text) of one new article."""
        date = self._date()
        actors = self._tags("actors", 1, 6)
        topics = self._tags("topics", 1, 4)
        places = self._tags("places", 1, 4)
        lead = actors[0].name
        title = f"{lead} {self.rng.choice(['and', 'on', 'faces', 'weighs', 'rejects', 'backs'])} {self._sentence(4, 9)[:-1].lower()}"
        title = title[0].upper() + title[1:]
        slug = "-".join(_slug(title).split("-")[:9])
        base, n = slug, 2
        while f"{date.year}/{slug}" in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(f"{date.year}/{slug}")
        summary = f"{self._sentence(12, 24)} {self._sentence(8, 16)}"[:300].strip()
        front = [
            "---",
            f"title: {_q(title)}",
            f"date: {date.isoformat()}",
            f"summary: {_q(summary)}",
            f"actors: [{', '.join(e.id for e in actors)}]",
            f"topics: [{', '.join(e.id for e in topics)}]",
            f"places: [{', '.join(e.id for e in places)}]",
        ]
        if self.rng.random() < 0.6:
            name, url, license_ = self.rng.choice(SOURCES)
            front += ["source:", f"  name: {_q(name)}", f"  url: {url}{self.rng.randint(10_000, 999_999)}"]
            if license_:
                front.append(f"  license: {_q(license_)}")
        if self.rng.random() < 0.08:
            front.append(f"updated: {(date + dt.timedelta(days=self.rng.randint(1, 90))).isoformat()}")
        if self.rng.random() < 0.01:
            front.append("draft: true")
        front.append("---")
        names = [e.name for e in actors + places]
        body = self._body(self.rng.randint(520, 1300), names)
        return f"{date.year}/{date.isoformat()}-{slug}.md", "\n".join(front) + "\n\n" + body


def hand_written_files(repo: Path = REPO) -> list[str]:
    """The hand-written files an archive needs to build: git's tracked and new, unignored files
    under docs/ and overrides/ plus mkdocs.yml (so generated docs/ pages are never copied);
    ``COPIED`` when git is unavailable."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *COPIED_ROOTS],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return list(COPIED)
    return [name for name in listed if name and (repo / name).exists()]


def copy_site_files(root: Path, repo: Path = REPO, code: Path | None = None) -> None:
    """Copy mkdocs.yml, overrides/ and the hand-written docs; link build_tools/ (from ``code``
    when given: a folder holding a snapshot of build_tools/)."""
    for rel in hand_written_files(repo):
        src, dst = repo / rel, root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    for rel in LINKED:
        dst = root / rel
        if not dst.exists() and not dst.is_symlink():
            dst.symlink_to((code or repo) / rel, target_is_directory=True)


def write_archive(root: Path, n: int, seed: int = 1, *, site_files: bool = True, code: Path | None = None) -> dict:
    """Write a complete archive of ``n`` articles into ``root`` (which must not hold one)."""
    root = Path(root)
    if (root / "articles").exists():
        raise FileExistsError(f"{root / 'articles'} exists; pick an empty folder")
    started = time.perf_counter()
    synth = Synth(seed)
    vocabulary = root / "articles" / "vocabulary"
    vocabulary.mkdir(parents=True)
    for kind in ("actors", "topics", "places"):
        (vocabulary / f"{kind}.yml").write_text(synth.vocabulary_yaml(kind), encoding="utf-8")
    taken: set[str] = set()
    made: set[Path] = set()
    total_bytes = 0
    for _ in range(n):
        rel, text = synth.article(taken)
        path = root / "articles" / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total_bytes += len(data)
    if site_files:
        copy_site_files(root, code=code)
    return {
        "articles": n,
        "seed": seed,
        "vocabulary": {kind: len(entries) for kind, entries in synth.vocab.items()},
        "article_bytes": total_bytes,
        "seconds": round(time.perf_counter() - started, 3),
        "synth": synth,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    info = write_archive(args.root, args.n, args.seed)
    info.pop("synth")
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
