"""ceri's one place that draws font runs: text already split into (font, piece) runs (pipeline.fonts picks
the font of each piece) is placed side by side and written, in one of three ways:

- draw(): on a reportlab canvas with its own text operators (overlays, continuation sheets, form specs,
  widget appearances and documents when only reportlab's CID fonts are installed);
- write(): a document page's text in one text object, its fixed wording in preset subsets (see Page);
- show(): the content of a form widget's appearance, in the subsets a subset.Fonts embeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pypdf.generic import IndirectObject
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from pipeline.pdf import subset

Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)
Pieces = Iterable[tuple[str, str]]  # (reportlab font name, text), as pipeline.fonts.runs gives them


@dataclass(frozen=True)
class Run:
    """A piece of text in one font at its baseline position."""

    x: float
    y: float
    font: str
    size: float
    text: str
    color: Color = BLACK
    fixed: bool = False  # fixed wording (labels, titles): drawn from the fonts' preset subsets


def place(pieces: Pieces, x: float, y: float, size: float, *, color: Color = BLACK,
          fixed: bool = False) -> list[Run]:
    """The pieces side by side from x, each advancing by its width in its own font."""
    out = []
    for name, text in pieces:
        out.append(Run(x, y, name, size, text, color, fixed))
        x += pdfmetrics.stringWidth(text, name, size)
    return out


def draw(c: Canvas, pieces: Pieces, x: float, y: float, size: float) -> float:
    """Draw the pieces at baseline (x, y) with the canvas's text operators; returns the width drawn."""
    runs = place(pieces, x, y, size)
    for run in runs:
        c.setFont(run.font, run.size)
        c.drawString(run.x, run.y, run.text)
    return runs[-1].x + pdfmetrics.stringWidth(runs[-1].text, runs[-1].font, size) - x if runs else 0.0


def dynamic(name: str) -> bool:
    """Whether a font is embedded in subsets (a TrueType font), not one of reportlab's CID fonts."""
    return bool(pdfmetrics.getFont(name)._dynamicFont)


def presets(c: Canvas, runs: Iterable[Run]) -> dict[str, tuple[str, str]]:
    """Give the fixed wording of runs (every page of the document) the fonts' first subsets; once per
    document, before any text is written (subset.preset): documents with the same wording then embed
    the same subsets, copied from the process's cache instead of being built and compressed again."""
    fixed: dict[str, set[str]] = {}
    for run in runs:
        if run.fixed:
            fixed.setdefault(run.font, set()).update(run.text)
    return {name: subset.preset(pdfmetrics.getFont(name), c._doc, chars)
            for name, chars in sorted(fixed.items()) if dynamic(name)}


def write(c: Canvas, runs: list[Run], presets_: dict[str, tuple[str, str]]) -> None:
    """Write a page's runs in one text object (over the page's rules and shading, which text never
    crosses); a CID font's run goes through the canvas's own operators."""
    doc = c._doc
    ops = ["q BT"]
    names: dict[tuple[str, int], str] = {}  # (font, subset) → its resource name in this document
    current: tuple[str, float] | None = None
    color = None
    for run in runs:
        font = pdfmetrics.getFont(run.font)
        if not font._dynamicFont:  # a CID font (no IPAex installed): reportlab's own path
            ops.append("ET Q")
            c.addLiteral("\n".join(ops))
            c.setFillColorRGB(*run.color)
            draw(c, [(run.font, run.text)], run.x, run.y, run.size)
            ops, current, color = ["q BT"], None, None
            continue
        if run.color != color:
            color = run.color
            ops.append(f"{fp_str(*color)} rg")
        ops.append(f"1 0 0 1 {fp_str(run.x, run.y)} Tm")
        preset = presets_.get(run.font) if run.fixed else None
        for index, shown in _fixed(preset, run.text, font, c) if preset else _encoded(run.text, font, c):
            name = names.get((run.font, index))
            if name is None:
                name = names[run.font, index] = font.getSubsetInternalName(index, doc)
            if current != (name, run.size):
                current = (name, run.size)
                ops.append(f"{name} {fp_str(run.size)} Tf")
            ops.append(shown)
    ops.append("ET Q")
    c.addLiteral("\n".join(ops))


def _encoded(text: str, font: subset.TTFont, c: Canvas) -> list[tuple[int, str]]:
    """(subset, show-text operator) pieces of text in this document's codes of font."""
    return [(index, f"({c._escape(data)}) Tj") for index, data in font.splitString(text, c._doc)]


# Fixed wording's pieces by preset and text: a preset fixes every code of its subsets, so the same label
# is encoded once per process, not once per document
_FIXED: dict[tuple[tuple[str, str], str], list[tuple[int, str]]] = {}


def _fixed(preset: tuple[str, str], text: str, font: subset.TTFont, c: Canvas) -> list[tuple[int, str]]:
    pieces = _FIXED.get((preset, text))
    if pieces is None:
        if len(_FIXED) >= 8192:
            _FIXED.clear()
        pieces = _FIXED[preset, text] = _encoded(text, font, c)
    return pieces


def show(pieces: Pieces, size: str, fonts: subset.Fonts, used: dict[str, IndirectObject]) -> list[str]:
    """The operators that show the pieces (placed by the text matrix already set) in a widget's
    appearance, each advancing by its font's /Widths; records the fonts used by resource name."""
    ops = []
    for name, text in pieces:
        for res, ref, codes in fonts.encode(name, text):
            used[res] = ref
            ops.append(f"{res} {size} Tf <{codes.hex()}> Tj")
    return ops
