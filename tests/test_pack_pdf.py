"""pack.pdf with the real renderers: one reading copy, forms flattened, every value still found as text."""

from __future__ import annotations

import io
import subprocess
from datetime import date

from pypdf import PdfReader

from pipeline import renderers
from pipeline.context import build_context
from pipeline.pack.merge import merge
from pipeline.records import load
from pipeline.renderers import RenderRequest
from tests.helpers import EXAMPLES

STUDENT, INTERNSHIP = "23DB0012", "CERI-2026-001"  # status of residence "Student": both forms apply
DOCS = ("enrollment-certificate", "permit-application", "evaluation-form")


def parts() -> list[tuple[str, str, bytes]]:
    records = load([EXAMPLES])
    context = build_context(records, STUDENT, INTERNSHIP, as_of=date(2026, 6, 1))
    return [(doc, f"{doc}.ja+en-", renderers.render(RenderRequest(doc, "ja+en", "pdf", context))) for doc in DOCS]


def text(path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_forms_are_flattened_into_the_merged_copy(tmp_path):
    pieces = parts()
    merged = tmp_path / "pack.pdf"
    merged.write_bytes(merge(pieces))
    reader = PdfReader(merged)
    # two forms both carry a hidden 'ceri_form' field: merged as fields they would be one field with two
    # values; the reading copy has no fields at all, and no widgets
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert all(a.get_object()["/Subtype"] != "/Widget" for p in reader.pages for a in p.get("/Annots") or [])
    assert [o.title for o in reader.outline] == list(DOCS)
    assert len(reader.pages) == sum(len(PdfReader(io.BytesIO(d)).pages) for _, _, d in pieces)
    # what the forms' fields show is now page content: the same text, and every typed value
    whole = text(merged)
    for doc, _, data in pieces[1:]:
        single = tmp_path / f"{doc}.pdf"
        single.write_bytes(data)
        lines = [line.strip() for line in text(single).splitlines() if line.strip()]
        assert [line for line in lines if line not in whole] == [], doc
        values = [str(f.get("/V")) for f in PdfReader(single).get_fields().values()
                  if f.get("/FT") == "/Tx" and f.get("/V") and not str(f.get("/T", "")).startswith("ceri_")]
        assert len(values) >= 5
        # whitespace aside: wrapped lines read on in raw order, comb fields' spaced letters in layout order
        flat = ["".join(text(merged, *option).split()) for option in ((), ("-layout",))]
        assert [v for v in values if not any("".join(v.split()) in f for f in flat)] == [], doc
    fonts = subprocess.run(["pdffonts", str(merged)], capture_output=True, text=True, check=True).stdout
    for line in fonts.splitlines()[2:]:
        if "IPA" in line:
            assert line.split()[-5:-3] == ["yes", "yes"], line  # embedded subsets


def test_merge_is_deterministic():
    pieces = parts()
    assert merge(pieces) == merge(pieces)


def test_a_pack_puts_its_forms_into_pack_pdf_flattened(tmp_path):
    from pipeline.pack.build import PackOptions, render_documents

    records = load([EXAMPLES])
    files, entries = render_documents(records, STUDENT, INTERNSHIP, PackOptions(as_of=date(2026, 6, 1)), [])
    merged = PdfReader(io.BytesIO(files["pack.pdf"]))
    assert "/AcroForm" not in merged.trailer["/Root"]
    assert not any(p.get("/Annots") for p in merged.pages)
    (tmp_path / "pack.pdf").write_bytes(files["pack.pdf"])
    whole = text(tmp_path / "pack.pdf")
    forms = [e["file"] for e in entries if e.get("status") == "present" and renderers.documents()[e["doc"]].fillable]
    assert sorted(forms) == ["evaluation-form.ja+en.pdf", "permit-application.ja+en.pdf"]
    for name in forms:  # the single files stay fillable, and pack.pdf shows what they show
        assert PdfReader(io.BytesIO(files[name])).get_fields()
        (tmp_path / name).write_bytes(files[name])
        lines = [line.strip() for line in text(tmp_path / name).splitlines() if line.strip()]
        assert len(lines) > 20 and [line for line in lines if line not in whole] == []


def test_a_flattened_copy_made_after_its_fill_equals_one_made_afresh():
    """A pack fills each form, then asks for it flattened; the second render reuses the first's
    appearances. It must give the bytes a fresh flattened fill gives."""
    from pipeline.renderers.form import fill

    records = load([EXAMPLES])
    context = build_context(records, STUDENT, INTERNSHIP, as_of=date(2026, 6, 1))
    for doc in ("permit-application", "evaluation-form"):
        fill._recent.clear()
        fresh = renderers.render(RenderRequest(doc, "ja+en", "pdf", context, options={"flatten": True}))
        fillable = renderers.render(RenderRequest(doc, "ja+en", "pdf", context))
        after = renderers.render(RenderRequest(doc, "ja+en", "pdf", context, options={"flatten": True}))
        assert after == fresh and fillable != fresh
        assert renderers.render(RenderRequest(doc, "ja+en", "pdf", context)) == fillable  # untouched by it
        fill._recent.clear()
        assert renderers.render(RenderRequest(doc, "ja+en", "pdf", context)) == fillable
        assert PdfReader(io.BytesIO(fillable)).get_fields() and not PdfReader(io.BytesIO(after)).get_fields()
