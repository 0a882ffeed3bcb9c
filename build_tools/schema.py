"""The one declarative schema of an article's frontmatter and of a vocabulary entry.

Frontmatter is loaded with every scalar as a string (see ``yamlsafe``), so the types
below are what turns text into values: ``NO`` stays the string "NO" in a title and is
an error in ``draft``; ``3.10`` is an error in ``date``. Every error of a file is
collected by pydantic at once and phrased like MkDocs' config errors.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
)
from slugify import slugify as _slugify

from .layout import ENTITY_KINDS, KINDS  # noqa: F401 (ENTITY_KINDS kept importable from here)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WIKIDATA_RE = re.compile(r"^Q[1-9]\d*$")
SUMMARY_MAX = 300
TITLE_MAX = 200
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


def iso_date(value: Any) -> dt.date:
    """A date written like 2025-05-19, or ValueError saying what was received."""
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


def _id_list(value: Any) -> list[Any]:
    """Nothing is an empty list; anything but a list is refused. Each item is ``_id``'s, so that
    an error names its item (``actors[1]``) and the item's own line."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise ValueError(f"Expected a list of vocabulary ids but received {_describe(value)}")
    return value


def _id(value: Any) -> str:
    if not (isinstance(value, str) and SLUG_RE.match(value)):
        raise ValueError(f"Expected a lowercase id like 'vladimir-putin' but received {_describe(value)}")
    return value


def _unique_ids(value: list[str]) -> list[str]:
    duplicates = sorted({item for item in value if value.count(item) > 1})
    if duplicates:
        raise ValueError(f"Expected each id once but received {', '.join(duplicates)} twice")
    return list(value)


# Characters that change how text is shown without being seen: bidirectional overrides,
# embeddings, isolates and marks (a title can read backwards), and zero-width characters
# (a name with one looks exactly like a name without).
INVISIBLE = {
    **{
        chr(c): "bidirectional control"
        for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    },
    **{
        chr(c): "zero-width character"
        for c in (0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF)
    },
}
_INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
# Line breaks as Markdown and YAML see them: a second line of a title is a second block.
_LINE_BREAK_RE = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")


def _line(value: Any) -> str:
    """Text shown as one line (a title, a name): no line breaks, nothing invisible."""
    value = _text(value)
    if _LINE_BREAK_RE.search(value):
        raise ValueError(f"Expected one line of text but received {len(_LINE_BREAK_RE.split(value))} lines")
    found = _INVISIBLE_RE.search(value)
    if found:
        char = found.group()
        raise ValueError(
            f"Expected visible text but received the {INVISIBLE[char]} U+{ord(char):04X} at character {found.start() + 1}"
        )
    return value


def _str_list(value: Any) -> list[Any]:
    """Nothing is an empty list; anything but a list is refused. Each item is a ``_line``, so that
    an error names its item (``aliases[1]``)."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise ValueError(f"Expected a list of names but received {_describe(value)}")
    return value


URL_SCHEMES = ("http", "https")
# What may not appear in a URL: whitespace, and what would end or open markup around it.
_URL_FORBIDDEN_RE = re.compile(r"[\s<>\"`\\\x00-\x1f\x7f]")
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}\.?(?::\d{1,5})?$")


def _url(value: Any) -> str:
    """An absolute http(s) URL that no rendering can break out of (see generators.safe_url)."""
    value = _text(value)
    scheme, sep, rest = value.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not sep or scheme.lower() not in URL_SCHEMES or not _HOST_RE.match(host.rsplit("@", 1)[-1]):
        raise ValueError(f"Expected an http(s) URL but received {value!r}")
    found = _URL_FORBIDDEN_RE.search(value)
    if found:
        char = found.group()
        shown = repr(char) if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
        raise ValueError(
            f'Expected an http(s) URL without spaces, <, >, ", ` or \\ but received {shown} '
            f"at character {found.start() + 1} of {value!r}"
        )
    for opening, closing in ("()", "[]"):
        depth = 0
        for char in value:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                break
        if depth != 0:
            raise ValueError(f"Expected an http(s) URL with balanced {opening}{closing} but received {value!r}")
    return value


Text = Annotated[str, BeforeValidator(_text)]
Line = Annotated[str, BeforeValidator(_line)]
Date = Annotated[dt.date, BeforeValidator(iso_date)]
Flag = Annotated[bool, BeforeValidator(_bool)]
IdList = Annotated[list[Annotated[str, BeforeValidator(_id)]], BeforeValidator(_id_list), AfterValidator(_unique_ids)]
NameList = Annotated[list[Line], BeforeValidator(_str_list)]
Url = Annotated[str, BeforeValidator(_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where an article's text comes from; shown as the credit line of its page."""

    name: Line = Field(description="Publisher or site name, e.g. 'The White House'")
    url: Url | None = Field(None, description="Address of the original text")
    license: Text | None = Field(None, description="e.g. 'Public domain (17 USC 105)'")
    author: Line | None = Field(None, description="Author(s) as the source names them")
    id: Line | None = Field(None, description="The source's own identifier, e.g. a report number")


