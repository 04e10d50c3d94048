"""PDF objects as bytes: ceri's one object writer (pypdf objects in PDF syntax, a parsed PDF plus edits).

Write a PDF as a parsed template plus edits, copying the bytes of every object that did not change.

Filling a form changes a few dictionaries (field values, widget appearances, /AcroForm) and adds
appearance streams and fonts. Cloning the whole document into a pypdf PdfWriter and serialising it
again cost more than everything else, so a Template serialises each object once per process, and
an Edit writes only what it changed or added. Objects nothing refers to any more (a replaced
appearance, its font) are left out, so a filled form is no bigger than it needs to be.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

SMALL = 512  # an appearance of a line or two: Flate would not make it smaller, and costs ~0.1 ms a stream


def stream(data: bytes, **entries: PdfObject) -> StreamObject:
    """A stream object holding data (Flate-compressed unless it is small)."""
    s = StreamObject()
    if len(data) >= SMALL:
        s[NameObject("/Filter")] = NameObject("/FlateDecode")
        data = zlib.compress(data)
    for key, value in entries.items():
        s[NameObject("/" + key)] = value
    set_data(s, data)
    return s


def set_data(s: StreamObject, data: bytes) -> None:
    """Give s these bytes as they are to be written (already encoded): pypdf's set_data would encode them."""
    s._data = data


def stream_data(s: StreamObject) -> bytes:
    """A stream's bytes as they are written (encoded)."""
    return s._data


def num(v: float) -> NumberObject | FloatObject:
    return NumberObject(int(v)) if float(v).is_integer() else FloatObject(round(v, 3))


def add_object(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """obj as a new indirect object of writer (pypdf has no public call for an object outside a page)."""
    return writer._add_object(obj)


def catalog(writer: PdfWriter) -> DictionaryObject:
    """writer's document catalog (/Root), editable in place."""
    return writer._root_object


class NotIndirect(Exception):
    """An object to edit is not an indirect object (it cannot be replaced on its own)."""


CONTAINERS = (IndirectObject, DictionaryObject, ArrayObject)


def _refs(obj: PdfObject | None) -> set[int]:
    """The object numbers obj refers to (directly or inside nested arrays and dictionaries)."""
    out: set[int] = set()
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, IndirectObject):
            out.add(o.idnum)
        elif isinstance(o, DictionaryObject):  # streams included
            stack.extend(v for v in o.values() if isinstance(v, CONTAINERS))
        elif isinstance(o, ArrayObject):
            stack.extend(v for v in o if isinstance(v, CONTAINERS))
    return out


SAFE_NAME = re.compile("/[" + re.escape("".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "#()<>[]{}/%"))
                       + "]*")  # names written as they are; others need pypdf's #xx escapes
PLAIN = re.compile(rb"[ -~]*")


class Raw(PdfObject):
    """PDF syntax already written (a font's /Widths: hundreds of numbers need no objects each)."""

    def __init__(self, data: bytes):
        self.data = data

    def write_to_stream(self, stream: Any, encryption_key: Any = None) -> None:
        stream.write(self.data)

    def clone(self, pdf_dest: Any, force_duplicate: bool = False, ignore_fields: Any = ()) -> Raw:
        return self  # immutable: where pypdf would clone it (the fallback fill's PdfWriter), it can share it


def _string(obj: TextStringObject | ByteStringObject, out: list[bytes]) -> None:
    raw = obj.get_encoded_bytes() if isinstance(obj, TextStringObject) else bytes(obj)
    if PLAIN.fullmatch(raw):
        out.append(b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")")
    else:  # UTF-16 text: hex is half the size of pypdf's octal escapes
        out.append(b"<" + raw.hex().encode() + b">")


_NAMES: dict[str, bytes] = {}  # a fill writes the same few dozen names hundreds of times


def _name(obj: NameObject, out: list[bytes]) -> None:
    raw = _NAMES.get(obj)
    if raw is None:
        raw = obj.encode("ascii") if SAFE_NAME.fullmatch(obj) else obj.renumber()
        if len(_NAMES) < 4096:
            _NAMES[str(obj)] = raw
    out.append(raw)


def _array(obj: ArrayObject, out: list[bytes]) -> None:
    out.append(b"[")
    for item in obj:
        out.append(b" ")
        _dump(item, out)
    out.append(b" ]")


def _dict(obj: DictionaryObject, out: list[bytes]) -> None:
    data = stream_data(obj) if isinstance(obj, StreamObject) else None
    out.append(b"<<")
    for key, value in obj.items():
        if data is not None and key == "/Length":
            continue
        out.append(b"\n")
        _name(key, out)
        out.append(b" ")
        _dump(value, out)
    if data is not None:
        out.append(b"\n/Length %d\n>>\nstream\n" % len(data) + data + b"\nendstream")
    else:
        out.append(b"\n>>")


