"""Widget appearance streams with embedded, subset fonts that have every glyph.

Each widget's text becomes a Form XObject (/Subtype /Form, /BBox) that the widget shows as /AP /N;
the content streams are written directly and all of them share one subset per font (pipeline.pdf).
Only without embeddable TrueType fonts (reportlab's CID fallback) are the widgets drawn in one
reportlab document that is parsed back. The same layout code draws overlay boxes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.errors import RenderError
from pipeline.fonts.linebreak import wrap
from pipeline.i18n import _
from pipeline.pdf import Add, Fonts, add_object, runs, stream

MIN_SIZE = 5.0  # auto-shrink stops here: smaller is not legible on a printed form
MIN_PARAGRAPH = 7.0  # … and here for a multi-line field: a paragraph at 5 pt is not read (see attach.py)
DEFAULT_SIZE = 10.0
PAD = 2.0
LEADING = 1.15


class Overflow(RenderError):
    """A value that does not fit its field even at the field's minimum size (it may go to a 別紙)."""


@dataclass
class TextBox:
    """One piece of text to fit into a width × height box (points)."""

    text: str
    width: float
    height: float
    field: str  # named in errors
    size: float = 0.0  # 0: automatic
    align: int = 0  # 0 left, 1 centre, 2 right (the /Q of the field)
    multiline: bool = False
    comb: bool = False
    maxlen: int | None = None
    color: tuple[float, ...] = (0.0,)
    style: str = "gothic"
    record: str | None = None
    rotation: int = 0  # the widget's /MK /R: the text runs along the rotated box


ROTATIONS = {90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}


def parse_da(da: str | None) -> tuple[float, tuple[float, ...]]:
    """(font size, colour) from a /DA string such as '/Helv 10.5 Tf 0 g'."""
    size, color = 0.0, (0.0,)
    if not da:
        return size, color
    m = re.search(r"([\d.]+)\s+Tf", da)
    if m:
        size = float(m.group(1))
    m = re.search(r"((?:[\d.]+\s+){1,4})(g|rg|k)\b", da)
    if m:
        color = tuple(float(x) for x in m.group(1).split())
    return size, color


def layout(box: TextBox) -> tuple[float, list[str]]:
    """(font size, lines) that fit the box, shrinking as needed; RenderError when nothing fits."""
    text = box.text.replace("\t", " ")
    text = text if box.multiline else re.sub(r"\s*(\r\n|\r|\n)\s*", " ", text)
    fonts.check(re.sub(r"[\r\n\t]", " ", text), box.style, record=box.record, field=box.field)
    n = len(text)
    if box.maxlen is not None and n > box.maxlen:
        raise RenderError(_("the value {value} has {n} characters; the field takes at most {limit}").format(
            value=repr(text), n=n, limit=box.maxlen), record=box.record, field=box.field)
    inner_w, inner_h = box.width - 2 * PAD, box.height - 2
    if box.comb and box.maxlen:
        inner_w = box.width / box.maxlen - 1
    start = box.size or (DEFAULT_SIZE if box.multiline else min(12.0, max(MIN_SIZE, inner_h * 0.8)))
    size = start
    floor = min(MIN_PARAGRAPH, start) if box.multiline else MIN_SIZE
    while size >= floor:
        if box.comb and box.maxlen:
            if all(fonts.width(ch, size, box.style) <= inner_w for ch in text) and size <= inner_h + 1:
                return size, [text]
        elif box.multiline:
            lines = wrap(text, inner_w, size, box.style)
            if len(lines) * size * LEADING <= inner_h + size * (LEADING - 1):
                return size, lines
        elif fonts.width(text, size, box.style) <= inner_w and size <= inner_h + 2:
            return size, [text]
        size = round(size - 0.5, 2)
    raise Overflow(_("the value {text!r} does not fit the field's box ({w:.0f}×{h:.0f} pt) even at {floor:g} pt; "
                     "shorten it or use a larger field").format(text=text, w=box.width, h=box.height, floor=floor),
                   record=box.record, field=box.field)


def _draw_line(c: Canvas, text: str, x: float, y: float, size: float, style: str) -> None:
    runs.draw(c, fonts.runs(text, style), x, y, size)


