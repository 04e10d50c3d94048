"""The lean font subsets: smaller than reportlab's, still valid fonts that draw every glyph."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

import pytest
from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFile

from pipeline import fonts
from pipeline.fonts.lean import _tables, strip_hinting
from tests.helpers import ROOT
from tests.pdf_helpers import make, reader

pytestmark = pytest.mark.skipif(not fonts.embedded(), reason="IPAex fonts not installed")


def draws(ttf: bytes, codes: range) -> bool:
    """FreeType loads the font and every code of the subset draws ink."""
    font = ImageFont.truetype(BytesIO(ttf), 40, layout_engine=ImageFont.Layout.BASIC)
    return all(font.getmask(chr(c)).getbbox() is not None for c in codes)


@pytest.mark.parametrize("text", ["髙橋﨑証明書", "Nguyễn Thị Lan Ayşe Gül"])
def test_stripped_subset_is_smaller_and_draws_every_glyph(text):
    chars = text.replace(" ", "")
    face = next(f for f in fonts.faces("mincho") if all(ord(c) in f.chars for c in chars))
    codes = [ord(c) for c in chars]
    original = TTFontFile(str(face.path)).makeSubset(codes)  # reportlab's own subset
    lean = strip_hinting(original)
    assert {"fpgm", "prep"} & set(_tables(original))
    assert not {"fpgm", "prep", "cvt "} & set(_tables(lean))
    assert len(lean) < len(original)
    assert strip_hinting(lean) == lean  # nothing left to strip
    assert draws(lean, range(1, len(codes)))  # subset code i draws codes[i]
    assert pdfmetrics.getFont(face.name).face.makeSubset(codes) == lean  # what documents embed


def test_every_embedded_font_of_a_document_loads_in_freetype():
    pdf = make("internship-certificate", "ja+en", "23DB0012", "CERI-2026-001")
    resources = reader(pdf).pages[0]["/Resources"]["/Font"]
    checked = 0
    for ref in resources.values():
        desc = ref.get_object()["/FontDescriptor"].get_object()
        data = desc["/FontFile2"].get_object().get_data()
        font = ImageFont.truetype(BytesIO(data), 20, layout_engine=ImageFont.Layout.BASIC)
        assert font.getmask(chr(1)).getbbox() is not None
        checked += 1
    assert checked >= 2  # IPAex Mincho and DejaVu Serif (for ễ ị)


SCRIPT = """
import hashlib, sys
from datetime import date
from pipeline import renderers
from pipeline.context import build_context
from pipeline.records import load
from pipeline.renderers import RenderRequest
from pipeline.renderers.form.spec import build, load_spec
from pipeline.resources import FORMS
from tests.helpers import EXAMPLES

def form():
    return build(load_spec(FORMS / "evaluation-form.spec.yaml"))

def certificate():
    ctx = build_context(load([EXAMPLES]), "23DB0012", "CERI-2026-001", as_of=date(2026, 6, 1))
    return renderers.render(RenderRequest("enrollment-certificate", "ja", "pdf", ctx))

done = {f.__name__: f() for f in ((certificate, form) if sys.argv[1] == "certificate first" else (form, certificate))}
print(hashlib.sha256(done["form"]).hexdigest(), hashlib.sha256(done["certificate"]).hexdigest())
"""


def test_a_pdf_does_not_depend_on_what_the_process_drew_before():
    """The lean subsets used to be switched on by the first certificate a process drew, so a blank form
    built after one embedded other font bytes than one built first. Fresh processes, both orders."""
    runs = [subprocess.run([sys.executable, "-c", SCRIPT, order], capture_output=True, text=True, check=True,
                           cwd=ROOT).stdout.split() for order in ("certificate first", "form first")]
    assert len(runs[0]) == 2 and runs[0] == runs[1]
