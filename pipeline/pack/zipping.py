"""Deterministic zip files: fixed entry order, dates and permissions, so same content → same bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pipeline.fileio import zip_bytes


def build(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of (name, bytes) entries, sorted by name."""
    return zip_bytes(dict(entries))


def normalize(data: bytes) -> bytes:
    """Re-pack an Office file (XLSX) with fixed dates; the content of each part is unchanged, except
    that [Content_Types].xml is kept first, as Office expects."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zip_bytes({info.filename: zf.read(info) for info in zf.infolist()}, first=("[Content_Types].xml",))


def student_zip(out_dir: Path, student: str) -> bytes:
    """One zip of a student's packs: <student>/<internship>/<file>, for sending as one attachment."""
    root = out_dir / student
    entries = [(f.relative_to(out_dir).as_posix(), f.read_bytes())
               for f in sorted(root.rglob("*")) if f.is_file() and not any(p.startswith(".") for p in
                                                                           f.relative_to(out_dir).parts)]
    return build(entries)
