"""The one declarative schema of an article's frontmatter and of a vocabulary entry.

Frontmatter is loaded with every scalar as a string (see ``yamlsafe``), so the types
below are what turns text into values: ``NO`` stays the string "NO" in a title and is
an error in ``draft``; ``3.10`` is an error in ``date``. Every error of a file is
collected by pydantic at once and phrased like MkDocs' config errors.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WIKIDATA_RE = re.compile(r"^Q[1-9]\d*$")
SUMMARY_MAX = 300
TITLE_MAX = 200
ENTITY_KINDS = ("actors", "topics", "places")
SLUG_MAX = 80
RESERVED_IDS = frozenset({"index"})


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"Expected text but received {_describe(value)}")
    value = value.strip()
    if not value:
        raise ValueError("Expected text but received an empty value")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not DATE_RE.match(value.strip()):
        raise ValueError(f"Expected a date like 2025-05-19 but received {_describe(value)}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"Expected a real calendar date but received {value.strip()!r}") from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in ("true", "false"):
        return value.strip() == "true"
    raise ValueError(f"Expected true or false but received {_describe(value)}")


def _id_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise ValueError(f"Expected a list of vocabulary ids but received {_describe(value)}")
    problems = [
        f"item {i + 1}: expected a lowercase id like 'vladimir-putin' but received {_describe(item)}"
        for i, item in enumerate(value)
        if not (isinstance(item, str) and SLUG_RE.match(item))
    ]
    if problems:
        raise ValueError("; ".join(problems))
    duplicates = sorted({item for item in value if value.count(item) > 1})
    if duplicates:
        raise ValueError(f"Expected each id once but received {', '.join(duplicates)} twice")
    return list(value)


def _str_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"Expected a list of names but received {_describe(value)}")
    return [v.strip() for v in value]


def _url(value: Any) -> str:
    value = _text(value)
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
        raise ValueError(f"Expected an http(s) URL but received {value!r}")
    return value


Text = Annotated[str, BeforeValidator(_text)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Flag = Annotated[bool, BeforeValidator(_bool)]
IdList = Annotated[list[str], BeforeValidator(_id_list)]
NameList = Annotated[list[str], BeforeValidator(_str_list)]
Url = Annotated[str, BeforeValidator(_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where an article's text comes from; shown as the credit line of its page."""

    name: Text = Field(description="Publisher or site name, e.g. 'The White House'")
    url: Url | None = Field(None, description="Address of the original text")
    license: Text | None = Field(None, description="e.g. 'Public domain (17 USC 105)'")
    author: Text | None = Field(None, description="Author(s) as the source names them")
    id: Text | None = Field(None, description="The source's own identifier, e.g. a report number")


class ArticleMeta(Strict):
    """The frontmatter of ``articles/<YYYY>/<YYYY-MM-DD>-<slug>.md``."""

    title: Text = Field(max_length=TITLE_MAX, description="Headline, shown once")
    date: Date = Field(description="Publication date, YYYY-MM-DD; must match the file name")
    summary: Text = Field(max_length=SUMMARY_MAX, description="Dek: one or two sentences")
    actors: IdList = Field(default_factory=list, description="ids from vocabulary/actors.yml")
    topics: IdList = Field(default_factory=list, description="ids from vocabulary/topics.yml")
    places: IdList = Field(default_factory=list, description="ids from vocabulary/places.yml")
    source: Source | None = Field(None, description="name, url, license of the original")
    updated: Date | None = Field(None, description="Date of the last substantive correction")
    draft: Flag = Field(False, description="true keeps the article off the site")

    @field_validator("updated")
    @classmethod
    def _updated_after_date(cls, value: dt.date | None, info: Any) -> dt.date | None:
        published = info.data.get("date")
        if value and published and value < published:
            raise ValueError(f"Expected a date on or after the publication date {published} but received {value}")
        return value


class Role(Strict):
    """A position a person held, used to flag stale titles ("former", "current")."""

    title: Text
    start: Date = Field(alias="from")
    end: Date | None = Field(None, alias="to")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class VocabularyEntry(Strict):
    """One entry of ``articles/vocabulary/{actors,topics,places}.yml``."""

    id: Annotated[str, BeforeValidator(_text)]
    name: Text
    aliases: NameList = Field(default_factory=list)
    description: Text
    wikidata: Annotated[str | None, BeforeValidator(lambda v: v if v is None else _text(v))] = None
    kind: Text | None = None
    iptc: Text | None = None
    roles: list[Role] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG_RE.match(value):
            raise ValueError(f"Expected a lowercase ASCII slug like 'united-nations' but received {value!r}")
        if value in RESERVED_IDS:
            # actors/index.md is the overview of all actors: an entry 'index' would overwrite it
            raise ValueError(f"Expected an id other than {value!r}, which names the overview page of its kind")
        return value

    @field_validator("wikidata")
    @classmethod
    def _qid(cls, value: str | None) -> str | None:
        if value is not None and not WIKIDATA_RE.match(value):
            raise ValueError(f"Expected a Wikidata id like Q7747 but received {value!r}")
        return value


def explain(error: ValidationError) -> list[tuple[tuple[str | int, ...], str]]:
    """Turn pydantic's errors into (field path, message) pairs in our phrasing."""
    out = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "missing":
            message = "Required field is missing"
        elif kind == "extra_forbidden":
            message = f"Unknown field (received {_describe(item.get('input'))})"
        elif kind == "string_too_long":
            limit = item["ctx"]["max_length"]
            message = f"Expected at most {limit} characters but received {len(item['input'])}"
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = f"Expected a mapping but received {_describe(item.get('input'))}"
        elif kind == "list_type":
            message = f"Expected a list but received {_describe(item.get('input'))}"
        else:
            message = item["msg"].removeprefix("Value error, ")
        out.append((loc, message))
    return out


def slugify(title: str) -> str:
    """A lowercase ASCII slug of a title, at most SLUG_MAX characters, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[: SLUG_MAX + 1].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug.strip("-")
