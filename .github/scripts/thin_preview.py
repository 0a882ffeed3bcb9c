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


def rewrite(text: str, page: str, kept: set[str], published: str) -> str:
    """Relative links of ``page`` (a path in the site) to files not in ``kept`` made absolute."""
    base = "https://preview.invalid/" + page

    def replace(match: re.Match) -> str:
        value = html.unescape(match[2])
        if not value or value.startswith(("#", "/")) or urlsplit(value).scheme:
            return match[0]
        target = urlsplit(urljoin(base, value))
        if target.netloc != "preview.invalid":
            return match[0]
        path = target.path.lstrip("/")
        file = path + "index.html" if path.endswith("/") or not path else path
        if file in kept:
            return match[0]
        absolute = published + path + (f"?{target.query}" if target.query else "")
        absolute += f"#{target.fragment}" if target.fragment else ""
        return f'{match[1]}="{html.escape(absolute)}"'

    return ATTRIBUTE.sub(replace, text)


def thin(site: Path, report: dict, out: Path, published: str, number: str, pull_url: str) -> list[str]:
    files = []
    for section in ("added", "changed"):
        for row in report.get(section) or []:
            file = page_file(row.get("url", "")) if isinstance(row, dict) else None
            if file and (site / file).is_file() and file not in files:
                files.append(file)
    kept = set(files)  # a link to the home page, when it did not change, goes to the published one
    out.mkdir(parents=True, exist_ok=False)
    notice = banner(number, pull_url, published)
    for file in files:
        target = out / file
        target.parent.mkdir(parents=True, exist_ok=True)
        if not file.endswith(".html"):
            shutil.copyfile(site / file, target)
            continue
        text = rewrite((site / file).read_text(encoding="utf-8"), file, kept, published)
        text = BODY.sub(lambda m: m[0] + notice, text, count=1)
        target.write_text(text, encoding="utf-8")
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
    print(f"thin preview: {len(files)} pages of {args.site} kept, {size:,} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
