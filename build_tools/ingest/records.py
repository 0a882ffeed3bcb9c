"""What ingest wrote, so that ``--force`` never loses an editor's work.

Every article ingest writes is recorded in ``.build/ingest/written.tsv`` (its path under the
archive and the SHA-256 of the bytes written; one line a write, the last line for a path wins),
outside the article text and outside git. Before ``--force`` writes over an article, the file
there is compared with that record: when it differs (an editor changed it since) or there is no
record (it was written by hand, or on another machine), the file is first copied to
``.build/ingest/edited/<YYYY>/<file stem>.<first 12 hex digits of its SHA-256>.md`` — a name
that depends on its content only, so a second ``--force`` neither overwrites nor duplicates
it — and the command says where. Nothing is copied when the file is exactly what ingest wrote.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import Project

FOLDER = Path(".build") / "ingest"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Records:
    """The record of what ingest wrote into one archive."""

    project: Project
    written: dict[str, str] = field(default_factory=dict)  # path relative to the root -> SHA-256

    @property
    def log(self) -> Path:
        return self.project.root / FOLDER / "written.tsv"

    @classmethod
    def load(cls, project: Project) -> Records:
        records = cls(project)
        try:
            lines = records.log.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        for line in lines:
            name, _, sha = line.partition("\t")
            if name and len(sha) == 64:
                records.written[name] = sha
        return records

    def _name(self, path: Path) -> str:
        return path.resolve().relative_to(self.project.root.resolve()).as_posix()

    def note(self, path: Path, text: str) -> None:
        """Record that ingest wrote ``text`` at ``path``."""
        name, sha = self._name(path), digest(text.encode("utf-8"))
        self.written[name] = sha
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a", encoding="utf-8") as stream:
            stream.write(f"{name}\t{sha}\n")

    def keep_edit(self, path: Path) -> Path | None:
        """Before ``path`` is replaced: when it is not what ingest wrote there, copy it to a backup
        and return the backup's path; None when it is ingest's own text (or not there)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        sha = digest(data)
        if self.written.get(self._name(path)) == sha:
            return None
        backup = self.project.root / FOLDER / "edited" / path.parent.name / f"{path.stem}.{sha[:12]}.md"
        if not backup.exists():  # the same edit kept before: that copy stands
            backup.parent.mkdir(parents=True, exist_ok=True)
            partial = backup.with_name(f".{backup.name}.tmp")
            partial.write_bytes(data)  # byte for byte, whatever the file holds
            os.replace(partial, backup)
        return backup
