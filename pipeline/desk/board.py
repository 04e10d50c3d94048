"""The status board written out: JSON (a stable list of objects), CSV and an Excel workbook.

The columns, their order and their headers (ja/en, steps.yaml `columns:`) are declared once here and
in steps.yaml; docs/desk.md describes them for the office.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime

from pipeline.desk.cases import COMPLETE, column, owner_label, step_name
from pipeline.desk.status import CaseRow, counts
from pipeline.pdf import zip_bytes

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


def as_json(board: Sequence[CaseRow]) -> str:
    return json.dumps([r.to_json() for r in board], ensure_ascii=False, indent=2) + "\n"


def as_csv(board: Sequence[CaseRow], lang: str) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Japanese text as such; the keys as the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in board:
        values = cells(r, lang)
        writer.writerow(["yes" if values[k] is True else "" if values[k] is False else
                         values[k].isoformat() if hasattr(values[k], "isoformat") else
                         "" if values[k] is None else values[k] for k in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(board: Sequence[CaseRow], lang: str) -> bytes:
    """A sheet of cases (frozen header, filters, overdue rows in light red, dates as Excel dates) and a
    sheet of the count per step; the same bytes for the same board."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = column("sheet", lang)
    ws.append([column(k, lang) for k in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", start_color=OVERDUE_FILL, end_color=OVERDUE_FILL)
    yes = column("overdue_mark", lang)
    dates = [COLUMNS.index(k) + 1 for k in ("start", "end", "due")]
    action = COLUMNS.index("next_action") + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    # cells are addressed by the row number counted here: ws.max_row walks every cell (quadratic)
    for n, r in enumerate(board, start=2):
        values = cells(r, lang)
        ws.append([yes if values[k] is True else "" if values[k] is False else values[k] for k in COLUMNS])
        for col in dates:
            ws.cell(n, col).number_format = "yyyy-mm-dd"
        ws.cell(n, action).alignment = wrap
        if r.overdue:
            for col in range(1, len(COLUMNS) + 1):
                ws.cell(n, col).fill = red
    last = len(board) + 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(COLUMNS)).column_letter}{last}"
    widths = (12, 22, 16, 28, 11, 11, 6, 28, 60, 12, 11, 9, 30)
    for k, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, k).column_letter].width = width

    per_step = wb.create_sheet(column("count", lang))
    per_step.append([column("step", lang), column("step_name", lang), column("count", lang)])
    for cell in per_step[1]:
        cell.font = Font(bold=True)
    for number, n in counts(board).items():
        per_step.append(["" if number == COMPLETE else number, step_name(number, lang), n])
    per_step.column_dimensions["B"].width = 36

    # openpyxl stamps the save time into the file and its zip: fixed instead, same board, same bytes
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    wb.properties.creator = "ceri"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        return zip_bytes({i.filename: zf.read(i) for i in zf.infolist()}, first=("[Content_Types].xml",))
