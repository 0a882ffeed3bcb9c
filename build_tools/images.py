"""An article's images: where they live, what they may be, and how generate publishes them.

An article ``articles/<YYYY>/<YYYY-MM-DD>-<slug>.md`` keeps its images next to it, in the folder
named after it without ``.md``: ``articles/<YYYY>/<YYYY-MM-DD>-<slug>/map.png``. The article
shows one with a link relative to its own file, ``![alt](<YYYY-MM-DD>-<slug>/map.png "caption")``,
which also works in a Markdown preview of the repository. ``generate`` copies the folder to
``docs/articles/<YYYY>/<YYYY-MM-DD>-<slug>/`` beside the article's page, where MkDocs resolves the
same link (and rewrites it for the page's URL); the frontmatter's ``images:`` list gives each
image's credit and license, and its first entry is the article's lead image (``og:image``).

Formats: PNG, JPEG, WebP and GIF, recognised from the file's first bytes, which must agree with
its extension. SVG is refused: it is a document that can carry script and links, served from
the site's own origin, and making it safe would take an XML sanitiser the archive does not have;
a chart exported as PNG or WebP shows the same.

Nothing here imports more than ``layout`` and the standard library: check, readers and the
pipeline share it.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from .layout import ARTICLE_FILENAME_RE, ARTICLES_DIR

# Extension (lowercase) -> the format its bytes must have.
FORMATS: dict[str, str] = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WebP", ".gif": "GIF"}
REFUSED: dict[str, str] = {
    ".svg": "SVG can carry script and is served from the site's own origin; export the image as PNG or WebP",
    ".svgz": "SVG can carry script and is served from the site's own origin; export the image as PNG or WebP",
}
# Any extension that means "an image", supported or not: links to these are image links.
IMAGE_SUFFIXES = (*FORMATS, *REFUSED, ".bmp", ".tif", ".tiff", ".avif", ".heic", ".ico")
MAX_BYTES = 1_000_000  # a page's images load on a phone: a 1 MB image is already slow
MAX_PIXELS = 3000  # on the longest side; twice the widest a page shows it at
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # safe in a URL and a meta tag as it is


def image_folder(article: Path) -> Path:
    """The folder of an article file's images: its path without ``.md``."""
    return article.with_suffix("")


def is_image_folder(folder: str | Path) -> bool:
    """Whether a folder under ``articles/`` is an article's image folder: named like an article
    file without ``.md``, beside that article file."""
    folder = str(folder)
    return bool(ARTICLE_FILENAME_RE.match(os.path.basename(folder) + ".md")) and os.path.isfile(folder + ".md")


def is_image_path(path: str) -> bool:
    return path.lower().endswith(IMAGE_SUFFIXES)


@dataclass(frozen=True)
class Sniffed:
    format: str | None  # "PNG", "JPEG", "WebP", "GIF", or None when not recognised
    width: int = 0
    height: int = 0


def sniff(head: bytes) -> Sniffed:
    """The format and pixel size an image file's first bytes declare (64 kB are plenty: a JPEG's
    size comes after its metadata segments; when they are longer the size reads as 0 × 0)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return Sniffed("PNG", width, height)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", head[6:10])
        return Sniffed("GIF", width, height)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head[:3] == b"\xff\xd8\xff":
        return _jpeg(head)
    return Sniffed(None)


def _webp(head: bytes) -> Sniffed:
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30:
        width, height = struct.unpack("<HH", head[26:30])
        return Sniffed("WebP", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return Sniffed("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(head) >= 30:
        return Sniffed("WebP", int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1)
    return Sniffed("WebP")


def _jpeg(head: bytes) -> Sniffed:
    """Walk the JPEG segments to the first start-of-frame marker, which holds the size."""
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return Sniffed("JPEG")
        marker = head[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        length = struct.unpack(">H", head[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return Sniffed("JPEG", width, height)
        at += 2 + length
    return Sniffed("JPEG")


def read_head(path: Path, size: int = 65536) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def docs_name(article_path: Path, year: int, file: str) -> str:
    """Where generate puts an image in docs/: beside the article's page, as the link resolves."""
    return f"{ARTICLES_DIR}/{year}/{article_path.stem}/{file}"


def publishable(folder: Path, file: str) -> Path | None:
    """The image file to publish, or None: a regular file (never a symbolic link, which could
    publish a file from outside the repository) with a supported extension and a safe name."""
    path = folder / file
    if not FILE_NAME_RE.match(file) or os.path.splitext(file)[1].lower() not in FORMATS:
        return None
    return path if path.is_file() and not path.is_symlink() else None


def image_files(article) -> dict[str, Path]:
    """The article's images generate publishes, by docs/ name: those its frontmatter lists that
    are publishable (check reports the others, and generate refuses an archive with errors)."""
    folder = image_folder(article.path)
    out = {}
    for image in article.meta.images:
        path = publishable(folder, image.file)
        if path is not None:
            out[docs_name(article.path, article.year, image.file)] = path
    return out


def image_jobs(articles) -> list:
    """One ``generators.Job`` per article with images: it copies them into docs/ beside the
    article's page. Its inputs are digests of the files' bytes, never their modification times
    (a fresh checkout or a restored CI cache gives every file a new time; a file rewritten within
    the same second keeps it), so an unchanged image is not copied again (caches.py) and a changed
    one always is."""
    from .generators import Job  # made on use: generators is a later stage than this module

    jobs = []
    for article in articles:
        files = image_files(article)
        if files:
            inputs = tuple((name, _digest(path)) for name, path in sorted(files.items()))
            jobs.append(Job(f"images {article.url}", inputs, _copier(files)))
    return jobs


def _digest(path: Path) -> str | None:
    """The blake2b digest of an image's bytes (at most MAX_BYTES are published), None if unreadable."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def _copier(files: dict[str, Path]):
    return lambda: {name: path.read_bytes() for name, path in sorted(files.items())}


def lead_image(article) -> str | None:
    """The site-relative URL of the article's lead image (its first listed image), or None."""
    images = article.meta.images
    if not images:
        return None
    return docs_name(article.path, article.year, images[0].file)


def image_credits(article, inline) -> str:
    """The credit line of the article's images, shown after its text with the source's credit;
    ``inline`` escapes a frontmatter value for Markdown (markup.inline)."""
    items = []
    for image in article.meta.images:
        caption = f"{inline(image.caption)}: " if image.caption else ""
        items.append(f"{caption}{inline(image.credit)}, {inline(image.license)}")
    if not items:
        return ""
    return (
        f'<div class="article-source" data-pagefind-ignore="all" markdown>\n**Images:** {"; ".join(items)}.\n</div>\n'
    )
