"""`ceri verify` and `ceri register list|revoke`: the answers and exit codes a secretariat relies on."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import register_fake
from click.testing import CliRunner
from reportlab.pdfgen.canvas import Canvas

from pipeline.cli import main
from pipeline.context import build_context
from pipeline.records import load
from pipeline.register import Register, inputs_hash_for, issue
from pipeline.renderers import RenderRequest
from tests.pdf_helpers import text_of

ROOT = Path(__file__).resolve().parent.parent


def ceri_process(*args):
    """The real entry point, in a process of its own (once: it costs a second of imports)."""
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)


def ceri(*args, env=None):
    """The CLI in process; the result has .returncode, .stdout and .stderr like a finished process."""
    result = CliRunner().invoke(main, [str(a) for a in args], env={"CERI_REGISTER": None, **(env or {})})
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """A register with two certificates (one later revoked by a test of its own copy) and their files."""
    tmp = tmp_path_factory.mktemp("verify")
    records = load([ROOT / "examples"])
    mp = pytest.MonkeyPatch()
    register_fake.install(mp)
    files = {}
    try:
        with Register(tmp / "register.sqlite") as reg:
            for doc, student, internship in [("internship-certificate", "23DB0012", None),
                                             ("enrollment-certificate", "22DA0101", None),
                                             ("internship-certificate", "22DA0101", "CERI-2026-003")]:
                ctx = build_context(records, student, internship, as_of=date(2026, 6, 1))
                req = RenderRequest(doc=doc, lang="ja+en", fmt="pdf", context=ctx)
                out = issue(reg, req, inputs_hash_for(ctx, doc, req.lang))
                path = tmp / f"{student}-{doc}.pdf"
                path.write_bytes(out.data)
                files[out.serial] = path
    finally:
        mp.undo()
    return tmp / "register.sqlite", files


def test_genuine(issued):
    db, files = issued
    result = ceri_process("verify", files["CERI-2026-00001"], "--register", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("genuine: serial CERI-2026-00001, issued on 2026-06-01 to NGUYỄN Thị Lan (23DB0012) "
                             "(internship-certificate, ja+en, internship CERI-2026-001)\n")


def test_register_from_environment(issued):
    db, files = issued
    result = ceri("verify", files["CERI-2026-00002"], env={"CERI_REGISTER": str(db)})
    assert result.returncode == 0 and result.stdout.startswith("genuine: serial CERI-2026-00002, ")


def test_one_changed_byte_is_altered(issued, tmp_path):
    db, files = issued
    data = files["CERI-2026-00003"].read_bytes()
    at = data.index(b"Issued on 2026-06-01") + len("Issued on 2026-06-0")
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(data[:at] + b"9" + data[at + 1:])  # 1 June → 9 June
    assert text_of(forged).count("2026-06-09") == 1
    result = ceri("verify", forged, "--register", db)
    assert result.returncode == 1
    assert result.stdout.startswith("altered: does not match serial CERI-2026-00003 (")


def test_damaged_file_is_still_caught(issued, tmp_path):
    db, files = issued
    data = bytearray(files["CERI-2026-00003"].read_bytes())
    data[len(data) // 2] ^= 0xFF  # a byte somewhere in the middle of the file
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(bytes(data))
    result = ceri("verify", damaged, "--register", db)
    assert result.returncode == 1
    assert result.stdout.startswith("altered: does not match serial CERI-2026-00003")


def test_foreign_pdf_is_unknown(issued, tmp_path):
    db, _files = issued
    foreign = tmp_path / "foreign.pdf"
    canvas = Canvas(str(foreign), invariant=1)
    canvas.drawString(72, 720, "Certificate of Internship No. OTHER-2026-00001")
    canvas.save()
    result = ceri("verify", foreign, "--register", db)
    assert (result.returncode, result.stdout) == (1, "unknown: not issued by this register\n")


def test_bad_file_or_register_is_exit_2(issued, tmp_path):
    db, files = issued
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes")
    for args, message in [((text, "--register", db), "not a PDF file"),
                          ((tmp_path / "missing.pdf", "--register", db), "cannot read"),
                          ((files["CERI-2026-00001"], "--register", tmp_path / "none.sqlite"), "no register at")]:
        result = (ceri_process if message == "not a PDF file" else ceri)("verify", *args)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_revoked_after_revoke(issued, tmp_path):
    src, files = issued
    db = tmp_path / "copy.sqlite"  # revoke in a copy, leaving the shared register as it was
    with Register(src) as reg:
        reg.conn.execute(f"VACUUM INTO '{db}'")
    result = ceri("register", "revoke", "CERI-2026-00002", "--reason", "issued to the wrong address",
                  "--register", db, "--as-of", "2026-06-03")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("revoked: serial CERI-2026-00002, issued on 2026-06-01 to TAKAHASHI Kenta")
    result = ceri("verify", files["CERI-2026-00002"], "--register", db)
    assert result.returncode == 1
    assert result.stdout.startswith("revoked: serial CERI-2026-00002")
    assert result.stdout.endswith("revoked on 2026-06-03: issued to the wrong address\n")
    again = ceri("register", "revoke", "CERI-2026-00002", "--reason", "twice", "--register", db)
    unknown = ceri("register", "revoke", "CERI-2026-00099", "--reason", "typo", "--register", db)
    assert (again.returncode, unknown.returncode) == (2, 2)
    assert "already revoked on 2026-06-03" in again.stderr and "no certificate CERI-2026-00099" in unknown.stderr
    listed = json.loads(ceri("register", "list", "--register", db, "--format", "json").stdout)
    assert [(e["serial"], e["status"], e["revoked_reason"]) for e in listed][1] == (
        "CERI-2026-00002", "revoked", "issued to the wrong address")


def test_list_formats_and_filters(issued):
    db, files = issued
    text = ceri("register", "list", "--register", db)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["serial", "issued_on", "doc", "lang", "student", "internship", "status"]
    assert lines[1].split() == ["CERI-2026-00001", "2026-06-01", "internship-certificate", "ja+en", "23DB0012",
                                "CERI-2026-001", "current"]
    assert lines[2].split()[-2:] == ["-", "current"]  # enrollment certificate: no internship
    rows = list(csv.DictReader(io.StringIO(ceri("register", "list", "--register", db, "--format", "csv",
                                                "--student", "22DA0101").stdout)))
    assert [r["serial"] for r in rows] == ["CERI-2026-00002", "CERI-2026-00003"]
    assert rows[1]["internship"] == "CERI-2026-003" and rows[1]["student_name"] == "TAKAHASHI Kenta"
    import hashlib

    assert rows[1]["sha256"] == hashlib.sha256(files["CERI-2026-00003"].read_bytes()).hexdigest()
    items = json.loads(ceri("register", "list", "--register", db, "--format", "json", "--year", "2026").stdout)
    assert [i["serial"] for i in items] == list(files)
    assert json.loads(ceri("register", "list", "--register", db, "--format", "json", "--year", "2025").stdout) == []
    assert ceri("register", "list", "--register", db, "--format", "xml").returncode == 2
