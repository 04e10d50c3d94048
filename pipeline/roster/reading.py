"""Reading an untrusted workbook or CSV, bounded: size, zip members, rows and columns; values only.

A workbook is a zip of XML: its members are counted and their declared sizes summed before openpyxl opens
it (Python's zipfile never inflates a member beyond its declared size, so the sum is a real bound). Sheets
are read in openpyxl's read-only mode, one row at a time, formulas never evaluated: a formula is reported,
its value is not guessed.

The sheets are parsed with openpyxl's WorkSheetParser, the parser its read-only worksheets use, not with
their public iter_rows(), which cannot do what a roster needs (measured with openpyxl 3.1.5):
- merged cells are not read at all in read-only mode, and a merged cell hides a value the office meant for
  every row it spans (reported, test_roster_import); loading the sheet in full mode to see them holds the
  whole sheet in memory, which read-only mode is there to avoid;
- iter_rows() stops at the size the file declares (<dimension>), so a workbook that declares less than it
  holds loses rows silently, unless the declared size is dropped (reset_dimensions());
- it pads each row with empty cells up to its last column, and every gap with empty rows: a 9 KB file with
  cells at A1 and A1048576 takes 9.4 s (0.00 s here) when the columns are bounded, and 10,000 rows with a
  value at XFD take 4.4 s instead of 0.7 s when they are not (bounding them drops the value beyond
  column MAX_COLUMNS that must be reported).
The parser gives each real cell once, with its row, column and type, and the merged ranges at the end.
Its use (and the private attributes it needs) is kept to _parse_rows and _xlsx_rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900
from openpyxl.worksheet._reader import WorkSheetParser

from pipeline.i18n import _
from pipeline.roster.cells import CellProblem, Loc

MAX_FILE_BYTES = 32 * 1024 * 1024  # a roster of 10,000 rows is about 3 MB as .xlsx, 8 MB as CSV
MAX_ZIP_MEMBERS = 500
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 512


@dataclass
class Sheet:
    """A sheet (or a CSV): its headers by column number, then its rows as {column: value}."""

    file: str
    name: str  # '' for a CSV
    headers: dict[int, tuple[str, Loc]]
    rows: Iterator[tuple[int, dict[int, object]]]
    epoch: datetime = CALENDAR_WINDOWS_1900
    problems: list[CellProblem] = field(default_factory=list)  # found while reading rows (merged, formulas)
    merged: list[str] = field(default_factory=list)  # filled once the rows are read
    close: Callable[[], None] = lambda: None  # the workbook stays open while its rows are read

    def loc(self, row: int, column: int) -> Loc:
        return Loc(self.file, self.name, row, column)


def check_size(path: Path) -> list[CellProblem]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [CellProblem(str(path), 1, 1, _("cannot read: {reason}").format(reason=exc.strerror))]
    if size > MAX_FILE_BYTES:
        return [CellProblem(str(path), 1, 1, _("the file is {size} MB; ceri reads rosters of at most {limit} MB")
                            .format(size=size // 2**20, limit=MAX_FILE_BYTES // 2**20))]
    return []


def check_zip(path: Path) -> list[CellProblem]:
    """Refuse what is not a workbook, or would unpack to more than a roster can be (a zip bomb)."""
    where = str(path)
    if not zipfile.is_zipfile(path):
        return [CellProblem(where, 1, 1, _("not an Excel workbook (.xlsx): a password-protected workbook or an "
                                           "old .xls file must be saved as .xlsx without a password"))]
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return [CellProblem(where, 1, 1, _("damaged workbook: {reason}").format(reason=exc))]
    if len(members) > MAX_ZIP_MEMBERS:
        return [CellProblem(where, 1, 1, _("the workbook holds {count} parts; a roster has far fewer "
                                           "(at most {limit})").format(count=len(members), limit=MAX_ZIP_MEMBERS))]
    unzipped = sum(m.file_size for m in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        return [CellProblem(where, 1, 1, _("the workbook unpacks to {size} MB; ceri reads at most {limit} MB")
                            .format(size=unzipped // 2**20, limit=MAX_UNZIPPED_BYTES // 2**20))]
    return []


def read_xlsx(path: Path) -> tuple[list[Sheet], list[CellProblem]]:
    problems = check_size(path) or check_zip(path)
    if problems:
        return [], problems
    try:
        wb = load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; each is the user's file
        return [], [CellProblem(str(path), 1, 1, _("cannot read the workbook: {reason}").format(reason=exc))]
    sheets = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue  # hidden sheets hold the template's lists (chartsheets are not among wb.worksheets)
        sheets.append(_xlsx_sheet(wb, ws, str(path)))
    if sheets:
        sheets[-1].close = wb.close
    else:
        wb.close()
    return sheets, []


def _xlsx_sheet(wb, ws, file: str) -> Sheet:
    sheet = Sheet(file, ws.title, {}, iter(()), wb.epoch)
    rows = _limited(_xlsx_rows(wb, ws, sheet), sheet)
    for number, cells in rows:  # the first row with anything in it holds the headers
        sheet.headers = {c: (str(v).strip(), sheet.loc(number, c)) for c, v in cells.items()
                         if v is not None and str(v).strip()}
        break
    sheet.rows = rows
    return sheet


def _xlsx_rows(wb, ws, sheet: Sheet) -> Iterator[tuple[int, dict[int, object]]]:
    src = ws._get_source()
    try:
        yield from _parse_rows(wb, ws, src, sheet)
    except Exception as exc:  # damaged XML or a value openpyxl cannot take: the user's file, one message
        sheet.problems.append(sheet.loc(1, 1).problem(_("damaged sheet: {reason}").format(reason=exc)))
    finally:
        src.close()


def _parse_rows(wb, ws, src, sheet: Sheet) -> Iterator[tuple[int, dict[int, object]]]:
    parser = WorkSheetParser(src, ws._shared_strings, data_only=False, epoch=wb.epoch,
                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    for number, row in parser.parse():
        cells: dict[int, object] = {}
        for cell in row:
            value, column = cell["value"], cell["column"]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            loc = sheet.loc(number, column)
            if column > MAX_COLUMNS:
                sheet.problems.append(loc.problem(_("a value beyond column {limit}: a roster has fewer columns")
                                                  .format(limit=MAX_COLUMNS)))
                continue
            if cell["data_type"] == "f":
                sheet.problems.append(loc.problem(_("a formula ({formula}): ceri reads typed values only; "
                                                    "copy the column and paste it as values")
                                                  .format(formula=str(value)[:40])))
                continue
            if cell["data_type"] == "e":
                sheet.problems.append(loc.problem(_("an Excel error value ({value}): type the value")
                                                  .format(value=value)))
                continue
            cells[column] = value
        if cells:
            yield number, cells
    merged = parser.merged_cells
    if merged is not None:
        sheet.merged = [m.ref for m in merged.mergeCell]


def decode_csv(path: Path, raw: bytes) -> tuple[str | None, list[CellProblem]]:
    """UTF-8 (with or without BOM), else Shift_JIS as Excel's 'CSV (カンマ区切り)' saves it on Japanese Windows."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [CellProblem(str(path), line, 1, _("binary file, not CSV text"))]
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding), []
        except UnicodeDecodeError:
            continue
    return None, [CellProblem(str(path), 1, 1, _("not UTF-8 or Shift_JIS text; save the CSV as UTF-8"))]


