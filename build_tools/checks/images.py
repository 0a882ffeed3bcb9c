"""An article's images (see build_tools/images.py for where they live and why SVG is refused):
every image the text shows is a file of its folder with alt text, a credit and a license in the
frontmatter, a supported format its bytes agree with, and within the size limits; remote images
and files of the folder the text never shows get warnings."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..images import (
    FILE_NAME_RE,
    FORMATS,
    MAX_BYTES,
    MAX_PIXELS,
    REFUSED,
    image_folder,
    is_image_path,
    read_head,
    sniff,
)
from ..problems import Problem
from ..readers import Article
from .links import _link_text_end, _LinkLine
from .prose import prose_lines


@dataclass(frozen=True)
class ImageRef:
    line: int
    alt: str
    target: str


def image_refs(article: Article) -> list[ImageRef]:
    """The inline images ``![alt](target "title")`` of the text, outside code, in order."""
    out = []
    for line, text in prose_lines(article.body, article.body_line):
        start = text.find("![")
        if start < 0:
            continue
        link_line = _LinkLine(text)
        while start >= 0:
            end = _link_text_end(text, start + 1)
            matched = -1
            if 0 <= end < len(text) and text[end] == "(":
                matched, target = link_line.destination(end + 1)
                if matched >= 0:
                    target = target[1:-1] if target.startswith("<") and target.endswith(">") else target
                    out.append(ImageRef(line, text[start + 2 : end - 1], target))
            start = text.find("![", matched if matched >= 0 else start + 2)
    return out


def image_problems(article: Article) -> list[Problem]:
    """The problems of the article's images, in the order of its text, then its frontmatter."""
    folder = image_folder(article.path)
    stem = folder.name
    credits = {image.file: index for index, image in enumerate(article.meta.images)}
    problems: list[Problem] = []
    used: set[str] = set()
    for ref in image_refs(article):
        problems += _ref_problems(article, ref, stem, credits, used)
    for index, image in enumerate(article.meta.images):
        line = article.line_of("images", index, "file")
        if image.file not in used:
            problems.append(
                _unused(
                    article,
                    line,
                    f"images[{index}].file: Expected an image the text shows but received {image.file!r}, "
                    f"which it never shows; show it with ![alt]({stem}/{image.file}) or remove the entry",
                )
            )
    problems += _unused_files(article, folder, used, credits)
    return problems


def _problem(article: Article, line: int, severity: str, message: str) -> Problem:
    return Problem(article.shown, line, severity, message, "image")


def _unused(article: Article, line: int, message: str) -> Problem:
    return Problem(article.shown, line, "warning", message, "image-unused")


def _ref_problems(article: Article, ref: ImageRef, stem: str, credits: dict[str, int], used: set[str]) -> list[Problem]:
    parts = urlsplit(ref.target)
    shown = ref.target if len(ref.target) <= 80 else ref.target[:77] + "..."
    if parts.scheme in ("http", "https") or parts.netloc:
        message = (
            f"image: Expected an image stored beside the article but received the remote image {shown!r}: "
            "every reader's browser fetches it from that site, and it breaks when the site moves it; "
            f"save it as {stem}/<file> and credit it in the frontmatter's images:"
        )
        return [Problem(article.shown, ref.line, "warning", message, "remote-image")]
    if parts.scheme or not is_image_path(parts.path):
        return []  # not an image file: the link rules look at it
    file = unquote(parts.path)
    if posixpath.dirname(file) != stem or not FILE_NAME_RE.match(posixpath.basename(file)):
        wanted = f"{stem}/{posixpath.basename(file)}"
        return [
            _problem(
                article,
                ref.line,
                "error",
                f"image: Expected an image in the article's folder, linked as {wanted!r}, but received {shown!r}; "
                f"put the file in {posixpath.join(posixpath.dirname(article.shown), stem)}/",
            )
        ]
    name = posixpath.basename(file)
    used.add(name)
    problems = []
    if not ref.alt.strip():
        problems.append(
            _problem(
                article,
                ref.line,
                "error",
                f"image: Expected alt text saying what the image shows but received none; "
                f"write it between the brackets: ![Map of the front line in May]({file})",
            )
        )
    problems += _file_problems(article, ref.line, name)
    if name not in credits and os.path.splitext(name)[1].lower() in FORMATS:  # an SVG gets no credit
        problems.append(
            _problem(
                article,
                ref.line,
                "error",
                f"image: Expected a credit and a license for {name!r} but received none; add to the frontmatter: "
                f'images: [{{file: {name}, credit: "Who made it", license: "e.g. CC BY 4.0"}}]',
            )
        )
    return problems


def _file_problems(article: Article, line: int, name: str) -> list[Problem]:
    """What is wrong with the image file itself: its kind, missing, a link, its format and size."""
    path = image_folder(article.path) / name
    where = posixpath.join(posixpath.dirname(article.shown), path.parent.name, name)
    suffix = os.path.splitext(name)[1].lower()
    if suffix in REFUSED:
        message = f"Expected a PNG, JPEG, WebP or GIF image but received {name!r}: {REFUSED[suffix]}"
    elif suffix not in FORMATS:
        message = f"Expected a .png, .jpg, .jpeg, .webp or .gif file but received {name!r}"
    elif path.is_symlink():
        message = f"Expected a regular file but {where} is a symbolic link; copy the image there"
    else:
        try:
            size = path.stat().st_size
            head = read_head(path)
        except OSError:
            message = f"Expected the file {where} but found none; put the image there or fix the name"
        else:
            return [
                _problem(article, line, "error", f"image: {m}") for m in _content_problems(where, suffix, size, head)
            ]
    return [_problem(article, line, "error", f"image: {message}")]


def _content_problems(where: str, suffix: str, size: int, head: bytes) -> list[str]:
    """An existing image file's format (from its first bytes) against its name, and its size."""
    found = sniff(head)
    messages = []
    if found.format != FORMATS[suffix]:
        received = f"a {found.format} image" if found.format else "a file that is no PNG, JPEG, WebP or GIF"
        fix = f"; rename it to .{found.format.lower()}" if found.format else "; export it again"
        messages.append(
            f"Expected {where} to be a {FORMATS[suffix]} image, as its name says, but received {received}{fix}"
        )
    if size > MAX_BYTES:
        messages.append(
            f"Expected at most {MAX_BYTES:,} bytes but {where} has {size:,}; export it smaller (WebP, or JPEG for photos)"
        )
    if max(found.width, found.height) > MAX_PIXELS:
        messages.append(
            f"Expected at most {MAX_PIXELS} pixels on the longest side but {where} is "
            f"{found.width} × {found.height}; scale it down"
        )
    return messages


def _unused_files(article: Article, folder, used: set[str], credits: dict[str, int]) -> list[Problem]:
    """Files of the image folder that the text never shows (published for nothing, or a forgotten
    link). Those the frontmatter lists are reported at their entry already."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if not entry.name.startswith("."))
    except OSError:
        return []
    shown = posixpath.join(posixpath.dirname(article.shown), folder.name)
    return [
        _unused(
            article,
            1,
            f"image: Expected every file of {shown}/ to be shown by the article but received {name!r}, "
            f"which it never shows; show it with ![alt]({folder.name}/{name}) or delete the file",
        )
        for name in names
        if name not in used and name not in credits
    ]
