"""Import as two steps, for the command line and for the browser desk: preview, then apply.

    plan = preview(["roster.xlsx"], "records/")   # reads everything, writes nothing
    plan.problems                                  # [] or one CellProblem per mistake, at its cell
    for f in plan.files:                           # what would change, file by file
        f.path, f.action, f.fields                 # 'create' | 'update' | 'unchanged'; FieldChange list
    apply(plan)                                    # writes the changed files, atomically, mode 0600

A plan is all or nothing: with any problem nothing is written. Every file a plan would write is read back
with the records' strict loader first, so what lands on disk always loads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.errors import CeriError, InputError, Problem
from pipeline.fileio import FILE_MODE, TMP_PREFIX, make_private_dir, sync_files
from pipeline.i18n import _
from pipeline.records import Records, load
from pipeline.records.load import convert
from pipeline.records.models import MODELS
from pipeline.records.yamlstrict import read_documents
from pipeline.roster.cells import CellProblem
from pipeline.roster.reading import read
from pipeline.roster.rows import Entry, Roster, read_roster
from pipeline.roster.yamlout import (
    delete_path,
    dump,
    dump_new,
    fresh,
    load_all,
    new_document,
    plain,
    set_path,
    value_at,
)


@dataclass(frozen=True)
class FieldChange:
    """One value a plan changes: record kind and id, the field ('address.prefecture'), before and after."""

    kind: str
    id: str
    field: str
    old: Any
    new: Any


@dataclass
class FileChange:
    path: Path
    before: bytes | None  # None: a new file
    after: bytes
    records: list[tuple[str, str]] = field(default_factory=list)  # (kind, id) the roster writes here
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.before is None:
            return "create"
        return "unchanged" if self.before == self.after else "update"


@dataclass
class Plan:
    sources: list[Path]
    out_dir: Path
    files: list[FileChange] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    rows: int = 0
    students: int = 0
    internships: int = 0


def _as_cell_problems(problems: Iterable[Problem]) -> list[CellProblem]:
    return [p if isinstance(p, CellProblem) else CellProblem(p.file, p.line, p.column, p.message)
            for p in problems]


def _existing(out_dir: Path) -> tuple[Records | None, list[CellProblem]]:
    if not out_dir.exists():
        return None, []
    if not out_dir.is_dir():
        return None, [CellProblem(str(out_dir), 1, 1, _("not a folder: -o names the folder of the records"))]
    if not any(p.suffix in (".yaml", ".yml") for p in out_dir.rglob("*")):
        return None, []
    try:
        return load([out_dir]), []
    except InputError as exc:  # a re-import merges into these records: they must load first
        return None, _as_cell_problems(exc.problems)


def preview(sources: Iterable[str | Path], out_dir: str | Path) -> Plan:
    """Read the rosters and the records already in out_dir; say what an import would write, or why not."""
    plan = Plan([Path(s) for s in sources], Path(out_dir))
    existing, problems = _existing(plan.out_dir)
    if problems:
        plan.problems = sorted(problems)
        return plan
    roster = Roster()
    read_roster(((str(p), _read(p, roster)) for p in plan.sources), roster, existing)
    plan.rows = roster.rows
    plan.students, plan.internships = len(roster.students), len(roster.internships)
    plan.problems = sorted(roster.problems)
    if plan.problems:
        return plan
    plan.files, problems = _changes(roster, existing, plan)
    plan.problems = sorted(problems)
    if plan.problems:
        plan.files = []
    return plan


def _read(path: Path, roster: Roster):
    sheets, problems = read(path)
    roster.problems.extend(problems)
    return sheets


def _target(plan: Plan, existing: Records | None, kind: str, record_id: str) -> Path | None:
    if existing is not None and (kind, record_id) in existing.docs:
        return Path(existing.docs[(kind, record_id)].file)
    return None


def _changes(roster: Roster, existing: Records | None, plan: Plan) -> tuple[list[FileChange], list[CellProblem]]:
    problems: list[CellProblem] = []
    by_file: dict[Path, list[Entry]] = {}
    student_file: dict[str, Path] = {}
    for entry in roster.students.values():
        path = _target(plan, existing, "student", entry.id) or plan.out_dir / f"{entry.id}.yaml"
        student_file[entry.id] = path
        by_file.setdefault(path, []).append(entry)
    for entry in roster.internships.values():
        model = entry.model
        assert model is not None
        path = _target(plan, existing, "internship", entry.id)
        if path is not None and existing is not None:
            owner = existing.internships[entry.id].student
            if owner != model.student:  # type: ignore[attr-defined]
                assert entry.first is not None
                problems.append(entry.first.problem(
                    _("internship '{id}' belongs to student '{owner}' in {file}: an import does not move it")
                    .format(id=entry.id, owner=owner, file=path)))
                continue
        by_file.setdefault(path or student_file[model.student], []).append(entry)  # type: ignore[attr-defined]
    inputs = {p.resolve() for p in plan.sources}
    changes = []
    for path, entries in sorted(by_file.items()):
        if path.resolve() in inputs:
            problems.append(CellProblem(str(path), 1, 1, _("this file is an input of the import: it is never "
                                                           "replaced; choose another -o folder")))
            continue
        change = _file_change(path, entries, existing)
        problems.extend(_check_output(change))
        changes.append(change)
    return changes, problems


def _file_change(path: Path, entries: list[Entry], existing: Records | None) -> FileChange:
    before = path.read_bytes() if path.exists() else None
    change = FileChange(path, before, b"")
    edits = []
    for entry in entries:
        assert entry.model is not None
        old_model: BaseModel | None = None
        if existing is not None and (entry.kind, entry.id) in existing.docs:
            table = existing.students if entry.kind == "student" else existing.internships
            old_model = table[entry.id]
        change.records.append((entry.kind, entry.id))
        fields = _fields(entry, entry.model, old_model)
        change.fields.extend(fields)
        edits.append((entry, old_model, fields))
    if before is None:
        change.after = dump_new([_fresh_document(entry) for entry, _old, _f in edits])
    elif not change.fields:
        change.after = before  # byte for byte: nothing is parsed or written again
    else:
        change.after = _edit(before, edits, existing)
    return change


def _fields(entry: Entry, model: BaseModel, old_model: BaseModel | None) -> list[FieldChange]:
    """What the roster changes in a record: the fields whose value differs from the file's."""
    out = []
    for path in entry.present:
        new = value_at(model, path)
        old = value_at(old_model, path) if old_model is not None else None
        if old_model is not None and old == new:
            continue  # the file says so already: its own spelling and comments stay
        if new is None and old is None:
            continue  # absent already (or an explicit null, which the file keeps with its comment)
        out.append(FieldChange(entry.kind, entry.id, ".".join(path), old, new))
    return out