_IMAGE_FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _image_file(value: Any) -> str:
    """A file name in the article's image folder (build_tools/images.py), safe in a URL as it is."""
    value = _text(value)
    if not _IMAGE_FILE_RE.match(value):
        raise ValueError(
            "Expected the name of a file in the article's image folder, such as 'map.png' "
            f"(letters, digits, '.', '_', '-'; no folder) but received {value!r}"
        )
    return value


class Image(Strict):
    """One image of the article, in its folder ``<YYYY-MM-DD>-<slug>/``: whose it is and on what
    terms it is published. The first one is the article's lead image (``og:image``)."""

    file: Annotated[str, BeforeValidator(_image_file)] = Field(description="File name, e.g. 'map.png'")
    credit: Line = Field(description="Who made it, e.g. 'U.S. Census Bureau' or 'Jane Doe / Reuters'")
    license: Line = Field(description="e.g. 'Public domain', 'CC BY 4.0'")
    caption: Line | None = Field(None, description="Shown with the credit; the alt text stays in the Markdown")


def _updated_after_date(cls, value: dt.date | None, info: Any) -> dt.date | None:
    published = info.data.get("date")
    if value and published and value < published:
        raise ValueError(f"Expected a date on or after the publication date {published} but received {value}")
    return value


# The frontmatter of ``articles/<YYYY>/<YYYY-MM-DD>-<slug>.md``: built from the kinds of entity
# (layout.KINDS), one list of ids per kind, so that a kind is added in one place.
ArticleMeta = create_model(
    "ArticleMeta",
    __base__=Strict,
    __doc__="The frontmatter of ``articles/<YYYY>/<YYYY-MM-DD>-<slug>.md``.",
    __module__=__name__,
    __validators__={"_updated_after_date": field_validator("updated")(_updated_after_date)},
    title=(Line, Field(max_length=TITLE_MAX, description="Headline, shown once: one line")),
    date=(Date, Field(description="Publication date, YYYY-MM-DD; must match the file name")),
    summary=(Text, Field(max_length=SUMMARY_MAX, description="Dek: one or two sentences")),
    **{
        kind.name: (IdList, Field(default_factory=list, description=f"ids from vocabulary/{kind.vocabulary_file}"))
        for kind in KINDS
    },
    source=(Source | None, Field(None, description="name, url, license of the original")),
    updated=(Date | None, Field(None, description="Date of the last substantive correction")),
    draft=(Flag, Field(False, description="true keeps the article off the site")),
    images=(list[Image], Field(default_factory=list, description="credit and license of each image in its folder")),
)


