"""The build state that deploy.yml keeps in the Actions cache and preview.yml restores.

``build_state.py paths``     the cache's paths, one a line, relative to the checkout (``path:``)
``build_state.py env``       ``ARCHIVE_CACHE_KEY_DIR=<the key folder>``, a line for ``$GITHUB_ENV``
``build_state.py clear``     delete every state path that is there (before restoring the cache)
``build_state.py restored``  after restoring: move the key out of the checkout, say what came
``build_state.py save``      before saving: copy the key in, so that the cache carries it

The state is what lets ``build`` redo only what a commit changed: ``.build/generate-memo.cbor``
(the generate memo), ``.build/search`` (the search shards), ``site/`` with its build stamp, the
folders and files of ``docs/`` that ``generate`` writes (``build_tools.layout.GENERATED``), and
the key all of them are signed with (``build_tools.keys``). The build keeps that key outside the
work tree (``keys.memo_key`` refuses one inside it), in ``$RUNNER_TEMP/archive-cache-key``; the
cache carries it as ``.build/memo-key`` (actions/cache takes no path out of the checkout but by
an absolute or home path, and a runner's temporary folder is not the same on every runner), so
it is moved out right after the restore and copied in right before the save.

Why ``clear`` runs first, in deploy and preview alike: the cache of ``main`` is written only by
``main``'s own runs, but every pull request's run may read it (GitHub lets a run restore caches
of its base branch), forks included. So its key is known to anyone who opens a pull request: a
memo, a search shard or a site stamp signed with it proves only that it was made with a known
key, not that ``main``'s build made it. What decides is where the state comes from: from the
cache (written by ``main``), never from git. ``.build/``, ``site/`` and the generated pages are
git-ignored, but ``git add -f`` commits them, and a merged pull request would bring them into
``main``'s checkout, signed with the now-known key. Restoring the cache overwrites only the
files the cache holds, so anything else the checkout brought would survive: ``clear`` deletes
it all first (a symbolic link is removed itself, never followed).

Standard library only; run by the runner's Python before the project is installed.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from build_tools.layout import DOCS_DIR, GENERATED  # noqa: E402  (layout.py imports nothing of the package)

KEY_NAME = "memo-key"  # build_tools.keys.KEY_NAME
CARRIED_KEY = f".build/{KEY_NAME}"  # the key, in the cache only
STATE = (".build/generate-memo.cbor", ".build/search", "site", *(f"{DOCS_DIR}/{name}" for name in GENERATED))


def paths() -> list[str]:
    """What the cache holds, relative to the checkout (the same list saves and restores it:
    actions/cache keys an entry by its paths too)."""
    return [*STATE, CARRIED_KEY]


def key_dir(root: Path) -> Path:
    """Where the build keeps the key: the runner's temporary folder (else beside the checkout)."""
    temporary = os.environ.get("RUNNER_TEMP")
    base = Path(temporary) if temporary else root.absolute().parent
    return base / "archive-cache-key"


def remove(path: Path) -> bool:
    """Delete ``path``: a link or file itself, a real folder with all it holds (``rmtree``
    follows no link inside). Whether there was anything."""
    try:
        is_folder = path.is_dir() and not path.is_symlink()
    except OSError:
        return False
    if is_folder:
        shutil.rmtree(path)
        return True
    if path.is_symlink() or path.exists():
        path.unlink()
        return True
    return False


def clear(root: Path) -> list[str]:
    """Delete the state the checkout or an earlier step left: all of ``.build/`` (not only what
    the cache holds), ``site/``, the generated pages and the key folder. What was there."""
    removed = []
    for name in (".build", *STATE[2:]):
        if remove(root / name):
            removed.append(name)
    if remove(key_dir(root)):
        removed.append("the key folder")
    return removed


def restored(root: Path) -> str:
    """Move the restored key to the key folder (private, as build_tools.keys wants it); what
    the cache brought, in a line."""
    carried, folder = root / CARRIED_KEY, key_dir(root)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    key = "no key (the build makes a new one)"
    if carried.is_file() and not carried.is_symlink():
        os.chmod(carried, 0o600)
        os.replace(carried, folder / KEY_NAME)
        key = "the key"
    remove(carried)
    pages = sum(len(files) for name in GENERATED for _folder, _dirs, files in os.walk(root / DOCS_DIR / name))
    pages += sum(1 for name in GENERATED if (root / DOCS_DIR / name).is_file())
    found = [
        name
        for name, path in (("memo", STATE[0]), ("search shards", STATE[1]), ("site", STATE[2]))
        if (root / path).exists()
    ]
    return f"state restored: {', '.join(found) or 'nothing'}, {pages} generated page(s), {key}"


def save(root: Path) -> None:
    """Copy the key into the checkout, where the cache's paths take it from."""
    key = key_dir(root) / KEY_NAME
    if key.is_file():
        (root / ".build").mkdir(exist_ok=True)
        shutil.copyfile(key, root / CARRIED_KEY)
        os.chmod(root / CARRIED_KEY, 0o600)


def main(argv: list[str]) -> int:
    root = Path.cwd()
    if argv == ["paths"]:
        print("\n".join(paths()))
    elif argv == ["env"]:
        print(f"ARCHIVE_CACHE_KEY_DIR={key_dir(root)}")
    elif argv == ["clear"]:
        removed = clear(root)
        print(f"cleared before restoring the cache: {', '.join(removed) if removed else 'nothing was there'}")
    elif argv == ["restored"]:
        print(restored(root))
    elif argv == ["save"]:
        save(root)
    else:
        print("usage: build_state.py paths | env | clear | restored | save (in the checkout)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
