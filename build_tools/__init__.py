"""Explainer archive publisher: articles/ → docs/ → site/."""

__version__ = "0.1.0"
