"""Ingest, tag: actors, places and topics proposed from the vocabulary's names and aliases.

The rules live in ``build_tools/linking`` (shared with ``tag``, ``check`` and the generator);
this module is what ingest imports from them.
"""

from __future__ import annotations

from ..linking.suggest import Suggestion, suggest_vocabulary
from ..linking.tagger import Tagger, Tags, min_mentions

__all__ = ["Suggestion", "Tagger", "Tags", "min_mentions", "suggest_vocabulary"]
