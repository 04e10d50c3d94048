"""ceri's one merger: pack.pdf, every PDF of a pack in one file, one bookmark and page labels per document.

The parts' objects are copied as bytes (parts.py) and pack.pdf's own catalog, page tree,
outline and page labels are written around them. A part of another shape is first rewritten by pypdf
(its form fields burnt into its pages), then copied the same way.
"""

from __future__ import annotations

import hashlib
import io

from pypdf import PageObject, PdfReader, PdfWriter

from pipeline.pdf.flattening import appearances, flatten_page, others
from pipeline.pdf.objects import add_object
from pipeline.pdf.parts import read_part

CATALOG, PAGES, OUTLINES, INFO = 1, 2, 3, 4  # pack.pdf's own objects; the parts' follow
FIRST = INFO + 1


def merge(parts: list[tuple[str, str, bytes]], attachments: list[tuple[str, bytes]] = ()) -> bytes:
    """parts: (bookmark title, page-label prefix, PDF bytes), in pack order.

    Pages are labelled '<prefix>1', '<prefix>2', … so a viewer shows which document a page belongs to.
    pack.pdf is the copy for reading and printing: forms are flattened into it (what their fields show
    becomes page content), so it looks the same in every viewer and two forms' fields of the same name
    (every ceri form has a hidden `ceri_form`) cannot meet as one field. The single files are the ones to
    fill in and submit. No timestamps or random ids: same parts, same bytes.

    attachments: (file name, bytes) embedded whole (the signed certificates: a signature cannot survive
    being merged, so pack.pdf carries the signed files byte for byte, as PDF attachments)."""
    body: list[bytes] = []
    kids: list[int] = []
    marks: list[tuple[str, int]] = []  # (title, first page object) of each part with pages
    labels: list[bytes] = []
    version = (1, 4)
    for title, prefix, data in parts:
        part = read_part(data) or read_part(_rewritten(data))
        if part is None:
            raise RuntimeError(f"pack.pdf: the PDF of '{title}' cannot be merged")
        if not part.pages:
            continue
        version = max(version, part.version)
        objects, pages = part.objects(FIRST + len(body), PAGES)
        body += objects
        labels.append(b"%d << /S /D /P %s >>" % (len(kids), _text(prefix)))
        marks.append((title, pages[0]))
        kids += pages
    first_item = FIRST + len(body)
    for i, (title, page) in enumerate(marks):
        links = b"".join(b" /%s %d 0 R" % (key, first_item + j) for key, j in ((b"Prev", i - 1), (b"Next", i + 1))
                         if 0 <= j < len(marks))
        body.append(b"%d 0 obj\n<< /Title %s /Parent %d 0 R%s /Dest [ %d 0 R /Fit ] >>\nendobj\n"
                    % (first_item + i, _text(title), OUTLINES, links, page))
    names = b""
    if attachments:
        specs = []
        for name, data in sorted(attachments):
            stream, spec = FIRST + len(body), FIRST + len(body) + 1
            body.append(b"%d 0 obj\n<< /Type /EmbeddedFile /Subtype /application#2Fpdf /Length %d >>\nstream\n%s"
                        b"\nendstream\nendobj\n" % (stream, len(data), data))
            body.append(b"%d 0 obj\n<< /Type /Filespec /F %s /UF %s /EF << /F %d 0 R >> /AFRelationship /Source >>"
                        b"\nendobj\n" % (spec, _text(name), _text(name), stream))
            specs.append(b"%s %d 0 R" % (_text(name), spec))
        names = b" /Names << /EmbeddedFiles << /Names [ %s ] >> >>" % b" ".join(specs)
    outline = (b"<< /Type /Outlines /Count %d /First %d 0 R /Last %d 0 R >>"
               % (len(marks), first_item, first_item + len(marks) - 1) if marks else b"<< /Type /Outlines /Count 0 >>")
    own = [
        b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines /PageLabels << /Nums [ %s ] >>%s >>"
        % (PAGES, OUTLINES, b" ".join(labels), names),
        b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)),
        outline,
        b"<< /Title (ceri pack) /Producer (ceri) >>",
    ]
    body[:0] = [b"%d 0 obj\n%s\nendobj\n" % (CATALOG + i, obj) for i, obj in enumerate(own)]
    return _file(version, body)


def _file(version: tuple[int, int], objects: list[bytes]) -> bytes:
    """A PDF of objects 1, 2, … in order, with its cross-reference table and trailer."""
    head = b"%%PDF-%d.%d\n%%\xe2\xe3\xcf\xd3\n" % version
    offsets, at = [], len(head)
    for obj in objects:
        offsets.append(at)
        at += len(obj)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)]
    xref += [b"%010d 00000 n \n" % offset for offset in offsets]
    whole = head + b"".join(objects)
    digest = hashlib.md5(whole).hexdigest().encode()  # noqa: S324 (an identifier, not security)
    trailer = (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [ <%s> <%s> ] >>\nstartxref\n%d\n%%%%EOF\n"
               % (len(objects) + 1, CATALOG, INFO, digest, digest, at))
    return whole + b"".join(xref) + trailer


def _text(text: str) -> bytes:
    """A PDF text string: as it is when plain ASCII, else UTF-16 with its byte order mark."""
    if text.isascii() and text.isprintable():
        return b"(" + text.encode().replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def _rewritten(data: bytes) -> bytes:
    """The part as pypdf writes it (the plain shape), its form fields burnt into its pages."""
    writer = PdfWriter()
    for source in PdfReader(io.BytesIO(data)).pages:
        # widgets are never copied (cloning a form's field tree was most of the merge's time)
        page = writer.add_page(source, excluded_keys=["/Annots", "/B"])
        _burn(writer, page, source)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _burn(writer: PdfWriter, page: PageObject, source: PageObject) -> None:
    """Draw source's widget appearances into page (its copy in writer); keep its other annotations."""
    flatten_page(page, appearances(source), others(source), lambda obj: add_object(writer, obj),
                 carry=lambda ref: ref.get_object().clone(writer).indirect_reference)
