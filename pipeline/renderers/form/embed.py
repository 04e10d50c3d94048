"""Embedded TrueType subsets for appearance streams, written as PDF objects directly.

Drawing the appearances in a reportlab document and parsing that back with pypdf cost two thirds of a
fill; this writes the same objects reportlab would (a simple TrueType font per subset of at most 256
characters, with /Widths, a hint-stripped FontFile2 and a ToUnicode map, so text stays extractable),
straight into the PDF being filled.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import lru_cache

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont

from pipeline.fonts.lean import subset_tag, to_unicode_cmap
from pipeline.renderers.form.pdfout import Raw

Add = Callable[[PdfObject], IndirectObject]


SMALL = 512  # an appearance of a line or two: Flate would not make it smaller, and costs ~0.1 ms a stream


def stream(data: bytes, **entries: PdfObject) -> StreamObject:
    """A stream object holding data (Flate-compressed unless it is small)."""
    s = StreamObject()
    if len(data) >= SMALL:
        s[NameObject("/Filter")] = NameObject("/FlateDecode")
        data = zlib.compress(data)
    for key, value in entries.items():
        s[NameObject("/" + key)] = value
    s._data = data
    return s


def _width(v: float) -> bytes:
    return b"%d" % v if float(v).is_integer() else b"%.3f" % v


def num(v: float) -> NumberObject | FloatObject:
    return NumberObject(int(v)) if float(v).is_integer() else FloatObject(round(v, 3))


@lru_cache(maxsize=64)
def _font_file(name: str, chars: tuple[int, ...]) -> tuple[bytes, int]:
    """(compressed subset font, its length); cached: a batch often draws the same characters again.

    The subset is hint-stripped like every ceri PDF's (fonts.lean, applied when a font is registered)."""
    data = pdfmetrics.getFont(name).face.makeSubset(list(chars))
    return zlib.compress(data), len(data)


class _Face:
    """One font's characters in single-byte codes; code 0 is .notdef and 32 is always the space."""

    def __init__(self, name: str, add: Add):
        self.name = name
        self.font: TTFont = pdfmetrics.getFont(name)
        self.subsets: list[list[int]] = [[0] + [32] * 32]
        self.codes: dict[int, int] = {0: 0, 32: 32}
        self.next = 1
        self.refs: list[IndirectObject] = []
        self.dicts: list[DictionaryObject] = []
        self.add = add

    def code(self, ch: int) -> int:
        if ch == 0xA0:
            ch = 32
        n = self.codes.get(ch)
        if n is not None:
            return n
        if ch not in self.font.face.charToGlyph:
            return 0
        n = self.next
        if n & 0xFF == 32:  # keep 32 the space in every subset (word spacing, extraction)
            if n != 32:
                self.subsets[n >> 8].append(32)
            n += 1
        if n > 32 and not n & 0xFF:
            self.subsets.append([0])
            n += 1
        if n < 32:
            self.subsets[0][n] = ch
        else:
            self.subsets[n >> 8].append(ch)
        self.next = n + 1
        self.codes[ch] = n
        return n

    def encode(self, text: str) -> list[tuple[int, bytes]]:
        """(subset index, codes) runs of text."""
        out: list[tuple[int, bytearray]] = []
        for ch in map(ord, text):
            n = self.code(ch)
            if not out or out[-1][0] != n >> 8:
                out.append((n >> 8, bytearray()))
            out[-1][1].append(n & 0xFF)
        return [(k, bytes(b)) for k, b in out]

    def ref(self, index: int) -> IndirectObject:
        while len(self.refs) <= index:  # filled in by finish(), once every character is known
            self.dicts.append(DictionaryObject())
            self.refs.append(self.add(self.dicts[-1]))
        return self.refs[index]

    def finish(self) -> None:
        face = self.font.face
        flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        for index, chars in enumerate(self.subsets):
            if index >= len(self.refs):
                continue
            base = f"{subset_tag(self.name, chars)}+{face.name.decode('latin-1')}"
            data, length = _font_file(self.name, tuple(chars))
            font_file = stream(b"", Filter=NameObject("/FlateDecode"), Length1=NumberObject(length))
            font_file._data = data
            descriptor = DictionaryObject({
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): NameObject("/" + base),
                NameObject("/Flags"): NumberObject(flags),
                NameObject("/FontBBox"): ArrayObject(num(v) for v in face.bbox),
                NameObject("/ItalicAngle"): num(face.italicAngle),
                NameObject("/Ascent"): num(face.ascent),
                NameObject("/Descent"): num(face.descent),
                NameObject("/CapHeight"): num(face.capHeight),
                NameObject("/StemV"): num(face.stemV),
                NameObject("/MissingWidth"): num(face.defaultWidth),
                NameObject("/FontFile2"): self.add(font_file),
            })
            self.dicts[index].update({
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): NameObject("/" + base),
                NameObject("/FirstChar"): NumberObject(0),
                NameObject("/LastChar"): NumberObject(len(chars) - 1),
                NameObject("/Widths"): Raw(b"[" + b" ".join(_width(face.getCharWidth(c)) for c in chars) + b"]"),
                NameObject("/FontDescriptor"): self.add(descriptor),
                NameObject("/ToUnicode"): self.add(stream(to_unicode_cmap(base, chars).encode())),
            })


class Fonts:
    """Every font of one fill: text is encoded as it is laid out, the font objects are made at the end."""

    def __init__(self, add: Add):
        self.add = add
        self.faces: dict[str, _Face] = {}

    def encode(self, name: str, text: str) -> list[tuple[str, IndirectObject, bytes]]:
        """(resource name, font object, codes) runs that draw text in the font called name."""
        face = self.faces.get(name)
        if face is None:
            face = self.faces[name] = _Face(name, self.add)
        return [(f"/{name}+{k}", face.ref(k), codes) for k, codes in face.encode(text)]

    def finish(self) -> dict[str, IndirectObject]:
        """Write the font objects; returns them by resource name (for /AcroForm /DR)."""
        out = {}
        for name, face in self.faces.items():
            face.finish()
            out.update({f"/{name}+{k}": ref for k, ref in enumerate(face.refs)})
        return out
