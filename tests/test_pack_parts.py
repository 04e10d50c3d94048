"""pack.pdf copies its parts' objects as bytes (pipeline/pdf/parts.py): the same pack as when pypdf
rewrites every part first, page for page; a part of another shape goes through pypdf."""

from __future__ import annotations

import io
import subprocess

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.pdf import merging as merge_module
from pipeline.pdf.merging import _file, merge
from pipeline.pdf.parts import read_part
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
    return merge(pieces), rewritten(pieces)


def rewritten(pieces: list[tuple[str, str, bytes]]) -> bytes:
    """pack.pdf with every part rewritten by pypdf before it is copied (the route of other shapes)."""
    originals = {id(data) for _, _, data in pieces}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge_module, "read_part", lambda data: None if id(data) in originals else read_part(data))
        return merge(pieces)


def test_every_reportlab_part_is_copied_as_bytes():
    for title, _, data in parts():
        assert read_part(data) is not None, title


def test_a_copied_pack_reads_and_looks_like_a_rewritten_one(both, tmp_path):
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


def test_copying_is_deterministic(both):
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
    assert read_part(data) is not None
    grafted = merge([("sealed", "s-", data)])
    parsed = rewritten([("sealed", "s-", data)])
    drawn = pngs(grafted, tmp_path, "grafted")
    assert drawn and drawn == pngs(parsed, tmp_path, "parsed")
    xobjects = reader(grafted).pages[0]["/Resources"]["/XObject"]
    assert any("/SMask" in x.get_object() for x in xobjects.values())


def by_hand(page: bytes, tree: bytes = b"") -> bytes:
    """A one-page PDF written object by object (catalog, page tree, page, information)."""
    return _file((1, 4), [b"%d 0 obj\n%s\nendobj\n" % (n, body) for n, body in enumerate([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [ 3 0 R ] /Count 1 %s >>" % tree,
        b"<< /Type /Page /Parent 2 0 R /Resources << >> %s >>" % page, b"<< /Producer (hand) >>"], 1)])


def test_a_link_is_copied_and_a_reference_in_a_string_is_left_alone():
    out = io.BytesIO()
    c = Canvas(out, invariant=1)
    c.drawString(72, 700, "link")
    c.linkURL("https://example.org/1 0 R (2 0 R)", (0, 0, 100, 100))
    c.showPage()
    c.save()
    data = out.getvalue()
    assert read_part(data) is not None
    page = reader(merge([("x", "x-", data)])).pages[0]
    assert page["/Annots"][0].get_object()["/A"]["/URI"] == "https://example.org/1 0 R (2 0 R)"


@pytest.mark.parametrize("kind", ["form", "object streams", "nested string", "inherited box"])
def test_other_shapes_go_through_pypdf(kind, tmp_path):
    if kind == "form":  # widgets to flatten
        data = (FORMS / "evaluation-form.pdf").read_bytes()
    elif kind == "object streams":  # a cross-reference stream: no table to read objects from
        (tmp_path / "in.pdf").write_bytes(two_pages())
        subprocess.run(["qpdf", "--object-streams=generate", str(tmp_path / "in.pdf"), str(tmp_path / "out.pdf")],
                       check=True)
        data = (tmp_path / "out.pdf").read_bytes()
    elif kind == "nested string":  # parentheses nested, not escaped: "3 0 R" inside is text
        data = by_hand(b"/MediaBox [ 0 0 200 200 ] /Note (a (3 0 R) b)")
    else:  # the page's size is on the page tree: the copy would lose it
        data = by_hand(b"", tree=b"/MediaBox [ 0 0 200 300 ]")
    assert read_part(data) is None
    merged = reader(merge([("x", "x-", data)]))  # the merge still takes it
    assert len(merged.pages) == len(reader(data).pages)
    if kind == "nested string":
        assert merged.pages[0]["/Note"] == "a (3 0 R) b"
    if kind == "inherited box":
        assert [float(v) for v in merged.pages[0].mediabox] == [0, 0, 200, 300]


def test_a_nested_page_tree_is_copied_in_page_order():
    """Pages under inner /Pages nodes (no attribute to inherit) keep their order."""
    pages = [b"<< /Type /Page /Parent %d 0 R /MediaBox [ 0 0 %d 100 ] /Resources << >> >>" % (parent, width)
             for parent, width in ((5, 101), (6, 102), (6, 103))]
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [ 5 0 R 6 0 R ] /Count 3 >>",
              pages[0], b"<< /Producer (hand) >>", b"<< /Type /Pages /Parent 2 0 R /Kids [ 3 0 R ] /Count 1 >>",
              b"<< /Type /Pages /Parent 2 0 R /Kids [ 7 0 R 8 0 R ] /Count 2 >>", pages[1], pages[2]]
    data = _file((1, 4), [b"%d 0 obj\n%s\nendobj\n" % (n, body) for n, body in enumerate(bodies, 1)])
    part = read_part(data)
    assert part is not None and part.pages == [3, 7, 8]
    merged = reader(merge([("x", "x-", data)]))
    assert [float(p.mediabox.width) for p in merged.pages] == [101, 102, 103]


def test_titles_and_labels_in_any_script_read_back():
    title = "在学証明書 / Certificate of Enrollment (ja+en) \\ ( )"
    merged = reader(merge([(title, "enrollment-certificate.ja+en-", two_pages()), ("two", "b (1)-", two_pages())]))
    assert [o.title for o in merged.outline] == [title, "two"]
    assert merged.page_labels == ["enrollment-certificate.ja+en-1", "enrollment-certificate.ja+en-2",
                                  "b (1)-1", "b (1)-2"]
    assert [merged.get_destination_page_number(o) for o in merged.outline] == [0, 2]
