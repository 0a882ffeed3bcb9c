"""``ingest``: turn raw explainer texts (pasted text, HTML, Markdown) into archive articles.

The stages, in the order a file goes through them:

- ``detect``    — what a file is, from its content (not only its extension);
- ``sources``   — read it into a :class:`~build_tools.ingest.sources.Draft`: text plus what the
  source states about itself (foreign frontmatter, HTML metadata, a MANIFEST.tsv beside it);
- ``normalize`` — general rules: title once, date, summary, sections, lists, debris removed; the
  rules live in ``characters``, ``blocks``, ``furniture`` (with ``dates``), ``sections`` and
  ``summary``, their helpers in ``text`` and ``linear`` (every pattern in linear time);
  ``speakers`` puts a transcript's speaker labels in bold; ``ledger`` writes down what each
  rule removed (``--explain``);
- ``tagging``   — actors, places and topics proposed from the vocabulary's names and aliases;
- ``writer``    — the article file, its frontmatter validated by the schema; what the archive holds;
- ``verify``    — the article through the per-article rules of ``check`` ("needs editing");
- ``decide``    — written, skipped as a duplicate (or as a near-duplicate of an article under
  another slug or date), or written over it / beside it (``--force``), and
  ``records`` — what ingest wrote, so that ``--force`` keeps an edited article.

``audit`` measures what became of a source (lines lost, tables, speaker turns) for the
whole-corpus test and ``python -m bench.ingest_corpus``.

``pipeline`` runs them: ``Session.ingest`` takes one file through every stage and returns an
``Outcome``, which ``build_tools/commands/ingest.py`` prints.
"""

from __future__ import annotations
