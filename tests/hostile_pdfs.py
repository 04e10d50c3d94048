"""Hostile PDFs, built byte by byte (shared by tests/test_hostile_pdfs.py and benchmarks/bench_hostile.py).

Each builder returns the bytes of a small file that would make a careless reader allocate or loop far
beyond its size: ceri must refuse it (or read it) within bounds, with one message and exit 2."""

from __future__ import annotations

import zlib


def pdf(objects: dict[int, bytes], *, root: int = 1, size: int | None = None, tail: bytes = b"") -> bytes:
    """A PDF of these objects (number → body), with an xref table of one subsection per object."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num, body in sorted(objects.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for num, off in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (num, off)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        size if size is not None else max(objects) + 1, root, at)
    return bytes(out) + tail


def form(extra: dict[int, bytes] | None = None, *, catalog_extra: bytes = b"", field_extra: bytes = b"",
         size: int | None = None, tail: bytes = b"", name: bytes = b"name") -> bytes:
    """A one-page AcroForm with one text field `name` (object 4), plus extra objects."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /DA (/Helv 10 Tf 0 g) >> "
           + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
        4: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (" + name + b") /Rect [100 700 400 720] "
           b"/DA (/Helv 10 Tf 0 g) /P 3 0 R " + field_extra + b" >>",
    }
    objects.update(extra or {})
    return pdf(objects, size=size, tail=tail)


def huge_object_number() -> bytes:
    """One object numbered 999999999 (the issue's 2.5 KB form that built a 10⁹-row xref)."""
    return form({999_999_999: b"<< /Note (far away) >>"}, catalog_extra=b"/Extra 999999999 0 R")


def huge_xref_size() -> bytes:
    """A trailer claiming 999999999 objects."""
    return form(size=999_999_999)


def long_stream_length() -> bytes:
    """A stream claiming to be 2 GB long."""
    return form({5: b"<< /Length 2000000000 >>\nstream\nq Q\nendstream"}, catalog_extra=b"/X 5 0 R")


def deep_nesting(depth: int = 5000) -> bytes:
    """Arrays nested 5000 deep (a recursive parser runs out of stack)."""
    return form({5: b"[" * depth + b"]" * depth}, catalog_extra=b"/X 5 0 R")


def zip_bomb(decoded: int = 64 * 1024 * 1024) -> bytes:
    """An object stream that inflates to 64 MiB, holding the field's value (read when the field is)."""
    inner = b"(bomb)" + b" " * decoded
    packed = zlib.compress(b"6 0 " + inner, 9)
    stream = (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
              + packed + b"\nendstream")
    body = form({5: stream}, field_extra=b"/V 6 0 R", name=b"ceri_form")  # the field read-back reads first
    # object 6 lives in the object stream: only an xref stream can say so, so append an update
    xref_at = len(body)
    rows = b"\x01" + (body.index(b"5 0 obj")).to_bytes(4, "big") + b"\x00" + b"\x02" + (5).to_bytes(4, "big") + b"\x00"
    xs = (b"7 0 obj\n<< /Type /XRef /Size 8 /Root 1 0 R /Prev %d /W [1 4 1] /Index [5 2] /Length %d >>\nstream\n"
          % (body.rindex(b"\nxref\n") + 1, len(rows)) + rows + b"\nendstream\nendobj\n")
    return body + xs + b"startxref\n%d\n%%%%EOF\n" % xref_at


def broken_objects() -> bytes:
    """A form whose field and page objects are garbage (pypdf parses lazily: the error comes late)."""
    good = form()
    return good.replace(b"/Type /Annot /Subtype /Widget", b"/Type /Annot /Subtype /Widget /Rect [1 2 (", 1)


def dangling_field() -> bytes:
    """A field list pointing at objects that do not exist, and a page whose /Annots is a number."""
    return pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [40 0 R 41 0 R] >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots 7 >>",
    })


def many_fields(count: int = 5_000) -> bytes:
    """Five thousand widgets on one page."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] >> >>",
               2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"}
    annots = []
    for i in range(count):
        objects[10 + i] = b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (f%d) /Rect [0 0 10 10] >>" % i
        annots.append(b"%d 0 R" % (10 + i))
    objects[3] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [" + b" ".join(annots) + b"] >>"
    return pdf(objects)


def many_objects(count: int = 60_000) -> bytes:
    """Sixty thousand tiny objects (each costs the parser a header check on opening)."""
    return form({10 + i: b"%d" % i for i in range(count)})


def not_a_pdf() -> bytes:
    return b"PK\x03\x04 this is a zip, not a PDF" + b"\x00" * 100


CASES = {
    "huge-object-number": huge_object_number, "huge-xref-size": huge_xref_size,
    "long-stream-length": long_stream_length, "deep-nesting": deep_nesting, "zip-bomb": zip_bomb,
    "broken-objects": broken_objects, "dangling-field": dangling_field, "many-fields": many_fields,
    "many-objects": many_objects,
    "not-a-pdf": not_a_pdf,
}