def draw(c: Canvas, box: TextBox, x0: float = 0.0, y0: float = 0.0) -> None:
    """Draw a box's text with its lower-left corner at (x0, y0)."""
    size, lines = layout(box)
    col = box.color
    if len(col) == 3:
        c.setFillColorRGB(*col)
    elif len(col) == 4:
        c.setFillColorCMYK(*col)
    else:
        c.setFillGray(col[0])
    if box.comb and box.maxlen:
        cell = box.width / box.maxlen
        base = y0 + (box.height - size) / 2 + size * 0.15
        for i, ch in enumerate(lines[0]):
            w = fonts.width(ch, size, box.style)
            _draw_line(c, ch, x0 + i * cell + (cell - w) / 2, base, size, box.style)
        return
    lead = size * LEADING
    if box.multiline:
        base = y0 + box.height - 1 - size * 0.88
    else:
        base = y0 + (box.height - size) / 2 + size * 0.15
    for line in lines:
        w = fonts.width(line, size, box.style)
        if box.align == 1:
            x = x0 + (box.width - w) / 2
        elif box.align == 2:
            x = x0 + box.width - PAD - w
        else:
            x = x0 + PAD
        _draw_line(c, line, x, base, size, box.style)
        base -= lead


def _n(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _color(col: tuple[float, ...]) -> str:
    op = {3: "rg", 4: "k"}.get(len(col), "g")
    return " ".join(_n(c) for c in (col if op != "g" else col[:1])) + f" {op}"


def _content(box: TextBox, fonts_: Fonts, used: dict[str, IndirectObject]) -> bytes:
    """The content stream of a box (the same placement as draw()); records the fonts it uses."""
    size, lines = layout(box)
    ops = ["/Tx BMC", "q", _color(box.color), "BT"]

    def line(text: str, x: float, y: float) -> None:
        ops.append(f"1 0 0 1 {_n(x)} {_n(y)} Tm")
        ops.extend(runs.show(fonts.runs(text, box.style), _n(size), fonts_, used))

    if box.comb and box.maxlen:
        cell = box.width / box.maxlen
        base = (box.height - size) / 2 + size * 0.15
        for i, ch in enumerate(lines[0]):
            line(ch, i * cell + (cell - fonts.width(ch, size, box.style)) / 2, base)
    else:
        base = box.height - 1 - size * 0.88 if box.multiline else (box.height - size) / 2 + size * 0.15
        for text in lines:
            w = fonts.width(text, size, box.style)
            x = (box.width - w) / 2 if box.align == 1 else box.width - PAD - w if box.align == 2 else PAD
            line(text, x, base)
            base -= size * LEADING
    ops += ["ET", "Q", "EMC"]
    return "\n".join(ops).encode("latin-1")


def appearances(boxes: list[TextBox], add: Add) -> tuple[list[IndirectObject], dict[str, IndirectObject]]:
    """One Form XObject per box, written with add(), and the fonts they use by resource name.

    Needs embeddable TrueType fonts (fonts.embedded); every box must already lay out (layout()). All
    the XObjects share one resources dictionary (fewer objects for every reader to parse).
    """
    embedder = Fonts(add)
    font_res = DictionaryObject()
    resources = add(DictionaryObject({NameObject("/Font"): font_res}))
    used: dict[str, IndirectObject] = {}
    refs = []
    for box in boxes:
        content = _content(box, embedder, used)
        entries = {"Type": NameObject("/XObject"), "Subtype": NameObject("/Form"),
                   "BBox": ArrayObject(FloatObject(round(v, 3)) for v in (0, 0, box.width, box.height)),
                   "Resources": resources}
        if box.rotation in ROTATIONS:  # viewers fit the rotated /BBox to the widget's /Rect
            entries["Matrix"] = ArrayObject(FloatObject(v) for v in (*ROTATIONS[box.rotation], 0, 0))
        refs.append(add(stream(content, **entries)))
    font_res.update({NameObject(k): v for k, v in sorted(used.items())})
    return refs, embedder.finish()


def form_xobjects(writer: PdfWriter, boxes: list[TextBox]) -> tuple[list[IndirectObject], dict]:
    """One Form XObject per box, drawn in one reportlab document (for reportlab's CID fonts), and the
    fonts they use."""
    for box in boxes:  # every problem is raised before anything is drawn
        layout(box)
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, pageCompression=1)
    for box in boxes:
        c.setPageSize((box.width, box.height))
        draw(c, box)
        c.showPage()
    c.save()
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    refs: list[IndirectObject] = []
    used_fonts: dict = {}
    for box, page in zip(boxes, reader.pages, strict=True):
        stream = DecodedStreamObject()
        contents = page.get_contents()
        stream.set_data(contents.get_data() if contents is not None else b"")
        res = page["/Resources"].get_object().clone(writer)
        for name, font in (res.get("/Font") or {}).items():
            used_fonts[name] = font
        stream.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(round(box.width, 3)),
                                              FloatObject(round(box.height, 3))]),
            NameObject("/Resources"): res,
        })
        if box.rotation in ROTATIONS:  # viewers fit the rotated /BBox to the widget's /Rect
            stream[NameObject("/Matrix")] = ArrayObject([FloatObject(v) for v in (*ROTATIONS[box.rotation], 0, 0)])
        refs.append(add_object(writer, stream.flate_encode()))
    return refs, used_fonts
