"""Deterministic zip files: fixed entry order, dates and permissions, so same content → same bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100600 << 16)  # a private regular file once unpacked
    info.create_system = 3  # unix, so the mode above is honoured
    return info


def build(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of (name, bytes) entries, sorted by name."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in sorted(entries):
            zf.writestr(_entry(name), data, compresslevel=9)
    return out.getvalue()


def normalize(data: bytes) -> bytes:
    """Re-pack an Office file (DOCX, XLSX) with fixed dates; the content of each part is unchanged,
    except that [Content_Types].xml is kept first, as Office expects."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, blob in sorted(parts, key=lambda p: (p[0] != "[Content_Types].xml", p[0])):
            zf.writestr(_entry(name), blob, compresslevel=9)
    return out.getvalue()


def student_zip(out_dir: Path, student: str) -> bytes:
    """One zip of a student's packs: <student>/<internship>/<file>, for sending as one attachment."""
    root = out_dir / student
    entries = [(f.relative_to(out_dir).as_posix(), f.read_bytes())
               for f in sorted(root.rglob("*")) if f.is_file() and not any(p.startswith(".") for p in
                                                                           f.relative_to(out_dir).parts)]
    return build(entries)
