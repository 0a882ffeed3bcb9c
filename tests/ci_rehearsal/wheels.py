"""Wheels of the packages installed in a virtual environment, so that a rehearsed job can install
requirements.lock with no network (``pip install --no-index --find-links WHEELHOUSE``).

Each installed distribution is packed back into a wheel from the files its RECORD lists: files
under site-packages as they are, files in the environment's ``bin/`` as ``<name>.data/scripts/``
(console scripts are left out: pip writes them again from entry_points.txt), and a new RECORD.
Only the packages that requirements.lock names are packed.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import sysconfig
import zipfile
from pathlib import Path

SKIP_METADATA = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_names(lock: Path) -> set[str]:
    """The packages pinned in ``lock`` and in the files it includes (``-r requirements-dev.txt``)."""
    names = set()
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            names |= locked_names(lock.parent / line[3:].strip())
        elif line and "==" in line:
            names.add(normalize(line.split("==")[0]))
    return names


def digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def entry_point_scripts(dist_info: Path) -> set[str]:
    path = dist_info / "entry_points.txt"
    names: set[str] = set()
    section = ""
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("["):
                section = line.strip("[]")
            elif "=" in line and section in ("console_scripts", "gui_scripts"):
                names.add(line.split("=")[0].strip())
    return names


def pack(dist_info: Path, site_packages: Path, prefix: Path, out: Path) -> Path:
    """One wheel in ``out`` from an installed ``*.dist-info`` folder."""
    fields = dict(
        line.split(": ", 1)
        for line in (dist_info / "METADATA").read_text(encoding="utf-8").splitlines()
        if ": " in line and not line.startswith(" ")
    )
    name, version = fields["Name"], fields["Version"]
    wheel_meta = (dist_info / "WHEEL").read_text(encoding="utf-8")
    tags = [line.split(": ", 1)[1].split("-") for line in wheel_meta.splitlines() if line.startswith("Tag: ")]
    tag = "-".join(".".join(sorted({t[i] for t in tags})) for i in range(3))  # compressed tag set
    stem = f"{re.sub(r'[-_.]+', '_', name)}-{version}"
    target = out / f"{stem}-{tag}.whl"
    scripts = entry_point_scripts(dist_info)
    bin_dir = prefix / "bin"
    records: list[tuple[str, str, int]] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as wheel:

        def add(arcname: str, data: bytes, mode: int) -> None:
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (mode & 0o777 | 0o100000) << 16
            wheel.writestr(info, data)
            records.append((arcname, digest(data), len(data)))

        with (dist_info / "RECORD").open(encoding="utf-8", newline="") as record:
            for row in csv.reader(record):
                if not row:
                    continue
                source = (site_packages / row[0]).resolve()
                if "__pycache__" in source.parts or not source.is_file():
                    continue
                if source.is_relative_to(site_packages.resolve()):
                    arcname = source.relative_to(site_packages.resolve()).as_posix()
                    if arcname.startswith(dist_info.name + "/") and arcname.split("/", 1)[1] in SKIP_METADATA:
                        continue
                elif source.parent == bin_dir.resolve():
                    if source.name in scripts:
                        continue
                    arcname = f"{stem}.data/scripts/{source.name}"
                else:
                    arcname = f"{stem}.data/data/{source.relative_to(prefix.resolve()).as_posix()}"
                data = source.read_bytes()
                if arcname.startswith(f"{stem}.data/scripts/") and data.startswith(b"#!") and b"python" in data[:200]:
                    data = b"#!python" + data[data.index(b"\n") :]
                add(arcname, data, source.stat().st_mode)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows(records)
        writer.writerow([f"{dist_info.name}/RECORD", "", ""])
        info = zipfile.ZipInfo(f"{dist_info.name}/RECORD", date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o100644 << 16
        wheel.writestr(info, buffer.getvalue())
    return target


def wheelhouse(prefix: Path, lock: Path, out: Path) -> list[Path]:
    """Wheels in ``out`` of every package of ``lock`` installed in the environment at ``prefix``."""
    out.mkdir(parents=True, exist_ok=True)
    site_packages = Path(sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)}))
    wanted = locked_names(lock)
    made = []
    for dist_info in sorted(site_packages.glob("*.dist-info")):
        name = normalize(dist_info.name.removesuffix(".dist-info").rsplit("-", 1)[0])
        if name in wanted:
            made.append(pack(dist_info, site_packages, prefix, out))
            wanted.discard(name)
    if wanted:
        raise RuntimeError(f"not installed in {prefix}, so no wheel can be made: {', '.join(sorted(wanted))}")
    return made
