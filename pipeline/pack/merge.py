"""pack.pdf: every PDF of a pack in one file, one bookmark per document, page labels per document."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle


def merge(parts: list[tuple[str, str, bytes]]) -> bytes:
    """parts: (bookmark title, page-label prefix, PDF bytes), in pack order.

    Pages are labelled '<prefix>1', '<prefix>2', … so a viewer shows which document a page belongs to.
    Form fields keep their own names; the merged file is for reading and printing, the single files
    are the ones to fill in and submit. No timestamps or random ids: same parts, same bytes."""
    writer = PdfWriter()
    for title, prefix, data in parts:
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        last = len(writer.pages) - 1
        if last < first:
            continue
        writer.add_outline_item(title=title, page_number=first)
        writer.set_page_label(first, last, style=PageLabelStyle.DECIMAL, prefix=prefix, start=1)
    writer.add_metadata({"/Title": "ceri pack", "/Producer": "ceri (pypdf)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