class Role(Strict):
    """A position a person held, used to flag stale titles ("former", "current")."""

    title: Line
    start: Date = Field(alias="from")
    end: Date | None = Field(None, alias="to")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def bare_name(name: str) -> str:
    """A name without its trailing qualifier in brackets: "Georgia (country)" → "Georgia"."""
    return re.sub(r"\s*\([^()]*\)$", "", name).strip() or name


class LinkContext(Strict):
    """When a name of an entry in an article's text is a mention of it (build_tools/linking).

    Editors' disambiguation, documented in CONTRIBUTING.md ("Names that need context")."""

    ambiguous: NameList = Field(
        default_factory=list,
        description="names of this entry that are common words or name something else too: "
        "they link only when the article supports this entry",
    )
    requires: NameList = Field(
        default_factory=list,
        description="words or phrases, one of which in the article supports the ambiguous names",
    )
    forbids: NameList = Field(
        default_factory=list,
        description="phrases that, where they hold a name of this entry, are not a mention of it",
    )


# What an entry of a vocabulary is, when it says (actors.yml): a person, or which kind of body.
# Structured data names a "person" a schema.org Person and every other kind an Organization.
EntryKindName = Literal[
    "person", "organization", "government", "agency", "legislature", "court", "party", "company", "armed-group"
]
ENTRY_KINDS: tuple[str, ...] = get_args(EntryKindName)


