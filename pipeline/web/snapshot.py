"""The records as the desk sees them: loaded once per state of the records folder, with their findings.

A state is the list of YAML files with their sizes and modification times: a save through the desk, an
editor or `ceri import` changes it, and the next request loads again. Loading 5,000 internships and
checking them takes seconds; the board then only filters the rows already built."""

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
            self._snap = snap = build(self.folder, state, as_of)
            return snap


def build(folder: Path, state: State, as_of: date) -> Snapshot:
    try:
        records = load([folder])
    except InputError as exc:
        return Snapshot(state, as_of, None, exc.messages())
    findings = check(records, as_of)
    board = rows(records, as_of, index=FindingIndex(findings))
    return Snapshot(state, as_of, records, [], findings, board, {r.internship: r for r in board})
