"""pack.pdf: every PDF of a pack in one file, one bookmark per document, page labels per document."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from pipeline.renderers.form.flatten import appearances


def merge(parts: list[tuple[str, str, bytes]]) -> bytes:
    """parts: (bookmark title, page-label prefix, PDF bytes), in pack order.

    Pages are labelled '<prefix>1', '<prefix>2', … so a viewer shows which document a page belongs to.
    pack.pdf is the copy for reading and printing: forms are flattened into it (what their fields show
    becomes page content), so it looks the same in every viewer and two forms' fields of the same name
    (every ceri form has a hidden `ceri_form`) cannot meet as one field. The single files are the ones to
    fill in and submit. No timestamps or random ids: same parts, same bytes."""
    writer = PdfWriter()
    for title, prefix, data in parts:
        first = len(writer.pages)
        for source in PdfReader(io.BytesIO(data)).pages:
            # widgets are never copied (cloning a form's field tree was most of the merge's time)
            page = writer.add_page(source, excluded_keys=["/Annots", "/B"])
            _burn(writer, page, source)
        last = len(writer.pages) - 1
        if last < first:
            continue
        writer.add_outline_item(title=title, page_number=first)
        writer.set_page_label(first, last, style=PageLabelStyle.DECIMAL, prefix=prefix, start=1)
    writer.add_metadata({"/Title": "ceri pack", "/Producer": "ceri (pypdf)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _burn(writer: PdfWriter, page: PageObject, source: PageObject) -> None:
    """Draw source's widget appearances into page (its copy in writer); keep its other annotations."""
    others = ArrayObject()
    ops: list[bytes] = []
    xobjects = DictionaryObject()
    for ref in source.get("/Annots") or []:
        if ref.get_object().get("/Subtype") != "/Widget":
            others.append(ref.get_object().clone(writer).indirect_reference)
    for n, (xobj, cm) in enumerate(appearances(source)):
        name = NameObject(f"/CeriFlat{n}")
        xobjects[name] = xobj.clone(writer).indirect_reference
        nums = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in cm)
        ops.append(f"q {nums} cm {name} Do Q\n".encode())
    if others:
        page[NameObject("/Annots")] = others
    if not ops:
        return
    res = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
    xo = DictionaryObject(res.get("/XObject", DictionaryObject()).get_object())
    xo.update(xobjects)
    res[NameObject("/XObject")] = xo
    page[NameObject("/Resources")] = res
    old = page.get_contents()
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + (old.get_data() if old is not None else b"") + b"\nQ\n" + b"".join(ops))
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
