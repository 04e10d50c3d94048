"""The continuation sheet (別紙) of a filled form: a value too long for its field at the field's minimum
size is written in full on pages appended to the same PDF, and the field says 「別紙のとおり / See
attached sheet」, as Japanese offices expect of an application form.

The sheet names each item as the form does (`12 (1)職務の内容 / Type of duties`, from the spec of ceri's
own forms; else the field's tooltip, else its name) and flows over as many pages as the text needs.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.context.labels import label
from pipeline.errors import RenderError
from pipeline.fonts.linebreak import wrap
from pipeline.i18n import _
from pipeline.pdf import runs

MARGIN = 56.0
SIZE = 10.5  # the full text: a readable size, whatever the field's
CAPTION = 10.5
LEADING = 1.45
MAX_PAGES = 20  # a value longer than this many pages of sheet is refused


def notes() -> tuple[str, ...]:
    """What a field whose value is on the sheet shows, longest first: the first that fits is used."""
    ja, en = label("see_attached", "ja"), label("see_attached", "en")
    return (f"{ja} / {en}", ja, label("attached_sheet", "ja"))


@cache
def captions(spec_path: Path) -> dict[str, str]:
    """Field name → how the form names its item ('12 (1)職務の内容 / Type of duties'), from a form spec
    (forms/*.spec.yaml): rows without a number belong to the numbered item above them."""
    try:
        spec = yaml.safe_load(spec_path.read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[str, str] = {}
    item = ""
    for row in (spec or {}).get("rows") or []:
        if not isinstance(row, dict) or "heading" in row:
            continue
        item = str(row.get("item") or item)
        lab = row.get("label") or {}
        base = " / ".join(x for x in (lab.get("ja"), lab.get("en")) if x)
        fields = row.get("fields") or []
        for f in fields:
            sub = f.get("label") or {}
            part = " / ".join(x for x in (sub.get("ja"), sub.get("en")) if x)
            text = base if len(fields) == 1 or not part else f"{base} — {part}"
            out[str(f.get("name"))] = f"{item} {text}".strip()
    return out


def _line(c: Canvas, x: float, y: float, text: str, size: float, style: str) -> None:
    runs.draw(c, fonts.runs(text, style), x, y, size)


def sheet(items: list[tuple[str, str]], title: str, style: str = "gothic", record: str | None = None,
          owner: str | None = None) -> bytes:
    """The pages of the continuation sheet: each (caption, full text) in turn, flowing over pages; owner
    (the person the form is about) on every page, so that a sheet come apart from its form is matched."""
    width, height = A4
    inner = width - 2 * MARGIN
    pages: list[list[tuple[float, str, float, float]]] = [[]]  # per page: (y, text, size, indent)
    heading = f"{label('attached_sheet', 'ja')} / {label('attached_sheet', 'en')}"
    title_lines = wrap(title, inner, 8.5, style) if title else []
    if owner:
        title_lines += wrap(f"{label('name', 'ja')} / {label('name', 'en')}: {owner}", inner, 8.5, style)
    rule = height - MARGIN - 22 - 10.5 * len(title_lines)
    top = rule - 4
    y = top
    for caption, text in items:
        lines = [(f"■ {caption}", CAPTION)]
        lines += [(ln, SIZE) for ln in wrap(text, inner - 10, SIZE, style)]
        if y - 3 * SIZE * LEADING < MARGIN:  # a caption never stands alone at a page's foot
            pages.append([])
            y = top
        for i, (ln, size) in enumerate(lines):
            if y - size * LEADING < MARGIN:
                pages.append([])
                y = top
            y -= size * LEADING
            pages[-1].append((y, ln, size, 0.0 if i == 0 else 10.0))
        y -= SIZE
    if len(pages) > MAX_PAGES:
        raise RenderError(_("the value would fill more than {n} pages of the attached sheet; shorten it").format(
            n=MAX_PAGES), record=record, field=items[0][0])
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1, initialFontName=fonts.faces(style)[0].name)
    c.setTitle(f"{heading} — {title}" if title else heading)
    for n, page in enumerate(pages, 1):
        _line(c, MARGIN, height - MARGIN - 14, heading, 14, style)
        for i, ln in enumerate(title_lines):
            _line(c, MARGIN, height - MARGIN - 28 - 10.5 * i, ln, 8.5, style)
        c.setLineWidth(0.6)
        c.line(MARGIN, rule, width - MARGIN, rule)
        for y, text, size, indent in page:
            _line(c, MARGIN + indent, y, text, size, style)
        if len(pages) > 1:
            mark = f"{label('attached_sheet', 'ja')} {n} / {len(pages)}"
            _line(c, (width - fonts.width(mark, 9, style)) / 2, MARGIN - 24, mark, 9, style)
        c.showPage()
    c.save()
    return buf.getvalue()


def append(pdf: bytes, items: list[tuple[str, str]], style: str = "gothic", record: str | None = None,
           owner: str | None = None) -> bytes:
    """pdf with the continuation sheet of items appended (after its own pages)."""
    reader = PdfReader(io.BytesIO(pdf))
    title = str((reader.metadata or {}).get("/Title") or "")
    extra = PdfReader(io.BytesIO(sheet(items, title, style, record, owner)))
    writer = PdfWriter(clone_from=reader)
    for page in extra.pages:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
