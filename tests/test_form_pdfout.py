"""Filling writes only changed and new objects (pdfout): every value survives a re-read, nothing is
left unreferenced, the shipped blank forms stay lean, and a filled form can be filled again."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from pipeline.pdf.objects import Edit, template
from pipeline.renderers.form.fields import fields
from pipeline.renderers.form.fill import fill_acroform
from pipeline.renderers.form.mapping import evaluate, fill_with_map, load_map
from pipeline.resources import FORMS
from tests.pdf_helpers import context as pdf_context
from tests.pdf_helpers import pdffonts, pdftotext

NAMES = ("evaluation-form", "permit-application")


def _plain(obj, seen=()):
    """A python value of a pypdf object, references followed (for comparing two files)."""
    if isinstance(obj, IndirectObject):
        return _plain(obj.get_object(), seen) if obj.idnum not in seen else ("ref", obj.idnum)
    if isinstance(obj, DictionaryObject):
        out = {k: _plain(v, seen) for k, v in obj.items() if k not in ("/Length", "/Parent", "/P")}
        if hasattr(obj, "get_data"):
            out["data"] = obj.get_data()
        return out
    if isinstance(obj, ArrayObject):
        return [_plain(v, seen) for v in obj]
    if isinstance(obj, BooleanObject):
        return bool(obj.value)
    if isinstance(obj, FloatObject):
        return round(float(obj), 4)
    return obj


def test_every_kind_of_value_survives_a_rewrite():
    w = PdfWriter()
    page = w.add_blank_page(100, 100)
    s = DecodedStreamObject()
    s.set_data(b"0 g 10 10 m (endobj) Tj\nendstream")
    odd = DictionaryObject({
        NameObject("/Name"): NameObject("/A#20B"), NameObject("/Japanese"): NameObject("/はい"),
        NameObject("/Paren"): TextStringObject("a (b) \\ c\n"), NameObject("/Text"): TextStringObject("日本語 Ünï"),
        NameObject("/Bytes"): ByteStringObject(b"\x00\xff("), NameObject("/T"): BooleanObject(True),
        NameObject("/F"): BooleanObject(False), NameObject("/Null"): NullObject(),
        NameObject("/Nums"): ArrayObject([NumberObject(-3), FloatObject(0.125), FloatObject(1e-5), ArrayObject()]),
        NameObject("/Stream"): w._add_object(s),
    })
    page[NameObject("/Odd")] = w._add_object(odd)
    buf = io.BytesIO()
    w.write(buf)
    before = PdfReader(io.BytesIO(buf.getvalue()))
    after = PdfReader(io.BytesIO(Edit(template(before)).write()), strict=True)
    assert _plain(after.pages[0]["/Odd"]) == _plain(before.pages[0]["/Odd"])
    assert after.pages[0]["/Odd"]["/Japanese"] == "/はい"


@pytest.fixture(scope="module")
def context():
    return pdf_context("23DB0012", "CERI-2026-001")


def _reachable(reader: PdfReader) -> set[int]:
    seen: set[int] = set()
    stack = [reader.trailer.raw_get("/Root").idnum, reader.trailer.raw_get("/Info").idnum]
    while stack:
        num = stack.pop()
        if num in seen:
            continue
        seen.add(num)
        todo = [reader.get_object(num)]
        while todo:
            o = todo.pop()
            if isinstance(o, IndirectObject):
                stack.append(o.idnum)
            elif isinstance(o, DictionaryObject):
                todo.extend(o.values())
            elif isinstance(o, ArrayObject):
                todo.extend(o)
    return seen


@pytest.mark.parametrize("name", NAMES)
def test_blank_forms_are_lean(name):
    reader = PdfReader(FORMS / f"{name}.pdf", strict=True)
    assert set(reader.xref[0]) == _reachable(reader)  # no orphans
    form = fields(reader)
    for f in form.values():
        for w in f.widgets:
            assert "/P" not in w.annot and w.annot.get("/DV") != ""
            if f.kind == "text":  # empty: no appearance to replace (the shade is drawn on the page)
                assert "/AP" not in w.annot and "/MK" not in w.annot
            else:
                assert list(w.annot["/AP"]) == ["/N"]
    dr = reader.trailer["/Root"]["/AcroForm"]["/DR"]
    assert dr["/Font"]["/Helv"]["/Encoding"] == "/WinAnsiEncoding"
    fonts = [reader.get_object(n) for n in reader.xref[0]]
    assert sum(1 for o in fonts if isinstance(o, DictionaryObject) and o.get("/BaseFont") == "/Helvetica") <= 2


@pytest.mark.parametrize("name", NAMES)
def test_filled_forms_have_no_orphans_and_one_subset_per_font(name, context, tmp_path):
    pdf = fill_with_map(load_map(FORMS / f"{name}.map.yaml"), context)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert set(reader.xref[0]) == _reachable(reader)
    objs = [reader.get_object(n) for n in reader.xref[0]]
    fonts = [o["/BaseFont"] for o in objs if isinstance(o, DictionaryObject) and o.get("/Type") == "/Font"
             and o.get("/Subtype") == "/TrueType"]
    assert len(fonts) == len(set(fonts))  # the page's labels and the values: different subsets, different tags
    xobjects = [o for o in objs if isinstance(o, DictionaryObject) and o.get("/Subtype") == "/Form"
                and "/Font" in o.get("/Resources", {})]
    assert xobjects
    assert len({o.raw_get("/Resources").idnum for o in xobjects}) == 1  # one shared resources dictionary
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"] == False  # noqa: E712 (BooleanObject)
    embedded = [r for r in pdffonts(pdf, tmp_path) if "IPAex" in r[0] or "DejaVu" in r[0]]
    assert embedded and all(r[-5] == "yes" and r[-4] == "yes" and r[-3] == "yes" for r in embedded)
    assert fill_with_map(load_map(FORMS / f"{name}.map.yaml"), context) == pdf  # deterministic


def test_filling_a_filled_form_again_replaces_the_old_appearances(context, tmp_path):
    fmap = load_map(FORMS / "permit-application.map.yaml")
    first = fill_with_map(fmap, context)
    values, _ = evaluate(fmap, context)
    values = {**values, "name_ja": "山田 花子", "occupation": "研究員 / Researcher"}
    second = fill_acroform(first, values)
    reader = PdfReader(io.BytesIO(second), strict=True)
    assert set(reader.xref[0]) == _reachable(reader)
    assert len(reader.xref[0]) <= len(PdfReader(io.BytesIO(first)).xref[0]) + 2
    text = pdftotext(second, tmp_path)
    assert "山田 花子" in text and "研究員 / Researcher" in text
    assert "グエン ティ ラン" not in text and "Graduate student" not in text
    assert fields(reader)["name_ja"].attr("/V") == "山田 花子"
