"""``ingest``: turn raw explainer texts (pasted text, HTML, Markdown) into archive articles.

The stages, in the order a file goes through them:

- ``detect``    — what a file is, from its content (not only its extension);
- ``sources``   — read it into a :class:`~build_tools.ingest.sources.Draft`: text plus what the
  source states about itself (foreign frontmatter, HTML metadata, a MANIFEST.tsv beside it);
- ``normalize`` — general rules: title once, date, summary, sections, lists, debris removed; the
  rules live in ``characters``, ``blocks``, ``furniture`` (with ``dates``), ``sections`` and
  ``summary``, their helpers in ``text`` and ``linear`` (every pattern in linear time);
- ``tagging``   — actors, places and topics proposed from the vocabulary's names and aliases;
- ``writer``    — the article file, its frontmatter validated by the schema; what the archive holds;
- ``decide``    — written, skipped as a duplicate, or written over it (``--force``).

``pipeline`` runs them: ``Session.ingest`` takes one file through every stage and returns an
``Outcome``, which ``build_tools/commands/ingest.py`` prints.
"""

from __future__ import annotations
