"""An independent client opens our .docx: LibreOffice converts them, poppler reads the PDFs back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import pytest
from docx_support import EXAMPLES, ROOT, make
from pypdf import PdfReader

from pipeline.errors import CeriError
from pipeline.renderers import office
from tests.pdf_helpers import pdffonts, pdftotext

needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

# (name, doc, lang, student, internship, values that must be found in the PDF text)
CASES = [
    ("ic-ja", "internship-certificate", "ja", "22DA0101", "CERI-2026-003",
     ["AT&T <Japan> 株式会社", "髙橋 健太", "令和8年9月1日", "令和8年11月30日", "時給 1,800円", "令和8年12月15日",
      "通信ログの時系列解析による異常検知手法の研究"]),
    ("ic-en", "internship-certificate", "en", "22DA0101", "CERI-2026-003",
     ["AT&T <Japan> K.K.", "TAKAHASHI Kenta", "September 1, 2026", "¥1,800 per hour", "December 15, 2026"]),
    ("ec-ja", "enrollment-certificate", "ja", "23DB0012", None,
     ["グエン ティ ラン", "NGUYỄN Thị Lan", "1996年4月12日", "令和10年3月31日", "23DB0012"]),
    ("ec-en", "enrollment-certificate", "en", "23DB0012", None,
     ["NGUYỄN Thị Lan", "April 12, 1996", "Certificate of Enrollment", "Informatics Program"]),
    ("er-ja", "evaluation-request", "ja", "22DA0101", "CERI-2026-003",
     ["AT&T <Japan> 株式会社", "鈴木 大輔 様", "令和8年12月29日", "internship@example.soken.ac.jp"]),
    ("er-en", "evaluation-request", "en", "22DA0101", "CERI-2026-003",
     ["AT&T <Japan> K.K.", "Daisuke SUZUKI", "December 29, 2026", "internship@example.soken.ac.jp"]),
    ("ic-both", "internship-certificate", "ja+en", "23DB0012", None,
     ["株式会社湘南データラボ", "Shonan Data Lab Inc.", "令和8年7月1日", "July 1, 2026", "300,000円", "¥300,000"]),
]


def squash(text: str) -> str:
    """pdftotext spaces kanji from digits and wraps table cells: compare without whitespace."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """Every document above, converted in one LibreOffice run."""
    docs = {name: make(doc, lang, student, internship) for name, doc, lang, student, internship, _ in CASES}
    return office.docx_to_pdf_many(docs)


@needs_office
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_libreoffice_shows_every_value(pdfs, tmp_path, case):
    name, _doc, lang, _s, _i, values = case
    pdf = pdfs[name]
    text = squash(pdftotext(pdf, tmp_path))
    for value in values:
        assert squash(value) in text, value
    assert "{{" not in text and "{%" not in text
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    # a bilingual certificate is one page; the letter in ja+en is the Japanese then the English one
    assert pages == (2 if lang == "ja+en" and _doc == "evaluation-request" else 1)
    fonts = "\n".join(" ".join(row) for row in pdffonts(pdf, tmp_path))
    if lang != "en":  # the East Asian font slot reached LibreOffice: IPAex Mincho, embedded
        assert re.search(r"\+IPAexMincho\s.*\byes\s+yes\b", fonts), fonts
    # Latin text is tagged en-US even on Japanese documents: tagged ja-JP, LibreOffice drew ễ with the
    # last-resort IPAmj Mincho as ê plus a loose tilde.
    assert "IPAmjMincho" not in fonts, fonts


def test_missing_libreoffice_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CERI_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(CeriError, match="LibreOffice is needed .* `soffice` was not found"):
        office.docx_to_pdf(b"PK")


def test_render_pdf_without_libreoffice_writes_nothing(tmp_path):
    out = tmp_path / "cert.docx"
    env = {"PATH": "/nonexistent", "CERI_SOFFICE": "/nonexistent/soffice", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "render", "enrollment-certificate", str(EXAMPLES),
                           "--student", "23DB0012", "--format", "docx", "--lang", "ja", "--pdf", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert "LibreOffice is needed" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


@needs_office
def test_a_file_that_is_not_a_docx_is_refused_before_libreoffice_starts():
    with pytest.raises(CeriError, match="not a .docx file"):
        office.docx_to_pdf(b"")


def fake_soffice(tmp_path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_a_hanging_libreoffice_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("CERI_SOFFICE", fake_soffice(tmp_path, "sleep 30"))
    with pytest.raises(CeriError, match="did not finish converting to PDF within 0.5 s"):
        office.docx_to_pdf(make("enrollment-certificate", "en", "23DB0012"), timeout=0.5)


def test_a_failing_libreoffice_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("CERI_SOFFICE", fake_soffice(tmp_path, "echo 'profile is locked' >&2; exit 3"))
    with pytest.raises(CeriError, match="LibreOffice failed \\(exit 3\\): profile is locked"):
        office.docx_to_pdf(make("enrollment-certificate", "en", "23DB0012"))


def test_each_conversion_gets_its_own_profile(tmp_path, monkeypatch):
    log = tmp_path / "args"
    monkeypatch.setenv("CERI_SOFFICE", fake_soffice(tmp_path, f'echo "$1" >> {log}; exit 1'))
    for _ in range(2):
        with pytest.raises(CeriError):
            office.docx_to_pdf(make("enrollment-certificate", "en", "23DB0012"))
    first, second = log.read_text().splitlines()
    assert first.startswith("-env:UserInstallation=file:///") and first != second
