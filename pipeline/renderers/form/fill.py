"""Fill any PDF: AcroForm fields (values + appearances with embedded fonts) or overlay boxes.

Every value is checked first (unknown field, impossible checkbox state, text that cannot fit or has a
character no font has): a problem raises before any output exists.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import BooleanObject, DictionaryObject, IndirectObject, NameObject, TextStringObject
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.errors import CeriError, RenderError
from pipeline.i18n import _
from pipeline.pdf import Edit, NotIndirect, Template, add_object, catalog, flatten, flatten_edit, template
from pipeline.renderers.form import attach
from pipeline.renderers.form.appearance import (
    Overflow,
    TextBox,
    appearances,
    draw,
    form_xobjects,
    layout,
    parse_da,
)
from pipeline.renderers.form.fields import Field, Widget, fields, inherited, state_label
from pipeline.renderers.form.limits import open_reader

FALSY = {"", "false", "no", "off", "0", "none", "n"}
logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf's xref-recovery chatter is not the user's problem


@dataclass(frozen=True)
class Box:
    """An overlay box: value drawn on page (1-based) at x, y (points from the lower-left), width × height."""

    page: int
    x: float
    y: float
    width: float
    height: float
    value: str
    size: float = 0.0
    align: int = 0
    multiline: bool = False
    name: str = ""


class NoSuchField(CeriError):
    """Values for fields the form does not have (a field map names them at their lines)."""


def open_pdf(data: bytes, source: str = "form") -> PdfReader:
    """A parsed PDF, checked against the limits on files from outside first (limits.py)."""
    return open_reader(data, source)


@lru_cache(maxsize=8)
def _parsed(data: bytes, source: str) -> PdfReader:
    """A form parsed once per process: a batch fills the same shipped forms hundreds of times, and
    cloning (which copies every object into the new writer) leaves the parsed reader untouched."""
    return open_pdf(data, source)


def choose_state(f: Field, value: str, record: str | None = None) -> str:
    """The on-state name a button field takes for value (NameObject string), or '/Off'."""
    states = f.states
    if not states:
        raise RenderError(_("the button has no on-state appearance to select"), record=record, field=f.name)
    v = value.strip()
    for s in states:  # the value names a state (as read, or as readable text, e.g. はい)
        if v in (s, s[1:], state_label(s)):
            return s
    if v.lower() in FALSY:
        return "/Off"
    if len(states) == 1:
        return states[0]
    names = ", ".join(state_label(s) for s in states)
    raise RenderError(_("the value {value} is not one of its on-states ({names}); name the one to select").format(
        value=repr(value), names=names), record=record, field=f.name)


def _text_for_choice(f: Field, value: str, record: str | None) -> tuple[str, str]:
    """(export value for /V, text to show) of a combo or list field."""
    for export, shown in f.options:
        if value in (export, shown):
            return export, shown
    if f.has("edit") or not f.options:
        return value, value
    shown = ", ".join(s for _, s in f.options[:8])
    raise RenderError(_("the value {value} is not one of the field's options ({options}…)").format(
        value=repr(value), options=shown), record=record, field=f.name)


def _boxes(f: Field, text: str, style: str, record: str | None) -> list[tuple[Widget, TextBox]]:
    out = []
    for w in f.widgets:
        if w.hidden:  # a hidden widget (e.g. ceri's form id) keeps its value without an appearance
            continue
        da = w.annot.get("/DA") or inherited(f.node, "/DA") or ""
        size, color = parse_da(str(da))
        q = w.annot.get("/Q", inherited(f.node, "/Q")) or 0
        maxlen = inherited(f.node, "/MaxLen")
        x1, y1, x2, y2 = w.rect
        if x2 - x1 < 1 or y2 - y1 < 1:  # a zero-size widget shows nothing: it needs no appearance
            continue
        rotation = int((w.annot.get("/MK") or {}).get("/R", 0)) % 360
        bw, bh = (y2 - y1, x2 - x1) if rotation in (90, 270) else (x2 - x1, y2 - y1)
        out.append((w, TextBox(text, bw, bh, f.name, size=size, align=int(q), rotation=rotation,
                               multiline=f.has("multiline"), comb=f.has("comb") and maxlen is not None,
                               maxlen=int(maxlen) if maxlen is not None else None, color=color, style=style,
                               record=record)))
    return out


class _InWriter:
    """Edits made in place in a cloned PdfWriter (forms the fast path cannot take, reportlab CID fonts)."""

    def __init__(self, writer: PdfWriter):
        self.writer = writer

    @property
    def root(self) -> DictionaryObject:
        return catalog(self.writer)

    def own(self, obj: Any) -> DictionaryObject:
        return obj.get_object()

    def sub(self, parent: DictionaryObject, key: str) -> DictionaryObject:
        return parent.setdefault(NameObject(key), DictionaryObject()).get_object()

    def add(self, obj: Any) -> IndirectObject:
        return add_object(self.writer, obj)


@lru_cache(maxsize=8)
def _template(reader: PdfReader) -> tuple[Template, dict[str, Field]]:
    """The serialised objects and the fields of a parsed form, once per process (never modified)."""
    form = fields(reader)  # first: it refuses a hostile widget count before every object is serialised
    return template(reader), form


# The last few fills, before flattening: a pack renders each form twice (the fillable file, and the
# flattened copy for pack.pdf), and the second time only the flattening is new. Keyed by the parsed
# form (cached above for the process; an entry keeps its Template alive, so the id stays its own),
# the values, the style and the record.
RECENT = 4
_recent: dict[tuple, tuple[Edit, list[tuple[str, str, str]]]] = {}


def _filled(reader: PdfReader, values: dict[str, Any], style: str, record: str | None,
            source: str) -> tuple[Edit, list[tuple[str, str, str]]] | None:
    """The fill as an Edit and what goes to the 別紙 (cached for the next call with the same
    values), or None when the form needs the full-copy path (fonts that cannot be embedded, fields that
    are not indirect objects)."""
    if not fonts.embedded(style) or os.environ.get("CERI_FILL_PATH") == "pypdf":  # the switch tests the other path
        return None
    base, form = _template(reader)
    key = (id(base), tuple((k, "" if v is None else str(v)) for k, v in values.items()), style, record)
    hit = _recent.get(key)
    if hit is None:
        filled = Edit(base)
        try:
            sheet = _apply(filled, form, values, style, record, source)
        except NotIndirect:
            return None
        hit = _recent[key] = (filled, sheet)
        while len(_recent) > RECENT:
            _recent.pop(next(iter(_recent)))
    return hit


def _flat(filled: Edit | None) -> Edit | None:
    """A flattened copy of the fill, or None when there is no fast-path fill or it cannot be flattened."""
    if filled is None:
        return None
    flat = filled.copy()
    try:
        flatten_edit(flat)
    except NotIndirect:
        return None
    return flat


def fill_acroform(data: bytes, values: dict[str, Any], *, flatten_out: bool = False, style: str = "gothic",
                  record: str | None = None, source: str = "form", captions: dict[str, str] | None = None,
                  owner: str | None = None) -> bytes:
    """The PDF with each named field set to its value; every widget gets an appearance stream. A value
    too long for its field goes to a continuation sheet (別紙) appended to the PDF, under its caption
    (captions: field → how the form names the item; else the field's tooltip or name; owner: whom the
    form is about, named on the sheet).

    With embeddable fonts, only the changed and new objects are written: the rest of the form is
    copied as serialised once per process (pipeline.pdf.Edit).
    """
    reader = _parsed(data, source)
    hit = _filled(reader, values, style, record, source)
    filled, sheet = hit if hit is not None else (None, [])
    flat = _flat(filled) if flatten_out else None
    if filled is not None and not flatten_out:
        out = filled.write()
    elif flat is not None:
        out = flat.write()
    else:
        writer = PdfWriter(clone_from=reader)
        sheet = _apply(_InWriter(writer), fields(writer), values, style, record, source, writer)
        if flatten_out:
            flatten(writer)
        buf = io.BytesIO()
        writer.write(buf)
        out = buf.getvalue()
    if sheet:
        items = [((captions or {}).get(name) or tip, text) for name, tip, text in sheet]
        out = attach.append(out, items, style, record, owner)
    return out


def _see_attached(boxes: list[tuple[Widget | None, TextBox]], record: str | None, name: str) -> None:
    """Each widget of a field whose value goes to the 別紙 shows 「別紙のとおり / See attached sheet」 (or the
    longest form of it that fits); a field too small for even 「別紙」 cannot take the value at all."""
    for _w, box in boxes:
        for note in attach.notes():
            box.text = note
            try:
                layout(box)
                break
            except Overflow:
                continue
        else:
            raise RenderError(_("the value does not fit the field, which is too small even to say "
                                "'{note}' and continue on an attached sheet").format(note=attach.notes()[-1]),
                              record=record, field=name)


def _apply(target: Edit | _InWriter, form: dict[str, Field], values: dict[str, Any], style: str,
           record: str | None, source: str, writer: PdfWriter | None = None) -> list[tuple[str, str, str]]:
    """Check every value, then set the fields' values and appearances through target. Returns what goes
    to the continuation sheet: (field, its tooltip or name, full text) of each value too long for its field
    (the field shows 「別紙のとおり」; its /V keeps the whole text)."""
    unknown = [n for n in values if n not in form]
    if unknown:
        have = ", ".join(list(form)[:20]) or _("none (use overlay mode)")
        raise NoSuchField("; ".join(_("{source} has no field '{field}'").format(source=source, field=n) for n in unknown)
                          + _(" (fields: {fields})").format(fields=have))
    texts: list[tuple[Field, str, list[tuple[Widget, TextBox]]]] = []
    sheet: list[tuple[str, str, str]] = []  # (field, its tooltip or name, full text) for the 別紙
    buttons: list[tuple[Field, str]] = []
    problems: list[str] = []  # one message per field, all reported together
    for name, raw in values.items():
        f = form[name]
        value = "" if raw is None else str(raw)
        try:
            if f.kind in ("checkbox", "radio"):
                buttons.append((f, choose_state(f, value, record)))
            elif f.kind in ("pushbutton", "signature"):
                raise RenderError(_("a {kind} field cannot be filled").format(kind=f.kind), record=record, field=name)
            else:
                export, shown = _text_for_choice(f, value, record) if f.kind in ("combo", "list") else (value, value)
                boxes = _boxes(f, shown, style, record) if shown else []
                try:
                    for _w, box in boxes:
                        layout(box)
                except Overflow:
                    _see_attached(boxes, record, name)
                    tip = inherited(f.node, "/TU")
                    sheet.append((name, str(tip) if tip else name, shown))
                texts.append((f, export, boxes))
        except RenderError as exc:
            problems.append(str(exc))
    if problems:
        raise RenderError("\n".join(problems))
    all_boxes = [b for _, _, bs in texts for _, b in bs]
    if writer is not None and not fonts.embedded(style):
        refs, used_fonts = form_xobjects(writer, all_boxes)
    else:
        refs, used_fonts = appearances(all_boxes, target.add)
    it = iter(refs)
    for f, export, boxes in texts:
        target.own(f.node)[NameObject("/V")] = TextStringObject(export)
        for w in f.widgets:  # no stale appearance may show an old value
            target.own(w.annot).pop("/AP", None)
        for w, _box in boxes:
            target.own(w.annot)[NameObject("/AP")] = DictionaryObject({NameObject("/N"): next(it)})
    for f, state in buttons:
        target.own(f.node)[NameObject("/V")] = NameObject(state)
        for w in f.widgets:
            target.own(w.annot)[NameObject("/AS")] = NameObject(state if state in w.states else "/Off")
    root = target.root
    if "/AcroForm" in root:
        acro = target.sub(root, "/AcroForm")
        acro[NameObject("/NeedAppearances")] = BooleanObject(False)
        acro.pop("/XFA", None)  # an XFA viewer would show its own (empty) data instead of these fields
        font_dict = target.sub(target.sub(acro, "/DR"), "/Font")
        for name, font in used_fonts.items():
            font_dict[NameObject(name)] = font
    return sheet


def fill_overlay(data: bytes, boxes: list[Box], *, style: str = "gothic", record: str | None = None,
                 source: str = "form", owner: str | None = None) -> bytes:
    """The PDF with each box's value drawn on its page (for forms without fields, e.g. a scan)."""
    reader = open_pdf(data, source)
    writer = PdfWriter(clone_from=reader)
    npages = len(writer.pages)
    text_boxes = []
    for b in boxes:
        if not 1 <= b.page <= npages:
            raise CeriError(_("{source}: box '{box}' is on page {page}, but the PDF has {pages} pages").format(
                source=source, box=b.name, page=b.page, pages=npages))
        text_boxes.append(TextBox(b.value, b.width, b.height, b.name, size=b.size, align=b.align,
                                  multiline=b.multiline, style=style, record=record))
    sheet: list[tuple[str, str]] = []  # (box name, full text) of values that go to the 別紙
    for b, tb in zip(boxes, text_boxes, strict=True):
        if not tb.text:
            continue
        try:
            layout(tb)
        except Overflow:
            whole = tb.text
            _see_attached([(None, tb)], record, b.name)
            sheet.append((b.name, whole))
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    for index, page in enumerate(writer.pages):
        box = page.mediabox
        c.setPageSize((float(box.width), float(box.height)))
        for b, tb in zip(boxes, text_boxes, strict=True):
            if b.page == index + 1 and tb.text:
                draw(c, tb, b.x, b.y)
        c.showPage()
    c.save()
    overlay = PdfReader(io.BytesIO(buf.getvalue()))
    for page, over in zip(writer.pages, overlay.pages, strict=True):
        llx, lly = float(page.mediabox.left), float(page.mediabox.bottom)
        page.merge_transformed_page(over, Transformation().translate(llx, lly))
    out = io.BytesIO()
    writer.write(out)
    return attach.append(out.getvalue(), sheet, style, record, owner) if sheet else out.getvalue()
