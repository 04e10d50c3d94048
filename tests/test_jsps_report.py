"""ceri jsps-report: who is in it, the year's totals (paid, estimated, two internships), CSV and XLSX."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.records import load
from pipeline.rules.money import remuneration
from tests import fakes

COLUMNS = "student,fellow_number,category,name,year,amount_jpy,estimated,internships,months_total"


def fellow(sid: str, category: str | None, family_ja: str) -> str:
    funding = (f"funding: {{jsps: {{category: {category}, fellow_number: KJ-{sid}, host_researcher_ja: 森 真理,"
               " host_researcher_en: Mari MORI, host_consent_on: 2025-03-15}}\n") if category else ""
    return f"""kind: student
id: {sid}
name: {{family: MORI, given: Ken, family_ja: {family_ja}, given_ja: 健}}
sex: male
birth_date: 1998-01-02
nationality: JP
email: {sid}@example.ac.jp
address: {{postal_code: 411-8540, prefecture: Shizuoka, ja: 静岡県三島市谷田1111, en: "1111 Yata, Mishima"}}
program: {{name_ja: 遺伝学コース, name_en: Genetics Program, institute_ja: 国立遺伝学研究所,
  institute_en: National Institute of Genetics, degree: doctoral, course: five-year, year: 4,
  enrolled_on: 2022-04-01, expected_completion_on: 2027-03-31}}
supervisor: {{name_ja: 森 真理, name_en: Mari MORI}}
{funding}insurance: {{gakkensai: true, gakkenbai: true}}
"""


def internship(iid: str, sid: str, start: str, end: str, pay: str, payments: list[tuple[str, int]]) -> str:
    paid = "".join(f"\n  - {{paid_on: {d}, amount: {a}}}" for d, a in payments)
    return f"""kind: internship
id: {iid}
student: {sid}
company: {{name_ja: 葉山バイオテック株式会社, name_en: Hayama Biotech Co., address_ja: 神奈川県横浜市,
  address_en: Yokohama, phone: 045-555-0101, industry_ja: 製造業, industry_en: Manufacturing}}
