"""Fonts: find the Japanese and fallback TTFs, register them with reportlab, split text by coverage.

Look-up order for each font: files or folders in $CERI_FONTS (os.pathsep-separated), fontconfig,
then the usual Linux, macOS and Windows paths. Nothing is ever downloaded. With CERI_FONT_SEARCH=env-only
only $CERI_FONTS is searched (to try a machine with fewer fonts: only DejaVu, or no TrueType font at all).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from pipeline.errors import RenderError
from pipeline.i18n import _
from pipeline.pdf.subset import make_lean
from pipeline.pdf.truetype import characters
from pipeline.records.chars import describe

# role → (reportlab name, file names, fontconfig family)
FONTS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "mincho": ("IPAexMincho", ("ipaexm.ttf",), "IPAexMincho"),
    "gothic": ("IPAexGothic", ("ipaexg.ttf",), "IPAexGothic"),
    "latin-serif": ("DejaVuSerif", ("DejaVuSerif.ttf",), "DejaVu Serif"),
    "latin-sans": ("DejaVuSans", ("DejaVuSans.ttf",), "DejaVu Sans"),
    "kanji-extra": ("IPAmjMincho", ("ipamjm.ttf",), "IPAmjMincho"),
}
# the fallback chain of each style: first font that has a character draws it
STYLES = {"mincho": ("mincho", "latin-serif", "kanji-extra"), "gothic": ("gothic", "latin-sans", "kanji-extra")}
CID_FALLBACK = {"mincho": "HeiseiMin-W3", "gothic": "HeiseiKakuGo-W5"}
# with no Latin TTF either, PDF's standard fonts (every viewer has them) draw what cp932 lacks: the
# en dash of "July 1, 2026 – August 31, 2026", é, ß …
STANDARD_LATIN = {"mincho": "Times-Roman", "gothic": "Helvetica"}
KNOWN_DIRS = [
    "/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"),
    str(Path.home() / ".local/share/fonts"), "/Library/Fonts", str(Path.home() / "Library/Fonts"),
    "/System/Library/Fonts", "C:/Windows/Fonts",
]


def _search_dirs(dirs: list[str], names: tuple[str, ...]) -> Path | None:
    for d in dirs:
        p = Path(d)
        if p.is_file() and p.name in names:
            return p
        if p.is_dir():
            for name in names:
                direct = p / name
                if direct.is_file():
                    return direct
                found = sorted(p.rglob(name))
                if found:
                    return found[0]
    return None


def _fontconfig(family: str, names: tuple[str, ...]) -> Path | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True,
                             timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out and Path(out).name in names and Path(out).is_file() else None


@cache
def find(role: str) -> Path | None:
    """The file of a font role, or None when it is not installed."""
    _, names, family = FONTS[role]
    env = [d for d in os.environ.get("CERI_FONTS", "").split(os.pathsep) if d]
    if os.environ.get("CERI_FONT_SEARCH") == "env-only":
        return _search_dirs(env, names)
    return _search_dirs(env, names) or _fontconfig(family, names) or _search_dirs(KNOWN_DIRS, names)


@dataclass(frozen=True)
class Face:
    name: str  # reportlab font name
    path: Path | None  # None for a non-embedded CID font
    chars: frozenset[int]  # the code points it can draw

    def font(self) -> TTFont | UnicodeCIDFont:
        """The font itself, read and registered with reportlab on first use: which face draws a value
        depends only on chars, so a batch whose values never need IPAmj never reads its 46 MB."""
        return _load(self.name, self.path) if self.path is not None else pdfmetrics.getFont(self.name)


@cache
def face(role: str) -> Face | None:
    """The installed font of a role (its reportlab name, file and the characters its cmap maps), or None."""
    path = find(role)
    if path is None:
        return None
    name = FONTS[role][0]
    chars = characters(path)
    if chars is None:  # a cmap format only reportlab reads: read the whole font now
        chars = frozenset(_load(name, path).face.charToGlyph)
    return Face(name, path, chars)


@cache
def _load(name: str, path: Path) -> TTFont:
    font = TTFont(name, str(path))
    make_lean(font)
    pdfmetrics.registerFont(font)
    return font


_warned = False


@cache
def faces(style: str = "mincho") -> tuple[Face, ...]:
    """The fallback chain for a style, with reportlab's CID fonts when no Japanese TTF exists."""
    global _warned
    chain = [f for f in (face(role) for role in STYLES[style]) if f]
    if not any(f.name == FONTS[style][0] for f in chain):
        cid = CID_FALLBACK[style]
        pdfmetrics.registerFont(UnicodeCIDFont(cid))
        chain.insert(0, Face(cid, None, _cid_chars()))
        if not any(f.name == FONTS[f"latin-{'serif' if style == 'mincho' else 'sans'}"][0] for f in chain):
            chain.insert(1, Face(STANDARD_LATIN[style], None, _winansi_chars()))
        if not _warned:
            print(f"ceri: warning: IPAex fonts not found; using {cid}, which is NOT embedded "
                  "(see `ceri doctor`)", file=sys.stderr)
            _warned = True
    chain[0].font()  # a canvas starts in it (initialFontName)
    return tuple(chain)


