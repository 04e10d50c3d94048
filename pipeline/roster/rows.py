"""Roster rows → student and internship records, validated by the records' own models and messages.

A row holds one student, and one of their internships when its internship columns are filled: a student
with three internships has three rows whose student columns must agree (a cell left empty on a later row
takes the value of an earlier one). Every value is checked by the loader's parsers through
pipeline.records.load.convert, so a roster and a YAML file get the same message for the same mistake."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from pydantic import BaseModel

from pipeline.i18n import _
from pipeline.records import Records
from pipeline.records.load import convert
from pipeline.roster.cells import CellError, CellProblem, Loc, text_of
from pipeline.roster.columns import Column, Path, columns, find, suggest_header
from pipeline.roster.reading import Sheet


@dataclass
class Entry:
    """One record as the roster gives it: its values as text by field path, and where each was read."""

    kind: str  # student | internship
    id: str
    flat: dict[Path, str] = field(default_factory=dict)
    where: dict[Path, Loc] = field(default_factory=dict)
    first: Loc | None = None  # the cell of its id
    # the rows it was read from: (sheet, row number, the sheet's columns for this kind of record by path);
    # the cell of a field left empty is found from these when a message needs it (not kept for each cell)
    origins: list[tuple[Sheet, int, dict[Path, int]]] = field(default_factory=list)
    model: BaseModel | None = None
    quiet: set[Loc] = field(default_factory=set)  # cells already reported: not 'missing' a second time
    base: dict[str, Any] = field(default_factory=dict)  # the record as the records folder holds it

    # what pipeline.records.load.convert asks of a document: its data, and a problem at a path
    @property
    def data(self) -> dict[str, Any]:
        """The record to validate: what the folder already holds (a roster may have only some columns),
        with the roster's columns laid over it, an empty cell taking the value away."""
        data: dict[str, Any] = {**copy.deepcopy(self.base), "kind": self.kind}
        for path in self.present:
            _remove(data, path)
        for path, text in self.flat.items():
            if path == ("payments",):
                text = _payments(text)  # type: ignore[assignment]
            node = data
            for step in path[:-1]:
                node = node.setdefault(step, {})
            node[path[-1]] = text
        return data

    @property
    def present(self) -> list[Path]:
        """The roster's columns for this record, in the records format's order."""
        if len(self.origins) == 1:
            return list(self.origins[0][2])
        paths = {p for _s, _r, colmap in self.origins for p in colmap}
        return sorted(paths, key=lambda p: _order()[(self.kind, p)])

    def locate(self, path: tuple) -> Loc:
        at = tuple(path)
        while at:
            if at in self.where:
                return self.where[at]
            for sheet, row, colmap in self.origins:
                if at in colmap:
                    return sheet.loc(row, colmap[at])
            at = at[:-1]
        assert self.first is not None
        return self.first

    def problem(self, path: tuple, message: str, *, key: bool = False) -> CellProblem | None:
        loc = self.locate(path)
        if loc in self.quiet and message.startswith("missing required field"):
            return None  # the cell's own problem (a formula, a merge, a value Excel mangled) says it
        col = _column_at().get((self.kind, tuple(path)))
        if col is not None and "(did you mean" not in message:
            word = col.suggestion(self.flat.get(tuple(path), ""))
            if word:
                message += _(" (did you mean '{name}'?)").format(name=word)
        return loc.problem(message)


def _remove(data: dict[str, Any], path: Path) -> None:
    chain = [data]
    for step in path[:-1]:
        child = chain[-1].get(step)
        if not isinstance(child, dict):
            return
        chain.append(child)
    chain[-1].pop(path[-1], None)
    for n in range(len(chain) - 1, 0, -1):
        if chain[n]:
            break
        del chain[n - 1][path[n - 1]]


