"""pack.pdf copies reportlab's documents as bytes (pipeline/pack/graft.py): the same pack as pypdf's
parse-and-clone gives, page for page, and anything of another shape still goes through pypdf."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.pack import merge as merge_module
from pipeline.pack.graft import graft
from pipeline.pack.merge import merge
from pipeline.resources import FORMS
from tests.pdf_helpers import make, pdffonts, pdftotext, pngs, reader

STUDENT, INTERNSHIP = "23DB0012", "CERI-2026-001"


def two_pages() -> bytes:
    """A reportlab PDF of two pages sharing a font, drawn as ceri draws (fonts, invariant)."""
    out = io.BytesIO()
    c = Canvas(out, invariant=1)
    for n, text in enumerate(("一ページ目 first page", "二ページ目 second page ễ"), 1):
        x = 72.0
        for font, run in fonts.runs(text, "mincho"):
            c.setFont(font, 14)
            c.drawString(x, 700, run)
            x += fonts.width(run, 14)
        c.drawString(72, 680, f"page {n}")
        c.showPage()
    c.save()
    return out.getvalue()


def parts() -> list[tuple[str, str, bytes]]:
    docs = [(doc, make(doc, "ja+en", STUDENT, INTERNSHIP)) for doc in
            ("enrollment-certificate", "internship-certificate", "permit-checklist")]
    return [(doc, f"{n}-", data) for n, (doc, data) in enumerate([*docs, ("two pages", two_pages())])]


@pytest.fixture(scope="module")
def both() -> tuple[bytes, bytes]:
    pieces = parts()
    grafted = merge(pieces)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge_module, "graft", lambda writer, data: None)
        parsed = merge(pieces)
    return grafted, parsed


def test_every_reportlab_part_is_grafted():
    for title, _, data in parts():
        assert graft(PdfWriter(), data) is not None, title


def test_a_grafted_pack_reads_and_looks_like_a_parsed_one(both, tmp_path):
    grafted, parsed = both
    assert grafted != parsed  # not the same bytes (the objects are copied, not rewritten) …
    assert pdftotext(grafted, tmp_path) == pdftotext(parsed, tmp_path)  # … but the same text
    assert [row[:-2] for row in pdffonts(grafted, tmp_path)] == [row[:-2] for row in pdffonts(parsed, tmp_path)]
    a, b = pngs(grafted, tmp_path, "grafted"), pngs(parsed, tmp_path, "parsed")
    assert len(a) == len(b) == 5 and a == b  # drawn alike, page for page, pixel for pixel
    g, p = reader(grafted), reader(parsed)
    assert [o.title for o in g.outline] == [o.title for o in p.outline] == [t for t, _, _ in parts()]
    assert g.page_labels == p.page_labels == ["0-1", "1-1", "2-1", "3-1", "3-2"]
    check = subprocess.run(["qpdf", "--check", str(tmp_path / "grafted.pdf")], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout + check.stderr


def test_grafting_is_deterministic(both):
    assert merge(parts()) == both[0]


def test_a_certificate_with_a_seal_image_is_grafted_alike(tmp_path):
    """An institution's seal is an image with a soft mask: more objects to carry, drawn the same."""
    from PIL import Image, ImageDraw

    from tests.pdf_helpers import context

    png = tmp_path / "seal.png"
    img = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((4, 4, 116, 116), outline=(200, 30, 30, 255), width=8)
    img.save(png)
    ctx = context(STUDENT)
    ctx["institution"] = ctx["institution"].model_copy(update={"seal_image": str(png)})
    data = make("enrollment-certificate", "ja", STUDENT, ctx=ctx)
    assert graft(PdfWriter(), data) is not None
    grafted = merge([("sealed", "s-", data)])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge_module, "graft", lambda writer, data: None)
        parsed = merge([("sealed", "s-", data)])
    drawn = pngs(grafted, tmp_path, "grafted")
    assert drawn and drawn == pngs(parsed, tmp_path, "parsed")
    xobjects = reader(grafted).pages[0]["/Resources"]["/XObject"]
    assert any("/SMask" in x.get_object() for x in xobjects.values())


@pytest.mark.parametrize("kind", ["pypdf", "form", "link"])
def test_other_shapes_go_through_pypdf(kind):
    if kind == "pypdf":  # not reportlab's
        out = io.BytesIO()
        w = PdfWriter()
        w.add_blank_page(200, 200)
        w.write(out)
        data = out.getvalue()
    elif kind == "form":  # reportlab's, with widgets to flatten
        data = (FORMS / "evaluation-form.pdf").read_bytes()
    else:  # reportlab's, with a link annotation
        out = io.BytesIO()
        c = Canvas(out, invariant=1)
        c.linkURL("https://example.org/1 0 R", (0, 0, 100, 100))
        c.showPage()
        c.save()
        data = out.getvalue()
    writer = PdfWriter()
    before = len(writer._objects)
    assert graft(writer, data) is None
    assert len(writer._objects) == before  # nothing half-added
    assert len(reader(merge([("x", "x-", data)])).pages) == 1  # and the merge still takes it
