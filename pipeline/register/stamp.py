"""The visible part of a certificate's signature: who signs, in Japanese and English, the serial and the
date, and DEMO KEY for a demo key, in the box the renderer left below the seal area.

It is drawn by pyHanko in an embedded Japanese font (IPAex Mincho, else IPAex Gothic, or IPAmj Mincho for a
name beyond them, found by ceri's font finder). Without one (CERI_FONT_SEARCH=env-only and no IPAex in $CERI_FONTS), it is in English only, in a
standard PDF font: `ceri doctor` says so. Lines are chosen to fit the box at 9 pt, so pyHanko never
shrinks them.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_SIZE = 9
LEADING = 10
MARGIN = 4  # around the text, inside the box's border
DATE_SAMPLE = "2026-06-01"  # the width of the date that %(ts)s becomes
DEMO_LINE = "DEMO KEY - NOT AN OFFICIAL SIGNATURE"


@dataclass(frozen=True)
class Signatory:
    en: str  # 'Taro SOKEN, President'
    ja: str | None = None  # '国立大学法人 総合研究大学院大学　学長　総研 太郎'


@dataclass(frozen=True)
class Stamp:
    text: str  # the lines, with %(ts)s for the signing date
    font: Path | None  # None: pyHanko's standard Courier (English only)
    fits: bool  # every line fits the box at FONT_SIZE (else pyHanko scales the whole stamp down)


def signatory_of(institution) -> Signatory:
    """The institution record's signatory as the stamp names them."""
    name = institution.signatory_name_en or ""
    en = f"{name}, {institution.signatory_title_en}".strip(", ") if name else institution.name_en
    ja = "　".join(p for p in (institution.name_ja, institution.signatory_title_ja, institution.signatory_name_ja or "")
                  if p)
    return Signatory(en, ja or None)


def japanese_fonts() -> list[Path]:
    """The fonts the stamp can be drawn in, in order: IPAex Mincho, IPAex Gothic, and IPAmj Mincho for names
    beyond them (𠮷); the first that has every character of the stamp draws it."""
    from pipeline import fonts

    return [path for path in (fonts.find(role) for role in ("mincho", "gothic", "kanji-extra")) if path is not None]


def japanese_font() -> Path | None:
    """The font a usual stamp is drawn in (what `ceri doctor` shows); None: the stamp is in English."""
    found = japanese_fonts()
    return found[0] if found else None


@cache
def _metrics(path: Path) -> tuple[dict[int, str], dict[str, int], int]:
    """(code point → glyph, glyph → advance, units per em) of a TrueType font."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    cmap = font.getBestCmap() or {}
    advances = {glyph: metric[0] for glyph, metric in font["hmtx"].metrics.items()}
    return cmap, advances, font["head"].unitsPerEm


def font_engine(path: Path, text: str):
    """A pyHanko font engine drawing text in the font at path, embedded as a subset."""
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

    program = _program(path, frozenset(ch for ch in text if ord(ch) > 0x7E))

    class Engine(FontEngineFactory):
        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            engine = GlyphAccumulator(writer, io.BytesIO(program), FONT_SIZE, obj_stream=obj_stream)
            engine.tt.recalcTimestamp = False  # fontTools would date the embedded subset now: other bytes each time
            return engine

    return Engine()


@cache
def _program(path: Path, extra: frozenset[str]) -> bytes:
    """The font cut down to printable ASCII and extra, scaled to 1000 units per em: pyHanko writes glyph
    widths in font units where PDF expects thousandths of an em (IPAex has 2048 a em: its glyphs would be
    drawn twice as far apart). Computed once per process for the institution's stamp."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(str(path))
    options = subset.Options()
    options.notdef_outline = True
    options.glyph_names = True
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(map(chr, range(0x20, 0x7F))) + "".join(sorted(extra)))
    cutter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.recalcTimestamp = False  # the font's own date, not today's
    font.save(out)
    return out.getvalue()


def covers(path: Path, text: str) -> bool:
    cmap = _metrics(path)[0]
    return all(ord(ch) in cmap for ch in text if ch not in "\n")


def width(path: Path | None, line: str) -> float:
    """The width of a line at FONT_SIZE (Courier, a standard font, when path is None)."""
    line = line.replace("%(ts)s", DATE_SAMPLE).replace("%%", "%")
    if path is None:
        return 0.6 * FONT_SIZE * len(line)
    cmap, advances, upem = _metrics(path)
    return sum(advances.get(cmap.get(ord(ch), ".notdef"), upem) for ch in line) * FONT_SIZE / upem


def _ascii(text: str) -> str:
    """Latin letters without accents, for the standard font (the certificate itself prints the name)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _escaped(text: str) -> str:
    return text.replace("%", "%%")  # the stamp text is a %-template (%(ts)s)


def layouts(signatory: Signatory, serial: str, demo: bool) -> list[list[str]]:
    """The bilingual stamp's lines, fullest first: the first whose lines fit the box is used."""
    head = DEMO_LINE if demo else "電子署名 / Digitally signed"
    tail = [_escaped(f"by {signatory.en}"), f"証明書番号 No. {serial}　%(ts)s"]
    ja = _escaped(signatory.ja or "")
    org, _sep, person = ja.partition("　")  # the institution; its signatory's title and name
    fuller = [[head, ja, *tail], [head, org, person, *tail]]
    # a demo key's stamp always says so; a short box (the footer's) takes three lines
    return fuller if demo else [*fuller, [org, person, *tail], [ja, *tail]]


def stamp_for(signatory: Signatory, serial: str, demo: bool, box: tuple[float, float, float, float] | None) -> Stamp:
    """The stamp's text and font for a box (x1, y1, x2, y2)."""
    w, h = (box[2] - box[0], box[3] - box[1]) if box else (250.0, 50.0)

    def fit(lines: list[str], font: Path | None) -> bool:
        return (len(lines) * LEADING + 2 * MARGIN <= h
                and all(width(font, line) + 2 * MARGIN <= w for line in lines))

    candidates = [[line for line in lines if line] for lines in layouts(signatory, serial, demo)]
    font = next((f for f in japanese_fonts() if covers(f, "".join(candidates[0]))), None) if signatory.ja else None
    if font is not None:
        for lines in candidates:
            if fit(lines, font):
                return Stamp("\n".join(lines), font, True)
    english = [_escaped(f"Digitally signed by {_ascii(signatory.en) or 'the institution'}"), f"Serial {serial}",
               "Date %(ts)s"]
    if demo:
        english.insert(0, DEMO_LINE)
    if not fit(english, None):  # a short box: serial and date on one line
        english[-2:] = [f"Serial {serial}  Date %(ts)s"]
    if not fit(english, None) and font is not None:
        return Stamp("\n".join(candidates[-1]), font, False)  # pyHanko scales it down: a name too long
    return Stamp("\n".join(english), None, fit(english, None))