def _payments(text: str) -> list[dict[str, str]] | str:
    """'2026-07-25 300000' a line → [{paid_on, amount}]; a line of another shape is left for the check."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            return text  # reported by check_payments with the line
        out.append({"paid_on": parts[0], "amount": parts[1]})
    return out


def check_payments(text: str) -> str | None:
    for n, line in enumerate(text.splitlines(), 1):
        if line.split() and len(line.split()) != 2:
            return _("payment line {n} '{line}': write one payment a line as 'YYYY-MM-DD amount', "
                     "e.g. 2026-07-25 300000").format(n=n, line=line)
    return None


@cache
def _order() -> dict[tuple[str, Path], int]:
    return {(c.record, c.path): n for n, c in enumerate(columns())}


@cache
def _column_at() -> dict[tuple[str, Path], Column]:
    return {(c.record, c.path): c for c in columns()}


@dataclass
class Roster:
    """What the roster files hold, before any file is written."""

    students: dict[str, Entry] = field(default_factory=dict)
    internships: dict[str, Entry] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    rows: int = 0
    quiet: set[Loc] = field(default_factory=set)  # cells reported for themselves (see Entry.quiet)

    def report(self, loc: Loc, message: str) -> None:
        self.problems.append(loc.problem(message))
        self.quiet.add(loc)


def _headers(sheet: Sheet, roster: Roster) -> dict[int, Column] | None:
    """Column number → column; None for a sheet that is not a roster (no known header at all)."""
    mapping: dict[int, Column] = {}
    seen: dict[Column, Loc] = {}
    unknown = []
    for number, (header, loc) in sorted(sheet.headers.items()):
        col = find(header)
        if col is None:
            unknown.append((header, loc))
        elif col in seen:
            roster.problems.append(loc.problem(_("the column '{header}' appears twice (first in {where})")
                                               .format(header=header, where=seen[col])))
        else:
            seen[col] = loc
            mapping[number] = col
    if not mapping:
        return None
    for header, loc in unknown:
        near = suggest_header(header)
        hint = _(" (did you mean '{name}'?)").format(name=near) if near else _(" (see docs/roster.md)")
        roster.problems.append(loc.problem(_("unknown column '{header}'").format(header=header) + hint))
    ids = [c for c in columns() if c.path == ("id",)]
    if ids[0] not in seen:
        first = min(sheet.headers) if sheet.headers else 1
        row = sheet.headers[first][1].row if sheet.headers else 1
        roster.problems.append(sheet.loc(row, first).problem(
            _("no '{header}' column: every row needs the student's id").format(header=ids[0].header)))
        return None
    return mapping


def read_sheet(sheet: Sheet, roster: Roster) -> bool:
    """Add a sheet's rows to the roster; False when the sheet holds no roster."""
    mapping = _headers(sheet, roster)
    if mapping is None:
        roster.problems.extend(sheet.problems)  # a sheet too damaged to show its headers says so
        return bool(sheet.problems)
    by_record = {kind: {n: c for n, c in mapping.items() if c.record == kind} for kind in ("student", "internship")}
    colmaps = {kind: {c.path: n for n, c in sorted(cols.items(), key=lambda nc: _order()[(kind, nc[1].path)])}
               for kind, cols in by_record.items()}  # shared by the sheet's records
    for number, cells in sheet.rows:
        roster.rows += 1
        texts: dict[int, str] = {}
        for n, value in cells.items():
            col = mapping.get(n)
            loc = sheet.loc(number, n)
            if col is None:
                if n not in sheet.headers:
                    roster.problems.append(loc.problem(_("a value in a column without a header")))
                continue
            try:
                text = text_of(value, col, sheet.epoch)
            except CellError as exc:
                roster.report(loc, str(exc))
                continue
            if text is not None:
                if col.type == "payments" and (bad := check_payments(text)):
                    roster.report(loc, bad)
                    continue
                texts[n] = text
        _add_row(sheet, number, texts, by_record, colmaps, roster)
    for ref in sheet.merged:
        (c1, r1), (c2, r2) = (_cell(end) for end in (ref.split(":") * 2)[:2])
        roster.report(sheet.loc(r1, c1), _("merged cells ({range}): unmerge them and type the value in each cell")
                      .format(range=ref))
        roster.quiet.update(sheet.loc(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    roster.problems.extend(sheet.problems)
    roster.quiet.update(Loc(p.file, p.sheet, p.line, p.column) for p in sheet.problems)
    return True


def _cell(ref: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(ref)
    return column_index_from_string(letters), row


def _fill(entry: Entry, texts: dict[int, str], cols: dict[int, Column], colmap: dict[Path, int], sheet: Sheet,
          number: int, roster: Roster) -> None:
    entry.origins.append((sheet, number, colmap))
    for n, col in cols.items():
        text = texts.get(n)
        if text is None:
            continue
        loc = sheet.loc(number, n)
        before = entry.flat.get(col.path)
        if before is not None and before != text:
            roster.problems.append(loc.problem(
                _("'{value}' differs from '{first}' in {where}: the rows of student '{id}' must agree")
                .format(value=text, first=before, where=entry.locate(col.path), id=entry.id)))
            continue
        if before is None:
            entry.flat[col.path] = text
            entry.where[col.path] = loc


def _add_row(sheet: Sheet, number: int, texts: dict[int, str], by_record: dict[str, dict[int, Column]],
             colmaps: dict[str, dict[Path, int]], roster: Roster) -> None:
    student_cols, internship_cols = by_record["student"], by_record["internship"]
    id_at = next(n for n, c in student_cols.items() if c.path == ("id",))
    sid = texts.get(id_at)
    id_loc = sheet.loc(number, id_at)
    if sid is None:
        roster.problems.append(id_loc.problem("missing required field 'id'"))
        return
    student = roster.students.get(sid)
    if student is None:
        student = roster.students[sid] = Entry("student", sid, first=id_loc, quiet=roster.quiet)
    _fill(student, texts, student_cols, colmaps["student"], sheet, number, roster)
    if not any(n in texts for n in internship_cols):
        return
    iid_at = next((n for n, c in internship_cols.items() if c.path == ("id",)), None)
    iid = texts.get(iid_at) if iid_at is not None else None
    first = sheet.loc(number, iid_at if iid_at is not None else min(internship_cols))
    if iid is not None and iid in roster.internships:
        roster.problems.append(first.problem(_("duplicate internship id '{id}' (first in {where})")
                                             .format(id=iid, where=roster.internships[iid].first)))
        return
    key = iid if iid is not None else f"\0{sheet.file}:{sheet.name}:{number}"
    internship = roster.internships[key] = Entry("internship", iid or "", first=first, quiet=roster.quiet)
    internship.flat[("student",)] = sid
    internship.where[("student",)] = id_loc
    _fill(internship, texts, internship_cols, colmaps["internship"], sheet, number, roster)
    if iid is None:
        internship.where.setdefault(("id",), first)


def validate(roster: Roster, existing: Records | None = None) -> None:
    """Each record through the records' models, over what the records folder holds of it; problems at the
    cells of the offending values."""
    for entry in (*roster.students.values(), *roster.internships.values()):
        if existing is not None:
            table = existing.students if entry.kind == "student" else existing.internships
            if entry.id in table:
                entry.base = table[entry.id].model_dump(exclude_unset=True, by_alias=True)
        model, found = convert(entry)  # type: ignore[arg-type]  # an Entry answers as a Document does
        entry.model = model
        roster.problems.extend(p for p in found if p is not None)  # type: ignore[misc]


def read_roster(sheets_by_file: Iterable[tuple[str, list[Sheet]]], roster: Roster,
                existing: Records | None = None) -> None:
    for file, sheets in sheets_by_file:
        found = False
        try:
            for sheet in sheets:
                found = read_sheet(sheet, roster) or found
        finally:
            for sheet in sheets:
                sheet.close()
        if not found and sheets:
            roster.problems.append(CellProblem(file, 1, 1, _(
                "no roster found: the first row of a sheet must hold the column headers "
                "(ceri import --template makes an empty roster)")))
    validate(roster, existing)