@cache
def _cid_chars() -> frozenset[int]:
    """The characters a CID fallback font is taken to have: Windows Shift_JIS (cp932) but its private
    use area, with JIS-Roman's yen sign and overline. All are in the Adobe-Japan1 set that its encoding
    (UniJIS-UCS2-H) maps, checked against poppler-data's CMap; claiming every character instead let a
    viewer draw tofu for a name's 'ễ' where ceri must say that no font has it."""
    chars = {0xA5, 0x203E}
    for code in range(0x20, 0x10000):
        if 0x7F <= code < 0xA0 or 0xD800 <= code < 0xF900:  # controls, surrogates, private use
            continue
        try:
            chr(code).encode("cp932")
        except UnicodeEncodeError:
            continue
        chars.add(code)
    return frozenset(chars)


def coverage(style: str = "mincho") -> frozenset[int]:
    """The code points the style's fallback chain can draw, from the fonts' cmaps alone (for `validate`:
    no font is read whole, and no warning is printed)."""
    chain = [f for f in (face(role) for role in STYLES[style]) if f]
    if not any(f.name == FONTS[style][0] for f in chain):
        chain.insert(0, Face(CID_FALLBACK[style], None, _cid_chars()))
    return frozenset().union(*(f.chars for f in chain))


@cache
def _winansi_chars() -> frozenset[int]:
    """The characters of the standard fonts' WinAnsiEncoding (cp1252), which reportlab writes them in."""
    return frozenset(ord(ch) for ch in bytes(range(0x20, 0x100)).decode("cp1252", errors="ignore")
                     if ch.isprintable() or ch == "\xa0")


def embedded(style: str = "mincho") -> bool:
    return all(f.path is not None for f in faces(style))


def _covers(face: Face, text: str) -> bool:
    return face.chars.issuperset(map(ord, text.replace(" ", "")))


class _NoFont(Exception):
    """A character no font of the chain has (turned into a RenderError naming record and field)."""


@lru_cache(maxsize=16384)  # a batch draws the same labels and names over and over
def _runs(text: str, style: str) -> tuple[tuple[str, str], ...]:
    chain = faces(style)
    runs = _split(text, chain)
    for face in chain:  # whoever draws with these names finds them registered
        if any(name == face.name for name, _ in runs):
            face.font()
    return runs


def _split(text: str, chain: tuple[Face, ...]) -> tuple[tuple[str, str], ...]:
    whole = next((f for f in chain if _covers(f, text)), None)
    if whole is not None:  # one typeface for the whole value where one font has every character
        return ((whole.name, text),) if text else ()
    out: list[tuple[str, str]] = []

    def add(name: str, piece: str) -> None:
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + piece)
        else:
            out.append((name, piece))

    for word in re.split(r"(\s+)", text):
        if not word:
            continue
        whole = next((f for f in chain if _covers(f, word)), None)
        if whole is not None:
            add(whole.name, word)
            continue
        for ch in word:
            face = next((f for f in chain if _covers(f, ch)), None)
            if face is None:
                raise _NoFont(ch)
            add(face.name, ch)
    return tuple(out)


def runs(text: str, style: str = "mincho", *, record: str | None = None,
         field: str | None = None) -> list[tuple[str, str]]:
    """Split text into (font name, substring) runs that together draw every character.

    The whole value, else each word, is kept in one font where one font has all its letters (so
    "Nguyễn Thị Lan" is not drawn in two typefaces); otherwise each character takes the first font of
    the chain that has it. A character no font has is a RenderError naming the record, the field and
    the code point.
    """
    try:
        return list(_runs(text, style))
    except _NoFont as exc:
        ch = exc.args[0]
        raise RenderError(_("no installed font has the character {char} in {value}; install a font with it "
                            "(see `ceri doctor`) or change the record").format(char=describe(ch), value=repr(text)),
                          record=record, field=field) from None


def check(text: str, style: str = "mincho", *, record: str | None = None, field: str | None = None) -> None:
    """Raise RenderError if any character of text cannot be drawn."""
    runs(text, style, record=record, field=field)


@lru_cache(maxsize=16384)  # layout measures the same strings many times while fitting
def width(text: str, size: float, style: str = "mincho") -> float:
    """Width in points of text drawn with the fallback chain at size."""
    return sum(pdfmetrics.stringWidth(s, name, size) for name, s in runs(text, style))


def report() -> list[tuple[str, str]]:
    """(role, path or 'not found') for `ceri doctor`."""
    return [(role, str(find(role) or "not found")) for role in FONTS]
