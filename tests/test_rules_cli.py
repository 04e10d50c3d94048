"""`ceri check`: JSON and text output, filters, exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.cli.check import as_text
from pipeline.rules import check
from tests.rules_fixtures import write_records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples")


def ceri(*args: str) -> subprocess.CompletedProcess:
    """The real command line, in a fresh interpreter (as users run it)."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=ROOT, encoding="utf-8")


def run(*args: str):
    """The same command in-process (faster); the result has .exit_code, .stdout, .stderr."""
    return CliRunner().invoke(main, list(args))


def test_examples_as_json():
    res = ceri("check", "examples/", "--as-of", "2026-06-01", "--format", "json")
    assert res.returncode == 1, res.stderr
    findings = json.loads(res.stdout)
    assert {f["severity"] for f in findings} == {"error", "warning", "info"}
    assert all(list(f) == ["code", "severity", "student", "internship", "message_en", "message_ja", "clause",
                           "data"] for f in findings)
    by_code = {(f["student"], f["code"]) for f in findings}
    # what the example records are there to show
    for expected in [("25MA0099", "not-doctoral"), ("25MA0099", "too-short"), ("25MA0099", "unpaid"),
                     ("25MA0099", "supervisor-approval-missing"), ("24DC0033", "jsps-host-consent-missing"),
                     ("22DB0066", "insurance-missing"), ("22DB0066", "ra-check-with-department"),
                     ("24DB0055", "mext-month-unpaid"), ("24DB0055", "passport-expires-during-internship"),
                     ("25DB0088", "residence-expires-during-internship"), ("23DB0012", "permit-required"),
                     ("22DA0101", "jsps-report-due"), ("22DA0101", "jsps-amount-estimated")]:
        assert expected in by_code
    assert ("22DA0101", "jsps-over-6-months") not in by_code      # 3 + 3 months: exactly allowed
    assert [f["data"]["month"] for f in findings if f["code"] == "mext-month-unpaid"] == ["2026-09", "2026-10"]
    assert "\\u" not in res.stdout and "学研賠" in res.stdout  # Japanese kept as is, not \u escapes


def test_examples_as_text_grouped_by_student():
    res = run("check", EXAMPLES, "--as-of", "2026-06-01")
    assert res.exit_code == 1
    out = res.stdout
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "25MA0099  KIM Minjun" in out and "22DA0101  TAKAHASHI Kenta" in out
    block = out.split("25MA0099  KIM Minjun\n")[1].split("\n\n")[0].splitlines()
    assert block[0].split()[:3] == ["error", "CERI-2026-010", "not-doctoral"]  # errors first
    assert any(line.split()[:3] == ["warning", "CERI-2026-010", "permit-not-granted"] for line in block)
    # 8, plus two permits applied for before the employment contract (a required document) was signed
    assert out.rstrip().splitlines()[-1].startswith("errors: 10, warnings: ")
    assert out.index("22DA0101") < out.index("25MA0099")


def test_text_in_japanese_for_one_student():
    res = run("check", EXAMPLES, "--as-of", "2026-06-01", "--lang", "ja", "--student", "24DB0055")
    # her only error: the permit was applied for without the employment contract, a required document
    assert res.exit_code == 1
    assert [line.split()[2] for line in res.stdout.splitlines() if line.startswith("  エラー")] == [
        "step-out-of-order"]
    assert "24DB0055  SHARMA Priya" in res.stdout
    assert "国費外国人留学生: 2026-09は" in res.stdout and "警告" in res.stdout
    assert "25MA0099" not in res.stdout
    assert res.stdout.rstrip().endswith("（学生1名）")


def test_student_filter_repeats_and_limits_json():
    res = run("check", EXAMPLES, "--as-of", "2026-06-01", "--format", "json",
              "--student", "23DB0044", "--student", "23DA0077")
    assert {f["student"] for f in json.loads(res.stdout)} == {"23DB0044", "23DA0077"}
    assert res.exit_code == 0


def test_exit_0_when_no_errors(tmp_path):
    write_records(tmp_path)
    res = run("check", str(tmp_path), "--as-of", "2026-06-01", "--format", "json")
    assert res.exit_code == 0
    assert [f["code"] for f in json.loads(res.stdout)] == ["employment-income"]
    res = run("check", str(tmp_path), "--as-of", "2026-06-01")
    assert res.exit_code == 0 and "errors: 0, warnings: 0, info: 1 (students: 1)" in res.stdout


def test_colour_only_on_a_terminal(tmp_path):
    records = write_records(tmp_path, {"insurance": {"gakkenbai": False}})
    found = check(records, date(2026, 6, 1))
    assert "\x1b[31m" in as_text(found, records, "en", colour=True)
    assert "\x1b[" not in as_text(found, records, "en", colour=False)


def test_unknown_student_is_a_finding_not_just_a_warning(tmp_path):
    write_records(tmp_path, None, {"student": "GHOST"}, with_student=False)
    res = run("check", str(tmp_path), "--as-of", "2026-06-01", "--format", "json")
    assert res.exit_code == 1
    (f,) = [f for f in json.loads(res.stdout) if f["code"] == "unknown-student"]
    assert f["student"] == "GHOST" and f["internship"] == "I1"
    text = run("check", str(tmp_path), "--as-of", "2026-06-01", "--student", "GHOST")
    assert "GHOST  ?" in text.stdout and "unknown-student" in text.stdout


def test_bad_input_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: student\nid: X1\nnmae: oops\n", "utf-8")
    res = ceri("check", str(bad), "--format", "json")
    assert res.returncode == 2 and res.stdout == ""
    assert f"{bad}:3:1: unknown key 'nmae'" in res.stderr and "Traceback" not in res.stderr
    assert run("check", EXAMPLES, "--as-of", "2026-02-30").exit_code == 2
    assert run("check", EXAMPLES, "--format", "xml").exit_code == 2
    missing = run("check", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    unknown = run("check", EXAMPLES, "--student", "NOBODY")
    assert unknown.exit_code == 2 and "--student NOBODY: no such student" in unknown.stderr
