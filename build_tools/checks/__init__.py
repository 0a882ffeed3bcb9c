"""Editorial checks behind ``python -m build_tools check`` (and the ``diff`` command), one module
per rule family; ``rules.RULES`` lists every rule a problem can carry (``check --list-rules``).

* ``runner``: ``check()`` / ``run_checks()`` read the whole archive once and return every
  problem of the selected files; ``Report``, ``Context``;
* ``selection``: which files to check (paths, folders, files changed since a git ref);
* ``prose``: an article body as Markdown prose (code blanked), read in time linear in a line;
* ``body``: sections and headings, raw HTML, attribute lists, admonition types;
* ``links``: dangerous and broken links;
* ``duplicates``: duplicate slugs and source URLs, near-duplicate text; ``generate`` and
  ``ingest`` use its rules too (it imports none of the checks, so they load nothing else);
* ``vocabulary``: names claimed twice or confusable, mixed scripts, role dates, unused entries;
* ``stale``: "former"/"current" titles that contradict the vocabulary's roles.

Import from the module (``from build_tools.checks.runner import run_checks``): this package
imports none of them, so that ``duplicates`` stays light for the stages that use it.
"""
