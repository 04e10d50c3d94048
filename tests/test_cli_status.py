"""`ceri status`: text, json, csv and xlsx (read back with openpyxl), filters, and bad usage (exit 2)."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples")
AS_OF = ("--as-of", "2026-06-01")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_text_is_a_table_with_counts_and_no_colour_off_a_terminal():
    res = run("status", EXAMPLES, *AS_OF, "--lang", "en")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "\x1b[" not in out
    head = out.splitlines()[0].split()
    assert head[:4] == ["Student", "Internship", "Step", "Next"]
    assert "24DC0033  CERI-2025-011  11" in out and "2025-12-29 overdue" in out
    counts = out.split("Cases per step\n")[1].splitlines()
    assert len(counts) == 13 and counts[10].split()[0] == "11" and counts[-1].split()[0] == "Complete"
    assert sum(int(line.split()[-1]) for line in counts) == 11  # the examples' internships
    assert max(len(line) for line in out.splitlines()) <= 120


def test_text_in_japanese():
    res = run("--lang-ui", "ja", "status", EXAMPLES, *AS_OF, "--student", "23DB0012")
    assert res.exit_code == 0
    assert "学生番号" in res.stdout and "2026年7月1日" in res.stdout and "開始する。" in res.stdout
    assert "期限超過" not in res.stdout
    assert "ステップ別の件数" in res.stdout


def test_json_is_a_stable_list_of_objects():
    res = run("status", EXAMPLES, *AS_OF, "--format", "json")
    cases = json.loads(res.stdout)
    assert len(cases) == 11
    assert list(cases[0]) == ["student", "name_en", "name_ja", "internship", "company_en", "company_ja",
                              "start", "end", "step", "complete", "step_en", "step_ja", "next_action_en",
                              "next_action_ja", "owner", "owner_en", "owner_ja", "due", "overdue", "actions",
                              "findings", "as_of"]
    one = next(c for c in cases if c["internship"] == "CERI-2026-001")
    assert one["step"] == 11 and one["owner"] == "student" and one["due"] == "2026-07-01"
    assert {"code": "step-out-of-order", "severity": "error"}.items() <= one["findings"][-1].items()
    assert one["name_ja"] == "グエン ティ ラン" or one["name_ja"]
    assert res.stdout == run("status", EXAMPLES, *AS_OF, "--format", "json").stdout  # same bytes


def test_filters_on_the_command_line():
    res = run("status", EXAMPLES, *AS_OF, "--format", "json", "--owner", "company", "--overdue")
    assert [(c["internship"], c["owner"], c["overdue"]) for c in json.loads(res.stdout)] == [
        ("CERI-2025-011", "company", True)]
    res = run("status", EXAMPLES, *AS_OF, "--format", "json", "--step", "7")
    assert {c["step"] for c in json.loads(res.stdout)} == {7}


def test_csv_opens_in_excel_as_utf8(tmp_path):
    out = tmp_path / "status.csv"
    assert run("status", EXAMPLES, *AS_OF, "--format", "csv", "--lang", "ja", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0]["student"] == "22DA0101" and table[0]["start"] == "2026-04-01"
    late = [r for r in table if r["overdue"] == "yes"]
    assert [r["internship"] for r in late] == ["CERI-2025-011"] and late[0]["owner"] == "企業"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_xlsx_read_back(tmp_path):
    out = tmp_path / "status.xlsx"
    res = run("status", EXAMPLES, *AS_OF, "--format", "xlsx", "--lang", "en", "-o", str(out))
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    ws = wb["Status"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Student", "Name", "Internship", "Company"] and "Next action" in headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:M{ws.max_row}"
    col = {h: k for k, h in enumerate(headers)}
    by_id = {row[col["Internship"]].value: row for row in ws.iter_rows(min_row=2)}
    late = by_id["CERI-2025-011"]
    assert late[col["Due"]].value == datetime(2025, 12, 29) and late[col["Due"]].is_date
    assert late[col["Overdue"]].value == "overdue"
    assert all(c.fill.fgColor.rgb.endswith("FFC7CE") for c in late)
    fine = by_id["CERI-2026-001"]
    assert fine[col["Start"]].value == datetime(2026, 7, 1) and fine[col["Start"]].number_format == "yyyy-mm-dd"
    assert fine[0].fill.fill_type is None
    assert [r[2].value for r in wb["Cases"].iter_rows(min_row=2)][10] == 5  # step 11
    again = tmp_path / "again.xlsx"
    run("status", EXAMPLES, *AS_OF, "--format", "xlsx", "--lang", "en", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_bad_usage_exits_2_and_writes_nothing(tmp_path):
    res = run("status", EXAMPLES, *AS_OF, "--format", "xlsx")
    assert res.exit_code == 2 and "-o" in res.stderr and "Traceback" not in res.output
    res = run("status", EXAMPLES, *AS_OF, "--student", "NOPE")
    assert res.exit_code == 2 and "NOPE" in res.stderr
    target = tmp_path / "records.yaml"
    source = (ROOT / "examples" / "01-nguyen-thi-lan.yaml").read_bytes()
    target.write_bytes(source)
    res = run("status", str(target), *AS_OF, "--format", "csv", "-o", str(target))
    assert res.exit_code == 2 and "input" in res.stderr and target.read_bytes() == source
    res = run("status", EXAMPLES, *AS_OF, "--step", "13")
    assert res.exit_code == 2


def test_json_for_a_case_at_every_step(tmp_path):
    """Thirteen internships of one student, one at each step and one complete, through the command line."""
    from tests.rules_fixtures import DROP, write_records
    from tests.test_desk_status import EVAL, FLOW
    cases = []
    for n in range(13):
        dated = dict(FLOW[:[0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 12, 12][n]])
        over = {"steps": {"supervisor_approved_on": DROP, "applied_on": DROP, **dated},
                "period": {"start": "2026-02-01", "end": "2026-03-31"} if n >= 10 else {}}
        if n >= 11:
            over["evaluation"] = EVAL
        if n == 12:
            over["grading"] = {"grade": "A", "by_ja": "森 愛子", "graded_on": "2026-10-20"}
        cases.append(over)
    write_records(tmp_path, {}, *cases)
    res = run("status", str(tmp_path / "records.yaml"), "--as-of", "2026-02-15", "--format", "json")
    assert res.exit_code == 0, res.output
    got = {c["internship"]: (c["step"], c["complete"]) for c in json.loads(res.stdout)}
    assert [got[f"I{n + 1}"] for n in range(13)] == [(s, False) for s in range(1, 13)] + [(12, True)]


def test_colour_marks_overdue_rows_only():
    from datetime import date

    from pipeline.cli.status import as_text
    from pipeline.desk.status import rows
    from pipeline.records import load
    board = rows(load([EXAMPLES]), date(2026, 6, 1))
    lines = as_text(board, "en", colour=True).splitlines()
    red = [line for line in lines if line.startswith("\x1b[")]
    assert "CERI-2025-011" in red[0] and not any("CERI-" in line for line in red[1:])  # its wrapped lines
    assert not any(" overdue " in line for line in lines if not line.startswith("\x1b["))
    assert "\x1b[" not in as_text(board, "en", colour=False)
