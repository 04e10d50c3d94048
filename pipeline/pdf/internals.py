"""Every private internal of a third-party library that ceri uses, named once, with the versions it was
checked against (those of requirements.lock, which pyproject.toml's upper bounds keep within reach).

Upgrading one of these libraries means reading this list first. tests/test_private_internals.py checks
both ways: nothing outside pipeline/pdf reaches a `_`-prefixed attribute of another package, and every
such use inside pipeline/pdf is listed here (module, attribute, library, why).
"""

from __future__ import annotations

CHECKED = {"pypdf": "7.1.1", "reportlab": "5.1.0", "python-docx": "1.2.0", "docxtpl": "0.20.2", "pyhanko": "0.38.0",
           "lxml": "6.2.1"}

# module of pipeline/pdf | attribute as written after the dot | library | why ceri needs it
_TABLE = """
objects | _data         | pypdf       | StreamObject._data: a stream's encoded bytes, written as they are (set_data re-encodes)
objects | _add_object   | pypdf       | PdfWriter._add_object: a new indirect object outside any page
objects | _root_object  | pypdf       | PdfWriter._root_object: the catalog, to drop /AcroForm when flattening
runs    | _doc          | reportlab   | Canvas._doc: the document whose font subsets a page's text is encoded in
runs    | _escape       | reportlab   | Canvas._escape: a string escaped as the canvas escapes it
runs    | _dynamicFont  | reportlab   | TTFont._dynamicFont: a subset-embedded font, not a CID font
subset  | _assignState  | reportlab   | TTFont._assignState: a document's subsets, to preset the fixed wording
subset  | _asciiReadable| reportlab   | TTFont._asciiReadable: no 95 unused ASCII glyphs in every subset 0
ooxml   | _r            | python-docx | Run._r: the run's w:r element, for its w:rPr (East Asian fonts, language)
ooxml   | _parent       | python-docx | Run._parent: the paragraph, whose style a run's font falls back to
ooxml   | _tbl          | python-docx | Table._tbl: the w:tbl element, for w:tblPr (cell margins)
signing | _update_meta  | pyhanko     | IncrementalPdfFileWriter._update_meta: /ModDate from the issue date, not the clock
signing | _info         | pyhanko     | IncrementalPdfFileWriter._info: the document information it updates
signing | _document_id  | pyhanko     | IncrementalPdfFileWriter._document_id: the second file ID, derived from the input
wordtemplate | _Element | lxml        | etree._Element: the element class, in annotations (lxml documents it so)
"""
PRIVATE_USES: list[tuple[str, str, str, str]] = [
    tuple(cell.strip() for cell in line.split("|", 3)) for line in _TABLE.strip().splitlines()]

# Not `_`-prefixed, but no documented API either: docxtpl's render steps, which wordtemplate replays after
# its own Jinja render (a test compares the bytes with docxtpl's full render: tests/test_docx_fast.py)
UNDOCUMENTED_USES: list[tuple[str, str, str]] = [
    ("wordtemplate", f"DocxTemplate.{name}", "docxtpl")
    for name in ("patch_xml", "resolve_listing", "fix_tables", "fix_docpr_ids", "docx_ids_index")]
