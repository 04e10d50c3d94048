"""Text on a PDF canvas: draw font runs, and fit a value into its box (shrink, then wrap, else fail).

Every value drawn on a document goes through fit(): it is never clipped. When it cannot be made to fit,
RenderError names the record and field so the secretariat knows what to shorten.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.errors import RenderError
from pipeline.fonts.linebreak import wrap

LEADING = 1.25  # line height as a multiple of the font size
STEP = 0.5  # points by which a value shrinks while it is fitted
SHRINK_FIRST = 0.85  # a value first shrinks to 85 % on one line, then wraps (down to the minimum size)


@dataclass(frozen=True)
class Fitted:
    """A value laid out for its box: lines at one size."""

    lines: tuple[str, ...]
    size: float
    style: str

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


text_width = fonts.width


def draw_runs(c: Canvas, x: float, y: float, text: str, size: float, style: str = "mincho", *,
              record: str | None = None, field: str | None = None) -> float:
    """Draw text at baseline (x, y), each run in its own font; returns the width drawn."""
    start = x
    for name, piece in fonts.runs(text, style, record=record, field=field):
        c.setFont(name, size)
        c.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, name, size)
    return x - start


def draw_line(c: Canvas, x: float, y: float, width: float, text: str, size: float, style: str = "mincho",
              align: str = "left", **where) -> None:
    """One line in a box of width, aligned left, center or right."""
    if align != "left":
        w = text_width(text, size, style)
        x += (width - w) / (2 if align == "center" else 1)
    draw_runs(c, x, y, text, size, style, **where)


def fit(paragraphs: tuple[str, ...], width: float, height: float, size: float, min_size: float,
        style: str = "mincho", *, record: str | None = None, field: str | None = None) -> Fitted:
    """Lay out paragraphs (one or more lines each) in a width × height box.

    First each paragraph on one line, shrinking a little (to 85 %); then wrapped, from size down to
    min_size (which includes one small line). If even that overflows, RenderError names the field: a value is never clipped.
    """
    for p in paragraphs:  # a character no font has is reported before any layout work
        fonts.check(p, style, record=record, field=field)
    sizes = []
    s = size
    while s >= min_size - 1e-6:
        sizes.append(round(s, 2))
        s -= STEP
    for s in [s for s in sizes if s >= size * SHRINK_FIRST]:
        if (len(paragraphs) * s * LEADING <= height + 1e-6
                and all(text_width(p, s, style) <= width for p in paragraphs)):
            return Fitted(tuple(paragraphs), s, style)
    for s in sizes:
        lines = [ln for p in paragraphs for ln in wrap(p, width, s, style)]
        if len(lines) * s * LEADING <= height + 1e-6:
            return Fitted(tuple(lines), s, style)
    shown = " / ".join(paragraphs)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise RenderError(f"the value {shown!r} ({sum(map(len, paragraphs))} characters) does not fit its "
                      f"box ({width:.0f} x {height:.0f} pt) even at {min_size:g} pt on several lines; "
                      "shorten it", record=record, field=field)


def draw_fitted(c: Canvas, fitted: Fitted, x: float, top: float, width: float, align: str = "left",
                **where) -> None:
    """Draw fitted lines from the top of a box downwards."""
    y = top - fitted.size * 1.0
    for line in fitted.lines:
        draw_line(c, x, y, width, line, fitted.size, fitted.style, align, **where)
        y -= fitted.size * LEADING
