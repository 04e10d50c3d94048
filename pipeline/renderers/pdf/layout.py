"""The page of every ceri PDF document: A4 frame, title, item tables with rules, sentences, issuer block
with seal area, certificate number and verification QR code.

A Page lays content out from the top down; anything that would run past the bottom margin is a
RenderError (a document is one page: it is never cut off silently).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import zxingcpp
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.errors import CeriError, RenderError
from pipeline.renderers import RenderRequest, documents
from pipeline.renderers.pdf.text import LEADING, Fitted, Pen, draw_fitted, draw_line, fit, text_width
from pipeline.renderers.pdf.words import Paras, Values, Words, langs

WIDTH, HEIGHT = A4
MARGIN_X = 62.0  # ~22 mm
MARGIN_TOP = 50.0
MARGIN_BOTTOM = 58.0  # the footer below holds the QR code
PAD = 4.0  # cell padding
VALUE_SIZE, VALUE_MIN = 10.5, 7.0
LABEL_SIZE, LABEL_MIN = 9.5, 6.5
RULE = 0.6
GRAY = Color(0.4, 0.4, 0.4)
FILL = Color(0.94, 0.94, 0.94)
SEAL_RED = Color(0.75, 0.15, 0.15)
SIGNATURE_BOX = (250.0, 50.0)  # a PAdES signature's visible part (register.seal): 4 lines at 9 pt
QR_SIZE = 42.0  # in the footer, below the bottom margin: content never reaches it
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
    """One A4 page of one document; finish() returns the PDF bytes."""

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
        self.c = Canvas(self.buf, pagesize=A4, invariant=1, pageCompression=1,
                        initialFontName=fonts.faces("mincho")[0].name,
                        lang="en" if self.lang == "en" else "ja")
        self.c.setTitle(title)
        self.c.setAuthor(" / ".join(self.pick_institution("name")))
        self.c.setSubject(request.doc)
        self.c.setCreator("ceri")
        self.c.setProducer("ceri (ReportLab)")
        self.left, self.right = MARGIN_X, WIDTH - MARGIN_X
        # both languages in one table: a little tighter, so two-line rows still fit one page
        self.pad = 2.5 if self.lang == "ja+en" else PAD
        self.value_size = 9.0 if self.lang == "ja+en" else VALUE_SIZE
        self.label_size = 8.5 if self.lang == "ja+en" else LABEL_SIZE
        self.gap = 8.0 if self.lang == "ja+en" else 12.0
        self.y = HEIGHT - MARGIN_TOP
        self.c.setLineWidth(RULE)
        self.pen = Pen(self.c)

    # ---- helpers ---------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.right - self.left

    def pick_institution(self, field: str) -> Paras:
        return self.values.pick(self.institution, field)

    def need(self, height: float, what: str) -> None:
        """Stop before drawing below the bottom margin."""
        over = MARGIN_BOTTOM - (self.y - height)
        if over > 0:
            raise RenderError(f"the {self.request.doc} does not fit on one page at '{what}' ({over:.0f} pt "
                              "too long); shorten the longest values", record=self.record_id)

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
        joined = " / ".join(paras)
        return (joined,) if len(paras) > 1 and text_width(joined, size) <= width else paras

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

    def paragraph(self, paras: Paras, *, size: float = 10.5, lines: int = 4, record: str | None = None,
                  field: str | None = None, align: str = "left", indent: float = 0) -> None:
        """Running text (a certifying sentence, a note), wrapped to the frame."""
        for p in paras:
            width = self.width - indent
            f = fit((p,), width, lines * size * LEADING, size, max(7.0, size - 2.5),
                    record=record or self.record_id, field=field)
            self.need(f.height, field or "text")
            draw_fitted(self.pen, f, self.left + indent, self.y, width, align=align, fixed=True,
                        record=record, field=field)
            self.y -= f.height + (1.5 if self.lang == "ja+en" else 3)

    def heading(self, paras: Paras) -> None:
        text = self.words.joined(paras)
        self.need(20, text)
        self.y -= self.gap + 2
        draw_line(self.pen, self.left, self.y, self.width, f"■ {text}", 10.5, fixed=True, field="heading")
        self.y -= 5

    def fit_label(self, paras: Paras, width: float) -> Fitted:
        inner = width - 2 * self.pad
        return fit(self.one_line(paras, inner, self.label_size), inner, len(paras) * 2 * self.label_size * LEADING,
                   self.label_size, LABEL_MIN, field="label")

    def fit_cell(self, cell: Cell, width: float) -> Fitted:
        """A value in its cell: at most cell.lines lines per language, never clipped (see text.fit)."""
        inner, size = width - 2 * self.pad, min(cell.size, self.value_size)
        return fit(self.one_line(cell.paras, inner, size), inner, cell.lines * len(cell.paras) * size * LEADING,
                   size, VALUE_MIN, record=cell.record or self.record_id, field=cell.field)

    def table(self, rows: list[Row], label_width: float = 150.0, min_row: float = 0.0) -> None:
        """Label | value rows with rules: labels shaded on the left, values fitted into their cells."""
        value_w = self.width - label_width
        laid = []
        for row in rows:
            lf = self.fit_label(row.label, label_width)
            vf = self.fit_cell(row.value, value_w)
            h = max(lf.height, vf.height, self.value_size * LEADING) + 2 * self.pad
            h = max(h, min_row)
            laid.append((row, lf, vf, h))
        self.need(sum(h for *_, h in laid), "table")
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
        self.space(10)

    def grid(self, header: list[Paras], rows: list[list[Cell]], widths: list[float]) -> None:
        """A table with columns: a shaded header row, then rows of fitted cells, all ruled."""
        scale = self.width / sum(widths)
        widths = [w * scale for w in widths]
        c = self.c
        heads = [self.fit_label(h, w) for h, w in zip(header, widths, strict=True)]
        head_h = max(f.height for f in heads) + 2 * self.pad
        laid_rows = []
        for row in rows:
            cells = [self.fit_cell(cell, w) for cell, w in zip(row, widths, strict=True)]
            laid_rows.append((row, cells, max(f.height for f in cells) + 2 * self.pad))
        self.need(head_h + sum(h for *_, h in laid_rows), "table")
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
        for row, cells, h in laid_rows:
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
        self.space(10)

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

    def seal(self, cx: float, cy: float, r: float = 24.0, *, official: bool = True) -> None:
        """The institution's seal PNG if configured, else an empty seal circle marked 印."""
        image = self.institution.seal_image if official else None
        c = self.c
        if image:
            path = Path(image)
            if not path.is_file():
                raise CeriError(f"institution seal_image '{image}' is not a file (paths are relative to "
                                "where ceri runs)")
            c.drawImage(str(path), cx - r, cy - r, 2 * r, 2 * r, mask="auto", preserveAspectRatio=True)
            return
        c.saveState()
        c.setStrokeColor(GRAY)
        c.setDash(2, 2)
        c.circle(cx, cy, r, stroke=1, fill=0)
        c.restoreState()
        draw_line(self.pen, cx - 7, cy - 5, 14, "印", 14, align="center", fixed=True, color=GRAY.rgb(),
                  field="seal")

    def qr(self) -> None:
        """Bottom right: a QR code of the verification text, drawn as rectangles (no image needed)."""
        text = self.request.options.get("verification_text") or self.serial
        # zxing-cpp encodes in C++ (0.2 ms; segno's pure Python took 1.2 ms a code); level M
        image = zxingcpp.create_barcode(str(text), zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
            scale=1, add_quiet_zones=False)
        n, width = image.shape
        modules = bytes(image)
        x0, y0 = self.right - QR_SIZE, 12.0
        c = self.c
        c.setFillColor(black)
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
        c.addLiteral("\n".join(rects))
        draw_line(self.pen, self.left, y0 + 2, self.width - QR_SIZE - 6, str(self.serial), 7, align="right",
                  field="serial")

    def finish(self) -> bytes:
        if self.serial:
            self.qr()
        self.pen.write()
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()
