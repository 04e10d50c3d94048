"""Which fonts a process reads: the coverage of every font from its cmap alone, the font itself on first
use (IPAmj Mincho is 46 MB and 70 MiB of memory, and few values need it)."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.pdf import truetype
from tests.helpers import ROOT
from tests.pdf_helpers import pdffonts, pdftotext, reader

pytestmark = pytest.mark.skipif(not fonts.embedded(), reason="IPAex fonts not installed")

NAME = "𠮷田 花子"  # U+20BB7: in IPAmj Mincho, not in IPAex or DejaVu


@pytest.mark.parametrize("role", sorted(fonts.FONTS))
def test_the_cmap_alone_gives_the_characters_reportlab_reads_from_the_whole_font(role):
    path = fonts.find(role)
    assert path is not None, f"{role} is installed in CI"
    assert truetype.characters(path) == frozenset(TTFontFile(str(path)).charToGlyph)


def test_the_last_resort_font_is_read_only_once_a_value_needs_it():
    script = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "from pipeline import fonts\n"
        "fonts.faces('mincho'); fonts.faces('gothic')\n"
        "print(sorted(pdfmetrics.getRegisteredFontNames()))\n"
        "fonts.runs('Nguyễn Thị Lan 様')\n"
        "print(sorted(pdfmetrics.getRegisteredFontNames()))\n"
        f"print(fonts.runs({NAME!r}))\n"
        "print(sorted(pdfmetrics.getRegisteredFontNames()))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    first, latin, runs, last = out.stdout.splitlines()
    assert "IPAexMincho" in first and "IPAexGothic" in first
    assert "IPAmjMincho" not in first and "DejaVuSerif" not in first
    assert "DejaVuSerif" in latin and "IPAmjMincho" not in latin
    assert runs == repr([("IPAmjMincho", NAME)])  # one font has every character: the whole value in it
    assert "IPAmjMincho" in last


def test_a_name_only_ipamj_has_is_embedded_and_read_back(tmp_path):
    from pipeline.renderers.pdf.text import Pen

    out = BytesIO()
    c = Canvas(out, invariant=1)
    pen = Pen(c)
    pen.draw(40, 800, "氏名 / Name", 10, fixed=True)
    pen.draw(40, 780, NAME, 12)
    pen.write()
    c.showPage()
    c.save()
    pdf = out.getvalue()
    rows = pdffonts(pdf, tmp_path)
    assert any(r[0].endswith("+IPAmjMincho") and r[-5:-2] == ["yes", "yes", "yes"] for r in rows), rows
    assert NAME in pdftotext(pdf, tmp_path)
    assert NAME in reader(pdf).pages[0].extract_text()


def test_a_pack_for_a_name_only_ipamj_has(tmp_path):
    """Certificates, the filled forms and pack.pdf give the name back to poppler and pypdf as typed."""
    from tests.helpers import EXAMPLES, INTERNSHIP, STUDENT, ceri, write
    from tests.pdf_helpers import text_of

    student = STUDENT.replace("name: {family: DOE, given: Jane}",
                              "name: {family: YOSHIDA, given: Hanako, family_ja: 𠮷田, given_ja: 花子}")
    write(tmp_path, student + "---\n" + INTERNSHIP)
    result = ceri("pack", tmp_path / "records.yaml", EXAMPLES / "institution.yaml", "-o", tmp_path / "out",
                  "--as-of", "2026-06-01", "-q")
    assert result.returncode in (0, 1), result.stderr
    folder = tmp_path / "out" / "S001" / "I001"
    having = {}
    for pdf in sorted(folder.glob("*.pdf")):
        text = text_of(pdf)
        having[pdf.name.split(".")[0]] = "𠮷田" in text
        assert "\u20bb" not in text, pdf.name  # U+20BB7 read as U+20BB
    # pre-filled forms: in the fields' appearances
    assert having["evaluation-form"] and having["permit-application"], having
    for flat in ("pack.pdf", "enrollment-certificate.ja+en.pdf", "internship-certificate.ja+en.pdf"):
        assert having[flat.split(".")[0]], having
        assert "𠮷田" in "".join(p.extract_text() for p in reader((folder / flat).read_bytes()).pages), flat
