"""Text on a PDF canvas: draw font runs, and fit a value into its box (shrink, then wrap, else fail).

Every value drawn on a document goes through fit(): it is never clipped. When it cannot be made to fit,
RenderError names the record and field so the secretariat knows what to shorten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.errors import RenderError
from pipeline.fonts.linebreak import wrap
from pipeline.i18n import _
from pipeline.pdf import runs

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
BREAK = re.compile(r"\r\n|\r|\n")


Color = runs.Color
BLACK: Color = runs.BLACK


class Pen:
    """The text of one page: collected while the page is laid out, written in one text object when the
    page is finished (pipeline.pdf.runs.write).

    Fixed wording (fixed=True: titles, labels, the templates' sentences, the institution) takes each
    font's first subset, in code point order (runs.presets): documents with the same wording embed
    the same subset, copied from the process's cache instead of being built and compressed again. The
    record values follow in a subset of their own."""

    def __init__(self, c: Canvas):
        self.c = c
        self.runs: list[runs.Run] = []

    def draw(self, x: float, y: float, text: str, size: float, style: str = "mincho", *, fixed: bool = False,
             color: Color = BLACK, record: str | None = None, field: str | None = None) -> float:
        """Draw text at baseline (x, y), each run in its own font; returns the width drawn."""
        placed = runs.place(fonts.runs(text, style, record=record, field=field), x, y, size, color=color,
                            fixed=fixed)
        self.runs += placed
        last = placed[-1] if placed else None
        return last.x + pdfmetrics.stringWidth(last.text, last.font, size) - x if last else 0.0

    def presets(self, runs_: list[runs.Run]) -> dict[str, tuple[str, str]]:
        """Give the fixed wording of runs_ (every page of the document) the fonts' first subsets; once
        per document, before any text is written."""
        return runs.presets(self.c, runs_)

    def write(self, presets: dict[str, tuple[str, str]] | None = None) -> None:
        """Write the page's text (once, before the page is shown); presets: from presets() when the
        document has several pages, else this page's own."""
        runs.write(self.c, self.runs, self.presets(self.runs) if presets is None else presets)
        self.runs.clear()


def draw_line(pen: Pen, x: float, y: float, width: float, text: str, size: float, style: str = "mincho",
              align: str = "left", **how) -> None:
    """One line in a box of width, aligned left, center or right."""
    if align != "left":
        w = text_width(text, size, style)
        x += (width - w) / (2 if align == "center" else 1)
    pen.draw(x, y, text, size, style, **how)


def fit(paragraphs: tuple[str, ...], width: float, height: float, size: float, min_size: float,
        style: str = "mincho", *, record: str | None = None, field: str | None = None,
        grow: bool = False) -> Fitted:
    """Lay out paragraphs (one or more lines each) in a width × height box.

    First each paragraph on one line, shrinking a little (to 85 %); then wrapped, from size down to
    min_size (which includes one small line). If even that overflows: with grow, the text is wrapped at
    min_size on as many lines as it takes (the box grows: a table row, a document flowing onto the next
    page); else RenderError names the field. A value is never clipped.
    """
    for line in hard_lines(paragraphs):  # a character no font has is reported before any layout work
        fonts.check(line, style, record=record, field=field)
    fitted = _fit(tuple(paragraphs), width, height, size, min_size, style)
    if fitted is not None:
        return fitted
    if grow:
        return Fitted(tuple(ln for p in paragraphs for ln in wrap(p, width, min_size, style)), min_size, style)
    shown = " / ".join(paragraphs)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise RenderError(_("the value {value} ({n} characters) does not fit its box ({width} x {height} pt) even at "
                        "{size} pt on several lines; shorten it").format(
        value=repr(shown), n=sum(map(len, paragraphs)), width=f"{width:.0f}", height=f"{height:.0f}",
        size=f"{min_size:g}"), record=record, field=field)


def hard_lines(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """The lines the text itself breaks into: a line break in a value is content (a job description
    typed as a YAML block, a comment typed in a form) and always starts a new line."""
    return tuple(line for p in paragraphs for line in BREAK.split(p))


@lru_cache(maxsize=4096)  # labels and sentences are laid out alike in every document of a batch
def _fit(paragraphs: tuple[str, ...], width: float, height: float, size: float, min_size: float,
         style: str) -> Fitted | None:
    lines = hard_lines(paragraphs)
    sizes = []
    s = size
    while s >= min_size - 1e-6:
        sizes.append(round(s, 2))
        s -= STEP
    for s in [s for s in sizes if s >= size * SHRINK_FIRST]:
        if (len(lines) * s * LEADING <= height + 1e-6
                and all(text_width(p, s, style) <= width for p in lines)):
            return Fitted(lines, s, style)
    for s in sizes:
        lines = [ln for p in paragraphs for ln in wrap(p, width, s, style)]
        if len(lines) * s * LEADING <= height + 1e-6:
            return Fitted(tuple(lines), s, style)
    return None


@lru_cache(maxsize=4096)  # the same sentences and notes in every document of a batch
def wrapped(text: str, width: float, size: float, style: str = "mincho") -> tuple[str, ...]:
    return tuple(wrap(text, width, size, style))


def tighter(text: str, width: float, size: float, floor: float = 9.0) -> Fitted | None:
    """text on one line (each of its own lines), shrunk by at most 15 % and never below floor, or None."""
    lines = hard_lines((text,))
    s = size
    while s >= max(size * SHRINK_FIRST, floor) - 1e-6:
        if all(text_width(line, round(s, 2)) <= width for line in lines):
            return Fitted(lines, round(s, 2), "mincho")
        s -= STEP
    return None


def draw_fitted(pen: Pen, fitted: Fitted, x: float, top: float, width: float, align: str = "left",
                **how) -> None:
    """Draw fitted lines from the top of a box downwards."""
    y = top - fitted.size * 1.0
    for line in fitted.lines:
        draw_line(pen, x, y, width, line, fitted.size, fitted.style, align, **how)
        y -= fitted.size * LEADING
