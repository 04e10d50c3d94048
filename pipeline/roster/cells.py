"""One cell's value as the records' loader reads it: a string (or nothing), whatever Excel made of it.

Excel hands over numbers, dates and booleans; a CSV hands over text typed with an IME. Both become the
string the YAML loader would have read, so that its parsers judge them with the same words."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from pipeline.errors import Problem
from pipeline.i18n import _
from pipeline.roster.columns import Column

SERIAL_MAX = 2958465  # 9999-12-31, Excel's last day
CSV_SERIAL = re.compile(r"\d{5}")  # a date column exported to CSV as its serial number (e.g. 46204)


@dataclass(frozen=True, order=True)
class CellProblem(Problem):
    """A problem at a cell: FILE:SHEET!CELL for a workbook, FILE:LINE:COLUMN for a CSV (no sheet)."""

    sheet: str = ""

    def __str__(self) -> str:
        if not self.sheet:
            return super().__str__()
        return f"{self.file}:{self.sheet}!{get_column_letter(self.column)}{self.line}: {self.message}"


class Loc(NamedTuple):  # a tuple: a roster of 10,000 rows keeps half a million of them
    """Where a value was read: a cell of a sheet, or a field of a CSV line (sheet '')."""

    file: str
    sheet: str
    row: int
    column: int

    def problem(self, message: str) -> CellProblem:
        return CellProblem(self.file, self.row, self.column, message, self.sheet)

    def __str__(self) -> str:
        return str(self.problem("")).removesuffix(": ")


class CellError(ValueError):
    """A value no record field can take as it stands; the message says what to type instead."""


def _serial(value: float, epoch: datetime) -> date:
    if not 1 <= value <= SERIAL_MAX:
        raise CellError(_("{value} is not a date: write dates as YYYY-MM-DD, e.g. 2026-07-01").format(value=value))
    if value != int(value):
        raise CellError(_("{value} is a date with a time of day: type the date only").format(value=value))
    return from_excel(value, epoch).date()


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("'{value}' is not a number").format(value=value))
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def text_of(value: object, column: Column, epoch: datetime = CALENDAR_WINDOWS_1900) -> str | None:
    """The cell's value as the text a YAML record would hold, or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        if column.type != "date":
            raise CellError(_("Excel made a date of this cell ({value}): format the column as text and type "
                              "the value again").format(value=value.isoformat() if isinstance(value, date) else value))
        if isinstance(value, datetime):
            if value.time() != time(0):
                raise CellError(_("'{value}' has a time of day: type the date only").format(value=value))
            value = value.date()
        return value.isoformat()
    if isinstance(value, time):
        raise CellError(_("'{value}' is a time of day, not a value for this column").format(value=value))
    if isinstance(value, int | float):
        if column.type == "date":
            return _serial(value, epoch).isoformat()
        return _number_text(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    if column.type != "text":  # full-width digits, letters and colons from an IME: the loader's ASCII
        text = unicodedata.normalize("NFKC", text)
    if column.type == "flag" and text.casefold() in ("true", "false"):
        return text.casefold()  # Excel writes TRUE / FALSE into a CSV
    if column.type == "date" and CSV_SERIAL.fullmatch(text):
        return _serial(int(text), epoch).isoformat()
    return text
