"""The pages of a document that flows over several: each page's drawing is kept until the document is
finished, so that every page can say "1 / 2" and the fixed wording of all pages shares one subset.

A page's shapes (rules, shading, the seal) are canvas calls recorded in order and replayed on the real
canvas; its text is the Pen's runs. A one-page document is replayed call for call as it was drawn, so
it comes out byte for byte as when it was drawn directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from pipeline.renderers.pdf.text import LEADING, Fitted


class Recorder:
    """Stands in for the canvas while a page is laid out: drawing calls are recorded, not made."""

    def __init__(self, canvas: Canvas):
        self._canvas = canvas
        self.ops: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._canvas, name)
        if not callable(attr):
            return attr

        def record(*args: Any, **kwargs: Any) -> None:
            self.ops.append((name, args, kwargs))

        return record

    def replay(self, ops: list[tuple[str, tuple, dict]]) -> None:
        for name, args, kwargs in ops:
            getattr(self._canvas, name)(*args, **kwargs)


@dataclass
class Sheet:
    """One finished page: its recorded shapes and its text runs."""

    ops: list[tuple[str, tuple, dict]]
    runs: list = field(default_factory=list)


def lines_within(f: Fitted, height: float) -> int:
    """How many of f's lines fit in height."""
    return min(len(f.lines), max(0, math.floor((height + 1e-6) / (f.size * LEADING))))


def split(f: Fitted, n: int) -> tuple[Fitted, Fitted]:
    """f's first n lines, and the rest."""
    return Fitted(f.lines[:n], f.size, f.style), Fitted(f.lines[n:], f.size, f.style)