title_ja: 研究インターン
title_en: Research Intern
duties_ja: 解析
duties_en: Analysis
workplace: {{address_ja: 神奈川県横浜市, address_en: Yokohama}}
period: {{start: {start}, end: {end}}}
hours_per_week: 30
pay: {pay}
{"payments:" + paid if payments else ""}
credits: 2
"""


@pytest.fixture
def records_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    docs = {
        # two internships in 2026: one with payments, one paid by the hour and not yet entered
        "f1": [fellow("F1", "DC1", "森"),
               internship("F1-A", "F1", "2026-04-01", "2026-06-30", "{amount: 250000, per: month}",
                          [("2026-04-30", 250000), ("2026-05-29", 250000), ("2026-06-30", 250000)]),
               internship("F1-B", "F1", "2026-09-01", "2026-11-30", "{amount: 1800, per: hour}", [])],
        "f2": [fellow("F2", "DC2", "髙橋"),
               internship("F2-A", "F2", "2026-07-01", "2026-08-31", "{amount: 300000, per: month}",
                          [("2026-07-25", 300000), ("2026-08-25", 300000)])],
        # paid in 2025 only: not in the 2026 report
        "f3": [fellow("F3", "PD", "山﨑"),
               internship("F3-A", "F3", "2025-10-01", "2025-12-15", "{amount: 240000, per: month}",
                          [("2025-10-31", 240000), ("2025-11-28", 240000), ("2025-12-26", 120000)])],
        # seven months: over the fellows' limit, still reported, flagged
        "f4": [fellow("F4", "DC2", "佐藤"),
               internship("F4-A", "F4", "2026-01-01", "2026-07-31", "{amount: 200000, per: month}",
                          [(f"2026-0{m}-25", 200000) for m in range(1, 8)])],
        # not a fellow
        "s5": [fellow("S5", None, "鈴木"),
               internship("S5-A", "S5", "2026-04-01", "2026-06-30", "{amount: 250000, per: month}",
                          [("2026-04-30", 250000)])],
    }
    for name, parts in docs.items():
        (folder / f"{name}.yaml").write_text("---\n".join(parts), "utf-8")
    return folder


def report(records_dir: Path, out: Path, *extra: str):
    result = CliRunner().invoke(main, ["jsps-report", str(records_dir), "--year", "2026", "-o", str(out),
                                       "--as-of", "2027-04-01", "--quiet", *extra])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def rows(out: Path) -> dict[str, dict[str, str]]:
    text = (out / "summary.csv").read_text("utf-8")
    assert text.splitlines()[0] == COLUMNS
    return {r["student"]: r for r in csv.DictReader(io.StringIO(text))}


def test_totals_payments_estimates_and_two_internships(records_dir, tmp_path, monkeypatch):
    fakes.install(monkeypatch)
    result = report(records_dir, tmp_path / "out", "--jobs", "2")
    # April 1, 2027: in the submission window, F1's estimated amount holds the run back (exit 1, warned)
    assert result.exit_code == 1, result.output
    assert "warning: F1: the 2026 amount is estimated" in result.stderr and "--allow-estimated" in result.stderr
    assert "F2: " not in result.stderr.replace("F2: internships", "")
    got = rows(tmp_path / "out")
    assert sorted(got) == ["F1", "F2", "F4"]  # F3 was paid in 2025 only; S5 is no fellow
    estimate = remuneration(load([records_dir]).internships["F1-B"], 2026)
    assert estimate.estimated and estimate.amount > 0
    assert got["F1"] == {"student": "F1", "fellow_number": "KJ-F1", "category": "DC1", "name": "森 健",
                         "year": "2026", "amount_jpy": str(750000 + estimate.amount), "estimated": "true",
                         "internships": "2", "months_total": "6"}
    assert got["F2"]["amount_jpy"] == "600000" and got["F2"]["estimated"] == "false"
    assert got["F2"]["internships"] == "1" and got["F2"]["months_total"] == "2"
    assert got["F4"]["amount_jpy"] == "1400000" and got["F4"]["months_total"] == "7"
    assert "F4" in result.stderr and "over the JSPS limit" in result.stderr
    for sid in ("F1", "F2", "F4"):
        pdf = tmp_path / "out" / f"{sid}.jsps-report.ja.pdf"
        assert len(PdfReader(pdf).pages) >= 1
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert not list((tmp_path / "out").glob("F3*")) and not list((tmp_path / "out").glob("S5*"))


def test_earlier_year(records_dir, tmp_path, monkeypatch):
    fakes.install(monkeypatch)
    result = CliRunner().invoke(main, ["jsps-report", str(records_dir), "--year", "2025", "-o", str(tmp_path),
                                       "--jobs", "1"])
    assert result.exit_code == 0
    got = rows(tmp_path)
    assert list(got) == ["F3"] and got["F3"]["amount_jpy"] == "600000" and got["F3"]["estimated"] == "false"


def test_a_year_nobody_was_paid_writes_empty_summaries_and_no_register(records_dir, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["jsps-report", str(records_dir), "--year", "2019", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert rows(out) == {}
    assert sorted(p.name for p in out.iterdir()) == ["summary.csv", "summary.xlsx"]  # nothing to number


def test_xlsx_for_the_secretariat(records_dir, tmp_path, monkeypatch):
    fakes.install(monkeypatch)
    report(records_dir, tmp_path / "a", "--jobs", "1")
    report(records_dir, tmp_path / "b", "--jobs", "2")
    a, b = tmp_path / "a" / "summary.xlsx", tmp_path / "b" / "summary.xlsx"
    assert a.read_bytes() == b.read_bytes()
    ws = load_workbook(a).active
    assert [c.value for c in ws[1]] == [*COLUMNS.split(","), "note"]
    assert ws.auto_filter.ref == f"A1:J{ws.max_row}"
    table = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert table["F2"][5].value == 600000 and "¥" in table["F2"][5].number_format
    assert "6 months" in table["F4"][9].value and not table["F2"][9].value
    assert (tmp_path / "a" / "summary.csv").read_bytes() == (tmp_path / "b" / "summary.csv").read_bytes()


def test_missing_renderer_still_writes_the_summary(records_dir, tmp_path, monkeypatch):
    table = {k: v for k, v in fakes.kinds().items() if k != "jsps-report"}
    monkeypatch.setattr("pipeline.renderers.documents", lambda: table)
    result = report(records_dir, tmp_path, "--jobs", "1")
    assert result.exit_code == 1 and "no PDF renderer" in result.stderr
    assert sorted(rows(tmp_path)) == ["F1", "F2", "F4"]
    assert not list(tmp_path.glob("*.pdf"))


def test_allow_estimated_issues_without_the_warning(records_dir, tmp_path, monkeypatch):
    fakes.install(monkeypatch)
    result = report(records_dir, tmp_path / "out", "--jobs", "1", "--allow-estimated")
    assert result.exit_code == 0, result.output
    assert "estimated" not in result.stderr


def test_before_the_window_an_estimate_is_a_warning_only(records_dir, tmp_path, monkeypatch):
    fakes.install(monkeypatch)
    result = CliRunner().invoke(main, ["jsps-report", str(records_dir), "--year", "2026", "-o", str(tmp_path / "o"),
                                       "--as-of", "2027-02-01", "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "warning: F1: the 2026 amount is estimated" in result.stderr


def test_a_year_not_over_is_refused_before_anything_is_written(records_dir, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["jsps-report", str(records_dir), "--year", "2026", "-o", str(out),
                                       "--as-of", "2026-06-01"])
    assert result.exit_code == 2
    assert "issued from January 1, 2027" in result.stderr and "--allow-estimated" in result.stderr
    assert not out.exists()


def test_the_summary_workbook_never_walks_the_sheet_per_row(monkeypatch):
    """openpyxl's max_row visits every cell: asked twice a row, 12,500 fellows cost some 90 s of CPU."""
    from openpyxl.worksheet.worksheet import Worksheet

    from pipeline.pack.jsps import fellows, summary_xlsx
    asked = []
    original = Worksheet.max_row
    monkeypatch.setattr(Worksheet, "max_row", property(lambda ws: asked.append(1) or original.fget(ws)))
    rows = fellows(load(["examples"]), 2026)
    assert rows
    summary_xlsx(rows)
    few = len(asked)
    summary_xlsx(rows * 20)
    assert len(asked) == few  # the same number of walks for 20 times the rows
