"""ceri fill / ceri render permit-application: values found again by pdftotext, fonts embedded, fields kept."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from pipeline.context import build_context
from pipeline.errors import CeriError, InputError, RenderError
from pipeline.records import load
from pipeline.renderers.form.fields import fields
from pipeline.renderers.form.fill import Box, fill_acroform, fill_overlay
from pipeline.renderers.form.mapping import evaluate, load_map
from pipeline.resources import FORMS
from tests.pdf_helpers import font_rows, text_of

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-01"


def ceri(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def flat(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture(scope="module")
def permit_values() -> dict[str, str]:
    records = load([ROOT / "examples"])
    ctx = build_context(records, "23DB0012", "CERI-2026-001", as_of=date.fromisoformat(AS_OF))
    values, _ = evaluate(load_map(FORMS / "permit-application.map.yaml"), ctx)
    return values


@pytest.fixture(scope="module")
def permit_pdfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("permit")
    paths = {}
    for kind, extra in (("editable", []), ("flat", ["--flatten"])):
        p = out / f"{kind}.pdf"
        r = ceri("fill", FORMS / "permit-application.pdf", "examples", "--map", FORMS / "permit-application.map.yaml",
                 "--student", "23DB0012", "--internship", "CERI-2026-001", "--as-of", AS_OF, "-o", p, *extra)
        assert r.returncode == 0, r.stderr
        paths[kind] = p
    return paths


def test_map_values_are_the_records(permit_values):
    v = permit_values
    assert v["name_family"] == "NGUYỄN" and v["name_given"] == "Thị Lan"
    assert v["name_ja"] == "グエン ティ ラン"
    assert v["birth_date"] == "1996年4月12日"  # Western calendar, as the official form asks
    assert v["sex"] == "F" and v["marital_status"] == "single"
    assert v["card_number"] == "AB12345678CD"
    assert v["employer_name"] == "株式会社湘南データラボ / Shonan Data Lab Inc."
    assert v["pay"] == "月額 300,000円 / ¥300,000 per month"
    assert v["date"] == "2026年6月1日"


@pytest.mark.parametrize("kind", ["editable", "flat"])
def test_pdftotext_finds_every_value(permit_pdfs, permit_values, kind):
    text = text_of(permit_pdfs[kind])
    for name, value in permit_values.items():
        if not value or name in ("sex", "marital_status", "permission"):  # radio groups
            continue
        if name == "card_number":  # a comb field: one character per cell
            assert value in re.sub(r"\s", "", text_of(permit_pdfs[kind], layout=True))
            continue
        for line in value.splitlines():
            assert flat(line) in flat(text), (name, line)


@pytest.mark.parametrize("kind", ["editable", "flat"])
def test_fonts_are_embedded(permit_pdfs, kind):
    rows = font_rows(permit_pdfs[kind])
    assert any("IPAexGothic" in r[0] for r in rows)
    assert all(r[-5] == "yes" and r[-4] == "yes" for r in rows), rows  # every font embedded, as a subset
    assert any("DejaVu" in r[0] for r in rows)  # ễ / ị come from the fallback font


def test_editable_keeps_fields_with_values(permit_pdfs, permit_values):
    reader = PdfReader(permit_pdfs["editable"])
    form = fields(reader)
    for name, value in permit_values.items():
        if form[name].kind == "text":
            assert form[name].attr("/V") == value, name
    assert form["sex"].attr("/V") == "/F"
    on = [w.annot["/AS"] for w in form["sex"].widgets]
    assert on == ["/Off", "/F"]
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"] == False  # noqa: E712 (a pypdf BooleanObject)
    widget = form["name_ja"].widgets[0].annot
    assert widget["/AP"]["/N"]["/Subtype"] == "/Form" and "/DA" in form["name_ja"].node


def test_flattened_has_no_fields(permit_pdfs):
    reader = PdfReader(permit_pdfs["flat"])
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert not fields(reader)
    assert all(a.get_object()["/Subtype"] != "/Widget" for p in reader.pages for a in p.get("/Annots") or [])


def test_render_shortcut_matches_fill_and_is_deterministic(tmp_path, permit_pdfs):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for p in (a, b):
        r = ceri("render", "permit-application", "examples", "--student", "23DB0012", "--as-of", AS_OF, "-o", p)
        assert r.returncode == 0, r.stderr
    assert a.read_bytes() == b.read_bytes() == permit_pdfs["editable"].read_bytes()
    assert oct(a.stat().st_mode & 0o777) == "0o600"


def test_unknown_field_is_an_error_and_nothing_is_written(tmp_path):
    bad = tmp_path / "bad.map.yaml"
    bad.write_text(f"form: {FORMS / 'permit-application.pdf'}\nmode: acroform\nfields:\n"
                   "  nationality: '{{ student.nationality }}'\n  no_such_field: x\n", "utf-8")
    out = tmp_path / "out.pdf"
    r = ceri("fill", FORMS / "permit-application.pdf", "examples", "--map", bad, "--student", "23DB0012", "-o", out)
    assert r.returncode == 2 and not out.exists()
    assert f"{bad}:5:3:" in r.stderr and "no_such_field" in r.stderr and "Traceback" not in r.stderr


def test_undefined_expression_is_located(tmp_path):
    bad = tmp_path / "bad.map.yaml"
    bad.write_text(f"form: {FORMS / 'permit-application.pdf'}\nfields:\n  nationality: '{{{{ student.nope }}}}'\n")
    with pytest.raises(InputError) as exc:
        evaluate(load_map(bad), {"student": load([ROOT / "examples"]).students["23DB0012"]})
    assert f"{bad}:3:16:" in str(exc.value) and "nope" in str(exc.value)


def test_checkbox_value_must_be_an_on_state():
    data = (FORMS / "permit-application.pdf").read_bytes()
    with pytest.raises(RenderError, match=r"sex.*not one of its on-states \(M, F\)"):
        fill_acroform(data, {"sex": "female"})


def test_value_that_cannot_fit_is_reported():
    data = (FORMS / "permit-application.pdf").read_bytes()
    with pytest.raises(RenderError, match="field card_number.*at most 12"):
        fill_acroform(data, {"card_number": "AB12345678CDX"})
    # too long for its box: no longer refused, it goes to the continuation sheet (tests/test_form_attach.py)
    filled = fill_acroform(data, {"phone": "電話" * 60})
    assert len(PdfReader(io.BytesIO(filled)).pages) == 2


# ---- a form made by another producer (pypdf, from scratch) ----------------------------------------

def _stream(writer: PdfWriter, data: bytes, w: float, h: float):
    s = DecodedStreamObject()
    s.set_data(data)
    s.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
              NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(w), FloatObject(h)])})
    return writer._add_object(s)


def foreign_form() -> bytes:
    """Two pages; text (Q=1), multiline, comb, a checkbox with on-state /Ja, a radio group /M /F,
    and one field with a widget on each page — none of it made by reportlab."""
    w = PdfWriter()
    pages = [w.add_blank_page(400, 300), w.add_blank_page(400, 300)]
    all_fields = ArrayObject()

    def widget(page, rect, **extra):
        d = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
                              NameObject("/Rect"): ArrayObject(FloatObject(c) for c in rect),
                              NameObject("/F"): NumberObject(4)})
        d.update({NameObject(k): v for k, v in extra.items()})
        ref = w._add_object(d)
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(ref)
        return ref

    def text(name, rect, page=0, ff=0, **extra):
        ref = widget(pages[page], rect, **{"/FT": NameObject("/Tx"), "/T": TextStringObject(name),
                                           "/DA": TextStringObject("/Helv 0 Tf 0 g"), "/Ff": NumberObject(ff)},
                     **extra)
        all_fields.append(ref)

    text("applicant", [20, 250, 380, 270], **{"/Q": NumberObject(1)})
    text("remarks", [20, 150, 380, 240], ff=1 << 12)
    text("code", [20, 120, 200, 140], ff=1 << 24, **{"/MaxLen": NumberObject(6)})
    on, off = _stream(w, b"0 g 2 2 8 8 re f", 12, 12), _stream(w, b"", 12, 12)
    all_fields.append(widget(pages[0], [20, 90, 32, 102], **{
        "/FT": NameObject("/Btn"), "/T": TextStringObject("agree"), "/AS": NameObject("/Off"),
        "/AP": DictionaryObject({NameObject("/N"): DictionaryObject({NameObject("/Ja"): on, NameObject("/Off"): off})})}))
    parent = w._add_object(DictionaryObject({NameObject("/FT"): NameObject("/Btn"), NameObject("/T"): TextStringObject("sex"),
                                             NameObject("/Ff"): NumberObject((1 << 15) | (1 << 14)),
                                             NameObject("/Kids"): ArrayObject()}))
    for i, state in enumerate(("/M", "/F")):
        kid = widget(pages[0], [40 + 30 * i, 60, 52 + 30 * i, 72], **{
            "/Parent": parent, "/AS": NameObject("/Off"),
            "/AP": DictionaryObject({NameObject("/N"): DictionaryObject({NameObject(state): on, NameObject("/Off"): off})})})
        parent.get_object()["/Kids"].append(kid)
    all_fields.append(parent)
    shared = w._add_object(DictionaryObject({NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("name"),
                                             NameObject("/DA"): TextStringObject("/Helv 11 Tf 0 g"),
                                             NameObject("/Kids"): ArrayObject()}))
    for p in (0, 1):
        kid = widget(pages[p], [220, 20, 380, 40], **{"/Parent": shared})
        shared.get_object()["/Kids"].append(kid)
    all_fields.append(shared)
    w._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): all_fields})
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


FOREIGN_VALUES = {"applicant": "髙橋 健太", "remarks": "AT&T <Japan> 株式会社で研究インターンシップを行う。\n期間は三か月。",
                  "code": "240193", "agree": "true", "sex": "M", "name": "山﨑 美咲 Ayşe Gül YILDIZ"}


@pytest.mark.parametrize("flatten_out", [False, True])
def test_form_from_another_producer(tmp_path, flatten_out):
    data = fill_acroform(foreign_form(), FOREIGN_VALUES, flatten_out=flatten_out)
    path = tmp_path / "foreign.pdf"
    path.write_bytes(data)
    text = text_of(path)
    for key in ("applicant", "name"):
        assert FOREIGN_VALUES[key] in text
    assert text.count("山﨑 美咲 Ayşe Gül YILDIZ") == 2  # the field repeated on both pages
    for line in FOREIGN_VALUES["remarks"].splitlines():
        assert flat(line) in flat(text).replace(" ", "") or flat(line) in flat(text)
    assert "240193" in re.sub(r"\s", "", text_of(path, layout=True))
    reader = PdfReader(path)
    if flatten_out:
        assert not fields(reader)
        return
    form = fields(reader)
    assert form["remarks"].attr("/V") == FOREIGN_VALUES["remarks"]
    assert form["agree"].attr("/V") == "/Ja" and form["agree"].widgets[0].annot["/AS"] == "/Ja"
    assert [w.annot["/AS"] for w in form["sex"].widgets] == ["/M", "/Off"]
    assert {w.page for w in form["name"].widgets} == {0, 1}
    assert all("/AP" in w.annot for w in form["name"].widgets)


def test_overlay_on_a_pdf_without_fields(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595, 842), invariant=1)
    c.drawString(72, 800, "Official form (scan)")
    c.showPage()
    c.save()
    boxes = [Box(1, 100, 700, 300, 16, "グエン ティ ラン / Nguyễn Thị Lan", name="name"),
             Box(1, 100, 600, 200, 40, "神奈川県三浦郡葉山町\n湘南国際村", multiline=True, name="address")]
    out = tmp_path / "overlay.pdf"
    out.write_bytes(fill_overlay(buf.getvalue(), boxes))
    text = text_of(out)
    assert "Official form (scan)" in text and "グエン ティ ラン / Nguyễn Thị Lan" in text
    assert "神奈川県三浦郡葉山町" in text and "湘南国際村" in text
    with pytest.raises(CeriError, match="page 3"):
        fill_overlay(buf.getvalue(), [Box(3, 0, 0, 10, 10, "x", name="far")])


def test_official_overlay_map_loads_and_evaluates():
    fmap = load_map(FORMS / "permit-application.official-overlay.map.yaml")
    assert fmap.mode == "overlay" and len(fmap.boxes) >= 20
    ctx = build_context(load([ROOT / "examples"]), "23DB0012", "CERI-2026-001", as_of=date(2026, 6, 1))
    _, boxes = evaluate(fmap, ctx)
    assert any(b.value == "神奈川県三浦郡葉山町湘南国際村1560-35" for b in boxes)


def test_list_fields_cli():
    r = ceri("fill", "--list-fields", FORMS / "permit-application.pdf")
    assert r.returncode == 0, r.stderr
    lines = {line.split("\t")[0]: line for line in r.stdout.splitlines()}
    assert "on-states M F" in lines["sex"] and "radio" in lines["sex"]
    assert "maxlen 12" in lines["card_number"] and "comb" in lines["card_number"]
    assert "multiline" in lines["duties"]


def test_rotated_widget_gets_a_rotated_appearance(tmp_path):
    w = PdfWriter()
    page = w.add_blank_page(300, 300)
    d = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
                          NameObject("/Rect"): ArrayObject(FloatObject(c) for c in (100, 20, 120, 280)),
                          NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("v"),
                          NameObject("/MK"): DictionaryObject({NameObject("/R"): NumberObject(90)})})
    ref = w._add_object(d)
    page[NameObject("/Annots")] = ArrayObject([ref])
    w._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject([ref])})
    buf = io.BytesIO()
    w.write(buf)
    for flatten_out in (False, True):
        out = tmp_path / f"rot{flatten_out}.pdf"
        out.write_bytes(fill_acroform(buf.getvalue(), {"v": "回転した欄 rotated field"}, flatten_out=flatten_out))
        assert "回転した欄 rotated field" in text_of(out)
    ap = fields(PdfReader(tmp_path / "rotFalse.pdf"))["v"].widgets[0].annot["/AP"]["/N"]
    assert [float(x) for x in ap["/Matrix"]] == [0, 1, -1, 0, 0, 0] and float(ap["/BBox"][2]) == 260


def test_overlay_map_on_a_fieldless_pdf_via_cli(tmp_path):
    """The starter map for the official form, used on a stand-in PDF without fields."""
    from click.testing import CliRunner
    from reportlab.pdfgen.canvas import Canvas

    from pipeline.cli import main

    blank = tmp_path / "official.pdf"
    c = Canvas(str(blank), pagesize=(595.27, 841.89), invariant=1)
    c.drawString(72, 780, "APPLICATION FOR PERMISSION (stand-in)")
    c.showPage()
    c.save()
    out = tmp_path / "filled.pdf"
    r = CliRunner().invoke(main, ["fill", str(blank), str(ROOT / "examples"), "--map",
                                  str(FORMS / "permit-application.official-overlay.map.yaml"), "--student", "23DB0012",
                                  "--internship", "CERI-2026-001", "--as-of", AS_OF, "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = text_of(out)
    for value in ("APPLICATION FOR PERMISSION (stand-in)", "ベトナム", "1996年4月12日", "NGUYỄN Thị Lan",
                  "神奈川県三浦郡葉山町湘南国際村1560-35", "AB12345678CD", "株式会社湘南データラボ", "2026年6月1日"):
        assert value in text, value
    assert not fields(PdfReader(out))


def test_shift_jis_on_state_named_by_its_text(tmp_path):
    """A checkbox whose on-state is the Shift_JIS bytes of はい (as Japanese producers write it)."""
    w = PdfWriter()
    page = w.add_blank_page(200, 100)
    on, off = _stream(w, b"0 g 2 2 8 8 re f", 12, 12), _stream(w, b"", 12, 12)
    box = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/Rect"): ArrayObject(FloatObject(c) for c in (20, 20, 32, 32)), NameObject("/FT"): NameObject("/Btn"),
        NameObject("/T"): TextStringObject("同意"), NameObject("/AS"): NameObject("/Off"),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): DictionaryObject({NameObject("/QQQQQQQQQQQQ"): on,
                                                                                  NameObject("/Off"): off})})})
    ref = w._add_object(box)
    page[NameObject("/Annots")] = ArrayObject([ref])
    w._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject([ref])})
    buf = io.BytesIO()
    w.write(buf)
    sjis = "/" + "".join(f"#{b:02X}" for b in "はい".encode("cp932"))  # same length: offsets stay right
    data = buf.getvalue().replace(b"/QQQQQQQQQQQQ", sjis.encode())
    form = fields(PdfReader(io.BytesIO(data)))
    assert form["同意"].describe()["states"] == ["はい"]
    out = PdfReader(io.BytesIO(fill_acroform(data, {"同意": "はい"})))
    widget = fields(out)["同意"].widgets[0].annot
    assert widget["/AS"] != "/Off" and widget["/AS"] in widget["/AP"]["/N"]
    assert fields(out)["同意"].attr("/V") == widget["/AS"]


def test_flatten_with_resources_shared_by_pages(tmp_path):
    w = PdfWriter()
    pages = [w.add_blank_page(300, 300) for _ in range(2)]
    res = w._add_object(DictionaryObject({NameObject("/ProcSet"): ArrayObject([NameObject("/PDF")])}))
    refs = ArrayObject()
    for i, page in enumerate(pages):
        page[NameObject("/Resources")] = res
        ref = w._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject(FloatObject(c) for c in (20, 20, 280, 40)),
            NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(f"f{i}")}))
        page[NameObject("/Annots")] = ArrayObject([ref])
        refs.append(ref)
    w._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): refs})
    buf = io.BytesIO()
    w.write(buf)
    out = tmp_path / "shared.pdf"
    out.write_bytes(fill_acroform(buf.getvalue(), {"f0": "一ページ目", "f1": "二ページ目"}, flatten_out=True))
    for page, value in ((1, "一ページ目"), (2, "二ページ目")):
        text = text_of(out, page)
        assert text.strip() == value
