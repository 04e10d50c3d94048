"""pack.pdf: every PDF of a pack in one file, one bookmark per document, page labels per document."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle

from pipeline.pack.graft import graft
from pipeline.renderers.form.flatten import appearances, flatten_page, others

Part = bytes | list[PageObject]  # a PDF, or the pages a renderer built (pypdf objects: no re-parsing)


def merge(parts: list[tuple[str, str, Part]]) -> bytes:
    """parts: (bookmark title, page-label prefix, PDF bytes or pages), in pack order.

    Pages are labelled '<prefix>1', '<prefix>2', … so a viewer shows which document a page belongs to.
    pack.pdf is the copy for reading and printing: forms are flattened into it (what their fields show
    becomes page content), so it looks the same in every viewer and two forms' fields of the same name
    (every ceri form has a hidden `ceri_form`) cannot meet as one field. The single files are the ones to
    fill in and submit. No timestamps or random ids: same parts, same bytes."""
    writer = PdfWriter()
    for title, prefix, data in parts:
        first = len(writer.pages)
        grafted = graft(writer, data) if isinstance(data, bytes) else None
        if grafted is not None:  # reportlab's documents: objects copied as bytes (no widgets to burn)
            for page in grafted:
                writer.add_page(page)
        else:
            pages = PdfReader(io.BytesIO(data)).pages if isinstance(data, bytes) else data
            for source in pages:
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
    flatten_page(page, appearances(source), others(source), writer._add_object,
                 carry=lambda ref: ref.get_object().clone(writer).indirect_reference)
