"""Carry the pages of a PDF that reportlab wrote into a pypdf PdfWriter, its objects copied as bytes.

pack.pdf merges every document of a pack. pypdf parses every object of a part, clones it into the
writer and serialises it again: for the certificates and the checklist that was half of the merge.
reportlab writes one plain shape (a classic xref table, every object `N 0 obj … endobj` with direct
stream lengths, one flat page tree, no object streams, no encryption), so its objects can be copied as
they are with only their numbers changed. A part of any other shape, or with anything this module does
not expect (annotations, strings outside the document information), gives None, and the merge reads it
with pypdf as before.
"""

from __future__ import annotations

import io
import re

from pypdf import PageObject, PdfWriter
from pypdf.generic import DictionaryObject

from pipeline.renderers.form.pdfout import Raw

_MAGIC = b"ReportLab Generated PDF document"
_TRAILER = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF = re.compile(rb"xref\s+0 (\d+)\s+")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s*")
_REF = re.compile(rb"(?<![\d.])(\d+) 0 R\b")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_PARENT = re.compile(rb"/Parent\s+\d+ 0 R")


def graft(writer: PdfWriter, data: bytes) -> list[PageObject] | None:
    """The pages of data (objects already added to writer), ready for writer.add_page; None when
    data is not of reportlab's shape (nothing is added to writer then)."""
    if _MAGIC not in data[:100]:
        return None
    objects = _objects(data)
    if objects is None:
        return None
    heads = {n: _head(body) for n, body in objects.items()}
    tail = data[data.rfind(b"trailer"):]
    root, info = _ref_after(tail, b"/Root"), _ref_after(tail, b"/Info")
    tree = _ref_after(heads.get(root, b""), b"/Pages")
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", heads.get(tree, b""))
    if kids is None:
        return None
    pages = [int(n) for n in _REF.findall(kids.group(1))]
    if not pages or any(p not in heads or not _PAGE.search(heads[p]) or b"/Annots" in heads[p] for p in pages):
        return None  # not a page, or one with links or fields: leave it to pypdf
    bare = {p: _PARENT.sub(b"", heads[p]) for p in pages}  # rebuilt under the writer's page tree
    wanted = _reachable(heads, bare, skip={root, info, tree})
    if wanted is None or any(b"(" in heads[n] for n in [*wanted, *pages]):
        return None  # a string could hold "1 0 R" as text: renumbering must not touch it
    base = len(writer._objects) + 1  # the numbers writer will give, in this order
    numbers = {n: base + i for i, n in enumerate(sorted(wanted))}
    try:
        out = [PageObject(writer) for _ in pages]
        for page, p in zip(out, pages, strict=True):
            head = _renumber(bare[p], numbers)
            page.update(DictionaryObject.read_from_stream(io.BytesIO(head), writer))
    except Exception:  # noqa: BLE001 (pypdf's parse errors have several types; pypdf then reads it)
        return None
    for n, new in numbers.items():
        body = objects[n]
        added = writer._add_object(Raw(_renumber(heads[n], numbers) + body[len(heads[n]):]))
        if added.idnum != new:  # pypdf numbers objects in the order they are added; if that ever changes
            raise RuntimeError(f"pack.pdf: object {n} became {added.idnum}, not {new}")
    return out


def _objects(data: bytes) -> dict[int, bytes] | None:
    """Object number → the bytes between `N 0 obj` and `endobj`, from the xref table."""
    start = _TRAILER.search(data[-64:])
    if start is None:
        return None
    table = _XREF.match(data, int(start.group(1)))
    if table is None:
        return None
    offsets: dict[int, int] = {}
    at = table.end()
    for n in range(int(table.group(1))):
        entry = _ENTRY.match(data, at)
        if entry is None:
            return None
        at = entry.end()
        if entry.group(3) == b"n":
            if entry.group(2) != b"00000":
                return None
            offsets[n] = int(entry.group(1))
    starts = sorted(offsets.values())
    following = dict(zip(starts, [*starts[1:], int(start.group(1))], strict=True))  # where each object ends
    out = {}
    for n, offset in offsets.items():
        header = b"%d 0 obj" % n
        if not data.startswith(header, offset):
            return None
        end = data.rfind(b"endobj", offset, following[offset])
        if end < 0:
            return None
        out[n] = data[offset + len(header): end].strip(b"\r\n")
    return out


def _head(body: bytes) -> bytes:
    """An object's dictionary (or whole body), without its stream data."""
    stream = _STREAM.search(body)
    return body if stream is None else body[: stream.start() + 2]


def _ref_after(text: bytes, key: bytes) -> int:
    found = re.search(re.escape(key) + rb"\s+(\d+) 0 R", text)
    return int(found.group(1)) if found else -1


def _reachable(heads: dict[int, bytes], pages: dict[int, bytes], skip: set[int]) -> set[int] | None:
    """Every object the pages (number → dictionary without /Parent) use; the pages themselves are rebuilt,
    not copied."""
    seen: set[int] = set()
    todo = [int(n) for head in pages.values() for n in _REF.findall(head)]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        if n in skip or n in pages or n not in heads:
            return None  # something refers back up the tree, to a page, or to nothing
        seen.add(n)
        todo.extend(int(m) for m in _REF.findall(heads[n]))
    return seen


def _renumber(head: bytes, numbers: dict[int, int]) -> bytes:
    return _REF.sub(lambda m: b"%d 0 R" % numbers[int(m.group(1))], head)