WRITERS: dict[type, Callable[[Any, list[bytes]], None]] = {
    IndirectObject: lambda o, out: out.append(b"%d %d R" % (o.idnum, o.generation)),
    NameObject: _name,
    NumberObject: lambda o, out: out.append(b"%d" % o),
    FloatObject: lambda o, out: out.append(o.myrepr().encode()),
    BooleanObject: lambda o, out: out.append(b"true" if o.value else b"false"),
    NullObject: lambda o, out: out.append(b"null"),
    TextStringObject: _string,
    ByteStringObject: _string,
    ArrayObject: _array,
    DictionaryObject: _dict,
    StreamObject: _dict,
    EncodedStreamObject: _dict,
    DecodedStreamObject: _dict,
    Raw: lambda o, out: out.append(o.data),
}


def _dump(obj: PdfObject | None, out: list[bytes]) -> None:
    """obj in PDF syntax (as pypdf writes it, but without its per-character loops: a fill writes
    thousands of names and numbers)."""
    write = WRITERS.get(type(obj))
    if write is not None:
        write(obj, out)
    elif obj is None:
        out.append(b"null")
    else:  # a subclass, or anything else pypdf knows how to write
        base = next((t for t in WRITERS if isinstance(obj, t) and t is not Raw), None)
        if base is not None and base not in (TextStringObject, ByteStringObject):
            WRITERS[base](obj, out)
        else:
            buf = io.BytesIO()
            obj.write_to_stream(buf)
            out.append(buf.getvalue())


def _serialise(num: int, obj: PdfObject | None, gen: int = 0) -> bytes:
    out = [b"%d %d obj\n" % (num, gen)]
    _dump(obj, out)
    out.append(b"\nendobj\n")
    return b"".join(out)


@dataclass
class Template:
    """A parsed PDF with every object reachable from the trailer serialised once."""

    reader: PdfReader
    header: bytes
    body: dict[int, bytes]  # object number → "N G obj … endobj"
    gens: dict[int, int]
    refs: dict[int, set[int]]
    roots: dict[str, int]  # trailer /Root and /Info
    first_id: bytes

    @property
    def size(self) -> int:
        return max(self.body, default=0) + 1


def template(reader: PdfReader) -> Template:
    trailer = reader.trailer
    roots = {k: trailer.raw_get(k).idnum for k in ("/Root", "/Info")
             if isinstance(trailer.raw_get(k) if k in trailer else None, IndirectObject)}
    body: dict[int, bytes] = {}
    gens: dict[int, int] = {}
    refs: dict[int, set[int]] = {}
    stack = list(roots.values())
    while stack:
        num = stack.pop()
        if num in body:
            continue
        gen = gens[num] = _generation(reader, num)
        obj = reader.get_object(IndirectObject(num, gen, reader))
        body[num] = _serialise(num, obj, gen)
        refs[num] = _refs(obj)
        stack.extend(refs[num] - body.keys())
    ids = trailer.get("/ID")
    first = bytes(ids[0].get_object().original_bytes) if isinstance(ids, ArrayObject) and ids else b""
    return Template(reader, reader.pdf_header.encode("latin-1"), body, gens, refs, roots, first)


def _generation(reader: PdfReader, num: int) -> int:
    for gen, table in reader.xref.items():
        if num in table:
            return gen
    return 0


