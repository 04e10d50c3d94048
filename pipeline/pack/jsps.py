"""`ceri jsps-report`: every JSPS fellow paid in a year — their 様式5-3 PDF, summary.csv and summary.xlsx."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline import renderers
from pipeline.context import build_context
from pipeline.context.formatting import name_ja
from pipeline.errors import CeriError
from pipeline.fileio import write_atomic
from pipeline.i18n import _
from pipeline.pack.batch import reserve_serials, settle
from pipeline.pack.build import certify, close_registers, register_for
from pipeline.pack.outdir import owned
from pipeline.pack.workers import STATE, Pool
from pipeline.pack.zipping import normalize
from pipeline.records import Records
from pipeline.register.serials import expect, landed, void_pack
from pipeline.rules.money import remuneration
from pipeline.rules.periods import jsps_months_total

COLUMNS = ("student", "fellow_number", "category", "name", "year", "amount_jpy", "estimated", "internships",
           "months_total")
LIMIT_MONTHS = Decimal(6)  # JSPS fellows: internships total at most 6 months


@dataclass(frozen=True)
class Fellow:
    student: str
    fellow_number: str
    category: str
    name: str
    year: int
    amount_jpy: int
    estimated: bool
    internships: int  # internships that paid in the year
    months_total: Decimal  # all the fellow's internships, as JSPS counts them

    @property
    def over_limit(self) -> bool:
        return self.months_total > LIMIT_MONTHS

    def cells(self) -> list[str]:
        return [self.student, self.fellow_number, self.category, self.name, str(self.year), str(self.amount_jpy),
                "true" if self.estimated else "false", str(self.internships), months(self.months_total)]


def months(value: Decimal) -> str:
    """6 → '6', 3.5 → '3.5', 1/30 → '0.03' (two decimals at most, no exponent)."""
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def fellows(records: Records, year: int) -> list[Fellow]:
    """Fellows paid something in the year, by student id; the unpaid are left out."""
    out = []
    for sid in sorted(records.students):
        student = records.students[sid]
        jsps = student.funding.jsps
        if jsps is None:
            continue
        mine = records.internships_of(sid)
        pays = [r for r in (remuneration(i, year) for i in mine) if r.amount > 0]
        if not pays:
            continue
        out.append(Fellow(sid, jsps.fellow_number, jsps.category, name_ja(student.name), year,
                          sum(r.amount for r in pays), any(r.estimated for r in pays), len(pays),
                          jsps_months_total(mine)))
    return out


def summary_csv(rows: list[Fellow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(r.cells() for r in rows)
    return out.getvalue().encode("utf-8")


def summary_xlsx(rows: list[Fellow]) -> bytes:
    """The same table for the secretariat: header row, yen amounts, filters, and a note column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "JSPS"
    ws.append([*COLUMNS, "note"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # rows counted here: ws.max_row walks every cell, and once a row made 12,500 fellows cost some 90 s
    for n, r in enumerate(rows, start=2):
        note = f"over {LIMIT_MONTHS} months in total (JSPS limit)" if r.over_limit else ""
        ws.append([r.student, r.fellow_number, r.category, r.name, r.year, r.amount_jpy, r.estimated,
                   r.internships, float(months(r.months_total)), note])
        ws.cell(n, 6).number_format = '"¥"#,##0'
        ws.cell(n, 9).number_format = "0.0#"
    ws.auto_filter.ref = ws.dimensions
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJ", (12, 14, 9, 22, 7, 14, 10, 11, 13, 36), strict=True):
        ws.column_dimensions[col].width = width
    # openpyxl stamps the save time into the file; write it ourselves with fixed properties
    fixed = datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "ceri"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return normalize(out.getvalue())


@dataclass(frozen=True)
class JspsOptions:
    as_of: date
    year: int
    langs: tuple[str, ...] = ("ja",)
    register: str | None = None  # the certificate register: each report gets its serial
    allow_estimated: bool = False  # a report for a year not yet over (its amounts estimated)


@dataclass
class JspsSummary:
    rows: list[Fellow]
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    missing: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.failures or self.missing else 0


def _render(student_id: str, out_dir: str) -> tuple[list[str], str | None]:
    """Write one fellow's reports; (file names, error message or None)."""
    records, options = STATE["records"], STATE["options"]
    names = []
    try:
        context = build_context(records, student_id, as_of=options.as_of, year=options.year)
        for lang in options.langs:
            request = renderers.RenderRequest("jsps-report", lang, "pdf", context,
                                              options={"allow_estimated": options.allow_estimated})
            data, serial = certify(request, options.register)
            name = f"{student_id}.jsps-report.{lang}.pdf"
            path = Path(out_dir) / name
            if serial is not None:
                expect(register_for(options.register), [(serial, path)])
            write_atomic(path, data)
            if serial is not None:
                landed(register_for(options.register), [(serial, path)])
            names.append(name)
    except CeriError as exc:
        return names, _failed(student_id, f"{exc}")
    except Exception as exc:  # one fellow's bug must not lose the others' reports
        return names, _failed(student_id, _("internal error: {error}").format(error=repr(exc)))
    return names, None


def _failed(student_id: str, why: str) -> str:
    """The failure message; the fellow's reports that were not written end void in the register."""
    options = STATE["options"]
    if options.register:
        void_pack(register_for(options.register), student_id, "", f"report failed: {why}")
    return _("{student}: FAILED: {message}").format(student=student_id, message=why)


def run(records: Records, paths: tuple[str, ...], out_dir: Path, options: JspsOptions, *,
        jobs: int | None = None, progress: Any = None) -> JspsSummary:
    with owned(out_dir):
        return _write(records, paths, out_dir, options, jobs=jobs, progress=progress)


def _write(records: Records, paths: tuple[str, ...], out_dir: Path, options: JspsOptions, *,
           jobs: int | None, progress: Any) -> JspsSummary:
    summary = JspsSummary(fellows(records, options.year))
    kind = renderers.documents().get("jsps-report")
    if kind is None or "pdf" not in kind.renderers:
        summary.missing = "jsps-report has no PDF renderer yet: no 様式5-3 PDFs were written"
    else:
        # the workers start first and load their fonts while this process reserves the serials
        with Pool(records=records, paths=paths, options=options, jobs=jobs, most=len(summary.rows)) as pool:
            try:
                if options.register:  # serials in fellow order, whatever --jobs (see pack.batch.reserve_serials)
                    reserve_serials(options.register, (
                        renderers.RenderRequest("jsps-report", lang, "pdf", build_context(
                            records, r.student, as_of=options.as_of, year=options.year))
                        for r in summary.rows for lang in options.langs))  # one context at a time
                results = pool.map(_render, [r.student for r in summary.rows], str(out_dir), progress=progress,
                                   crashed=lambda sid, exc: ([], _("{student}: FAILED: worker process failed: {error}")
                                                             .format(student=sid, error=repr(exc))))
            finally:
                pool.close()  # the workers' register connections close with them, before the tidying
                close_registers(tidy=options.register)
                if options.register:
                    settle(options.register)
        for names, error in results:
            summary.written.extend(out_dir / n for n in names)
            if error:
                summary.failures.append(error)
    for name, data in (("summary.csv", summary_csv(summary.rows)), ("summary.xlsx", summary_xlsx(summary.rows))):
        write_atomic(out_dir / name, data)
        summary.written.append(out_dir / name)
    return summary
