"""Build a student's pack from the desk: the same `pipeline.pack.run` as `ceri pack`, on the records the
page was made from (one loaded snapshot: a save meanwhile does not mix into a half-built pack)."""

from __future__ import annotations

import threading
from pathlib import Path

from pipeline.fileio import write_atomic
from pipeline.pack import PackOptions, run
from pipeline.pack.batch import Summary
from pipeline.pack.zipping import student_zip
from pipeline.register import resolve_path
from pipeline.web.snapshot import Snapshot

_lock = threading.Lock()  # one build at a time: they share the output folder and the register


def build(snap: Snapshot, folder: Path, student: str, data: Path) -> Summary:
    """The student's packs into DATA/packs/<student>/ and DATA/packs/<student>.zip; certificates numbered in
    the institution's one register, found as every command finds it (pipeline.register.find)."""
    options = PackOptions(as_of=snap.as_of, langs=("ja+en",), register=str(resolve_path(None, snap.records)))
    with _lock:
        summary = run(snap.records, (str(folder),), data / "packs", options, students=[student], jobs=1)
        if (data / "packs" / student).is_dir():  # the office's copy: every pack of the student in one zip
            write_atomic(data / "packs" / f"{student}.zip", student_zip(data / "packs", student))
        return summary


def zip_of(student: str, data: Path) -> Path | None:
    path = data / "packs" / f"{student}.zip"
    return path if path.is_file() else None
