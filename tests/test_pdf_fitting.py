"""Values that do not fit, characters no font has, serial numbers and QR codes, seals, refusals."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import CeriError, RenderError
from pipeline.renderers.pdf.text import wrap
from tests.pdf_helpers import EXAMPLES, ROOT, context, examples, make, pdftotext, reader

EMOJI = "\U0001F600"


def with_company_name(name: str, lang_field: str = "name_ja") -> dict:
    ctx = context("22DA0101", "CERI-2026-003")
    internship = ctx["internship"]
    company = internship.company.model_copy(update={lang_field: name})
    ctx["internship"] = internship.model_copy(update={"company": company})
    return ctx


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["ja", "ja+en"])
def test_200_character_company_name_renders_whole(tmp_path, lang):
    name = "AT&T <Japan>" + "研究開発" * 46 + "株式会社"  # 200 characters
    assert len(name) == 200
    pdf = make("internship-certificate", lang, "22DA0101", ctx=with_company_name(name))
    assert len(reader(pdf).pages) == 1
    assert squeeze(name) in squeeze(pdftotext(pdf, tmp_path))  # wrapped, never clipped


def test_200_character_roman_company_name_renders_whole(tmp_path):
    name = " ".join(["Advanced Research Laboratories"] * 7)[:200]
    pdf = make("internship-certificate", "en", "22DA0101", ctx=with_company_name(name, "name_en"))
    assert squeeze(name) in squeeze(pdftotext(pdf, tmp_path))


def test_a_2000_character_value_flows_onto_further_pages(tmp_path):
    """Once refused ("does not fit"), a very long value now continues on the next page (issue 20); only a
    value that would fill more than 20 pages is refused (tests/test_layout_flow.py)."""
    pdf = make("internship-certificate", "ja", "22DA0101", ctx=with_company_name("研究" * 1000))
    assert len(reader(pdf).pages) >= 2
    assert pdftotext(pdf, tmp_path).count("研究") >= 1000


def test_character_no_font_has_names_record_field_and_code_point():
    ctx = with_company_name(f"株式会社{EMOJI}ラボ")
    with pytest.raises(RenderError) as err:
        make("internship-certificate", "ja", "22DA0101", ctx=ctx)
    assert "U+1F600" in str(err.value) and err.value.field == "company.name"


def _records_with_emoji_name(tmp: Path) -> Path:
    folder = tmp / "records"
    folder.mkdir()
    src = (EXAMPLES / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    assert "given_ja: ティ ラン" in src
    (folder / "lan.yaml").write_text(src.replace("given_ja: ティ ラン", f"given_ja: ティ{EMOJI}ラン"), "utf-8")
    shutil.copy(EXAMPLES / "institution.yaml", folder / "institution.yaml")
    return folder


def test_cli_exits_2_and_writes_nothing_for_a_character_no_font_has(tmp_path):
    records = _records_with_emoji_name(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "enrollment.pdf"
    run = subprocess.run([sys.executable, "-m", "pipeline", "render", "enrollment-certificate", str(records),
                          "--student", "23DB0012", "--lang", "ja", "--as-of", "2026-06-01", "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2, run.stderr
    assert "U+1F600" in run.stderr and "23DB0012" in run.stderr and "name" in run.stderr
    assert "Traceback" not in run.stderr
    assert list(out_dir.iterdir()) == []


def test_cli_writes_a_private_pdf(tmp_path):
    out = tmp_path / "cert.pdf"
    run = subprocess.run([sys.executable, "-m", "pipeline", "render", "internship-certificate", str(EXAMPLES),
                          "--student", "23DB0012", "--lang", "ja+en", "--as-of", "2026-06-01", "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF") and (out.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("text", [
    "大規模言語モデルの評価手法に関する研究開発、および、その応用。",
    "Research and development of evaluation methods for large language models",
    "AT&T <Japan> 株式会社 Supercalifragilisticexpialidocious-Research-Laboratories-International",
])
def test_wrap_keeps_every_character(text):
    lines = wrap(text, 80, 10)
    assert len(lines) > 1
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("、", "。")) for line in lines)  # no closing mark starts a line


def zbar(pdf: bytes, tmp: Path) -> subprocess.CompletedProcess:
    (tmp / "q.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(tmp / "q.pdf"), str(tmp / "q")], check=True)
    return subprocess.run(["zbarimg", "-q", "--raw", str(tmp / "q-1.png")], capture_output=True, text=True)


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools not installed")
def test_serial_number_and_verification_qr(tmp_path):
    verify = "https://ceri.example.ac.jp/verify/CERI-2026-00042?sha256=" + "0123456789abcdef" * 4
    options = {"serial": "CERI-2026-00042", "verification_text": verify}
    pdf = make("internship-certificate", "ja+en", "23DB0012", options=options)  # the fullest certificate
    text = pdftotext(pdf, tmp_path)
    assert "証明書番号 / Certificate No. CERI-2026-00042" in text
    assert len(pdf) <= 60 * 1024
    assert zbar(pdf, tmp_path).stdout.strip() == verify
    plain = make("internship-certificate", "ja+en", "23DB0012")
    assert "証明書番号" not in pdftotext(plain, tmp_path)
    assert zbar(plain, tmp_path).stdout.strip() == ""


def test_qr_encodes_the_serial_when_no_verification_text(tmp_path):
    if not shutil.which("zbarimg"):
        pytest.skip("zbar-tools not installed")
    pdf = make("internship-certificate", "en", "22DA0101", "CERI-2026-003", options={"serial": "CERI-2026-00007"})
    assert "Certificate No. CERI-2026-00007" in pdftotext(pdf, tmp_path)
    assert zbar(pdf, tmp_path).stdout.strip() == "CERI-2026-00007"


def test_seal_image_is_drawn_when_configured(tmp_path):
    from PIL import Image, ImageDraw

    png = tmp_path / "seal.png"
    img = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((4, 4, 116, 116), outline=(200, 30, 30, 255), width=8)
    img.save(png)
    ctx = context("23DB0012")
    ctx["institution"] = ctx["institution"].model_copy(update={"seal_image": str(png)})
    pdf = make("enrollment-certificate", "ja", "23DB0012", ctx=ctx)
    xobjects = reader(pdf).pages[0]["/Resources"]["/XObject"]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())
    assert "印" not in pdftotext(pdf, tmp_path)
    empty = make("enrollment-certificate", "ja", "23DB0012")
    assert "印" in pdftotext(empty, tmp_path)
    ctx["institution"] = ctx["institution"].model_copy(update={"seal_image": str(tmp_path / "missing.png")})
    with pytest.raises(CeriError, match="seal_image"):
        make("enrollment-certificate", "ja", "23DB0012", ctx=ctx)


def test_permit_checklist_ticks_what_the_pack_holds(tmp_path):
    none = pdftotext(make("permit-checklist", "ja", "23DB0012"), tmp_path)
    assert none.count("✓") == 0
    held = ["enrollment-certificate", "internship-certificate", "permit-application"]
    text = pdftotext(make("permit-checklist", "ja", "23DB0012", options={"pack_documents": held}), tmp_path)
    assert text.count("✓") == 3


@pytest.mark.parametrize("student", ["22DA0101", "23DB0044", "25DB0088"])
def test_permit_checklist_only_for_status_student(student):
    internship = examples().internships_of(student)[0].id
    with pytest.raises(CeriError, match="only for students whose status of residence is 'student'"):
        make("permit-checklist", "ja", student, internship)


def test_evaluation_certificate_without_evaluation_says_how_to_get_one():
    with pytest.raises(CeriError) as err:
        make("evaluation-certificate", "ja", "23DB0012")
    assert "ceri render evaluation-form" in str(err.value)
    assert "ceri evaluation read FILLED.pdf --merge RECORD.yaml" in str(err.value)


def test_jsps_report_refuses_non_fellows_and_years_without_pay():
    with pytest.raises(CeriError, match="funding.jsps"):
        make("jsps-report", "ja", "23DB0012", year=2026)
    with pytest.raises(CeriError, match="no remuneration"):
        make("jsps-report", "ja", "22DA0101", year=2024)


def test_internship_documents_need_the_internship_named():
    with pytest.raises(CeriError, match="--internship"):
        make("internship-certificate", "ja", "22DA0101")



@pytest.mark.parametrize(("start", "expected"), [
    ("2026-07-01", "2026-05-01"), ("2026-03-31", "2026-01-31"), ("2026-04-30", "2026-02-28"),
    ("2026-01-15", "2025-11-15"),
])
def test_recommended_application_date_is_two_months_before_the_start(start, expected):
    from datetime import date

    from pipeline.renderers.pdf.permit import months_before

    assert months_before(date.fromisoformat(start), 2) == date.fromisoformat(expected)