def read_csv(path: Path) -> tuple[list[Sheet], list[CellProblem]]:
    problems = check_size(path)
    if problems:
        return [], problems
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [CellProblem(str(path), 1, 1, _("cannot read: {reason}").format(reason=exc.strerror))]
    text, problems = decode_csv(path, raw)
    if text is None:
        return [], problems
    sheet = Sheet(str(path), "", {}, iter(()))
    rows = _limited(_csv_rows(text, sheet), sheet)
    for number, cells in rows:
        sheet.headers = {c: (str(v).strip(), sheet.loc(number, c)) for c, v in cells.items()}
        break
    sheet.rows = rows
    return [sheet], []


def _csv_rows(text: str, sheet: Sheet) -> Iterator[tuple[int, dict[int, object]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            sheet.problems.append(sheet.loc(reader.line_num, 1).problem(
                _("not readable as CSV: {reason}").format(reason=exc)))
            return
        start, line = line, reader.line_num + 1  # a quoted value may span lines: the row starts here
        cells = {n: v for n, v in enumerate(fields[:MAX_COLUMNS], 1) if v.strip()}
        if len(fields) > MAX_COLUMNS and any(v.strip() for v in fields[MAX_COLUMNS:]):
            sheet.problems.append(sheet.loc(start, MAX_COLUMNS + 1).problem(
                _("a value beyond column {limit}: a roster has fewer columns").format(limit=MAX_COLUMNS)))
        if cells:
            yield start, cells


def _limited(rows: Generator[tuple[int, dict[int, object]], None, None], sheet: Sheet
             ) -> Iterator[tuple[int, dict[int, object]]]:
    """A sheet's rows with something in them, the header and at most MAX_ROWS more: the first row too many
    is reported and reading stops there (the reader is closed: its file too)."""
    try:
        for count, (number, cells) in enumerate(rows, 1):
            if count > MAX_ROWS + 1:
                sheet.problems.append(sheet.loc(number, 1).problem(
                    _("more than {limit} rows: split the roster into several files").format(limit=MAX_ROWS)))
                return
            yield number, cells
    finally:
        rows.close()


def read(path: Path) -> tuple[list[Sheet], list[CellProblem]]:
    """The sheets of a .xlsx or .csv roster, or the problems that stop it being read at all."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return [], [CellProblem(str(path), 1, 1, _("no such file"))]
    if suffix == ".csv":
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return [], [CellProblem(str(path), 1, 1, _("not a roster: ceri imports .xlsx and .csv files"))]