def _entry_kind(value: Any) -> str:
    value = _text(value)
    if value not in ENTRY_KINDS:
        close = difflib.get_close_matches(value.lower(), ENTRY_KINDS, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Expected one of {', '.join(ENTRY_KINDS)} but received {value!r}{hint}")
    return value


EntryKind = Annotated[EntryKindName, BeforeValidator(_entry_kind)]


class VocabularyEntry(Strict):
    """One entry of a vocabulary file, ``articles/vocabulary/<kind>.yml`` (layout.KINDS)."""

    id: Annotated[str, BeforeValidator(_text)]
    name: Line
    aliases: NameList = Field(default_factory=list)
    description: Text
    wikidata: Annotated[str | None, BeforeValidator(lambda v: v if v is None else _text(v))] = None
    kind: EntryKind | None = None
    iptc: Text | None = None
    roles: list[Role] = Field(default_factory=list)
    context: LinkContext | None = None

    @field_validator("context")
    @classmethod
    def _own_names(cls, value: LinkContext | None, info: Any) -> LinkContext | None:
        """An ambiguous name must be one of the entry's: its name, an alias, the name without its
        bracketed qualifier, or a person's surname (their last word)."""
        if value is None or "name" not in info.data:
            return value
        bare = bare_name(info.data["name"])
        own = {info.data["name"], *info.data.get("aliases", ()), bare, bare.split()[-1]}
        folded = {name.casefold() for name in own}
        for name in value.ambiguous:
            if name.casefold() not in folded:
                raise ValueError(
                    f"ambiguous: Expected a name or alias of this entry but received {name!r} "
                    f"(its names: {', '.join(sorted(own))})"
                )
        return value

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


def field_path(loc: tuple[str | int, ...] | list[str | int]) -> str:
    """A field's path as every message writes it: ``summary``, ``source.url``, ``actors[0]``,
    ``roles[0].from`` (list items counted from 0, as in the YAML language server's messages)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Field names people write for a field of another name (from other site generators and feeds).
FIELD_SYNONYMS = {
    "tags": "topics",
    "tag": "topics",
    "categories": "topics",
    "category": "topics",
    "keywords": "topics",
    "subjects": "topics",
    "people": "actors",
    "persons": "actors",
    "organizations": "actors",
    "organisations": "actors",
    "locations": "places",
    "location": "places",
    "countries": "places",
    "description": "summary",
    "excerpt": "summary",
    "abstract": "summary",
    "subtitle": "summary",
    "dek": "summary",
    "headline": "title",
    "published": "date",
    "modified": "updated",
    "type": "kind",
    "names": "aliases",
    "qid": "wikidata",
    "start": "from",
    "since": "from",
    "end": "to",
    "until": "to",
    "link": "url",
    "licence": "license",
    "publisher": "name",
    "authors": "author",
}


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields by the name written in YAML (``from``, not ``start``)."""
    return {(info.alias or name): info for name, info in model.model_fields.items()}


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel] | None, loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model whose field the last part of ``loc`` is, followed from ``model``."""
    for part in loc[:-1]:
        if model is None:
            return None
        if isinstance(part, str):
            info = _fields(model).get(part)
            model = _inner_model(info.annotation) if info is not None else None
    return model


def unknown_field_hint(name: str, model: type[BaseModel] | None) -> str:
    """The hint for a field the model does not have: "did you mean" a synonym ('tags' -> 'topics'),
    a field of one of its parts ('author' -> 'source.author') or a near spelling; else its fields."""
    if model is None:
        return ""
    fields = _fields(model)
    wanted = FIELD_SYNONYMS.get(name.lower(), name.lower())
    guess = wanted if wanted in fields else None
    for parent, info in fields.items():
        inner = _inner_model(info.annotation)
        if guess is None and inner is not None and wanted in _fields(inner):
            guess = f"{parent}.{wanted}"
    if guess is None:
        close = difflib.get_close_matches(name.lower(), list(fields), n=1, cutoff=0.6)
        guess = close[0] if close else None
    if guess is not None:
        return f"; did you mean {guess!r}?"
    return f"; expected one of {', '.join(fields)}"


def explain(error: ValidationError, model: type[BaseModel] | None = None) -> list[tuple[tuple[str | int, ...], str]]:
    """Turn pydantic's errors into (field path, message) pairs in our phrasing. With the
    ``model`` validated, an unknown field gets a did-you-mean (or the list of fields)."""
    out = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        parent = _model_at(model, loc) if loc else None
        if kind == "missing":
            message = "Required field is missing"
            if parent is Image:  # what to write: the field's description (credit, license)
                message += f"{_empty_value_hint(parent, loc)}; every image needs a credit and a license"
        elif kind == "extra_forbidden":
            hint = unknown_field_hint(str(loc[-1]), parent) if loc else ""
            message = f"Unknown field (received {_describe(item.get('input'))}){hint}"
        elif kind == "string_too_long":
            limit = item["ctx"]["max_length"]
            message = f"Expected at most {limit} characters but received {len(item['input'])}"
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = f"Expected a mapping but received {_describe(item.get('input'))}"
        elif kind == "list_type":
            message = f"Expected a list but received {_describe(item.get('input'))}"
        else:
            message = item["msg"].removeprefix("Value error, ")
            if message.endswith("received an empty value"):
                message += _empty_value_hint(parent, loc)
        out.append((loc, message))
    return out


def _empty_value_hint(model: type[BaseModel] | None, loc: tuple[str | int, ...]) -> str:
    """What an empty field of ``new``'s template is for, from the schema's description of it."""
    info = _fields(model).get(str(loc[-1])) if model is not None and loc else None
    hint = f" ({info.description})" if info is not None and info.description else ""
    if loc[:1] == ("source",):
        hint += "; if the text is original, delete the whole source block"
    return hint


def slugify(title: str) -> str:
    """A lowercase ASCII slug of a title, at most SLUG_MAX characters, cut at a word boundary.

    python-slugify transliterates ("Łódź" -> "lodz", "Straße" -> "strasse", Cyrillic and Greek
    too), where dropping what is not ASCII lost letters and glued words at a dash. The options keep
    every slug an ASCII title had before: a title is text, not HTML (no entities decoded); an
    apostrophe joins ("don't" -> "dont"); a comma separates, between digits too ("1,000" -> "1-000").
    """
    return _slugify(
        title,
        entities=False,
        decimal=False,
        hexadecimal=False,
        max_length=SLUG_MAX,
        word_boundary=True,
        save_order=True,
        replacements=[("'", ""), ("\u2019", ""), (",", " ")],
        replacement_stage="pre",
    )
