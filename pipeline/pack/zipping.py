"""Deterministic zip files: fixed entry order, dates and permissions, so same content → same bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pipeline.pdf import zip_bytes


def build(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of (name, bytes) entries, sorted by name."""
    return zip_bytes(dict(entries))


def normalize(data: bytes) -> bytes:
    """Re-pack an Office file (XLSX) with fixed dates; the content of each part is unchanged, except
    that [Content_Types].xml is kept first, as Office expects."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zip_bytes({info.filename: zf.read(info) for info in zf.infolist()}, first=("[Content_Types].xml",))


def recipient_zips(out_dir: Path, student: str) -> dict[Path, bytes | None]:
    """<student>/<internship>.<recipient>.zip for each of the student's packs (select.RECIPIENTS): what the
    student takes to the immigration bureau, what goes to the company. None: no such zip (remove a stale
    one). Only the documents themselves go in, never the internal findings.json or manifest.json."""
    import json

    from pipeline.pack.manifest import MANIFEST
    from pipeline.pack.select import RECIPIENT_NEEDS, RECIPIENTS

    out: dict[Path, bytes | None] = {}
    root = out_dir / student
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        present = [d for d in manifest["documents"] if d.get("status") == "present"]
        for recipient, docs in RECIPIENTS.items():
            files = [d["file"] for d in present if d["doc"] in docs]
            needed = any(d["doc"] in RECIPIENT_NEEDS[recipient] for d in present)
            target = root / f"{folder.name}.{recipient}.zip"
            out[target] = build([(f"{folder.name}/{name}", (folder / name).read_bytes()) for name in files]) \
                if needed else None
    return out


def student_zip(out_dir: Path, student: str) -> bytes:
    """One zip of a student's packs: <student>/<internship>/<file>, for sending as one attachment."""
    root = out_dir / student
    entries = [(f.relative_to(out_dir).as_posix(), f.read_bytes())
               for f in sorted(root.rglob("*")) if f.is_file() and not any(p.startswith(".") for p in
                                                                           f.relative_to(out_dir).parts)]
    return build(entries)