@dataclass
class Edit:
    """Copy-on-write changes to a Template's objects, plus new objects; write() gives the new PDF."""

    base: Template
    changed: dict[int, PdfObject] = field(default_factory=dict)
    added: dict[int, PdfObject] = field(default_factory=dict)
    next_num: int = 0
    # added objects as written, shared with copies (which share the objects, read-only): a flattened
    # copy of a fill writes the fill's appearance streams and fonts again. Keyed by number, checked by
    # identity (two copies may each add another object under the same number).
    written: dict[int, tuple[PdfObject, bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.next_num = max(self.next_num, self.base.size)

    def copy(self) -> Edit:
        """An independent Edit with the same changes so far (edited dictionaries copied one level
        deep, which is as deep as own() and sub() hand them out; added objects are shared, read-only)."""
        return Edit(self.base, {n: DictionaryObject(d) for n, d in self.changed.items()}, dict(self.added),
                    self.next_num, self.written)

    @property
    def root(self) -> DictionaryObject:
        return self.own(self.base.reader.trailer["/Root"])

    def own(self, obj: PdfObject) -> DictionaryObject:
        """A private, editable copy of an indirect dictionary of the template (the same copy each time)."""
        ref = obj.indirect_reference if not isinstance(obj, IndirectObject) else obj
        if ref is None:
            raise NotIndirect
        num = ref.idnum
        if num in self.added:
            self.written.pop(num, None)  # handed out to be changed: write it afresh
            return self.added[num]
        if num not in self.changed:
            self.changed[num] = DictionaryObject(ref.get_object())
        return self.changed[num]

    def get(self, obj: PdfObject | None) -> PdfObject | None:
        """obj as this edit has it: a reference resolved to the changed, added or template object."""
        if not isinstance(obj, IndirectObject):
            return obj
        num = obj.idnum
        if num in self.changed:
            return self.changed[num]
        if num in self.added:
            return self.added[num]
        return obj.get_object()

    def sub(self, parent: DictionaryObject, key: str) -> DictionaryObject:
        """An editable dictionary parent[key] (created when absent), whether it is direct or indirect."""
        raw = parent.raw_get(key) if key in parent else None
        if isinstance(raw, IndirectObject):
            return self.own(raw)
        copy = DictionaryObject(raw or {})
        parent[NameObject(key)] = copy
        return copy

    def add(self, obj: PdfObject) -> IndirectObject:
        num = self.next_num
        self.next_num += 1
        self.added[num] = obj
        return IndirectObject(num, 0, self.base.reader)

    def _bytes(self, num: int) -> bytes:
        """Object num as written: the template's bytes, or serialised (once, for an added object)."""
        if num in self.changed:
            return _serialise(num, self.changed[num], self.base.gens.get(num, 0))
        obj = self.added.get(num)
        if obj is None:
            return self.base.body[num]
        done = self.written.get(num)
        if done is None or done[0] is not obj:
            done = self.written[num] = (obj, _serialise(num, obj))
        return done[1]

    def write(self) -> bytes:
        base = self.base
        reach: set[int] = set()
        stack = list(base.roots.values())
        while stack:
            num = stack.pop()
            if num in reach:
                continue
            obj = self.changed.get(num, self.added.get(num))
            if obj is not None:
                out = _refs(obj)
            elif num in base.body:
                out = base.refs[num]
            else:
                continue  # a dangling reference: a reader sees null, as in the template
            reach.add(num)
            stack.extend(out - reach)
        parts = [base.header, b"\n%\xe2\xe3\xcf\xd3\n"]
        offsets: dict[int, int] = {}
        pos = sum(map(len, parts))
        for num in sorted(reach):
            data = self._bytes(num)
            offsets[num] = pos
            parts.append(data)
            pos += len(data)
        size = max(reach) + 1
        nums = [0, *sorted(reach)]
        runs = [(0, size - 1)] if size <= 4 * len(nums) + 4096 else _runs(nums)  # one table, as readers of
        xref = [b"xref\n"] + [_subsection(run, offsets, base.gens) for run in runs]  # the plain shape expect
        digest = hashlib.md5(b"".join(parts)).digest()  # noqa: S324 (an identifier, not security)
        first = base.first_id or digest
        trailer = DictionaryObject()
        trailer[NameObject("/Size")] = NumberObject(size)
        for key, num in base.roots.items():
            trailer[NameObject(key)] = IndirectObject(num, base.gens.get(num, 0), base.reader)
        trailer[NameObject("/ID")] = ArrayObject([ByteStringObject(first), ByteStringObject(digest)])
        out: list[bytes] = []
        _dump(trailer, out)
        tail = b"trailer\n" + b"".join(out) + f"\nstartxref\n{pos}\n%%EOF\n".encode()
        return b"".join(parts) + b"".join(xref) + tail


GAP = 64  # in a sparse file, free numbers written as free entries; a longer gap starts a new subsection


def _runs(nums: list[int]) -> list[tuple[int, int]]:
    """(first, last) of the xref subsections for these sorted object numbers, a new one where numbers
    jump (a form from outside may number an object 999999999; listing every free number up to it would
    take gigabytes). Files numbered 1, 2, 3… with small gaps keep one table (pdf.parts reads those)."""
    runs = [[nums[0], nums[0]]]
    for n in nums[1:]:
        if n - runs[-1][1] > GAP:
            runs.append([n, n])
        else:
            runs[-1][1] = n
    return [(a, b) for a, b in runs]


def _subsection(run: tuple[int, int], offsets: dict[int, int], gens: dict[int, int]) -> bytes:
    first, last = run
    rows = [f"{first} {last - first + 1}\n".encode()]
    for n in range(first, last + 1):
        if n == 0:
            rows.append(b"0000000000 65535 f \n")
        elif n in offsets:
            rows.append(f"{offsets[n]:010d} {gens.get(n, 0):05d} n \n".encode())
        else:
            rows.append(b"0000000000 00000 f \n")
    return b"".join(rows)
