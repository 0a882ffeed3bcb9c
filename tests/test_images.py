"""An article's images, through the command line: one image with alt text, a credit and a
license passes ``check``, ``generate`` copies it beside the article's page (and names it the
lead image), a strict build includes it; each mistake with an image file gets a message naming
the file, the line and what to do. The mistakes that need no image file are cases of
tests/check/ (image-mistakes.md, image-no-license.md)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from build_tools import cli
from build_tools.images import MAX_BYTES, sniff
from tests.check.archive import make_archive

REPO = Path(__file__).resolve().parent.parent
STEM = "2025-03-01-peace-talks"
ARTICLE = f"articles/2025/{STEM}.md"
IMAGES = """\
images:
  - file: map.png
    credit: Example Maps
    license: CC BY 4.0
    caption: The front line
"""


def png(width: int, height: int, extra: bytes = b"") -> bytes:
    """A real PNG of one colour (``extra`` bytes ride in a text chunk, to make a large file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + b"\x1e\x5a\xa0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\0" + extra) if extra else b""
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + text + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    )


@pytest.fixture
def archive(tmp_path: Path, monkeypatch) -> Path:
    """The tiny check archive, its peace-talks article showing map.png with a credit."""
    root = make_archive(tmp_path / "archive")
    monkeypatch.chdir(root)
    path = root / ARTICLE
    text = path.read_text("utf-8").replace("places: [ukraine]\n", "places: [ukraine]\n" + IMAGES, 1)
    path.write_text(text + f'\n![Map of the front line]({STEM}/map.png "The front line")\n', "utf-8")
    (root / "articles/2025" / STEM).mkdir()
    (root / "articles/2025" / STEM / "map.png").write_bytes(png(60, 40))
    return root


def image_line(root: Path) -> int:
    lines = (root / ARTICLE).read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("![Map"))


def check_output(root: Path, capsys) -> tuple[int, list[str]]:
    code = cli.main(["check", "--root", str(root)])
    return code, capsys.readouterr().out.splitlines()


def test_an_image_with_alt_credit_and_license_passes_and_generate_copies_it(archive, capsys):
    code, out = check_output(archive, capsys)
    assert code == 0, out
    assert out == ["check: no problems; 6 file(s) checked"]
    assert cli.main(["generate", "--root", str(archive)]) == 0
    copied = archive / "docs/articles/2025" / STEM / "map.png"
    assert copied.read_bytes() == (archive / "articles/2025" / STEM / "map.png").read_bytes()
    page = (archive / "docs/articles/2025/peace-talks.md").read_text("utf-8")
    lead = f"https://example.org/articles/2025/{STEM}/map.png"
    assert f"image: {lead}" in page.split("\n---\n", 1)[0]  # og:image (overrides/main.html)
    data = json.loads(next(line for line in page.splitlines() if line.startswith("structured_data:"))[17:].strip(" '"))
    assert data["image"] == lead
    assert "**Images:** The front line: Example Maps, CC BY 4.0." in page
    assert f"]({STEM}/map.png" in page  # the link as written: MkDocs resolves it beside the page


def test_generate_copies_images_deterministically_and_forgets_removed_ones(archive, capsys):
    assert cli.main(["generate", "--root", str(archive)]) == 0
    copied = archive / "docs/articles/2025" / STEM / "map.png"
    first = copied.read_bytes()
    assert cli.main(["generate", "--root", str(archive), "--full"]) == 0
    assert copied.read_bytes() == first
    # the image changes: the next run copies the new bytes (the memo sees the file's signature)
    (archive / "articles/2025" / STEM / "map.png").write_bytes(png(30, 20))
    assert cli.main(["generate", "--root", str(archive)]) == 0
    assert copied.read_bytes() == png(30, 20)
    # the article stops listing it: the copy goes (generate owns docs/articles/)
    path = archive / ARTICLE
    path.write_text(
        path.read_text("utf-8")
        .replace(IMAGES, "")
        .replace(f'![Map of the front line]({STEM}/map.png "The front line")', ""),
        "utf-8",
    )
    (archive / "articles/2025" / STEM / "map.png").unlink()
    assert cli.main(["generate", "--root", str(archive)]) == 0
    assert not copied.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "map.png",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            b"\xff\xc0\x00\x11\x08\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9",
            f"error: image: Expected articles/2025/{STEM}/map.png to be a PNG image, as its name says, "
            "but received a JPEG image; rename it to .jpeg",
        ),
        (
            "map.png",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            f"error: image: Expected articles/2025/{STEM}/map.png to be a PNG image, as its name says, "
            "but received a file that is no PNG, JPEG, WebP or GIF; export it again",
        ),
        (
            "map.png",
            png(10, 10, b"x" * MAX_BYTES),
            f"error: image: Expected at most 1,000,000 bytes but articles/2025/{STEM}/map.png has",
        ),
        (
            "map.png",
            png(3001, 2),
            f"error: image: Expected at most 3000 pixels on the longest side but articles/2025/{STEM}/map.png "
            "is 3001 × 2; scale it down",
        ),
    ],
    ids=["jpeg-named-png", "svg-named-png", "too-many-bytes", "too-many-pixels"],
)
def test_each_mistake_with_the_file_names_file_line_and_fix(archive, capsys, name, content, expected):
    (archive / "articles/2025" / STEM / name).write_bytes(content)
    code, out = check_output(archive, capsys)
    assert code == 1
    prefix = f"{ARTICLE}:{image_line(archive)}: "
    assert any(line.startswith(prefix + expected) for line in out), out
    assert cli.main(["generate", "--root", str(archive)]) == 1  # generate refuses what check refuses
    assert expected in capsys.readouterr().err


