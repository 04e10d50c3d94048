"""Build ceri's own fillable forms from their specs (forms/*.spec.yaml) with reportlab.

A spec lists rows top to bottom: a heading, or an item with a number, a bilingual label and one or
more fields side by side (text, multi-line text, radio group, checkbox). Rows flow onto new pages.
The build is deterministic (invariant=1): the same spec gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, NameObject
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.errors import CeriError
from pipeline.pdf import Edit, runs, template

MARGIN = 36.0
NO_W = 18.0  # item number column
LABEL_W = 128.0
SUB = 8.5  # strip above a field for its small bilingual sub-label
GRID = Color(0.45, 0.45, 0.45)
SHADE = Color(0.93, 0.95, 0.98)


@dataclass
class Spec:
    form: str
    version: int
    data: dict[str, Any]


def load_spec(path: Path) -> Spec:
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict) or "form" not in data or "rows" not in data:
        raise CeriError(f"{path}: a form spec needs form:, version: and rows:")
    return Spec(str(data["form"]), int(data.get("version", 1)), data)


def form_id(spec: Spec) -> str:
    """The value of the hidden ceri_form field: how ceri recognises its own forms."""
    return f"ceri:{spec.form}:v{spec.version}"


def _text(c: Canvas, x: float, y: float, text: str, size: float, style: str = "gothic",
          max_w: float | None = None) -> None:
    """Draw text in font runs, shrinking to max_w if given (labels must never be clipped)."""
    if max_w is not None:
        while size > 4 and fonts.width(text, size, style) > max_w:
            size -= 0.25
    runs.draw(c, fonts.runs(text, style), x, y, size)


def _label(c: Canvas, x: float, top: float, w: float, h: float, label: dict[str, str]) -> None:
    """A bilingual label: Japanese above English, inside the cell."""
    _text(c, x + 3, top - 11, label.get("ja", ""), 8.5, max_w=w - 6)
    if label.get("en"):
        _text(c, x + 3, top - 20, label["en"], 6.5, style="gothic", max_w=w - 6)


def _field(c: Canvas, f: dict[str, Any], x: float, y: float, w: float, h: float) -> None:
    name = f["name"]
    kind = f.get("kind", "text")
    tip = " / ".join(v for v in (f.get("label", {}).get("ja"), f.get("label", {}).get("en")) if v) or name
    if f.get("label"):
        lab = f["label"]
        _text(c, x + 2, y + h - 7.5, " ".join(v for v in (lab.get("ja"), lab.get("en")) if v), 6.2, max_w=w - 4)
        h -= SUB
    form = c.acroForm
    if kind in ("text", "multiline"):
        flags = "multiline" if kind == "multiline" else ""
        c.setFillColor(SHADE)  # the shade is page content: an empty field has no appearance (see _lean)
        c.rect(x + 1, y + 1, w - 2, h - 2, stroke=0, fill=1)
        c.setFillColor(Color(0, 0, 0))
        if f.get("comb"):
            flags = (flags + " comb").strip()
        form.textfield(name=name, tooltip=tip, x=x + 1, y=y + 1, width=w - 2, height=h - 2, borderWidth=0,
                       fillColor=SHADE, textColor=Color(0, 0, 0), fieldFlags=flags, maxlen=f.get("maxlen", 0),
                       fontName="Helvetica", fontSize=f.get("size", 10), annotationFlags="print")
    elif kind == "radio":
        opts = f["options"]
        step = (w - 4) / len(opts)
        for i, o in enumerate(opts):
            ox = x + 3 + i * step
            form.radio(name=name, value=str(o["value"]), x=ox, y=y + (h - 10) / 2, size=10, buttonStyle="circle",
                       shape="circle", borderWidth=0.6, borderColor=GRID, fillColor=white, tooltip=tip,
                       fieldFlags="noToggleToOff radio", annotationFlags="print")
            text = " ".join(v for v in (o.get("ja"), o.get("en")) if v)
            _text(c, ox + 13, y + (h - 7) / 2 + 0.5, text, 7, max_w=step - 15)
    elif kind == "checkbox":
        form.checkbox(name=name, x=x + 3, y=y + (h - 10) / 2, size=10, buttonStyle="check", borderWidth=0.6,
                      borderColor=GRID, fillColor=white, tooltip=tip, fieldFlags="", annotationFlags="print")
        if f.get("text"):
            _text(c, x + 16, y + (h - 7) / 2 + 0.5, f["text"], 7, max_w=w - 18)
    else:
        raise CeriError(f"unknown field kind '{kind}' for {name}")


def build(spec: Spec) -> bytes:
    """The fillable PDF of a spec."""
    d = spec.data
    buf = io.BytesIO()
    # the initial font is the form's own (reportlab's default, Helvetica, would sit unembedded in every
    # page's resources and show in pdffonts)
    c = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1, initialFontName=fonts.faces("gothic")[0].name)
    c.setTitle(f"{d['title']['ja']} / {d['title']['en']}")
    c.setAuthor("ceri")
    c.setSubject(form_id(spec))
    width, height = A4
    inner = width - 2 * MARGIN
    page = 1

    def header() -> float:
        top = height - MARGIN
        _text(c, MARGIN, top - 14, d["title"]["ja"], 14, max_w=inner)
        _text(c, MARGIN, top - 27, d["title"]["en"], 8.5, max_w=inner)
        y = top - 33
        for line in d.get("notes", []):
            _text(c, MARGIN, y - 8, line, 6.8, max_w=inner)
            y -= 9
        return y - 4

    def footer() -> None:
        _text(c, MARGIN, MARGIN - 16, f"{form_id(spec)} · {page}", 6, style="gothic")

    y = header()
    for hidden_name, value in (("ceri_form", form_id(spec)), *(d.get("hidden") or {}).items()):
        c.acroForm.textfield(name=hidden_name, value=str(value) if hidden_name == "ceri_form" else "",
                             x=0, y=0, width=1, height=1, borderWidth=0, annotationFlags="hidden",
                             maxlen=0, fontName="Helvetica", fontSize=6)
    for row in d["rows"]:
        h = float(row.get("height", 26 if "heading" not in row else 16))
        if y - h < MARGIN:
            footer()
            c.showPage()
            page += 1
            y = height - MARGIN
        if "heading" in row:
            c.setFillColor(Color(0.85, 0.88, 0.93))
            c.rect(MARGIN, y - h, inner, h, stroke=0, fill=1)
            c.setFillColor(Color(0, 0, 0))
            hd = row["heading"]
            _text(c, MARGIN + 3, y - h + 4.5, f"{hd['ja']}  {hd.get('en', '')}".strip(), 8.5, max_w=inner - 6)
            y -= h
            continue
        c.setStrokeColor(GRID)
        c.setLineWidth(0.5)
        c.rect(MARGIN, y - h, inner, h)
        c.line(MARGIN + NO_W, y, MARGIN + NO_W, y - h)
        c.line(MARGIN + NO_W + LABEL_W, y, MARGIN + NO_W + LABEL_W, y - h)
        if row.get("item"):
            _text(c, MARGIN + 3, y - 11, str(row["item"]), 8.5)
        _label(c, MARGIN + NO_W, y, LABEL_W, h, row.get("label", {}))
        x = MARGIN + NO_W + LABEL_W
        avail = inner - NO_W - LABEL_W
        fields = row.get("fields", [])
        total = sum(float(f.get("width", 1)) for f in fields) or 1
        for i, f in enumerate(fields):
            w = avail * float(f.get("width", 1)) / total
            if i:
                c.line(x, y, x, y - h)
            _field(c, f, x, y - h, w, h)
            x += w
        y -= h
    footer()
    c.showPage()
    c.save()
    return _lean(buf.getvalue())


def _lean(pdf: bytes) -> bytes:
    """The form without what no viewer needs, so that filled copies stay small and quick to parse and merge.

    Text fields get no appearance (an empty field shows nothing; a fill, or a viewer from /DA, makes
    one; the shade is page content); no widget keeps entries that only restate defaults or /P; buttons keep only
    their normal on/off appearances; /Helv is plain WinAnsi Helvetica. reportlab's per-widget
    appearances and their Helvetica objects are then unreferenced, and left out.
    """
    reader = PdfReader(io.BytesIO(pdf))
    edit = Edit(template(reader))
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            own = edit.own(annot)
            for key, default in (("/DV", ""), ("/V", ""), ("/Ff", 0), ("/TU", annot.get("/T"))):
                if key in own and own[key] == default:
                    del own[key]
            own.pop("/P", None)  # optional: every widget is in its page's /Annots
            if "/Parent" in annot:  # a radio button: the group holds /FT and the tooltip
                own.pop("/FT", None)
                group = edit.own(annot["/Parent"])
                if group.get("/TU") == group.get("/T"):
                    group.pop("/TU", None)
            if annot.get("/FT") == "/Tx":
                own.pop("/AP", None)
                own.pop("/MK", None)
            elif "/AP" in annot:
                own[NameObject("/AP")] = DictionaryObject({NameObject("/N"): annot["/AP"].raw_get("/N")})
    dr = edit.sub(edit.sub(edit.root, "/AcroForm"), "/DR")
    dr.pop("/Encoding", None)
    helv = edit.own(dr["/Font"].raw_get("/Helv"))
    helv[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
    return edit.write()
