"""様式5-3 as JSPS reads it: the fellow's own report (no university serial, QR code or seal), the research
project, the host researcher's confirmation, estimated amounts marked, and no report before the year is over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests.pdf_helpers import text_of

ROOT = Path(__file__).resolve().parent.parent


def ceri(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def flat(s: str) -> str:
    return " ".join(s.split())


def test_report_has_the_project_and_confirmation_and_no_serial_qr_or_seal(tmp_path):
    out = tmp_path / "r.pdf"
    r = ceri("render", "jsps-report", "examples", "--student", "24DC0033", "--year", "2026", "--as-of", "2027-04-05",
             "--register", tmp_path / "reg.sqlite", "-o", out)
    assert r.returncode == 0, r.stderr
    text = flat(text_of(out))
    assert "植物の環境応答に関わる遺伝子ネットワーク" in text and "Gene networks in plant responses to the environment" in text
    assert "研究課題名" in text and "Research project" in text
    assert "受入研究者の確認" in text and "青木 修" in text and "確認日・署名" in text
    assert "証明書番号" not in text and "Certificate No." not in text and "CERI-" not in text
    assert "印" not in text  # no seal circle: JSPS asks for no seals
    page = PdfReader(out).pages[0]
    # no QR code: the page draws no run of module rectangles ("re f") as the footer QR would
    assert page.get_contents().get_data().count(b" re f") < 10


def test_each_estimated_amount_and_the_total_are_marked(tmp_path):
    out = tmp_path / "r.pdf"
    r = ceri("render", "jsps-report", "examples", "--student", "24DC0033", "--year", "2026", "--as-of", "2027-04-05",
             "--lang", "ja", "--register", tmp_path / "reg.sqlite", "-o", out)
    assert r.returncode == 0, r.stderr
    text = text_of(out)
    assert text.count("（見込み）") == 2  # the internship's amount and the total


def test_no_report_before_the_year_is_over(tmp_path):
    out = tmp_path / "r.pdf"
    r = ceri("render", "jsps-report", "examples", "--student", "24DC0033", "--year", "2026", "--as-of", "2026-06-01",
             "--register", tmp_path / "reg.sqlite", "-o", out)
    assert r.returncode == 2 and "issued from January 1, 2027" in r.stderr and not out.exists()
    r = ceri("render", "jsps-report", "examples", "--student", "24DC0033", "--year", "2026", "--as-of", "2026-06-01",
             "--allow-estimated", "--register", tmp_path / "reg.sqlite", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "見込み" in text_of(out)


def test_reports_are_logged_in_the_register_as_reports_not_certificates(tmp_path):
    """The batch logs each 様式5-3 so the office knows what went out, as a report: no serial printed."""
    reg = tmp_path / "reg.sqlite"
    r = ceri("jsps-report", "examples", "--year", "2026", "--as-of", "2027-04-05", "--allow-estimated",
             "--register", reg, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    listed = ceri("register", "list", "--register", reg)
    rows = [line for line in listed.stdout.splitlines() if line.startswith("CERI-")]
    assert len(rows) == 2 and all("jsps-report (report)" in row for row in rows), listed.stdout
    for pdf in (tmp_path / "out").glob("*.pdf"):
        assert "CERI-" not in text_of(pdf)