def test_a_missing_credit_names_the_frontmatter_to_write(archive, capsys):
    path = archive / ARTICLE
    path.write_text(path.read_text("utf-8").replace(IMAGES, ""), "utf-8")
    code, out = check_output(archive, capsys)
    assert code == 1
    assert (
        f"{ARTICLE}:{image_line(archive)}: error: image: Expected a credit and a license for 'map.png' but received "
        'none; add to the frontmatter: images: [{file: map.png, credit: "Who made it", license: "e.g. CC BY 4.0"}]'
    ) in out


def test_unused_images_are_warnings_and_a_symlinked_image_is_refused(archive, capsys, tmp_path):
    folder = archive / "articles/2025" / STEM
    (folder / "old.png").write_bytes(png(5, 5))
    outside = tmp_path / "secret.png"
    outside.write_bytes(png(5, 5))
    (folder / "map.png").unlink()
    os.symlink(outside, folder / "map.png")
    code, out = check_output(archive, capsys)
    assert code == 1
    assert (
        f"{ARTICLE}:1: warning: image: Expected every file of articles/2025/{STEM}/ to be shown by the article "
        f"but received 'old.png', which it never shows; show it with ![alt]({STEM}/old.png) or delete the file"
    ) in out
    assert (
        f"{ARTICLE}:{image_line(archive)}: error: image: Expected a regular file but articles/2025/{STEM}/map.png "
        "is a symbolic link; copy the image there"
    ) in out
    assert any(line.startswith(f"articles/2025/{STEM}/map.png:1: error: file: Expected an article") for line in out)
    assert cli.main(["generate", "--root", str(archive)]) == 1
    assert not (archive / "docs/articles/2025" / STEM / "map.png").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_changed_image_alone_checks_its_article(archive, capsys):
    # Replacing only the image (as a commit that touches no .md does) still checks the article that shows it.
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=archive, check=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "main")
    (archive / "articles/2025" / STEM / "map.png").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    expected = f"{ARTICLE}:{image_line(archive)}: error: image: Expected articles/2025/{STEM}/map.png to be a PNG image"
    for args in (["--changed-since", "main"], [f"articles/2025/{STEM}/map.png"]):
        assert cli.main(["check", "--root", str(archive), *args]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith(expected), out
        assert out[1] == "1 file(s) checked: 1 error(s), 0 warning(s) in 1 file(s)"


def test_the_image_folder_is_no_article_folder(archive, capsys):
    """A .md file beside the images is still no article; the images are not 'not an article file'."""
    code, out = check_output(archive, capsys)
    assert code == 0 and not any("not an article file" in line for line in out), out


def test_sniff_reads_the_size_of_each_format():
    gif = b"GIF89a" + struct.pack("<HH", 321, 123) + b"\0" * 10
    webp_lossy = b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 10 + struct.pack("<HH", 800, 600)
    webp_lossless = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f" + ((799) | (599 << 14)).to_bytes(4, "little")
    webp_extended = b"RIFF\0\0\0\0WEBPVP8X" + b"\0" * 8 + (1023).to_bytes(3, "little") + (767).to_bytes(3, "little")
    assert (sniff(png(7, 9)).format, sniff(png(7, 9)).width, sniff(png(7, 9)).height) == ("PNG", 7, 9)
    assert (sniff(gif).width, sniff(gif).height) == (321, 123)
    assert (sniff(webp_lossy).width, sniff(webp_lossy).height) == (800, 600)
    assert (sniff(webp_lossless).width, sniff(webp_lossless).height) == (800, 600)
    assert (sniff(webp_extended).width, sniff(webp_extended).height) == (1024, 768)
    assert sniff(b"<svg/>").format is None


@pytest.mark.slow
def test_a_strict_build_includes_the_image(archive):
    from tests.conftest import copy_site_config

    copy_site_config(archive)
    built = subprocess.run(
        [sys.executable, "-m", "build_tools", "build", "--root", str(archive), "--jobs", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    page = (archive / "site/articles/2025/peace-talks/index.html").read_text("utf-8")
    assert f'src="../{STEM}/map.png"' in page and 'alt="Map of the front line"' in page
    assert f'<meta property="og:image" content="https://example.org/articles/2025/{STEM}/map.png">' in page
    assert (archive / "site/articles/2025" / STEM / "map.png").read_bytes() == png(60, 40)
