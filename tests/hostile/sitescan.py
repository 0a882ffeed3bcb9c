"""Find active content from input in built files: used by the hostile and property tests.

Every hostile payload in the tests carries MARKER ("xss"), so theme scripts and icons are
told apart from anything that came from an article or the vocabulary.
"""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

MARKER = "xss"
ACTIVE_ELEMENTS = {"script", "style", "iframe", "frame", "object", "embed", "svg", "math", "template", "form", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


def _scheme_text(value: str) -> str:
    # what a browser looks at: leading spaces/controls dropped, tabs and newlines ignored
    return re.sub(r"[\t\n\r]", "", value).lstrip("\x00\x20\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f")


class _Finder(HTMLParser):
    def __init__(self, trusted_handlers: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.trusted_handlers = trusted_handlers

    def handle_starttag(self, tag, attrs):
        attrs = [(name, value or "") for name, value in attrs]
        from_input = any(MARKER in value.lower() for _name, value in attrs)
        for name, value in attrs:
            if name.startswith("on") and (not self.trusted_handlers or MARKER in value.lower()):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(_scheme_text(value)):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ACTIVE_ELEMENTS and from_input:
            self.found.append(f"<{tag}> with input in its attributes")
        self.stack.append((tag, tag in ACTIVE_ELEMENTS))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.stack or not self.stack[-1][1]:
            return
        tag = self.stack[-1][0]
        if MARKER in data.lower():
            if tag == "script" and _is_json(data):
                if "<" in data:
                    self.found.append("JSON-LD with a raw '<'")
                return
            self.found.append(f"<{tag}> with input in its content: {data[:80]!r}")


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def active_html(html: str, trusted_handlers: bool = False) -> list[str]:
    """Active content from input in an HTML document or fragment."""
    finder = _Finder(trusted_handlers)
    finder.feed(html)
    finder.close()
    return finder.found


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def scan_site(site: Path, hand_written: tuple[str, ...] = ("search/",)) -> list[str]:
    """Every place in ``site`` where input-derived active content appears."""
    problems = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(site).as_posix()
        if name.startswith("pagefind/"):
            # Pagefind stores page text decoded ("<script>" as typed, from "&lt;script&gt;"):
            # it is data, and docs/javascripts/archive-search.js shows it with textContent only.
            continue
        data = path.read_bytes()
        if name.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except OSError:
                continue
        if name.endswith(".html"):
            trusted = name.startswith(hand_written)
            found = active_html(data.decode("utf-8"), trusted_handlers=trusted)
        elif name.endswith((".xml", ".xml.gz")):
            found = []
            for element in ElementTree.fromstring(data).iter():
                local = element.tag.rsplit("}", 1)[-1]
                if local in ACTIVE_ELEMENTS:
                    found.append(f"<{local}> element in XML")
                if element.get("type") in ("html", "xhtml") and element.text:
                    found += active_html(element.text)
                if local == "link" and BAD_SCHEME.match(_scheme_text(element.get("href", ""))):
                    found.append(f"link href={element.get('href')!r}")
        elif name.endswith(".json"):
            text = data.decode("utf-8", errors="replace")
            try:
                found = [p for s in _strings(json.loads(text[text.find("{") :])) for p in active_html(s)]
            except ValueError:
                found = [] if MARKER not in text.lower() else [f"unparsed JSON holding {MARKER!r}"]
        elif name.endswith((".js", ".css")):
            found = [f"{MARKER!r} in a script or style file"] if MARKER.encode() in data.lower() else []
        else:
            found = []
        problems += [f"{name}: {item}" for item in found]
    return problems
