"""The lean font subsets: smaller than reportlab's, still valid fonts that draw every glyph."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

import pytest
from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.pdf import subset as lean
from pipeline.pdf.truetype import _tables, strip_hinting
from tests.helpers import ROOT
from tests.pdf_helpers import make, pdffonts, pdftotext, reader

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
    assert face.font().face.makeSubset(codes) == lean  # what documents embed


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


def _subsets(pdf: bytes) -> dict[str, bytes]:
    """BaseFont → the font program (decompressed) of every font on the first page."""
    out = {}
    for ref in reader(pdf).pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        out[str(font["/BaseFont"])] = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
    return out


def test_the_fixed_wording_has_a_subset_of_its_own_shared_by_documents(tmp_path):
    """Labels, title, sentences and the institution take one IPAex subset, the same in two students'
    certificates; each student's values take a second one. pdffonts lists both as embedded subsets, and
    every value is still extracted as typed."""
    a = make("internship-certificate", "ja+en", "23DB0012", "CERI-2026-001")
    b = make("internship-certificate", "ja+en", "22DA0101", "CERI-2026-003")
    sa, sb = _subsets(a), _subsets(b)
    mincho_a = {k for k in sa if k.endswith("+IPAexMincho")}
    mincho_b = {k for k in sb if k.endswith("+IPAexMincho")}
    assert len(mincho_a) == len(mincho_b) == 2
    (shared,) = mincho_a & mincho_b
    assert sa[shared] == sb[shared]
    for pdf in (a, b):
        rows = [r for r in pdffonts(pdf, tmp_path) if r[0].endswith("+IPAexMincho")]
        assert len(rows) == 2 and all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows)  # emb sub uni
    text = pdftotext(b, tmp_path)
    assert "研究インターンシップ実施証明書" in text and "総合研究大学院大学" in text  # fixed wording
    assert "22DA0101" in text  # a value


def test_a_subset_from_the_cache_is_the_subset_built_afresh(monkeypatch):
    """A document embeds the same bytes whether its subsets come from the process's cache or are built
    again; the cache does spare the building."""
    built = []
    for face in fonts.faces("mincho"):
        face_obj = face.font().face
        make_subset = face_obj.makeSubset
        monkeypatch.setattr(face_obj, "makeSubset", lambda subset, _m=make_subset: built.append(1) or _m(subset))
    first = make("enrollment-certificate", "ja+en", "23DB0012")
    built.clear()
    cached = make("enrollment-certificate", "ja+en", "23DB0012")
    from_cache = len(built)
    monkeypatch.setattr(lean, "CACHE_SIZE", 0)
    built.clear()
    fresh = make("enrollment-certificate", "ja+en", "23DB0012")
    assert first == cached == fresh
    assert from_cache == 0 and len(built) >= 2


def test_fixed_wording_must_come_before_any_other_text():
    doc = Canvas(BytesIO())._doc
    font = pdfmetrics.getFont(fonts.faces("mincho")[0].name)
    font.splitString("氏名", doc)
    with pytest.raises(ValueError, match="preset"):
        lean.preset(font, doc, {"氏", "名"})


def test_fixed_wording_of_more_than_255_characters_takes_several_subsets(tmp_path):
    from pipeline.renderers.pdf.text import Pen

    face = fonts.faces("mincho")[0]
    wording = "".join(chr(c) for c in range(0x4E00, 0x5200) if c in face.chars)[:300]
    out = BytesIO()
    c = Canvas(out, invariant=1)
    pen = Pen(c)
    for n in range(0, len(wording), 30):
        pen.draw(40, 800 - 2 * n, wording[n:n + 30], 10, fixed=True)
    pen.draw(40, 100, "Nguyễn Thị Lan 様", 10)  # a value: ễ ị from the fallback font
    pen.write()
    c.showPage()
    c.save()
    pdf = out.getvalue()
    rows = pdffonts(pdf, tmp_path)
    assert sum(r[0].endswith("+IPAexMincho") for r in rows) == 3  # the wording in two, the values in a third
    text = pdftotext(pdf, tmp_path)
    assert "".join(text.split()).startswith(wording) and "Nguyễn Thị Lan 様" in text


def test_font_tables_are_sliced_once_and_give_reportlabs_subsets(monkeypatch):
    """A registered font keeps the tables it has sliced out of its file (IPAex's glyph table is 7 MB a
    copy), and the subsets built from them are those reportlab builds from the file itself."""
    fonts.faces("mincho")
    face = pdfmetrics.getFont("IPAexMincho").face
    assert face.get_table("glyf") is face.get_table("glyf")  # the same object: not copied again
    codes = sorted(ord(c) for c in "在学証明書 Nguyen Thi Lan 令和8年")
    ours = face.makeSubset(codes)
    assert ours == strip_hinting(TTFontFile(str(fonts.find("mincho"))).makeSubset(codes))
    monkeypatch.delattr(face, "get_table")  # reportlab's own slicing, on the same face
    assert face.makeSubset(codes) == ours