def _fresh_document(entry: Entry) -> dict[str, Any]:
    """A new record's mapping in the records format's order (the columns are declared in that order)."""
    doc: dict[str, Any] = {"kind": entry.kind, "id": entry.id}
    if entry.kind == "internship":
        doc["student"] = entry.model.student  # type: ignore[union-attr]
    for path in entry.present:
        value = value_at(entry.model, path)
        if value is None:
            continue
        node = doc
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = fresh(value)
    return doc


def _edit(before: bytes, edits, existing: Records | None) -> bytes:
    """Round-trip: only the changed values are touched; comments, order and style stay."""
    docs = [d for d in load_all(before) if d is not None]
    for entry, old_model, fields in edits:
        if old_model is not None and existing is not None:
            doc = docs[existing.docs[(entry.kind, entry.id)].index]
        else:
            doc = new_document(entry.kind, entry.id)
            if entry.kind == "internship":
                doc["student"] = entry.model.student
            docs.append(doc)
        model_type = MODELS[entry.kind]
        for f in fields:
            path = tuple(f.field.split("."))
            if f.new is None:
                delete_path(doc, path)
            else:
                set_path(doc, model_type, path, plain(f.new))
    return dump(docs)


def _check_output(change: FileChange) -> list[CellProblem]:
    """What would be written loads with the strict loader, or the plan fails with the loader's words."""
    if change.action == "unchanged":
        return []
    docs, problems = read_documents(str(change.path), change.after)
    for doc in docs:
        problems.extend(convert(doc)[1])
    return _as_cell_problems(problems)


def apply(plan: Plan) -> list[FileChange]:
    """Write a plan's new and changed files (atomically, mode 0600); return them. A plan with problems, or
    whose files changed on disk since preview(), writes nothing and raises."""
    if plan.problems:
        raise InputError(list(plan.problems))
    for change in plan.files:
        now = change.path.read_bytes() if change.path.exists() else None
        if now != change.before:
            raise CeriError(_("{file} changed since the import was previewed; preview again")
                            .format(file=change.path))
    written = [c for c in plan.files if c.action != "unchanged"]
    _write_all([(c.path, c.after) for c in written])
    return written


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    """Each file atomically (a temporary file beside it, renamed into place once on disk), with one flush
    of the file system for all of them: an fsync a file made 10,000 students take a minute longer."""
    temporary: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            make_private_dir(path.parent)
            fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-{path.name}.", dir=path.parent)
            temporary.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, FILE_MODE)
        sync_files([tmp for tmp, _path in temporary])
        for tmp, path in temporary:
            os.replace(tmp, path)
    finally:
        for tmp, _path in temporary:
            tmp.unlink(missing_ok=True)
