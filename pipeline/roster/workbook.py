"""The roster workbook the office fills (template) and the records written back into it (export).

One sheet, 名簿: a bilingual header row (frozen, filterable) whose cells carry a note on what goes there,
drop-down lists for every column with a fixed set of values (kept on a hidden sheet, as Excel limits an
inline list to 255 characters), date cells formatted YYYY-MM-DD and text columns formatted as text so that
Excel keeps leading zeros. Written in openpyxl's write-only mode (a 10,000-row export stays small in
memory) with fixed dates (xlsxfile.py), so that the same records give the same bytes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.fileio import FILE_MODE, write_atomic
from pipeline.records import Records
from pipeline.roster.columns import Column, columns
from pipeline.roster.xlsxfile import workbook_bytes
from pipeline.roster.yamlout import value_set_at

SHEET = "名簿"
LISTS = "lists"
DATE_FORMAT = "yyyy-mm-dd"
FILLS = {"student": PatternFill("solid", fgColor="DDEBF7"), "internship": PatternFill("solid", fgColor="E2EFDA")}
WIDE = {"text": 28, "payments": 24}
LAST_ROW = 1048576


def _choices(col: Column) -> tuple[str, ...]:
    return ("true", "false") if col.type == "flag" else col.choices


def _header_cell(ws, col: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, col.header)
    cell.font = Font(bold=True)
    cell.fill = FILLS[col.record]
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    comment = Comment(f"{col.note_ja}\n{col.note_en}\n[{col.key}]", "ceri")
    comment.width, comment.height = 320, 110
    cell.comment = comment
    return cell


def _lists_sheet(wb: Workbook, cols: tuple[Column, ...]) -> dict[tuple[str, ...], str]:
    """Each distinct list of choices in a column of the hidden sheet → its range for a data validation."""
    lists: dict[tuple[str, ...], str] = {}
    for col in cols:
        values = _choices(col)
        if values and values not in lists:
            letter = get_column_letter(len(lists) + 1)
            lists[values] = f"{LISTS}!${letter}$1:${letter}${len(values)}"
    ws = wb.create_sheet(LISTS)
    ws.sheet_state = "hidden"
    longest = max((len(v) for v in lists), default=0)
    for n in range(longest):
        ws.append([v[n] if n < len(v) else None for v in lists])
    return lists


def _prepare(wb: Workbook, cols: tuple[Column, ...], rows: int):
    ws = wb.create_sheet(SHEET)
    lists = _lists_sheet(wb, cols)
    last = max(rows + 1, 1000)
    for n, col in enumerate(cols, 1):
        letter = get_column_letter(n)
        dim = ws.column_dimensions[letter]
        dim.width = WIDE.get(col.type, 16)
        if col.type == "date":
            dim.number_format = DATE_FORMAT
        elif col.type in ("text", "code", "payments", "choice"):
            dim.number_format = "@"  # Excel keeps 012345 and 080-1234-5678 as typed
        values = _choices(col)
        if values:
            dv = DataValidation(type="list", formula1=lists[values], allow_blank=True, showErrorMessage=True,
                                errorTitle="ceri", error=f"リストから選んでください / Choose from the list: "
                                                          f"{', '.join(values)}"[:255])
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.data_validations.append(dv)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{last}"
    ws.append([_header_cell(ws, col) for col in cols])
    return ws


def _cell_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.type == "payments":
        return "\n".join(f"{p.paid_on.isoformat()} {p.amount}" for p in value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _row(ws, cols: tuple[Column, ...], student, internship) -> list[Any]:
    out: list[Any] = []
    for col in cols:
        model = student if col.record == "student" else internship
        value = _cell_value(col, value_set_at(model, col.path))
        if isinstance(value, date):
            cell = WriteOnlyCell(ws, value)
            cell.number_format = DATE_FORMAT
            out.append(cell)
        elif isinstance(value, str) and "\n" in value:
            cell = WriteOnlyCell(ws, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            out.append(cell)
        else:
            out.append(value)
    return out


def _rows(records: Records) -> Iterator[tuple[Any, Any]]:
    """One row per internship (with its student's columns), a student without one on a row alone."""
    for sid in sorted(records.students):
        student = records.students[sid]
        internships = records.internships_of(sid)
        if not internships:
            yield student, None
        for internship in internships:
            yield student, internship


def build(records: Records | None = None) -> bytes:
    """The workbook's bytes: the empty template, or the records' rows."""
    cols = columns()
    wb = Workbook(write_only=True)
    rows = _count(records) if records is not None else 0
    ws = _prepare(wb, cols, rows)
    for student, internship in _rows(records) if records is not None else ():
        ws.append(_row(ws, cols, student, internship))
    return workbook_bytes(wb)


def _count(records: Records) -> int:
    """The rows _rows gives: one per internship, one per student without any."""
    return sum(len(records.internships_of(sid)) or 1 for sid in records.students)


def write_template(path: str | Path) -> Path:
    """The empty roster the office fills (written atomically)."""
    return write_atomic(path, build(None), FILE_MODE)


def export(records: Records, path: str | Path) -> Path:
    """The records as a roster workbook: `ceri import` of it gives the same records back."""
    return write_atomic(path, build(records), FILE_MODE)
