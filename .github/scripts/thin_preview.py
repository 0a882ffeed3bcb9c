"""A thin preview: only the pages a pull request adds or changes, out of a built site.

Run by ``.github/workflows/preview.yml`` (the unprivileged build of the pull request) when the pull
request changes nothing but articles; a pull request that changes the site's code, theme or
configuration gets the whole site instead. Standard library only.

``thin_preview.py SITE REPORT OUT --published URL --number N --pull-url URL``

- copies from SITE into OUT the pages REPORT (``diff --format json``) lists as added or changed:
  ``/a/b/`` is ``a/b/index.html``, ``/feeds/x.xml`` is that file;
- in each copied HTML page, every relative ``href`` or ``src`` that leads to a file the preview
  does not hold (an unchanged page, the theme's styles and scripts, images) is made an absolute
  address on the published site, URL; links between the copied pages stay relative;
- adds a banner at the top of each page: a preview of pull request N, with its address;
- writes, instead of a page 2 and on of a listing (``.../page-N/``) that links to no page the
  pull request adds (it changed only because an entry moved across a page boundary), a short
  note linking to the published page: at 10,000 articles such pages are most of the changed ones;
- writes OUT/index.html listing the copied pages when the home page did not change.

Search in a thin preview is the published site's: the search script is loaded from the published
site and finds its index beside it, so pages the pull request adds are not found until merged.
Prints what it kept, one summary line.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
BODY = re.compile(r"<body\b[^>]*>", re.I)
PAGINATED = re.compile(r"/page-[0-9]+/index\.html$")
URL_PATH = re.compile(r"/(?:[a-z0-9][a-z0-9-]*/)*(?:[a-z0-9][a-z0-9-]*\.xml)?")


def page_file(url: str) -> str | None:
    """The file of a report URL, or None for one that is not a plain site path."""
    if not URL_PATH.fullmatch(url):
        return None
    return url[1:] + "index.html" if url.endswith("/") else url[1:]


def banner(number: str, pull_url: str, published: str) -> str:
    return (
        '<div class="pr-preview-banner" style="background:#fff3cd;color:#3d2c00;border-bottom:1px solid #e0c060;'
        'padding:.5em 1em;font:14px/1.4 system-ui,sans-serif;position:relative;z-index:10">'
        f'Preview of <a href="{html.escape(pull_url)}">pull request #{html.escape(number)}</a>: only the pages it '
        f'adds or changes are here; other links go to <a href="{html.escape(published)}">the published site</a>, '
        "and search finds published pages only.</div>"
    )


def target(value: str, page: str):
    """The site file a relative link of ``page`` leads to, with the parsed address; None for an
    absolute or in-page link."""
    value = html.unescape(value)
    if not value or value.startswith(("#", "/")) or urlsplit(value).scheme:
        return None
    parts = urlsplit(urljoin("https://preview.invalid/" + page, value))
    if parts.netloc != "preview.invalid":
        return None
    path = parts.path.lstrip("/")
    return (path + "index.html" if path.endswith("/") or not path else path), parts


def links(text: str, page: str) -> set[str]:
    return {found[0] for match in ATTRIBUTE.finditer(text) if (found := target(match[2], page))}


def rewrite(text: str, page: str, kept: set[str], published: str) -> str:
    """Relative links of ``page`` (a path in the site) to files not in ``kept`` made absolute."""

    def replace(match: re.Match) -> str:
        found = target(match[2], page)
        if found is None or found[0] in kept:
            return match[0]
        target_ = found[1]
        path = target_.path.lstrip("/")
        absolute = published + path + (f"?{target_.query}" if target_.query else "")
        absolute += f"#{target_.fragment}" if target_.fragment else ""
        return f'{match[1]}="{html.escape(absolute)}"'

    return ATTRIBUTE.sub(replace, text)


def thin(site: Path, report: dict, out: Path, published: str, number: str, pull_url: str) -> list[str]:
    files = []
    for section in ("added", "changed"):
        for row in report.get(section) or []:
            file = page_file(row.get("url", "")) if isinstance(row, dict) else None
            if file and (site / file).is_file() and file not in files:
                files.append(file)
    # Page 2 and on of a listing change when an article is added or removed before them, but
    # only by one entry moving across each page boundary. Unless such a page links to a page the
    # pull request adds, the preview holds a short note sending to the published page instead.
    added = {page_file(row.get("url", "")) for row in report.get("added") or [] if isinstance(row, dict)}
    texts = {file: (site / file).read_text(encoding="utf-8") for file in files if file.endswith(".html")}
    shifted = {file for file in texts if PAGINATED.search(file) and not links(texts[file], file) & added}
    kept = set(files) - shifted  # a link to the home page, when it did not change, goes to the published one
    out.mkdir(parents=True, exist_ok=False)
    notice = banner(number, pull_url, published)
    for file in files:
        path = out / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if file in shifted:
            address = html.escape(published + file.removesuffix("index.html"))
            path.write_text(
                '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unchanged in this preview</title>'
                f'<link rel="canonical" href="{address}"></head><body>{notice}'
                '<main style="font:16px/1.5 system-ui,sans-serif;padding:1em"><p>This page of a listing changes '
                "only because an entry moves to or from the next page; it lists none of the articles the pull "
                f'request adds. <a href="{address}">The published page</a>.</p></main></body></html>\n',
                encoding="utf-8",
            )
        elif file in texts:
            text = rewrite(texts[file], file, kept, published)
            path.write_text(BODY.sub(lambda m: m[0] + notice, text, count=1), encoding="utf-8")
        else:
            shutil.copyfile(site / file, path)
    if "index.html" not in files:
        rows = "".join(
            f'<li><a href="{html.escape(f.removesuffix("index.html") or "./")}">/{html.escape(f.removesuffix("index.html"))}</a></li>'
            for f in files
        )
        (out / "index.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Preview of pull request #{html.escape(number)}</title>"
            '<meta name="viewport" content="width=device-width,initial-scale=1"></head>'
            f'<body>{notice}<main style="font:16px/1.5 system-ui,sans-serif;padding:1em">'
            f"<h1>Preview of pull request #{html.escape(number)}</h1>"
            f"<p>The pages it adds or changes:</p><ul>{rows or '<li>none</li>'}</ul></main></body></html>\n",
            encoding="utf-8",
        )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("report", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--published", required=True, help="the published site's address, ending in /")
    parser.add_argument("--number", required=True)
    parser.add_argument("--pull-url", required=True)
    args = parser.parse_args(argv)
    if not args.published.endswith("/"):
        parser.error("--published must end with /")
    report = json.loads(args.report.read_text(encoding="utf-8"))
    files = thin(args.site, report, args.out, args.published, args.number, args.pull_url)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    notes = sum(1 for f in files if PAGINATED.search(f) and "only because an entry" in (args.out / f).read_text())
    print(f"thin preview: {len(files)} pages ({notes} of them notes on shifted listing pages), {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
