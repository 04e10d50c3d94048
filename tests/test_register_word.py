"""Word certificates carry their serial and are registered as `editable`; verify of the .docx, or of a PDF
made from it, answers by the serial and the values it states, and says a Word file's bytes are not sealed."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx

from tests.helpers import invoke as ceri

ROOT = Path(__file__).resolve().parent.parent
RENDER = ["render", "internship-certificate", str(ROOT / "examples"), "--student", "23DB0012", "--as-of", "2026-06-01",
          "--format", "docx"]



def text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_word_certificate_carries_its_serial_and_is_editable_in_the_register(tmp_path):
    out = tmp_path / "cert.docx"
    result = ceri(*RENDER, "-o", out)
    assert result.exit_code == 0 and "serial CERI-2026-00001" in result.stdout, result.output
    assert "CERI-2026-00001" in text(out)
    rows = json.loads(ceri("register", "list", "--format", "json").stdout)
    assert [(r["serial"], r["kind"], r["status"]) for r in rows] == [("CERI-2026-00001", "editable", "current")]
    assert "(editable)" in ceri("register", "list").stdout
    verified = ceri("verify", out)
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("matches: serial CERI-2026-00001") and "bytes are not sealed" in verified.stdout
    again = ceri(*RENDER, "-o", tmp_path / "again.docx")  # same inputs: the same serial
    assert "CERI-2026-00001 (already issued for these inputs)" in again.stdout


def test_an_edited_word_certificate_is_altered(tmp_path):
    out = tmp_path / "cert.docx"
    assert ceri(*RENDER, "-o", out).exit_code == 0
    source = zipfile.ZipFile(out)
    edited = io.BytesIO()
    with zipfile.ZipFile(edited, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                assert "株式会社湘南データラボ".encode() in data
                data = data.replace("株式会社湘南データラボ".encode(), "株式会社ニセモノ".encode())
            target.writestr(item, data)
    forged = tmp_path / "forged.docx"
    forged.write_bytes(edited.getvalue())
    verified = ceri("verify", forged)
    assert verified.exit_code == 1 and verified.stdout.startswith("altered: the text differs"), verified.output
    assert "湘南データラボ" in verified.stdout and verified.stdout.count("\n") == 1
    revoke = ceri("register", "revoke", "CERI-2026-00001", "--reason", "wrong company", "--as-of", "2026-06-02")
    assert revoke.exit_code == 0
    assert ceri("verify", out).stdout.startswith("revoked: serial CERI-2026-00001")


def test_a_pdf_made_from_the_word_certificate_answers_by_its_text(tmp_path):
    out = tmp_path / "cert.docx"
    result = ceri(*RENDER, "--pdf", "-o", out)
    assert result.exit_code == 0, result.output
    verified = ceri("verify", out.with_suffix(".pdf"))
    assert verified.exit_code == 0 and verified.stdout.startswith("matches: serial CERI-2026-00001"), verified.output
    assert "bytes are not sealed" in verified.stdout


def test_a_damaged_word_file_is_exit_2(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert ceri(*RENDER, "-o", tmp_path / "cert.docx").exit_code == 0
    result = ceri("verify", bad)
    assert result.exit_code == 2 and "not a Word (.docx) file" in result.stderr and "Traceback" not in result.stderr
