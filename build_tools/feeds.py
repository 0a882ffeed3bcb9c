"""Atom feeds: the whole archive and one per vocabulary entry (latest entries only).

Written with feedgen; every timestamp comes from the articles, so the output is
byte-identical for the same input.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from .readers import Article

FEED_ENTRIES = 20


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def atom_feed(
    *, feed_id: str, title: str, subtitle: str, page_url: str, feed_url: str, articles: list[Article], site_url: str
) -> str:
    """An Atom document for ``articles`` (already newest first)."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle or title)
    feed.link(href=page_url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.language("en")
    feed.generator("Explainer Archive")
    latest = articles[:FEED_ENTRIES]
    newest = max((a.meta.updated or a.meta.date for a in latest), default=dt.date(1970, 1, 1))
    feed.updated(_stamp(newest))
    for article in latest:
        entry = feed.add_entry(order="append")
        url = site_url + article.url
        entry.id(url)
        entry.title(article.meta.title)
        entry.link(href=url)
        entry.summary(article.meta.summary)
        entry.published(_stamp(article.meta.date))
        entry.updated(_stamp(article.meta.updated or article.meta.date))
        if article.meta.source and article.meta.source.author:
            entry.author(name=article.meta.source.author)
    return feed.atom_str(pretty=True).decode("utf-8")
