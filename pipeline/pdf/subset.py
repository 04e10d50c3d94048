"""ceri's one font embedder: lean TrueType subsets, for every PDF ceri draws (documents, forms, form
appearances), written into a reportlab document (add_objects, make_lean) or as pypdf objects (Fonts).

Two things make reportlab's TrueType subsets of IPAex large: every subset 0 carries all of ASCII
("ascii readable"), and each glyph keeps its hinting instructions (about 45 % of IPAex glyph data), which
truetype.strip_hinting drops. Text extraction is unaffected: every subset has a ToUnicode map, in UTF-16
also beyond U+FFFF (to_unicode_cmap).

Each subset is named by a tag made from its characters, and a subset embedded once is kept, formatted, for
the next document that embeds the same one (add_objects): with the fixed wording of a document preset into
subsets of its own (preset), a batch builds and compresses those once per process, not once per document.
Form appearances are not drawn in a reportlab document (parsing that back cost two thirds of a fill): Fonts
writes the same objects, from the same cache of formatted subsets (_embed), straight into the PDF being filled.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, PdfObject
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from pipeline.pdf.objects import Raw, num
from pipeline.pdf.truetype import strip_hinting

Add = Callable[[PdfObject], IndirectObject]


def flags(face: ttfonts.TTFontFace) -> int:
    """The /Flags of a subset's descriptor: symbolic, as its codes are not a standard encoding."""
    return (face.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC


def to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap of a subset, with each character written in UTF-16 as PDF 32000
    §9.10.3 asks: reportlab writes the code point in hex, which for a character beyond U+FFFF (the 𠮷
    of 𠮷田, from IPAmj) is five digits that a reader takes as another character. Characters of the
    Basic Multilingual Plane come out as reportlab writes them."""
    cmap = ttfonts.makeToUnicodeCMap(font_name, subset)
    if all(code <= 0xFFFF for code in subset):
        return cmap
    lines = cmap.split("\n")
    first = lines.index(f"{len(subset)} beginbfchar") + 1  # then one line a character, in code order
    lines[first: first + len(subset)] = [f"<{n:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
                                         for n, code in enumerate(subset)]
    return "\n".join(lines)


def subset_tag(name: str, chars: list[int]) -> str:
    """A subset tag (six capitals) from the subset's characters: different subsets get different tags,
    as PDF 32000 §9.6.4 asks of one file, even once pack.pdf has merged several documents."""
    digest = hashlib.md5(f"{name}:{chars}".encode()).digest()  # noqa: S324 (a name, not security)
    return "".join(chr(65 + b % 26) for b in digest[:6])


class _Formatted(pdfdoc.PDFObject):
    """A PDF object formatted once (a font program, a ToUnicode map, a widths array), written as is."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document) -> bytes:
        return self.data


@dataclass(frozen=True)
class _Embedded:
    """One subset of a font as a document embeds it: everything but its object numbers."""

    base_font: str
    font_file: bytes  # the FontFile2 stream, formatted
    to_unicode: bytes  # the ToUnicode stream, formatted
    widths: bytes  # the Widths array, formatted


# Subsets already embedded in this process, by font and characters (their order is their codes). The
# fixed wording of a document kind gets a subset of its own (pipeline/renderers/pdf/text.Pen), so most
# documents of a batch embed one subset made before: copying it saves building and compressing it again.
CACHE_SIZE = 64
_embedded: OrderedDict[tuple[str, tuple[int, ...], bool], _Embedded] = OrderedDict()


def _embed(font: TTFont, subset: list[int], doc) -> _Embedded:
    key = (font.fontName, tuple(subset), bool(doc.compression))  # compressed streams or not
    hit = _embedded.get(key) if CACHE_SIZE else None
    if hit is not None:
        _embedded.move_to_end(key)
        return hit
    face = font.face
    base_font = (subset_tag(font.fontName, subset).encode() + b"+" + face.name + face.subfontNameX).decode("pdfdoc")
    font_file = pdfdoc.PDFStream(content=face.makeSubset(subset))
    font_file.dictionary["Length1"] = len(font_file.content)
    to_unicode = pdfdoc.PDFStream(content=to_unicode_cmap(base_font, subset))
    if doc.compression:
        font_file.filters = to_unicode.filters = [pdfdoc.PDFZCompress]
    widths = pdfdoc.PDFArray([face.getCharWidth(code) for code in subset])
    made = _Embedded(base_font, font_file.format(doc), to_unicode.format(doc), widths.format(doc))
    if CACHE_SIZE:
        _embedded[key] = made
        if len(_embedded) > CACHE_SIZE:
            _embedded.popitem(last=False)
    return made


def add_objects(font: TTFont, doc) -> None:
    """What TTFont.addObjects does, with each subset's font program, ToUnicode map and widths taken
    from the cache when an earlier document embedded the same subset (the same bytes either way)."""
    state = font.state.get(doc) or font._assignState(doc)
    state.frozen = 1
    face = font.face
    for n, subset in enumerate(state.subsets):
        internal_name = font.getSubsetInternalName(n, doc)[1:]
        made = _embed(font, subset, doc)
        pdf_font = pdfdoc.PDFTrueTypeFont()
        pdf_font.Name = internal_name
        pdf_font.BaseFont = made.base_font
        pdf_font.FirstChar = 0
        pdf_font.LastChar = len(subset) - 1
        pdf_font.Widths = _Formatted(made.widths)
        pdf_font.ToUnicode = doc.Reference(_Formatted(made.to_unicode), "toUnicodeCMap:" + made.base_font)
        font_file = doc.Reference(_Formatted(made.font_file), f"fontFile:{face.filename}({made.base_font})")
        pdf_font.FontDescriptor = doc.Reference(pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor", "Ascent": face.ascent, "CapHeight": face.capHeight,
            "Descent": face.descent, "Flags": flags(face), "FontBBox": pdfdoc.PDFArray(face.bbox),
            "FontName": pdfdoc.PDFName(made.base_font), "ItalicAngle": face.italicAngle, "StemV": face.stemV,
            "FontFile2": font_file, "MissingWidth": face.defaultWidth,
        }), "fontDescriptor:" + made.base_font)
        doc.Reference(pdf_font, internal_name)
        doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
    del font.state[doc]


