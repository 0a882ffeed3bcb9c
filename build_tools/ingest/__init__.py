"""``ingest``: turn raw explainer texts (pasted text, HTML, Markdown) into archive articles.

The stages, one module each, in the order a file goes through them:

- ``detect``    — what a file is, from its content (not only its extension);
- ``sources``   — read it into a :class:`~build_tools.ingest.sources.Draft`: text plus what the
  source states about itself (foreign frontmatter, HTML metadata, a MANIFEST.tsv beside it);
- ``normalize`` — general rules: title once, date, summary, sections, lists, debris removed;
- ``tagging``   — actors, places and topics proposed from the vocabulary's names and aliases;
- ``writer``    — the article file: frontmatter, path, duplicate checks, atomic write.
"""

from __future__ import annotations
