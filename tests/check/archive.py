"""A tiny archive for the check tests, written into a temporary folder.

Its vocabulary and articles are independent of the real archive, and ``check`` finds no
problem at all in it, so each case in tests/check/ only has to list its own problems.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

ACTORS = """\
- id: vladimir-putin
  name: Vladimir Putin
  kind: person
  aliases: [Putin, Russian President Vladimir Putin]
  description: President of Russia.
- id: donald-trump
  name: Donald Trump
  kind: person
  aliases: [Trump, President Trump]
  description: 45th and 47th President of the United States.
  roles:
    - title: US President
      from: 2017-01-20
      to: 2021-01-20
    - title: US President
      from: 2025-01-20
- id: joe-biden
  name: Joe Biden
  kind: person
  aliases: [Biden]
  description: 46th President of the United States.
  roles:
    - title: US President
      from: 2021-01-20
      to: 2025-01-20
- id: biden-administration
  name: Biden administration
  kind: government
  aliases: [the Biden administration]
  description: The US executive branch under President Joe Biden.
- id: nato
  name: NATO
  kind: organization
  aliases: [North Atlantic Treaty Organization]
  description: A military alliance.
"""

TOPICS = """\
- id: sanctions
  name: Sanctions
  aliases: [economic sanctions]
  description: Economic and political penalties.
- id: peace-negotiations
  name: Peace negotiations
  aliases: [peace talks]
  description: Talks aimed at a ceasefire or a settlement.
"""

PLACES = """\
- id: russia
  name: Russia
  aliases: [Russian Federation]
  description: Country.
- id: ukraine
  name: Ukraine
  description: Country.
- id: sao-paulo
  name: São Paulo
  description: City in Brazil.
"""

SANCTIONS_BODY = """\
## Why sanctions were imposed

Western governments imposed sweeping economic penalties on Moscow after the invasion,
freezing central bank reserves, cutting major lenders off from international payment
systems and banning the export of advanced technology to the defence industry.

## What they changed

Energy revenues fell less than expected because crude oil was redirected to buyers in
Asia, while a price cap agreed by the Group of Seven tried to limit the income of the
state budget without removing Russian barrels from the world market altogether.
"""

ARTICLES = {
    "2024/2024-01-15-sanctions-explained.md": (
        """\
        title: Sanctions explained
        date: 2024-01-15
        summary: What the sanctions on Russia are and what they changed.
        actors: [vladimir-putin, joe-biden, biden-administration, nato]
        topics: [sanctions]
        places: [russia, ukraine, sao-paulo]
        source:
          name: Example News
          url: https://example.org/sanctions
          license: CC BY 4.0
        """,
        SANCTIONS_BODY,
    ),
    "2025/2025-03-01-peace-talks.md": (
        """\
        title: Peace talks
        date: 2025-03-01
        summary: Where the talks stand.
        actors: [donald-trump, joe-biden, vladimir-putin]
        topics: [peace-negotiations]
        places: [ukraine]
        """,
        """\
        ## Where the talks stand

        US President Donald Trump met delegations in March, weeks after former US President Joe Biden
        left office; then-President Biden had refused direct talks. Read [the sanctions](../2024/sanctions-explained.md)
        and the [Putin page](../../actors/vladimir-putin.md).
        """,
    ),
    "2023/2023-06-01-draft-notes.md": (
        """\
        title: Draft notes
        date: 2023-06-01
        summary: Not published yet.
        draft: true
        """,
        "## Notes\n\nStill being written.\n",
    ),
}


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def article_text(frontmatter: str, body: str) -> str:
    return f"---\n{textwrap.dedent(frontmatter).strip()}\n---\n\n{textwrap.dedent(body)}"


def make_archive(root: Path, articles: dict[str, tuple[str, str]] | None = None, with_site_files: bool = False) -> Path:
    """Write the tiny archive (vocabulary + ``ARTICLES``, or the given articles) under ``root``."""
    write(root, "mkdocs.yml", "site_name: Test archive\n")
    write(root, "articles/vocabulary/actors.yml", ACTORS)
    write(root, "articles/vocabulary/topics.yml", TOPICS)
    write(root, "articles/vocabulary/places.yml", PLACES)
    for name, (front, body) in (ARTICLES if articles is None else articles).items():
        write(root, f"articles/{name}", article_text(front, body))
    return root
