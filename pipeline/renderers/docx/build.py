"""Build the Word templates templates/<doc>.<lang>.docx from templates/docx.yaml (run after editing it).

    python -m pipeline.renderers.docx.build [--check]

Deterministic: the same docx.yaml gives the same bytes. Every Jinja tag is written as a run of its own,
so docxtpl finds it whole and Word's editing (which splits runs by formatting) cannot cut through it.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from pipeline.context.labels import document_text, label
from pipeline.pdf import ooxml, save_deterministic, set_core_properties
from pipeline.renderers import documents
from pipeline.renderers.docx.fonts import set_fonts
from pipeline.resources import TEMPLATES

SPEC = TEMPLATES / "docx.yaml"
TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")
BUILT_ON = date(2026, 4, 1)  # core properties of the templates themselves (renders use the issue date)
# placeholders of the shared wording files (templates/<doc>.<lang>.yaml) as Jinja expressions
PLACEHOLDERS = {"{credits}": "{{ internship.credits }}"}
STYLES = ("Normal", "Table Grid")  # the styles the templates use (setup() gives them both fonts)
# parts of python-docx's default template no document needs: the Word 2010 copy of every style (438 KB),
# a thumbnail of an empty page and an empty bibliography (customXml)
DROPPED = ("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects", RT.THUMBNAIL, RT.CUSTOM_XML)
ALIGN = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT,
         "center": WD_ALIGN_PARAGRAPH.CENTER, "para": WD_ALIGN_PARAGRAPH.JUSTIFY}


@cache
def spec() -> dict[str, dict[str, list[dict[str, Any]]]]:
    return yaml.safe_load(SPEC.read_text("utf-8"))


def template_path(doc: str, lang: str) -> Path:
    return TEMPLATES / f"{doc}.{lang}.docx"


def add_runs(paragraph, text: str, lang: str, *, size: float | None = None, bold: bool = False) -> None:
    """Literal text and tags, each tag in a run of its own, every run with both fonts."""
    for piece in TAG.split(text):
        if not piece:
            continue
        run = paragraph.add_run(piece)
        set_fonts(ooxml.add_run_properties(run), lang=lang)
        if size:
            run.font.size = Pt(size)
        if bold:
            run.font.bold = True


def setup(document, lang: str) -> None:
    """A4 portrait, explicit fonts in the defaults and in every paragraph style we use."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"), lang=lang)
    for name in STYLES:
        style = styles[name]
        set_fonts(style.element.get_or_add_rPr(), lang=lang)
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.15


def slim(document) -> None:
    """Keep only the styles the document can use and drop the parts it never needs: python-docx's default
    template carries ~270 styles (350 KB) that every render would parse, write and compress again."""
    styles = document.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    body = document.element.body
    wanted = {e.get(qn("w:val")) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle") for e in body.iter(qn(tag))}
    wanted |= {document.styles[name].style_id for name in STYLES}
    wanted |= {i for i, s in by_id.items() if s.get(qn("w:default")) == "1"}  # what unstyled text uses
    todo = list(wanted)
    while todo:  # and the styles those are based on, link to or continue with
        style = by_id[todo.pop()]
        for ref in ("w:basedOn", "w:link", "w:next"):
            e = style.find(qn(ref))
            if e is not None and e.get(qn("w:val")) in by_id and e.get(qn("w:val")) not in wanted:
                wanted.add(e.get(qn("w:val")))
                todo.append(e.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in wanted:
            styles.remove(style)
    for rels in (document.part.package.rels, document.part.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in DROPPED]:
            del rels[rid]


def cell_margins(table, *, vertical: int = 57, horizontal: int = 113) -> None:
    """Room between the text and the cell borders (twips: 57 ≈ 1 mm, 113 ≈ 2 mm): Japanese text touched them."""
    props = ooxml.table_properties(table)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:w"), str(width))
        e.set(qn("w:type"), "dxa")
        margins.append(e)
    props.append(margins)


def add_seal(document, text: str, lang: str) -> None:
    """A square at the right where the seal is stamped (印), as on the PDF certificates."""
    table = document.add_table(rows=1, cols=1)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    table.autofit = False
    table.columns[0].width = Mm(22)
    row = table.rows[0]
    row.height = Mm(22)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    cell = row.cells[0]
    cell.width = Mm(22)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_runs(p, text, lang)
    for run in p.runs:
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)


def add_table(document, rows: list[list[str]], lang: str) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_margins(table)
    widths = (Mm(58), Mm(102)) if lang == "ja+en" else (Mm(45), Mm(115))  # '生年月日 / Date of birth' on one line
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice lays out by; Word reads the cell widths
    for key, value in rows:
        text = label(key[1:], lang) if key.startswith("@") else key
        cells = table.add_row().cells
        for cell, width, content in zip(cells, widths, (text, value), strict=True):
            cell.width = width
            add_runs(cell.paragraphs[0], content, lang)


def wording(doc: str, lang: str, text: str) -> str:
    """'&title' is the document's title (templates/documents.yaml), '&key' a sentence of
    templates/<doc>.<lang>.yaml: wording shared with the PDF documents is declared only there."""
    if not text.startswith("&"):
        return text
    key = text[1:]
    if key == "title":
        title = documents()[doc].title
        return f"{title['ja']} / {title['en']}" if lang == "ja+en" else title[lang]
    if lang == "ja+en":  # the two sentences, Japanese then English
        return "\n".join(wording(doc, lg, text) for lg in ("ja", "en"))
    value = document_text(doc, lang)[key]
    for placeholder, expression in PLACEHOLDERS.items():
        value = value.replace(placeholder, expression)
    return value


def build(doc: str, lang: str) -> bytes:
    document = docx.Document()
    setup(document, lang)
    for block in spec()[doc][lang]:
        (kind, value), = block.items()
        if isinstance(value, str):
            value = wording(doc, lang, value)
        if kind == "space":
            for _ in range(int(value)):
                add_runs(document.add_paragraph(), "", lang)
        elif kind == "table":
            add_table(document, value, lang)
        elif kind == "seal":
            add_seal(document, value, lang)
        elif kind == "title":
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_runs(p, value, lang, size=18, bold=True)
        elif kind == "raw":
            add_runs(document.add_paragraph(), value, lang)
        elif kind in ALIGN:
            for line in value.split("\n"):  # ja+en wording: one paragraph per language
                p = document.add_paragraph()
                p.alignment = ALIGN[kind]
                add_runs(p, line, lang)
        else:
            raise ValueError(f"{SPEC}: {doc}.{lang}: unknown block '{kind}'")
    slim(document)
    set_core_properties(document.core_properties, issued=BUILT_ON, title=wording(doc, lang, "&title"))
    return save_deterministic(document)


def main(argv: list[str]) -> int:
    """Write every template; with --check, only report the ones that differ from docx.yaml (exit 1)."""
    stale = []
    for doc, langs in spec().items():
        for lang in langs:
            data, path = build(doc, lang), template_path(doc, lang)
            if path.exists() and path.read_bytes() == data:
                continue
            stale.append(path)
            if "--check" not in argv:
                path.write_bytes(data)
                print(f"wrote {path}")
    if "--check" in argv and stale:
        print("stale (run python -m pipeline.renderers.docx.build):", *map(str, stale), sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
