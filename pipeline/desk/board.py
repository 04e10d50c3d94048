"""The status board written out: JSON (a stable list of objects), CSV and an Excel workbook.

The columns, their order and their headers (ja/en, steps.yaml `columns:`) are declared once here and
in steps.yaml; docs/desk.md describes them for the office.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from pipeline.desk.cases import COMPLETE, column, owner_label, step_name
from pipeline.desk.status import CaseRow, counts
from pipeline.roster.xlsxfile import workbook_bytes

COLUMNS = ("student", "name", "internship", "company", "start", "end", "step", "step_name", "next_action",
           "owner", "due", "overdue", "findings")
OVERDUE_FILL = "FFC7CE"  # Excel's own light red of "bad" cells


def step_number(row: CaseRow) -> int:
    """1–12 as shown: a complete case stays at 12."""
    return 12 if row.step == COMPLETE else row.step


def cells(row: CaseRow, lang: str) -> dict[str, object]:
    """One row's values in lang; dates stay dates, the overdue flag a bool."""
    pick = (lambda ja, en: ja or en) if lang == "ja" else (lambda ja, en: en or ja)
    return {
        "student": row.student, "name": pick(row.name_ja, row.name_en), "internship": row.internship,
        "company": pick(row.company_ja, row.company_en), "start": row.start, "end": row.end,
        "step": step_number(row), "step_name": row.step_name(lang), "next_action": row.action.text(lang),
        "owner": owner_label(row.action.owner, lang), "due": row.action.due, "overdue": row.overdue,
        "findings": " ".join(f.code for f in row.findings),
    }


def as_json(board: Iterable[CaseRow]) -> str:
    return "".join(json_chunks(board))


def json_chunks(board: Iterable[CaseRow]) -> Iterator[str]:
    """as_json a row at a time: byte for byte json.dumps(list, indent=2) (an element is its own dump
    indented one level; JSON strings hold no raw line breaks), then a line break."""
    first = True
    for r in board:
        item = json.dumps(r.to_json(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + item
        first = False
    yield "[]\n" if first else "\n]\n"


def as_csv(board: Iterable[CaseRow], lang: str) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Japanese text as such; the keys as the header."""
    return "".join(csv_chunks(board, lang)).encode("utf-8-sig")


def csv_chunks(board: Iterable[CaseRow], lang: str) -> Iterator[str]:
    """as_csv a row at a time (the text, without the byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in board:
        values = cells(r, lang)
        writer.writerow(["yes" if values[k] is True else "" if values[k] is False else
                         values[k].isoformat() if hasattr(values[k], "isoformat") else
                         "" if values[k] is None else values[k] for k in COLUMNS])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def as_xlsx(board: Iterable[CaseRow], lang: str) -> bytes:
    """A sheet of cases (frozen header, filters, overdue rows in light red, dates as Excel dates) and a
    sheet of the count per step; the same bytes for the same board. Written in openpyxl's write-only
    mode a row at a time: the rows may come from a generator and are not held."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(column("sheet", lang))
    ws.freeze_panes = "A2"
    widths = (12, 22, 16, 28, 11, 11, 6, 28, 60, 12, 11, 9, 30)
    for k, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
    bold = Font(bold=True)
    ws.append([_cell(ws, column(k, lang), font=bold) for k in COLUMNS])
    red = PatternFill("solid", start_color=OVERDUE_FILL, end_color=OVERDUE_FILL)
    yes = column("overdue_mark", lang)
    wrap = Alignment(wrap_text=True, vertical="top")
    tally = counts(())  # cases per step, counted as the rows go by
    last = 1
    for r in board:
        values = cells(r, lang)
        fill = red if r.overdue else None
        ws.append([_cell(ws, yes if values[k] is True else "" if values[k] is False else values[k], fill=fill,
                         number_format="yyyy-mm-dd" if k in ("start", "end", "due") else None,
                         alignment=wrap if k == "next_action" else None) for k in COLUMNS])
        tally[r.step] += 1
        last += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"

    per_step = wb.create_sheet(column("count", lang))
    per_step.column_dimensions["B"].width = 36
    per_step.append([_cell(per_step, column(k, lang), font=bold) for k in ("step", "step_name", "count")])
    for number, n in tally.items():
        per_step.append(["" if number == COMPLETE else number, step_name(number, lang), n])
    return workbook_bytes(wb)


def _cell(ws, value, *, font=None, fill=None, number_format=None, alignment=None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell
