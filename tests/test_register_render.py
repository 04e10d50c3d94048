"""`ceri render` issues certificates through the register (fake certificate renderer, in process)."""

from __future__ import annotations

import json

import pytest
import register_fake
from click.testing import CliRunner
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.register import data_dir
from tests.pdf_helpers import text_of

RENDER = ["render", "internship-certificate", "examples", "--student", "23DB0012", "--as-of", "2026-06-01"]


def data_register():
    """The register in the (test's own, see conftest) user data folder."""
    return data_dir() / "register.sqlite"


@pytest.fixture
def runner(monkeypatch):
    register_fake.install(monkeypatch)
    monkeypatch.delenv("CERI_REGISTER", raising=False)
    return CliRunner()


def test_render_issues_once_and_rerenders_the_same_bytes(runner, tmp_path):
    """With no flag the register is the user's data folder's, never the output folder's."""
    out = tmp_path / "out" / "cert.pdf"
    first = runner.invoke(main, [*RENDER, "-o", str(out)])
    assert first.exit_code == 0, first.output
    db = data_register()
    assert first.stdout == (f"serial CERI-2026-00001 in {db}\nwrote {out}\n")
    assert not (tmp_path / "out" / "register.sqlite").exists()
    data = out.read_bytes()
    assert "Serial: CERI-2026-00001" in PdfReader(out).pages[0].extract_text()
    again = runner.invoke(main, [*RENDER, "-o", str(out)])
    assert again.exit_code == 0 and "CERI-2026-00001 (already issued for these inputs)" in again.stdout
    assert out.read_bytes() == data
    verified = runner.invoke(main, ["verify", str(out)])
    assert verified.exit_code == 0 and verified.stdout.startswith("genuine: serial CERI-2026-00001")


def test_render_with_other_date_supersedes(runner, tmp_path):
    db = tmp_path / "ledger.sqlite"
    out = tmp_path / "cert.pdf"
    assert runner.invoke(main, [*RENDER, "-o", str(out), "--register", str(db)]).exit_code == 0
    later = [*RENDER[:-1], "2026-06-15", "-o", str(out), "--register", str(db)]
    result = runner.invoke(main, later)
    assert result.exit_code == 0
    assert "serial CERI-2026-00002" in result.stdout and "supersedes CERI-2026-00001" in result.stdout
    assert not (tmp_path / "register.sqlite").exists()  # --register, not the default beside -o
    listed = json.loads(runner.invoke(main, ["register", "list", "--register", str(db), "--format", "json"]).stdout)
    assert [(e["serial"], e["status"], e["superseded_by"]) for e in listed] == [
        ("CERI-2026-00001", "superseded", "CERI-2026-00002"), ("CERI-2026-00002", "current", None)]


def test_register_from_environment(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("CERI_REGISTER", str(tmp_path / "env.sqlite"))
    result = runner.invoke(main, [*RENDER, "-o", str(tmp_path / "o" / "cert.pdf")])
    assert result.exit_code == 0 and f"in {tmp_path / 'env.sqlite'}" in result.stdout
    assert (tmp_path / "env.sqlite").exists() and not (tmp_path / "o" / "register.sqlite").exists()


def test_errors_take_no_serial(runner, tmp_path):
    bad = runner.invoke(main, [*RENDER, "--student", "NOBODY", "-o", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and not data_register().exists()


def test_certificate_without_pdf_renderer_creates_no_register(runner, tmp_path, monkeypatch):
    import dataclasses

    import pipeline.renderers as renderers

    kinds = renderers.documents()
    cut = {**kinds, "internship-certificate": dataclasses.replace(kinds["internship-certificate"], renderers={})}
    monkeypatch.setattr(renderers, "documents", lambda: cut)
    result = runner.invoke(main, [*RENDER, "-o", str(tmp_path / "cert.pdf")])
    assert result.exit_code == 2 and "cannot be rendered as pdf" in result.stderr
    assert list(tmp_path.iterdir()) == [] and not data_register().exists()


@pytest.mark.parametrize("doc", ["enrollment-certificate", "internship-certificate", "evaluation-certificate"])
def test_real_certificate_prints_serial_and_qr(doc, tmp_path):
    """The real certificate: the serial is in its text and its QR code decodes (zbarimg) to it."""
    import subprocess

    out = tmp_path / "cert.pdf"
    args = [*RENDER, "-o", str(out), "--internship", "CERI-2026-003"]
    args[1], args[4] = doc, "22DA0101"  # the example whose internship has an evaluation
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = text_of(out)
    assert "CERI-2026-00001" in text
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")], check=True)
    page = next(tmp_path.glob("p*.png"))
    qr = subprocess.run(["zbarimg", "--raw", "-q", str(page)], capture_output=True, text=True).stdout
    assert "CERI-2026-00001" in qr
