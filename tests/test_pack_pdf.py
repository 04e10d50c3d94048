"""pack.pdf with the real renderers: one reading copy, forms flattened, every value still found as text."""

from __future__ import annotations

import hashlib

import pytest

from pipeline import renderers
from pipeline.pdf import merging as merge_module
from pipeline.pdf.merging import merge
from pipeline.pdf.parts import read_part
from pipeline.renderers import RenderRequest
from tests.pdf_helpers import context, examples, make, pdffonts, pdftotext, pngs, reader

STUDENT, INTERNSHIP = "23DB0012", "CERI-2026-001"  # status of residence "Student": both forms apply
DOCS = ("enrollment-certificate", "permit-application", "evaluation-form")


def parts() -> list[tuple[str, str, bytes]]:
    return [(doc, f"{doc}.ja+en-", make(doc, "ja+en", STUDENT, INTERNSHIP)) for doc in DOCS]


def lines(pdf: bytes, tmp) -> list[str]:
    return [line.strip() for line in pdftotext(pdf, tmp).splitlines() if line.strip()]


def test_forms_are_flattened_into_the_merged_copy(tmp_path):
    pieces = parts()
    merged = merge(pieces)
    read = reader(merged)
    # two forms both carry a hidden 'ceri_form' field: merged as fields they would be one field with two
    # values; the reading copy has no fields at all, and no widgets
    assert "/AcroForm" not in read.trailer["/Root"]
    assert all(a.get_object()["/Subtype"] != "/Widget" for p in read.pages for a in p.get("/Annots") or [])
    assert [o.title for o in read.outline] == list(DOCS)
    assert len(read.pages) == sum(len(reader(d).pages) for _, _, d in pieces)
    # what the forms' fields show is now page content: the same text, and every typed value
    whole = pdftotext(merged, tmp_path)
    # whitespace aside: wrapped lines read on in raw order, comb fields' spaced letters in layout order
    flat = ["".join(pdftotext(merged, tmp_path, *option).split()) for option in ((), ("-layout",))]
    for doc, _, data in pieces[1:]:
        assert [line for line in lines(data, tmp_path) if line not in whole] == [], doc
        values = [str(f.get("/V")) for f in reader(data).get_fields().values()
                  if f.get("/FT") == "/Tx" and f.get("/V") and not str(f.get("/T", "")).startswith("ceri_")]
        assert len(values) >= 5
        assert [v for v in values if not any("".join(v.split()) in f for f in flat)] == [], doc
    rows = pdffonts(merged, tmp_path)
    assert any("IPAex" in row[0] for row in rows)
    for row in rows:  # every font, not only the Japanese ones (no unembedded Helvetica either)
        assert row[-5:-3] == ["yes", "yes"], row  # embedded subsets


def font_programs(pdf: bytes) -> dict[str, set[str]]:
    """Every embedded font of every page (and of the forms drawn on it): BaseFont → sha256s of its data."""
    found: dict[str, set[str]] = {}
    seen: set[int] = set()

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for f in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = f.get("/FontDescriptor")
                if descriptor is not None:
                    data = descriptor.get_object()["/FontFile2"].get_object().get_data()
                    found.setdefault(str(f["/BaseFont"]).lstrip("/"), set()).add(hashlib.sha256(data).hexdigest())
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.idnum not in seen:
                seen.add(xobject.idnum)
                walk(xobject.get_object().get("/Resources"))

    for page in reader(pdf).pages:
        walk(page.get("/Resources"))
    return found


def test_every_font_subset_in_the_merged_copy_has_a_name_of_its_own():
    """PDF 32000 §9.6.4: different subsets in one file have different tags. Each document names its
    subsets from their characters, so pack.pdf cannot hold two fonts AAAAAA+IPAexMincho."""
    programs = font_programs(merge(parts()))
    assert sum(len(v) for v in programs.values()) >= 4
    assert {name: v for name, v in programs.items() if len(v) > 1} == {}
    assert all(name[6] == "+" and name[:6].isupper() for name in programs)


def test_merge_is_deterministic():
    pieces = parts()
    assert merge(pieces) == merge(pieces)


def test_a_pack_puts_its_forms_into_pack_pdf_flattened(tmp_path):
    from datetime import date

    from pipeline.pack.build import PackOptions, render_documents

    # May 1: before the permit was granted (May 26), so the pack holds the permit application too
    files, entries = render_documents(examples(), STUDENT, INTERNSHIP, PackOptions(as_of=date(2026, 5, 1)), [])
    merged = reader(files["pack.pdf"])
    assert "/AcroForm" not in merged.trailer["/Root"]
    assert not any(p.get("/Annots") for p in merged.pages)
    whole = pdftotext(files["pack.pdf"], tmp_path)
    forms = [e["file"] for e in entries if e.get("status") == "present" and renderers.documents()[e["doc"]].fillable]
    assert sorted(forms) == ["evaluation-form.ja+en.pdf", "permit-application.ja+en.pdf"]
    for name in forms:  # the single files stay fillable, and pack.pdf shows what they show
        assert reader(files[name]).get_fields()
        text = lines(files[name], tmp_path)
        assert len(text) > 20 and [line for line in text if line not in whole] == []


def test_a_flattened_copy_made_after_its_fill_equals_one_made_afresh():
    """A pack fills each form, then asks for it flattened; the second render reuses the first's
    appearances. It must give the bytes a fresh flattened fill gives."""
    from pipeline.renderers.form import fill

    for doc in ("permit-application", "evaluation-form"):
        fill._recent.clear()
        fresh = make(doc, "ja+en", STUDENT, INTERNSHIP, options={"flatten": True})
        fillable = make(doc, "ja+en", STUDENT, INTERNSHIP)
        after = make(doc, "ja+en", STUDENT, INTERNSHIP, options={"flatten": True})
        assert after == fresh and fillable != fresh
        assert make(doc, "ja+en", STUDENT, INTERNSHIP) == fillable  # untouched by it
        fill._recent.clear()
        assert make(doc, "ja+en", STUDENT, INTERNSHIP) == fillable
        assert reader(fillable).get_fields() and not reader(after).get_fields()


@pytest.mark.parametrize("doc", ["permit-application", "evaluation-form"])
def test_a_flattened_form_is_copied_into_pack_pdf_as_bytes(doc, tmp_path):
    """The flattened form (pdfout's plain shape) is copied object for object, not rewritten by pypdf:
    the same reading copy as the pypdf route gives, pixel for pixel."""
    request = RenderRequest(doc, "ja+en", "pdf", context(STUDENT, INTERNSHIP))
    flat = renderers.render_flattened(request)
    assert read_part(flat) is not None  # the fast path, no fallback
    assert flat == make(doc, "ja+en", STUDENT, INTERNSHIP, options={"flatten": True})
    copied = merge([(doc, "x-", flat)])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge_module, "read_part", lambda data, _read=read_part: None if data is flat else _read(data))
        rewritten = merge([(doc, "x-", flat)])
    assert copied != rewritten
    assert len(reader(copied).pages) == len(reader(flat).pages)
    assert pdftotext(copied, tmp_path) == pdftotext(rewritten, tmp_path)
    drawn = pngs(copied, tmp_path, "copied")
    assert drawn and drawn == pngs(rewritten, tmp_path, "rewritten")  # drawn alike, pixel for pixel
    assert merge([(doc, "x-", renderers.render_flattened(request))]) == copied  # deterministic