def preset(font: TTFont, doc, chars: set[str]) -> tuple[str, str]:
    """Give chars (the fixed wording drawn in this font) the document's first subsets, in code point
    order, before anything else is drawn in it: documents with the same wording then share those
    subsets, and embed them from the cache. Everything drawn later goes into further subsets.

    Returns (font name, the characters in order): what fixes every code of those subsets."""
    if doc in font.state:
        raise ValueError(f"{font.fontName}: text was drawn before the fixed wording was preset")
    state = font._assignState(doc)
    text = "".join(sorted(chars))
    font.splitString(text, doc)
    state.nextCode = 256 * len(state.subsets)  # what follows starts a subset of its own
    return font.fontName, text


def make_lean(font: TTFont) -> None:
    """Make a TTFont embed lean subsets under tags of their own, from the cache where it can. Applied when
    the font is registered, so every document of a process gets the same subsets whatever was drawn
    before (same input, same bytes)."""
    font._asciiReadable = False  # no 95 unused ASCII glyphs in every document
    # reportlab slices every table it needs out of the font file anew for each subset: IPAex's glyph
    # table alone is 7 MB to copy, per subset. The same bytes, sliced once per font, are as good.
    tables: dict[str, bytes] = {}
    get_table = font.face.get_table
    font.face.get_table = lambda tag, _get=get_table: tables.get(tag) or tables.setdefault(tag, _get(tag))
    original = font.face.makeSubset
    font.face.makeSubset = lambda subset, _make=original: strip_hinting(_make(subset))
    font.addObjects = lambda doc, _font=font: add_objects(_font, doc)


@cache
def _forms_document() -> pdfdoc.PDFDocument:
    """The reportlab document form appearances' subsets are formatted for: compressed, not encrypted."""
    return pdfdoc.PDFDocument(compression=1, invariant=1)


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
        for index, chars in enumerate(self.subsets):
            if index >= len(self.refs):
                continue
            made = _embed(self.font, chars, _forms_document())  # as a document embeds it, from the same cache
            descriptor = DictionaryObject({
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): NameObject("/" + made.base_font),
                NameObject("/Flags"): NumberObject(flags(face)),
                NameObject("/FontBBox"): ArrayObject(num(v) for v in face.bbox),
                NameObject("/ItalicAngle"): num(face.italicAngle),
                NameObject("/Ascent"): num(face.ascent),
                NameObject("/Descent"): num(face.descent),
                NameObject("/CapHeight"): num(face.capHeight),
                NameObject("/StemV"): num(face.stemV),
                NameObject("/MissingWidth"): num(face.defaultWidth),
                NameObject("/FontFile2"): self.add(Raw(made.font_file)),
            })
            self.dicts[index].update({
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): NameObject("/" + made.base_font),
                NameObject("/FirstChar"): NumberObject(0),
                NameObject("/LastChar"): NumberObject(len(chars) - 1),
                NameObject("/Widths"): Raw(made.widths),
                NameObject("/FontDescriptor"): self.add(descriptor),
                NameObject("/ToUnicode"): self.add(Raw(made.to_unicode)),
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
