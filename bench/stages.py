"""CPU time of each stage of ``generate``, in process and without a profiler.

``python -m bench.stages ARCHIVE`` (an archive written by ``bench.synth``) prints JSON:
process CPU seconds of read_vocabulary, read_articles, Catalog.build, one extra pass of
Catalog.related() over every article, PageGenerator.pages (which calls related() again, and
frontmatter(), timed apart), and DocsWriter.swap (CPU and wall). CPU time is what to compare
on a shared machine. It imports build_tools the way the archive's ``build_tools`` link does,
so it measures the code ``bench`` measured when the archive was kept with ``--keep``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m bench.stages ARCHIVE", file=sys.stderr)
        return 2
    root = Path(args[0]).resolve()
    sys.path.insert(0, str((root / "build_tools").resolve().parent))
    from build_tools import generators
    from build_tools.catalog import Catalog
    from build_tools.pipeline import Project
    from build_tools.readers import read_articles, read_vocabulary
    from build_tools.writers import DocsWriter

    project = Project(root)
    out: dict = {}

    def timed(name: str, func, *a):
        started = time.process_time()
        result = func(*a)
        out[name] = round(time.process_time() - started, 3)
        return result

    vocabulary, _ = timed("read_vocabulary", read_vocabulary, project.vocabulary)
    articles, _ = timed("read_articles", read_articles, project.articles)
    catalog, _ = timed("Catalog.build", Catalog.build, articles, vocabulary)
    timed("related() over all articles", lambda: [catalog.related(a, generators.RELATED) for a in catalog.articles])
    original, spent = generators.frontmatter, [0.0]

    def frontmatter(fields: dict) -> str:
        started = time.process_time()
        try:
            return original(fields)
        finally:
            spent[0] += time.process_time() - started

    generators.frontmatter = frontmatter
    site_url = getattr(project, "site_url", None)
    generator = generators.PageGenerator(catalog, site_url) if site_url else generators.PageGenerator(catalog)
    pages = timed("PageGenerator.pages (incl. related and frontmatter)", generator.pages)
    generators.frontmatter = original
    out["  of which frontmatter()"] = round(spent[0], 3)
    wall = time.perf_counter()
    timed("DocsWriter.swap (CPU)", DocsWriter(project.docs).swap, pages)
    out["DocsWriter.swap (wall)"] = round(time.perf_counter() - wall, 3)
    out["articles"] = len(catalog.articles)
    out["pages"] = len(pages)
    sizes: Counter = Counter()
    for name, text in pages.items():
        sizes[name.split("/")[0]] += len(text.encode("utf-8"))
    out["page_bytes_by_folder"] = dict(sizes)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
