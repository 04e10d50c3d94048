"""Errors a user can act on. The CLI prints them and exits 2; nothing else is shown."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.i18n import _


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file, located at the offending value (1-based line and column)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CeriError(Exception):
    """Base of every error the CLI reports as a clear message with exit code 2."""

    def messages(self) -> list[str]:
        return [str(self)]


class InputError(CeriError):
    """Bad records: one Problem per offending value, all of a run reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


class RenderError(CeriError):
    """A document cannot be made right: a value that does not fit, a character no font has."""

    def __init__(self, message: str, *, record: str | None = None, field: str | None = None):
        self.record = record
        self.field = field
        if record and field:
            where = _("record {record} field {field}").format(record=record, field=field)
        else:
            where = (record and _("record {record}").format(record=record)) or (
                field and _("field {field}").format(field=field))
        super().__init__(f"{where}: {message}" if where else message)
