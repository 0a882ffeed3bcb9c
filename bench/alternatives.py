"""The same archive built the other ways an archive could be published, for comparison.

* ``material_index``: MkDocs with Material's built-in search plugin turned on (``INHERIT`` of the
  project's mkdocs.yml plus ``plugins: [search]``), to report the size of the whole search
  index every reader of such a site downloads before the first result.
* ``zensical_build``: Zensical (the successor of Material for MkDocs, reading the same
  mkdocs.yml) in its own virtual environment, pinned in ``bench/zensical.lock``; records time,
  memory, what it produced and what it left out (the project's MkDocs hook, which cleans every
  page's HTML, does not run under Zensical).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parent / "zensical.lock"
PROBE = "Raw-HTML-probe"


def material_index(archive: Path, workdir: Path, env: dict[str, str], run_step) -> dict:
    config = archive / "mkdocs.material-search.yml"
    config.write_text("INHERIT: mkdocs.yml\nplugins:\n  - search\n", encoding="utf-8")
    site = workdir / "material-search-site"
    shutil.rmtree(site, ignore_errors=True)
    try:
        run = run_step(
            [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "--site-dir", str(site)], env, archive
        )
        index = site / "search" / "search_index.json"
        data = index.read_bytes()
        return {
            "build": run,
            "index_bytes": len(data),
            "index_gzip_bytes": len(gzip.compress(data, compresslevel=6, mtime=0)),
            "index_docs": len(json.loads(data).get("docs", [])),
        }
    finally:
        config.unlink(missing_ok=True)
        shutil.rmtree(site, ignore_errors=True)


def zensical_python(workdir: Path) -> Path:
    """A virtual environment with the locked Zensical, made once per work folder."""
    venv = workdir / "zensical-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(LOCK)],
            check=True,
        )
    return python


def zensical_build(archive: Path, workdir: Path, env: dict[str, str], run_step) -> dict:
    """Build the generated docs/ with Zensical into a scratch folder and look at the result."""
    try:
        python = zensical_python(workdir)
    except (subprocess.CalledProcessError, OSError) as exc:
        return {"works": False, "error": f"could not install Zensical from {LOCK.name}: {exc}"}
    site = archive / "zensical-site"  # Zensical wants it inside the project
    shutil.rmtree(site, ignore_errors=True)
    config = archive / "mkdocs.zensical.yml"
    text = (archive / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(text + f"\nsite_dir: {site.name}\n", encoding="utf-8")
    zensical = str(python.parent / "zensical")
    probe = _add_raw_html_probe(archive)
    served = site / "articles" / "0000" / "raw-html-probe" / "index.html"
    try:
        try:
            run = run_step([zensical, "build", "--clean", "-f", str(config)], env, archive)
        except RuntimeError as exc:  # bench.measure.StepFailed
            return {"works": False, "error": str(exc)[-1500:]}
        pages = list(site.rglob("index.html"))
        return {
            "works": True,
            "build": run,
            "html_pages": len(pages),
            "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
            "search_index_bytes": (site / "search.json").stat().st_size if (site / "search.json").exists() else None,
            "project_hook_ran": served.is_file()
            and "<script" not in served.read_text("utf-8", "replace").split(PROBE, 1)[-1][:200],
        }
    finally:
        config.unlink(missing_ok=True)
        shutil.rmtree(site, ignore_errors=True)
        _remove_raw_html_probe(probe)


def _add_raw_html_probe(archive: Path) -> Path:
    """A page among the generated ones with raw HTML after a marker: MkDocs' hook removes it."""
    page = archive / "docs" / "articles" / "0000" / "raw-html-probe.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"# Probe\n\n{PROBE}\n\n<script>/* probe */</script>\n", encoding="utf-8")
    return page


def _remove_raw_html_probe(page: Path) -> None:
    page.unlink(missing_ok=True)
    if page.parent.is_dir() and not any(page.parent.iterdir()):
        page.parent.rmdir()
