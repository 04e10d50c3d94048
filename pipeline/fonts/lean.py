"""Lean embedded font subsets, for every PDF ceri draws (documents, forms, form appearances).

Two things make reportlab's TrueType subsets of IPAex large: every subset 0 carries all of ASCII
("ascii readable"), and each glyph keeps its hinting instructions (about 45 % of IPAex glyph data).
Hinting only helps screens at tiny sizes; the outlines are untouched, so we drop it from every
glyph (and the licence text from the naming table) and rebuild glyf/loca. Text extraction is unaffected
(every subset has a ToUnicode map, in UTF-16 also beyond U+FFFF: to_unicode_cmap).

Each subset is named by a tag made from its characters, and a subset embedded once is kept, formatted, for
the next document that embeds the same one (add_objects): with the fixed wording of a document preset into
subsets of its own (preset), a batch builds and compresses those once per process, not once per document.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from struct import pack, unpack

from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.pdfbase.ttfonts import TTFont, TTFontMaker


def _tables(data: bytes) -> dict[str, bytes]:
    count = unpack(">H", data[4:6])[0]
    out = {}
    for i in range(count):
        tag, _check, offset, length = unpack(">4sLLL", data[12 + 16 * i: 28 + 16 * i])
        out[tag.decode("latin-1")] = data[offset: offset + length]
    return out


MORE, WORDS, SCALE, XY_SCALE, TWO_BY_TWO, INSTRUCTIONS = 0x20, 0x1, 0x8, 0x40, 0x80, 0x100
KEEP_NAMES = {0, 1, 2, 3, 4, 5, 6, 14}  # copyright, family, style, ids, PostScript name, licence URL


def _strip_glyph(glyph: bytes) -> bytes:
    """A glyph without its hinting instructions."""
    if len(glyph) < 12:
        return glyph
    contours = unpack(">h", glyph[:2])[0]
    if contours >= 0:
        at = 10 + 2 * contours
        n = unpack(">H", glyph[at: at + 2])[0]
        return glyph[: at] + b"\0\0" + glyph[at + 2 + n:]
    out, at, flags = bytearray(glyph), 10, MORE
    while flags & MORE:  # composite: clear the instructions flag of every component, drop the code
        flags = unpack(">H", glyph[at: at + 2])[0]
        out[at: at + 2] = pack(">H", flags & ~INSTRUCTIONS)
        at += 4 + (4 if flags & WORDS else 2)
        at += 2 if flags & SCALE else 4 if flags & XY_SCALE else 8 if flags & TWO_BY_TWO else 0
    return bytes(out[:at])


def _short_name(name: bytes) -> bytes:
    """The naming table without the long licence text (the licence URL and copyright stay)."""
    count, storage = unpack(">HH", name[2:6])
    recs = [unpack(">6H", name[6 + 12 * i: 18 + 12 * i]) for i in range(count)]
    windows = any(r[0] == 3 for r in recs)  # the Windows names suffice where present (no Mac copies)
    keep = [(r[:4], name[storage + r[5]: storage + r[5] + r[4]]) for r in recs
            if r[3] in KEEP_NAMES and (r[0] == 3 or not windows)]
    records, strings = bytearray(), bytearray()
    for (platform, encoding, language, name_id), text in keep:
        records += pack(">6H", platform, encoding, language, name_id, len(text), len(strings))
        strings += text
    return pack(">3H", 0, len(keep), 6 + 12 * len(keep)) + bytes(records) + bytes(strings)


def strip_hinting(ttf: bytes) -> bytes:
    """The same TrueType font with instructions removed from its simple glyphs."""
    t = _tables(ttf)
    long_loca = unpack(">h", t["head"][50:52])[0] == 1
    loca = t["loca"]
    if long_loca:
        offsets = list(unpack(f">{len(loca) // 4}L", loca))
    else:
        offsets = [o * 2 for o in unpack(f">{len(loca) // 2}H", loca)]
    glyf, new_offsets = bytearray(), []
    for a, b in zip(offsets, offsets[1:], strict=False):
        new_offsets.append(len(glyf))
        g = _strip_glyph(t["glyf"][a:b]) if b > a else b""
        glyf += g + b"\0" * (-len(g) % 4)
    new_offsets.append(len(glyf))
    maker = TTFontMaker()
    for tag, data in t.items():
        if tag in ("fpgm", "prep", "cvt "):  # hinting programs: nothing calls them any more
            continue
        if tag == "name":
            data = _short_name(data)
        elif tag == "glyf":
            data = bytes(glyf)
        elif tag == "loca":
            data = pack(f">{len(new_offsets)}L", *new_offsets)
        elif tag == "head":
            data = data[:50] + pack(">h", 1) + data[52:]  # long loca offsets
        maker.add(tag, data)
    return maker.makeStream()


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
    flags = (face.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC
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
            "Descent": face.descent, "Flags": flags, "FontBBox": pdfdoc.PDFArray(face.bbox),
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
