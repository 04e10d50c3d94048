"""The pages of every ceri PDF document: A4 frame, title, item tables with rules, sentences, issuer block
with seal area, certificate number and verification QR code.

A Page lays content out from the top down. What does not fit above the bottom margin continues on the
next page, under the title repeated as 「…（続き）」/ "… (continued)": a table row that is too long is
split between its lines (never fewer than two on either side), a grid repeats its header, the issuer
block is kept whole and takes the last lines of the sentence before it along. Every page of a document
of several says "1 / 2". Values are never shrunk below their minimum size (9 pt): a row grows instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

import zxingcpp
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.context.labels import label
from pipeline.errors import CeriError, RenderError
from pipeline.i18n import _
from pipeline.renderers import RenderRequest, documents
from pipeline.renderers.pdf.sheets import Recorder, Sheet, lines_within, split
from pipeline.renderers.pdf.text import (
    LEADING,
    Fitted,
    Pen,
    draw_fitted,
    draw_line,
    fit,
    hard_lines,
    text_width,
    tighter,
    wrapped,
)
from pipeline.renderers.pdf.words import Paras, Values, Words, langs

WIDTH, HEIGHT = A4
MARGIN_X = 62.0  # ~22 mm
MARGIN_TOP = 50.0
MARGIN_BOTTOM = 58.0  # the footer below holds the QR code
PAD = 4.0  # cell padding
VALUE_SIZE, VALUE_MIN = 10.5, 9.0  # body text is never smaller than 9 pt: a longer value grows its row
LABEL_SIZE, LABEL_MIN = 9.5, 6.5
RULE = 0.6
GRAY = Color(0.4, 0.4, 0.4)
FILL = Color(0.94, 0.94, 0.94)
SEAL_RED = Color(0.75, 0.15, 0.15)
SIGNATURE_BOX = (250.0, 50.0)  # a PAdES signature's visible part (register.seal): 4 lines at 9 pt
QR_SIZE = 42.0  # in the footer, below the bottom margin: content never reaches it
FRAME = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # the height a page holds
NARROWEST = 120.0  # the narrowest cell a long record value is drawn in (a column of the JSPS report), for checks
MAX_PAGES = 20  # a document longer than this is refused: no record value needs that much paper
BULLETS = ("・", "•", "※", "＊")  # a paragraph starting with one of these is a bullet: its lines hang
SENTENCE = 10.0  # running text this size or larger may be set a little tighter to stay on one line
KEEP = 2  # lines of a split row or paragraph that stay together at the end and start of a page
_DARK = re.compile(b"\x00+")  # a run of dark modules in a row of the symbol's image (dark = 0)


@dataclass(frozen=True)
class Cell:
    """A value in a table: its paragraphs, where it comes from (for errors), how many lines it may take."""

    paras: Paras
    record: str | None = None
    field: str | None = None
    lines: int = 3  # at most this many lines per language
    align: str = "left"
    size: float = VALUE_SIZE


@dataclass(frozen=True)
class Row:
    label: Paras
    value: Cell


class Page:
    """The pages of one document, laid out from the top down; finish() returns the PDF bytes."""

    def __init__(self, request: RenderRequest):
        self.request = request
        self.lang = request.lang
        self.ctx = request.context
        self.institution = self.ctx["institution"]
        self.words = Words(request.doc, request.lang)
        self.values = Values(request.lang, self.institution)
        self.buf = BytesIO()
        kind = documents()[request.doc]
        title = " / ".join(kind.title[lg] for lg in langs(self.lang))
        self.canvas = Canvas(self.buf, pagesize=A4, invariant=1, pageCompression=1,
                             initialFontName=fonts.faces("mincho")[0].name,
                             lang="en" if self.lang == "en" else "ja")
        self.canvas.setTitle(title)
        self.canvas.setAuthor(" / ".join(self.pick_institution("name")))
        self.canvas.setSubject(request.doc)
        self.canvas.setCreator("ceri")
        self.canvas.setProducer("ceri (ReportLab)")
        self.c = Recorder(self.canvas)  # drawn when the document is finished (see sheets)
        self.sheets: list[Sheet] = []
        self.left, self.right = MARGIN_X, WIDTH - MARGIN_X
        # both languages in one table: a little tighter, so two-line rows still fit one page
        self.pad = 2.5 if self.lang == "ja+en" else PAD
        self.value_size = 9.0 if self.lang == "ja+en" else VALUE_SIZE
        self.label_size = 9.0 if self.lang == "ja+en" else LABEL_SIZE
        self.gap = 8.0 if self.lang == "ja+en" else 12.0
        self.y = HEIGHT - MARGIN_TOP
        self.c.setLineWidth(RULE)
        self.pen = Pen(self.canvas)
        self.fresh = self.y  # where this page's content starts: below it, a block is not new on the page
        self._text: tuple[int, int, float] | None = None  # the last sentence: (page, first run, top)
        self._field: str | None = None  # the value running onto the next page (named if there are too many)

    # ---- helpers ---------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.right - self.left

    def pick_institution(self, field: str) -> Paras:
        return self.values.pick(self.institution, field)

    def fits(self, height: float) -> bool:
        return self.y - height >= MARGIN_BOTTOM - 1e-6

    @property
    def room(self) -> float:
        """Height left above the bottom margin."""
        return self.y - MARGIN_BOTTOM

    def need(self, height: float, what: str) -> None:
        """Go on to the next page unless height fits on this one; a block taller than a whole page,
        which cannot be split, is refused."""
        if self.fits(height):
            return
        self.new_page()
        if not self.fits(height):
            raise RenderError(_("the {doc} cannot place '{what}': it is {over:.0f} pt taller than a page").format(
                doc=self.request.doc, what=what, over=height - self.room), record=self.record_id)

    def new_page(self) -> None:
        """Finish this page and start the next under the title, marked as continued."""
        if len(self.sheets) + 1 >= MAX_PAGES:
            raise RenderError(_("the {doc} would take more than {n} pages; shorten the longest values").format(
                doc=self.request.doc, n=MAX_PAGES), record=self.record_id, field=self._field)
        self.sheets.append(Sheet(self.c.ops, self.pen.runs))
        self.c.ops, self.pen.runs = [], []
        self.c.setLineWidth(RULE)  # every page starts with the default graphics state
        self.y = HEIGHT - MARGIN_TOP
        kind = documents()[self.request.doc]
        for i, lg in enumerate(langs(self.lang)):
            size = 13 if i == 0 else 10
            text = f"{kind.title[lg]}{label('continued', lg)}" if lg == "ja" else \
                f"{kind.title[lg]} {label('continued', lg)}"
            f = fit((text,), self.width, 2 * size * LEADING, size, 8, field="title", grow=True)
            self.y -= f.height
            draw_fitted(self.pen, f, self.left, self.y + f.height, self.width, align="center", fixed=True,
                        field="title")
        self.space(self.gap)
        self.fresh = self.y

    @property
    def record_id(self) -> str:
        internship = self.ctx.get("internship")
        return internship.id if internship is not None and self.request.doc != "enrollment-certificate" \
            else self.ctx["student"].id

    @property
    def serial(self) -> str | None:
        return self.request.options.get("serial")

    def one_line(self, paras: Paras, width: float, size: float) -> Paras:
        """'氏名 / Name' on one line where it fits, else Japanese above English."""
        if len(paras) < 2 or any("\n" in p or "\r" in p for p in paras):  # a value's own lines stay lines
            return paras
        joined = " / ".join(paras)
        return (joined,) if text_width(joined, size) <= width else paras

    def space(self, h: float) -> None:
        self.y -= h

    # ---- blocks ----------------------------------------------------------------------------------
    def header(self, addressee: Paras | None = None, date_label: Paras | None = None) -> None:
        """Top right: certificate number (when issued from the register) and issue date; left: addressee."""
        size = 9.5
        lines = []
        if self.serial:
            lines.append(f"{self.words.joined(self.words.label('serial'))} {self.serial}")
        lines.append(f"{self.words.joined(date_label or self.words.label('issue_date'))} "
                     f"{self.values.date(self.ctx['today'])[0]}")
        for line in lines:
            self.y -= size * LEADING
            draw_line(self.pen, self.left, self.y, self.width, line, size, align="right", field="header")
        if addressee:  # below the date, so long bilingual lines never collide with it
            self.space(4)
            for p in addressee:
                self.y -= 11 * LEADING
                draw_line(self.pen, self.left, self.y, self.width, p, 11, field="addressee")
        self.space(self.gap * 1.5)

    def title(self, paras: Paras | None = None) -> None:
        """The document title, centred: Japanese large and letter-spaced, English below it."""
        kind = documents()[self.request.doc]
        paras = paras or tuple(kind.title[lg] for lg in langs(self.lang))
        for i, p in enumerate(paras):
            ja = i == 0 and self.lang != "en"
            size = 20 if ja else (16 if self.lang == "en" else 12)
            f = fit((p,), self.width, size * LEADING, size, 10, record=self.record_id, field="title")
            self.y -= f.height
            draw_fitted(self.pen, f, self.left, self.y + f.height, self.width, align="center", fixed=True,
                        field="title")
        self.space(self.gap * 1.4)
        self.fresh = self.y

    def paragraph(self, paras: Paras, *, size: float = 10.5, lines: int = 4, record: str | None = None,
                  field: str | None = None, align: str = "left", indent: float = 0) -> None:
        """Running text (a certifying sentence, a note), wrapped to the frame at its own size, continuing
        on the next page where it must. A sentence (SENTENCE pt or more) a little too long for one line
        is set tighter to stay on it; a note never is, so the notes of a page share one size. `lines`
        is kept for callers: nothing is shrunk to fit a number of lines any more."""
        width = self.width - indent
        start = (len(self.sheets), len(self.pen.runs), self.y)
        for p in paras:
            for line in hard_lines((p,)):
                fonts.check(line, record=record or self.record_id, field=field)
            f = tighter(p, width, size) if size >= SENTENCE else None
            hang = 0.0
            if f is None and p[:1] in BULLETS and p[1:].strip():  # a wrapped bullet hangs: its lines under its text
                hang = text_width(p[0], size)
                body = wrapped(p[1:], width - hang, size)
                f = Fitted((p[0] + body[0], *body[1:]), size, "mincho")
            f = f or Fitted(wrapped(p, width, size), size, "mincho")
            first = True
            while f.lines:
                n = len(f.lines) if self.fits(f.height) else lines_within(f, self.room)
                if n < len(f.lines) and (n < KEEP or len(f.lines) - n < KEEP) and self.y < self.fresh:
                    n = 0  # too few lines on one side of the break: the paragraph starts on the next page
                if n:
                    part, f = split(f, n)
                    y = self.y - part.size
                    for i, line in enumerate(part.lines):
                        off = 0.0 if first and i == 0 else hang
                        draw_line(self.pen, self.left + indent + off, y, width - off, line, part.size, "mincho",
                                  align, fixed=True, record=record, field=field)
                        y -= part.size * LEADING
                    self.y -= part.height
                    first = False
                if f.lines:
                    self.new_page()
                    start = (len(self.sheets), len(self.pen.runs), self.y)
            self.y -= 1.5 if self.lang == "ja+en" else 3
        self._text = start

    def heading(self, paras: Paras) -> None:
        text = self.words.joined(paras)
        self.need(20 + 2 * self.value_size * LEADING + 2 * self.pad, text)  # never alone at a page's foot
        self.y -= self.gap + 2
        draw_line(self.pen, self.left, self.y, self.width, f"■ {text}", 10.5, fixed=True, field="heading")
        self.y -= 5
        self._text = None

    def fit_label(self, paras: Paras, width: float) -> Fitted:
        inner = width - 2 * self.pad
        return fit(self.one_line(paras, inner, self.label_size), inner, len(paras) * 2 * self.label_size * LEADING,
                   self.label_size, LABEL_MIN, field="label", grow=True)

    def fit_cell(self, cell: Cell, width: float) -> Fitted:
        """A value in its cell: at most cell.lines lines per language, shrinking down to VALUE_MIN; a
        longer value takes as many lines as it needs at that size (see text.fit)."""
        inner, size = width - 2 * self.pad, min(cell.size, self.value_size)
        record = cell.record or self.record_id
        f = fit(self.one_line(cell.paras, inner, size), inner, cell.lines * len(cell.paras) * size * LEADING,
                size, min(VALUE_MIN, size), record=record, field=cell.field, grow=True)
        if f.height > (MAX_PAGES - 1) * FRAME:
            raise RenderError(_("the value ({n} characters) would fill more than {pages} pages; shorten it").format(
                n=sum(map(len, cell.paras)), pages=MAX_PAGES - 1), record=record, field=cell.field)
        return f

    def _rows_on_pages(self, laid: list, row_height, split_row, reserve: float = 0.0) -> list[list]:
        """Cut rows into runs that fit page by page (reserve: the height a page's run needs besides its
        rows, e.g. a grid's header). Returns the runs; a new page starts before each but the first."""
        pages, run, pending = [], [], list(laid)
        room = self.room - reserve
        fresh_room = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM - 60 - reserve  # under a continued title
        while pending:
            row = pending[0]
            h = row_height(row)
            if h <= room + 1e-6:
                run.append(pending.pop(0))
                room -= h
                continue
            first, rest = split_row(row, room)
            if first is None and h > fresh_room:  # no page holds it whole: split at any line
                first, rest = split_row(row, room, keep=1)
            if first is not None:
                run.append(first)
                pending[0] = rest
            elif not run and room >= fresh_room - 1e-6:
                raise RenderError(_("a value of the {doc} cannot be placed on a page").format(
                    doc=self.request.doc), record=self.record_id)
            pages.append(run)  # an empty run: the rows start on the next page
            run, room = [], fresh_room
        if run:
            pages.append(run)
        return pages

    def table(self, rows: list[Row], label_width: float = 150.0, min_row: float = 0.0) -> None:
        """Label | value rows with rules: labels shaded on the left, values fitted into their cells; the
        table continues on the next page where it must."""
        value_w = self.width - label_width
        def measured(row: Row, lf: Fitted, vf: Fitted, least: float) -> tuple:
            h = max(max(lf.height, vf.height, self.value_size * LEADING) + 2 * self.pad, least)
            return row, lf, vf, h

        laid = [measured(row, self.fit_label(row.label, label_width), self.fit_cell(row.value, value_w), min_row)
                for row in rows]

        def height(r) -> float:
            return r[3]

        def split_row(r, room: float, keep: int = KEEP):
            row, lf, vf, _ = r
            n = lines_within(vf, room - 2 * self.pad)
            if n < keep or len(vf.lines) - n < keep or lf.height > room - 2 * self.pad:
                return None, None
            a, b = split(vf, n)
            return measured(row, lf, a, 0.0), measured(row, lf, b, 0.0)

        for i, part in enumerate(self._rows_on_pages(laid, height, split_row)):
            if i:
                self._field = part[0][0].value.field if part else None
                self.new_page()
            if part:
                self._table_part(part, label_width, value_w)
        self.space(10)
        self._text = None

    def _table_part(self, laid: list, label_width: float, value_w: float) -> None:
        c = self.c
        top = self.y
        c.setFillColor(FILL)  # shading first, so no later fill covers a rule
        total = sum(h for *_, h in laid)
        c.rect(self.left, top - total, label_width, total, stroke=0, fill=1)
        c.setFillColor(black)
        for row, lf, vf, h in laid:
            draw_fitted(self.pen, lf, self.left + self.pad, self.y - (h - lf.height) / 2,
                        label_width - 2 * self.pad, fixed=True, field="label")
            draw_fitted(self.pen, vf, self.left + label_width + self.pad, self.y - (h - vf.height) / 2,
                        value_w - 2 * self.pad, align=row.value.align)
            self.y -= h
            c.line(self.left, self.y, self.right, self.y)
        c.setLineWidth(1.0)
        c.rect(self.left, self.y, self.width, top - self.y, stroke=1, fill=0)
        c.setLineWidth(RULE)
        c.line(self.left + label_width, self.y, self.left + label_width, top)

    def grid(self, header: list[Paras], rows: list[list[Cell]], widths: list[float]) -> None:
        """A table with columns: a shaded header row, then rows of fitted cells, all ruled; on each page
        it continues on, its header again."""
        scale = self.width / sum(widths)
        widths = [w * scale for w in widths]
        heads = [self.fit_label(h, w) for h, w in zip(header, widths, strict=True)]
        head_h = max(f.height for f in heads) + 2 * self.pad
        laid = [(row, [self.fit_cell(cell, w) for cell, w in zip(row, widths, strict=True)]) for row in rows]

        def height(r) -> float:
            return max(f.height for f in r[1]) + 2 * self.pad

        def split_row(r, room: float, keep: int = KEEP):
            row, cells = r
            counts = [lines_within(f, room - 2 * self.pad) for f in cells]
            longest = max(range(len(cells)), key=lambda i: cells[i].height)
            n, total = counts[longest], len(cells[longest].lines)
            if n < keep or total - n < keep:
                return None, None
            parts = [split(f, k) for f, k in zip(cells, counts, strict=True)]
            return (row, [a for a, _ in parts]), (row, [b for _, b in parts])

        def longest(r) -> str | None:
            return max(zip(*r, strict=True), key=lambda cf: cf[1].height)[0].field

        if not self.fits(head_h + (height(laid[0]) if laid else 0)):
            self.new_page()
        for i, part in enumerate(self._rows_on_pages(laid, height, split_row, reserve=head_h)):
            if i:
                self._field = longest(part[0]) if part else None
                self.new_page()
            if part:
                self._grid_part(heads, head_h, widths, part, height)
        self.space(10)
        self._text = None

    def _grid_part(self, heads: list[Fitted], head_h: float, widths: list[float], laid: list, height) -> None:
        c = self.c
        top = self.y
        c.setFillColor(FILL)
        c.rect(self.left, self.y - head_h, self.width, head_h, stroke=0, fill=1)
        c.setFillColor(black)
        x = self.left
        for f, w in zip(heads, widths, strict=True):
            draw_fitted(self.pen, f, x + self.pad, self.y - (head_h - f.height) / 2, w - 2 * self.pad,
                        align="center", fixed=True)
            x += w
        self.y -= head_h
        c.line(self.left, self.y, self.right, self.y)
        for r in laid:
            row, cells = r
            h = height(r)
            x = self.left
            for cell, f, w in zip(row, cells, widths, strict=True):
                draw_fitted(self.pen, f, x + self.pad, self.y - (h - f.height) / 2, w - 2 * self.pad,
                            align=cell.align)
                x += w
            self.y -= h
            c.line(self.left, self.y, self.right, self.y)
        x = self.left
        for w in widths[:-1]:
            x += w
            c.line(x, self.y, x, top)
        c.setLineWidth(1.0)
        c.rect(self.left, self.y, self.width, top - self.y, stroke=1, fill=0)
        c.setLineWidth(RULE)

    def issuer(self, lines: list[Paras] | None = None, *, official: bool = True) -> None:
        """The issuer block at the right: institution, signatory title and name, and the seal area
        (official: the institution's seal image where configured; else an empty seal circle)."""
        inst = self.institution
        if lines is None:
            # the address in one language only: in ja+en the block would crowd the page
            address = self.pick_institution("address")[:1]
            lines = [address, self.pick_institution("name")]
            sign = []
            for lg in langs(self.lang):
                title = getattr(inst, f"signatory_title_{lg}")
                name = getattr(inst, f"signatory_name_{lg}") or ""
                sign.append(f"{title}　{name}".strip() if lg == "ja" else f"{name}, {title}".strip(", "))
            lines.append(tuple(sign))
        size = 10.5
        block_w = 330.0
        x = self.right - block_w
        flat = [(p, i == len(lines) - 1) for i, ps in enumerate(lines) for p in ps]
        height = len(flat) * size * LEADING + 10
        if not self.fits(max(height, 70)):
            self._carry_text()
        self.need(max(height, 70), "issuer")
        self.space(8)
        top = self.y
        for text, last in flat:
            f = fit((text,), block_w - 70, 2 * size * LEADING, size if last else size - 1, 7,
                    record=inst.kind, field="institution")
            draw_fitted(self.pen, f, x, self.y, block_w - 70, fixed=True, field="institution")
            self.y -= f.height + 1
        self.seal(self.right - 30, top - max(height, 60) / 2 - 2, official=official)
        self.y = min(self.y, top - 66)
        # where the visible part of a PAdES signature goes if the certificate is signed at issue (the issuer
        # block is the page's last content): below it when there is room, else the left of the footer
        w, h = SIGNATURE_BOX
        below = (self.right - w, self.y - 4 - h, self.right, self.y - 4)
        self.request.options["signature_box"] = below if below[1] >= MARGIN_BOTTOM else (
            self.left, 12.0, self.left + w, 12.0 + QR_SIZE)

    def _carry_text(self) -> None:
        """Start the next page with the last lines of the sentence just drawn (the certifying sentence
        above the issuer block): a signature never stands on a page of its own."""
        if self._text is None or self._text[0] != len(self.sheets) or self._text[2] >= self.fresh - 1e-6:
            self.new_page()
            return
        _, first, top = self._text
        runs = self.pen.runs[first:]
        del self.pen.runs[first:]
        below = self.y
        self.new_page()
        dy = self.y - top
        self.pen.runs += [replace(r, y=r.y + dy) for r in runs]
        self.y = below + dy

    def seal(self, cx: float, cy: float, r: float = 24.0, *, official: bool = True) -> None:
        """The institution's seal PNG if configured, else an empty seal circle marked 印."""
        image = self.institution.seal_image if official else None
        c = self.c
        if image:
            path = Path(image)
            if not path.is_file():
                raise CeriError(_("institution seal_image '{image}' is not a file (paths are relative to where "
                                  "ceri runs)").format(image=image))
            c.drawImage(str(path), cx - r, cy - r, 2 * r, 2 * r, mask="auto", preserveAspectRatio=True)
            return
        c.saveState()
        c.setStrokeColor(GRAY)
        c.setDash(2, 2)
        c.circle(cx, cy, r, stroke=1, fill=0)
        c.restoreState()
        draw_line(self.pen, cx - 7, cy - 5, 14, "印", 14, align="center", fixed=True, color=GRAY.rgb(),
                  field="seal")

    def _qr(self) -> str:
        """Bottom right: a QR code of the verification text, drawn as rectangles (no image needed)."""
        text = self.request.options.get("verification_text") or self.serial
        # zxing-cpp encodes in C++ (0.2 ms; segno's pure Python took 1.2 ms a code); level M
        image = zxingcpp.create_barcode(str(text), zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
            scale=1, add_quiet_zones=False)
        n, width = image.shape
        modules = bytes(image)
        x0, y0 = self.right - QR_SIZE, 12.0
        # one rectangle per horizontal run of dark modules, in module units under one scaling (short
        # integers: a small file, little to format), each filled on its own as canvas.rect would do
        # (renderers snap a lone rectangle to the pixel grid, which keeps small modules sharp enough to
        # scan), written in one go: canvas.rect costs ms
        rects = [f"q {QR_SIZE / n:.4f} 0 0 {QR_SIZE / n:.4f} {x0:.3f} {y0:.3f} cm"]
        for r in range(n):
            y = n - 1 - r
            row = modules[r * width: (r + 1) * width]
            rects.extend(f"{m.start()} {y} {m.end() - m.start()} 1 re f" for m in _DARK.finditer(row))
        rects.append("Q")
        return "\n".join(rects)

    def finish(self) -> bytes:
        """Draw every page (with its number when there are several, and the QR code) and return the PDF."""
        self.sheets.append(Sheet(self.c.ops, self.pen.runs))
        n = len(self.sheets)
        qr = self._qr() if self.serial else None
        for k, sheet in enumerate(self.sheets, 1):
            self.pen.runs = sheet.runs
            if n > 1:
                draw_line(self.pen, self.left, 30, self.width, f"{k} / {n}", 9, align="center", fixed=True,
                          field="page")
            if qr:
                draw_line(self.pen, self.left, 14, self.width - QR_SIZE - 6, str(self.serial), 7, align="right",
                          field="serial")
        presets = self.pen.presets([r for s in self.sheets for r in s.runs])
        for sheet in self.sheets:
            self.c.replay(sheet.ops)
            if qr:
                self.canvas.setFillColor(black)
                self.canvas.addLiteral(qr)
            self.pen.runs = sheet.runs
            self.pen.write(presets)
            self.canvas.showPage()
        self.canvas.save()
        return self.buf.getvalue()
