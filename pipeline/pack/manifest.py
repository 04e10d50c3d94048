"""Input hashes and manifest.json: what a pack was made from, and what it holds (sha256, bytes)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from pipeline import __version__, fonts
from pipeline.resources import FORMS, PACKAGE, TEMPLATES

MANIFEST = "manifest.json"
FORMAT = 1  # bump when the manifest's layout changes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps(obj: Any) -> bytes:
    """Canonical JSON for files people read: sorted keys, no timestamps, UTF-8 kept readable, indented."""
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n").encode()


def canonical(obj: Any) -> bytes:
    """The same canonical JSON without the indentation, for hashing and sorting: json's C encoder only
    runs without indent (indented, planning a batch of 1000 spent a second here before any worker)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _tree(h: Any, label: str, folder: Path, pattern: str = "*") -> None:
    if not folder.is_dir():
        return
    for f in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        h.update(f"{label}/{f.relative_to(folder).as_posix()}\0".encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())


@cache
def environment_digest() -> str:
    """Everything outside the records that shapes a pack: ceri's code and version, templates/, forms/,
    and the font files found. Computed once per process (the fonts are tens of MB)."""
    h = hashlib.sha256(f"ceri {__version__} manifest {FORMAT}\0".encode())
    _tree(h, "pipeline", PACKAGE, "*.py")
    _tree(h, "templates", TEMPLATES)
    _tree(h, "forms", FORMS)
    for role in sorted(fonts.FONTS):
        path = fonts.find(role)
        h.update(f"font/{role}\0".encode())
        if path is not None:
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def inputs_digest(records, student_id: str, internship_id: str, *, as_of, langs, findings, registered: bool,
                  environment: str) -> str:
    """The hash that decides whether a pack must be rebuilt.

    It covers the records this pack is made from (the student, every internship of the student —
    documents may mention the others — and the institution), not whole record files, so editing one
    student never rebuilds the others' packs."""
    parts = {
        "environment": environment,
        "student": records.students[student_id].model_dump(mode="json"),
        "internship": internship_id,
        "internships": [i.model_dump(mode="json") for i in records.internships_of(student_id)],
        "institution": records.institution.model_dump(mode="json"),
        "as_of": as_of.isoformat(),
        "langs": list(langs),
        "findings": findings,
        "registered": registered,  # certificates carry serials (not the register's path: folders move)
    }
    return sha256(canonical(parts))


def make(*, student: str, internship: str, as_of, langs, inputs: str, documents: list[dict],
         files: dict[str, bytes]) -> bytes:
    return dumps({
        "ceri": __version__,
        "format": FORMAT,
        "student": student,
        "internship": internship,
        "as_of": as_of.isoformat(),
        "langs": list(langs),
        "inputs": inputs,
        "documents": documents,
        "files": {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in sorted(files.items())},
    })


def read(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None


def up_to_date(folder: Path, inputs: str) -> bool:
    """True when the pack in folder was made from these inputs and every file matches the manifest
    (and nothing else is there)."""
    manifest = read(folder)
    if not manifest or manifest.get("inputs") != inputs or not isinstance(manifest.get("files"), dict):
        return False
    listed = manifest["files"]
    present = {p.name for p in folder.iterdir()} - {MANIFEST}
    if present != set(listed):
        return False
    for name, meta in listed.items():
        data = (folder / name).read_bytes()
        if len(data) != meta.get("bytes") or sha256(data) != meta.get("sha256"):
            return False
    return True
