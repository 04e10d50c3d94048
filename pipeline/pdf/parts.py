"""The objects of a PDF of plain shape, as bytes, ready to be copied into pack.pdf under new numbers.

pack.pdf merges every document of a pack. Parsing each part into objects and serialising them again
(pypdf's PdfWriter) cost more than drawing some of the documents. reportlab, ceri's form writer
(pipeline/pdf/objects) and pypdf all write one plain shape: a classic cross-reference table, every
object `N 0 obj … endobj` with a direct stream length, no object streams, no encryption, no updates.
Such a part's objects can be copied as they are, with only the numbers of their references changed.
A part of any other shape, or with anything this module does not expect (form fields to flatten, a
page tree with inherited attributes, a string it cannot tell from a reference), gives None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(rb"%PDF-(\d)\.(\d)")
_TRAILER = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF = re.compile(rb"xref\s+0 (\d+)\s+")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s*")
_REF_PATTERN = rb"(?<![\w.])(\d+) 0 R\b"
# a literal string, its parentheses escaped as every writer above writes them (none nested)
_STRING_PATTERN = rb"\((?:[^\\()]|\\.)*\)"
_REF = re.compile(_REF_PATTERN)
_STRING = re.compile(_STRING_PATTERN, re.S)
_TOKEN = re.compile(_STRING_PATTERN + b"|" + _REF_PATTERN, re.S)  # a string (left as it is) or a reference
_STREAM = re.compile(rb">>\s*stream\r?\n")
_PARENT = re.compile(rb"/Parent\s+\d+ 0 R")
_INHERITED = re.compile(rb"/(Resources|MediaBox|CropBox|Rotate)(?![A-Za-z])")
_TYPE = re.compile(rb"/Type\s*/(Pages?)(?![A-Za-z])")


@dataclass(frozen=True)
class Part:
    """A part's pages and every object they use, as bytes."""

    version: tuple[int, int]  # of the header: pack.pdf declares the highest of its parts'
    pages: list[int]  # the page objects, in order
    heads: dict[int, bytes]  # object → its dictionary (or whole body), where references are renumbered
    bodies: dict[int, bytes]  # object → everything between `N 0 obj` and `endobj`

    def objects(self, first: int, parent: int) -> tuple[list[bytes], list[int]]:
        """(`N 0 obj … endobj` of every object, numbered from first, pages first; the pages' new
        numbers). Each page gets /Parent parent: the page tree is pack.pdf's own."""
        order = self.pages + sorted(self.heads.keys() - set(self.pages))
        numbers = {n: first + i for i, n in enumerate(order)}
        out = []
        for n in order:
            head = _renumber(self.heads[n], numbers)
            if n in self.pages:
                head = head.replace(b"<<", b"<< /Parent %d 0 R" % parent, 1)
            body = self.bodies[n]
            out.append(b"%d 0 obj\n%s%s\nendobj\n" % (numbers[n], head, body[len(self.heads[n]):]))
        return out, [numbers[p] for p in self.pages]


def read_part(data: bytes) -> Part | None:
    """The part's pages and objects, or None when data is not of the plain shape (see the module)."""
    version = _VERSION.match(data)
    objects = _objects(data) if version else None
    if objects is None:
        return None
    tail = data[data.rfind(b"trailer"):]
    if b"/Encrypt" in tail or b"/Prev" in tail:
        return None
    heads = {n: _head(body) for n, body in objects.items()}
    root, info = _ref_after(tail, b"/Root"), _ref_after(tail, b"/Info")
    found = _pages(heads, _ref_after(heads.get(root, b""), b"/Pages"))
    if not found:
        return None
    tree, pages = found
    bare = {p: _PARENT.sub(b"", heads[p]) for p in pages}  # hung under pack.pdf's own page tree
    wanted = _reachable(heads, bare, forbidden={root, info, *tree})
    if wanted is None:
        return None
    copied = {n: bare.get(n, heads[n]) for n in wanted | set(pages)}
    if any(not _plain(head) or b"/Widget" in head for head in copied.values()):
        return None  # a string that could hide "1 0 R", or a form field to flatten: pypdf's work
    bodies = {n: bare[n] + objects[n][len(heads[n]):] if n in bare else objects[n] for n in copied}
    return Part((int(version.group(1)), int(version.group(2))), pages, copied, bodies)


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
    if not offsets:  # an incremental update's table (a signed certificate): not the plain shape
        return None
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


def _pages(heads: dict[int, bytes], node: int) -> tuple[set[int], list[int]] | None:
    """(the page tree's inner nodes, its pages in order), or None for a tree that is not plain: an
    attribute pages inherit (each page would need its own copy), or a node that is not a page."""
    tree: set[int] = set()
    pages: list[int] = []
    todo = [node]
    while todo:
        n = todo.pop()
        kind = _TYPE.search(heads.get(n, b""))
        if kind is None or n in tree or n in pages:
            return None
        if kind.group(1) == b"Page":
            pages.append(n)
            continue
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", heads[n])
        if kids is None or _INHERITED.search(heads[n]):
            return None
        tree.add(n)
        todo.extend(reversed([int(k) for k in _REF.findall(kids.group(1))]))
    return tree, pages


def _reachable(heads: dict[int, bytes], pages: dict[int, bytes], forbidden: set[int]) -> set[int] | None:
    """Every object the pages (number → dictionary without /Parent) use, the pages aside; None when
    one refers to the catalog, the page tree, the document information or nothing."""
    seen: set[int] = set()
    todo = [n for head in pages.values() for n in _refs(head)]
    while todo:
        n = todo.pop()
        if n in seen or n in pages:
            continue
        if n in forbidden or n not in heads:
            return None
        seen.add(n)
        todo.extend(_refs(heads[n]))
    return seen


def _refs(head: bytes) -> list[int]:
    """The objects head refers to (not text in its strings that reads like a reference)."""
    return [int(m.group(1)) for m in _TOKEN.finditer(head) if m.group(1) is not None]


def _plain(head: bytes) -> bool:
    """Whether every reference in head can be told from text: its literal strings escape their
    parentheses (no nesting), and nothing else in it is a parenthesis or a comment."""
    rest = _STRING.sub(b"", head)
    return not any(c in rest for c in (b"(", b")", b"%"))


def _renumber(head: bytes, numbers: dict[int, int]) -> bytes:
    return _TOKEN.sub(lambda m: m.group(0) if m.group(1) is None else b"%d 0 R" % numbers[int(m.group(1))],
                      head)
