"""TrueType files read and rewritten at the byte level: which characters a font maps, and its glyphs
without hinting. ceri's subsets are built from what this gives (pipeline/pdf/subset.py).

Which font of a fallback chain draws a value depends only on which characters each font has. reportlab
learns that by parsing the whole file (IPAmj Mincho: 46 MB, 0.3 s and 70 MiB a process); characters()
reads the few kB of the cmap, so a font is loaded only once a value needs it. It picks the subtable
reportlab picks and reads it as reportlab does (every code of a segment counts, as in its charToGlyph),
for the two formats Unicode fonts use; for any other it answers None and the font is read whole.

Hinting only helps screens at tiny sizes and is about 45 % of IPAex's glyph data: strip_hinting drops it
from every glyph (and the licence text from the naming table); the outlines are untouched.
"""

from __future__ import annotations

from pathlib import Path
from struct import iter_unpack, pack, unpack

from reportlab.pdfbase.ttfonts import TTFontMaker


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


def _table(f, tag: bytes) -> bytes | None:
    f.seek(0)
    count = unpack(">H", f.read(12)[4:6])[0]  # the table directory follows the 12-byte header
    for entry in iter_unpack(">4sLLL", f.read(16 * count)):
        if entry[0] == tag:
            f.seek(entry[2])
            return f.read(entry[3])
    return None


def _subtable(cmap: bytes) -> int | None:
    """The offset of the subtable reportlab's TTFontFile.extractInfo reads (the last suitable one)."""
    version, count = unpack(">HH", cmap[:4])
    if count == 0 and version != 0:
        count = version
    chosen, enc = None, 0
    for platform, encoding, offset in iter_unpack(">HHL", cmap[4: 4 + 8 * count]):
        if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
            chosen, enc = offset, 1
        elif platform == 1 and encoding == 0 and enc != 1:
            chosen, enc = offset, 2
    return chosen


def characters(path: Path) -> frozenset[int] | None:
    """The code points path's cmap maps (None: a cmap format read only by loading the font)."""
    with open(path, "rb") as f:
        cmap = _table(f, b"cmap")
    at = _subtable(cmap) if cmap else None
    if at is None:
        return None
    fmt = unpack(">H", cmap[at: at + 2])[0]
    chars: set[int] = set()
    if fmt == 4:
        segments = unpack(">H", cmap[at + 6: at + 8])[0] // 2
        ends = unpack(f">{segments}H", cmap[at + 14: at + 14 + 2 * segments])
        starts = unpack(f">{segments}H", cmap[at + 16 + 2 * segments: at + 16 + 4 * segments])
        for start, end in zip(starts, ends, strict=True):
            chars.update(range(start, end + 1))
    elif fmt == 12:
        groups = unpack(">L", cmap[at + 12: at + 16])[0]
        for start, end, _glyph in iter_unpack(">LLL", cmap[at + 16: at + 16 + 12 * groups]):
            chars.update(range(start, end + 1))
    else:
        return None
    if 0x20 in chars or 0xA0 in chars:  # reportlab gives the no-break space the space's glyph, or back
        chars.update((0x20, 0xA0))
    return frozenset(chars)
