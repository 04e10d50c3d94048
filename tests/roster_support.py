"""Rosters made the way the office makes them: the template filled in with openpyxl, or a CSV."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from pipeline.roster import columns, write_template

# one student with one internship, by column key (student.address.prefecture …); values as typed in Excel
STUDENT = {
    "student.id": "S001", "student.name.family": "DOE", "student.name.given": "Jane",
    "student.sex": "female", "student.birth_date": date(1996, 4, 12), "student.nationality": "VN",
    "student.email": "jane@example.ac.jp", "student.address.postal_code": "240-0193",
    "student.address.prefecture": "Kanagawa", "student.address.ja": "神奈川県葉山町",
    "student.address.en": "Hayama, Kanagawa", "student.program.name_ja": "情報学コース",
    "student.program.name_en": "Informatics Program", "student.program.institute_ja": "国立情報学研究所",
    "student.program.institute_en": "National Institute of Informatics", "student.program.degree": "doctoral",
    "student.program.course": "five-year", "student.program.year": 3,
    "student.program.enrolled_on": date(2023, 4, 1), "student.program.expected_completion_on": date(2028, 3, 31),
    "student.supervisor.name_ja": "佐々木 一郎", "student.supervisor.name_en": "Ichiro SASAKI",
    "student.residence.status": "student", "student.residence.expires_on": date(2027, 9, 30),
    "student.residence.card_number": "AB12345678CD", "student.insurance.gakkensai": True,
    "student.insurance.gakkenbai": True,
}
INTERNSHIP = {
    "internship.id": "I001", "internship.company.name_ja": "株式会社サンプル",
    "internship.company.name_en": "Sample Inc.", "internship.company.address_ja": "東京都千代田区",
    "internship.company.address_en": "Chiyoda, Tokyo", "internship.company.phone": "03-1234-5678",
    "internship.company.industry_ja": "情報通信業", "internship.company.industry_en": "Information and communications",
    "internship.title_ja": "研究インターン", "internship.title_en": "Research Intern",
    "internship.duties_ja": "研究開発", "internship.duties_en": "Research and development",
    "internship.workplace.address_ja": "東京都千代田区", "internship.workplace.address_en": "Chiyoda, Tokyo",
    "internship.period.start": date(2026, 7, 1), "internship.period.end": date(2026, 9, 30),
    "internship.hours_per_week": 38.75, "internship.pay.amount": 300000, "internship.pay.per": "month",
    "internship.credits": 2,
}


def row(**changes: object) -> dict[str, object]:
    """A valid row (student + internship), with changes by key: row(**{"student.id": "S002"})."""
    return {**STUDENT, **INTERNSHIP, **changes}


def header_of(key: str) -> str:
    return next(c.header for c in columns() if c.key == key)


def fill_template(path: Path, rows: list[dict[str, object]]) -> Path:
    """The template as the office gets it, rows typed in by column key."""
    write_template(path)
    wb = load_workbook(path)
    ws = wb["名簿"]
    where = {c.key: n for n, c in enumerate(columns(), 1)}
    for r, values in enumerate(rows, 2):
        for key, value in values.items():
            ws.cell(r, where[key]).value = value
    wb.save(path)
    return path


def plain_workbook(path: Path, headers: list[str], rows: list[list[object]], title: str = "Sheet1") -> Path:
    """A workbook made from scratch, with whatever headers the office typed."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for values in rows:
        ws.append(values)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, object]], *, encoding: str = "utf-8-sig",
              header: str = "en") -> Path:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    cols = {c.key: c for c in columns()}
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow([getattr(cols[k], header) for k in keys])
        for r in rows:
            out.writerow([_csv_text(r.get(k)) for k in keys])
    return path


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value.isoformat() if isinstance(value, date) else str(value)
