"""`make serve` reports check's errors as generate does: in the terminal, and in a banner on the
article's page and the home page (build_tools/serve_problems.py), which goes once the error is
fixed and never reaches a built site."""

from __future__ import annotations

import pytest

from build_tools.cli import main
from tests.test_serve import fetch, serving, wait_for

pytestmark = pytest.mark.slow
SOURCE = "articles/2025/2025-05-19-putin-and-the-talks.md"
LINE = "![](2025-05-19-putin-and-the-talks/missing.png)"


def test_serve_shows_the_errors_of_an_edit_on_the_page_and_in_the_terminal(golden_archive):
    article = golden_archive / SOURCE
    good = article.read_text("utf-8")
    line = len(good.splitlines()) + 2
    expected = (
        f"{SOURCE}:{line}: error: image: Expected alt text saying what the image shows but received none; "
        "write it between the brackets"
    )
    with serving(golden_archive) as (home, log):
        url = home + "articles/2025/putin-and-the-talks/"
        wait_for(lambda: "Putin and the talks" in fetch(url))
        assert "admonition failure" not in fetch(url)
        article.write_text(good + f"\n{LINE}\n", "utf-8")
        wait_for(lambda: "error(s): the pages were not regenerated" in fetch(url))
        page = fetch(url)
        assert expected in page  # file:line: message, escaped
        assert "Expected the file articles/2025/2025-05-19-putin-and-the-talks/missing.png" in page
        assert expected in fetch(home)
        assert expected in log.read_text()  # and in the terminal
        article.write_text(good + "\nFixed while serving.\n", "utf-8")
        wait_for(lambda: "Fixed while serving." in fetch(url))
        assert "admonition failure" not in fetch(url)
        assert "admonition failure" not in fetch(home)
    assert main(["build", "--root", str(golden_archive)]) == 0
    built = golden_archive / "site/articles/2025/putin-and-the-talks/index.html"
    assert "Fixed while serving." in built.read_text("utf-8")
    assert "were not regenerated" not in built.read_text("utf-8")
