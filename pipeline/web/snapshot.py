"""The records as the desk sees them: loaded once per state of the records folder, with their findings.

A state is the list of YAML files with their sizes and modification times: a save through the desk, an
editor or `ceri import` changes it, and the next request sees it. Loading and checking 5,000 internships
takes seconds, so a change of a few files reloads only those files and checks only their students again
(a student's findings depend on their own records only, pipeline.rules.check_each); anything else (the
institution, many files, an id now in two files, records that do not load) loads everything again."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.desk.status import CaseRow, FindingIndex, rows
from pipeline.errors import InputError
from pipeline.records import Records, load
from pipeline.records.load import SUFFIXES
from pipeline.rules import Finding, check

State = tuple[tuple[str, int, int], ...]


@dataclass
class Snapshot:
    state: State
    as_of: date
    records: Records | None
    problems: list[str]  # the records do not load: what `ceri validate` would say
    findings: list[Finding] = field(default_factory=list)
    board: list[CaseRow] = field(default_factory=list)
    by_internship: dict[str, CaseRow] = field(default_factory=dict)


def state_of(folder: Path) -> State:
    """Every *.yaml / *.yml below folder with its size and modification time (os.scandir: pathlib's rglob
    took 0.3 s for 4,444 files, a request's whole budget)."""
    out = []
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                if e.is_dir():
                    stack.append(e.path)
                elif e.name.endswith(SUFFIXES) and e.is_file():
                    st = e.stat()
                    out.append((e.path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


class RecordsCache:
    """The current snapshot of one records folder, rebuilt when the folder changes (thread-safe)."""

    def __init__(self, folder: Path, as_of: date | None = None):
        self.folder = Path(folder)
        self.fixed_as_of = as_of
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None

    def as_of(self) -> date:
        return self.fixed_as_of or date.today()

    def current(self) -> Snapshot:
        state, as_of = state_of(self.folder), self.as_of()
        snap = self._snap
        if snap and snap.state == state and snap.as_of == as_of:
            return snap
        with self._lock:
            snap = self._snap
            if snap and snap.state == state and snap.as_of == as_of:
                return snap
            self._snap = snap = update(snap, state, as_of) or build(self.folder, state, as_of)
            return snap


def build(folder: Path, state: State, as_of: date) -> Snapshot:
    try:
        records = load([folder])
    except InputError as exc:
        return Snapshot(state, as_of, None, exc.messages())
    findings = check(records, as_of)
    board = rows(records, as_of, index=FindingIndex(findings))
    return Snapshot(state, as_of, records, [], findings, board, {r.internship: r for r in board})


INCREMENTAL = 200  # more changed files than this: load everything again


def update(prev: Snapshot | None, state: State, as_of: date) -> Snapshot | None:
    """The snapshot for `state` from the previous one, reloading only the changed files; None when it
    must be built from scratch."""
    if prev is None or prev.records is None or prev.as_of != as_of:
        return None
    old, new = dict((f, (a, b)) for f, a, b in prev.state), dict((f, (a, b)) for f, a, b in state)
    changed = {f for f in old.keys() | new.keys() if old.get(f) != new.get(f)}
    if not changed or len(changed) > INCREMENTAL:
        return None
    records = prev.records
    if any(records.docs.get(("institution", "")) and records.docs[("institution", "")].file == f for f in changed):
        return None
    try:
        part = load(sorted(f for f in changed if f in new)) if changed & new.keys() else Records()
    except InputError:
        return None
    if part.docs.get(("institution", "")):
        return None
    students = {k: v for k, v in records.students.items() if records.docs[("student", k)].file not in changed}
    internships = {k: v for k, v in records.internships.items()
                   if records.docs[("internship", k)].file not in changed}
    if students.keys() & part.students.keys() or internships.keys() & part.internships.keys():
        return None  # an id now in two files: the full load says where
    affected = ({v.id for k, v in records.students.items() if k not in students}
                | {v.student for k, v in records.internships.items() if k not in internships}
                | set(part.students) | {i.student for i in part.internships.values()})
    merged = Records(students={**students, **part.students}, internships={**internships, **part.internships},
                     institution=records.institution, files=[Path(f) for f, _s, _m in state],
                     docs={k: v for k, v in records.docs.items() if v.file not in changed} | part.docs)
    fresh = check(merged, as_of, students=affected)
    findings = sorted([f for f in prev.findings if f.student not in affected] + fresh, key=lambda f: f.student)
    board = [r for r in prev.board if r.student not in affected] + \
        rows(merged, as_of, students=affected, index=FindingIndex(fresh))
    board.sort(key=lambda r: (r.student, r.start, r.internship))
    return Snapshot(state, as_of, merged, [], findings, board, {r.internship: r for r in board})
