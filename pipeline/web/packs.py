"""Build a student's packs from the desk: the same `pipeline.pack.run` as `ceri pack --zip`, in a thread of
its own, on the records as they were when the button was clicked (one loaded snapshot: a save meanwhile
does not mix into a half-built pack). The page that follows shows which document of how many is being
made (pipeline.pack.build.document_done), and then offers the recipient zips.

One build per student at a time: a second click while one runs (or waits) shows the running one. Builds
of different students wait for each other: they share the output folder and the register."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.fileio import write_atomic
from pipeline.pack import PackOptions, run
from pipeline.pack.batch import Summary
from pipeline.pack.build import document_done
from pipeline.pack.zipping import student_zip
from pipeline.web.snapshot import Snapshot

_lock = threading.Lock()  # one build at a time: they share the output folder and the register
_builds_lock = threading.Lock()
_builds: dict[str, Build] = {}  # the latest build of each student (running, waiting or finished)
RECIPIENT_ZIP = re.compile(r"[A-Za-z0-9_.-]+\.(immigration|company)\.zip")


@dataclass
class Build:
    student: str
    by: str
    packs: int  # internships of the student: one pack each
    state: str = "waiting"  # waiting | running | done | failed
    packs_done: int = 0
    internship: str = ""  # the pack being made
    document: int = 0  # documents of that pack made so far …
    documents: int = 0  # … of this many
    messages: list[str] = field(default_factory=list)
    summary: Summary | None = None
    thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.state in ("waiting", "running")

    def as_json(self) -> dict[str, object]:
        return {"state": self.state, "packs": self.packs, "packs_done": self.packs_done,
                "internship": self.internship, "document": self.document, "documents": self.documents,
                "messages": self.messages}


def start(snap: Snapshot, folder: Path, student: str, data: Path, register: Path, by: str) -> tuple[Build, bool]:
    """The student's running build, or a new one started now; True when this call started it."""
    with _builds_lock:
        build = _builds.get(student)
        if build is not None and build.running:
            return build, False
        build = Build(student, by, len(snap.records.internships_of(student)))
        _builds[student] = build
    build.thread = threading.Thread(target=_build, args=(build, snap, folder, data, register),
                                    name=f"ceri-pack-{student}", daemon=True)
    build.thread.start()
    return build, True


def current(student: str) -> Build | None:
    return _builds.get(student)


def _build(build: Build, snap: Snapshot, folder: Path, data: Path, register: Path) -> None:
    """The student's packs into DATA/packs/<student>/ (with one zip per recipient beside each internship's
    folder) and DATA/packs/<student>.zip; certificates numbered in the institution's one register."""
    options = PackOptions(as_of=snap.as_of, langs=("ja+en",), register=str(register))

    def told(internship: str, done: int, total: int) -> None:
        build.internship, build.document, build.documents = internship, done, total

    def packs_done(n: int) -> None:
        build.packs_done = n

    try:
        with _lock:
            build.state = "running"
            token = document_done.set(told)
            try:
                summary = run(snap.records, (str(folder),), data / "packs", options, students=[build.student],
                              jobs=1, make_zip=True, progress=packs_done)
            finally:
                document_done.reset(token)
            if (data / "packs" / build.student).is_dir():  # the office's copy: every pack in one zip
                write_atomic(data / "packs" / f"{build.student}.zip", student_zip(data / "packs", build.student))
        build.summary = summary
        build.messages = [r.message or r.status for r in summary.results if r.status in ("failed", "refused")]
        build.messages += summary.failures
        build.packs_done = len(summary.results)
        build.state = "failed" if build.messages else "done"
    except Exception as exc:  # noqa: BLE001 (the page says what went wrong; the server goes on)
        messages = getattr(exc, "messages", None)
        build.messages = list(messages()) if callable(messages) else [str(exc)]
        build.state = "failed"


def zip_of(student: str, data: Path) -> Path | None:
    path = data / "packs" / f"{student}.zip"
    return path if path.is_file() else None


def recipient_zips(student: str, data: Path) -> list[Path]:
    """<internship>.immigration.zip, <internship>.company.zip … of the student's latest build."""
    folder = data / "packs" / student
    return sorted(p for p in folder.glob("*.zip") if RECIPIENT_ZIP.fullmatch(p.name)) if folder.is_dir() else []
