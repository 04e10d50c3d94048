"""Fonts of the Word documents: both the Western and the East Asian slot, always.

Word picks the font of each character by its script: Latin text uses w:ascii/w:hAnsi, kana and kanji use
w:eastAsia. A run or style that sets only the Western font (python-docx's `font.name`, docxtpl's RichText,
docxtpl issue #507) leaves Japanese to whatever the machine defaults to, so every style and run we write
carries all the slots explicitly, and theme fonts (which override explicit ones) are removed.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.pdf import ooxml

WESTERN = "Times New Roman"  # Word's default serif; LibreOffice maps it to Liberation Serif or DejaVu Serif
EAST_ASIAN = "IPAex明朝"  # fontconfig and Word both know the IPAex Mincho family by this name
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr, *, lang: str = "ja") -> None:
    """Give a w:rPr element explicit Western + East Asian fonts and the language tags."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), WESTERN)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN)
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        rpr.append(tag)
    tag.set(qn("w:val"), "en-US")  # the language of Latin-script text; ja-JP made LibreOffice pick a
    # Japanese fallback font that draws ễ as ê + a loose tilde
    tag.set(qn("w:eastAsia"), "ja-JP")


def east_asian_font(run) -> str | None:
    """The East Asian font a python-docx run gets: its own rFonts, else its style chain, else the defaults."""
    rpr, parent = ooxml.run_properties(run), ooxml.paragraph_of(run)
    found = _east_asian(rpr)
    style = run.style if rpr is not None and rpr.rStyle is not None else None
    para_style = parent.style if hasattr(parent, "style") else None
    for st in (style, para_style):
        while found is None and st is not None:
            found = _east_asian(st.element.rPr)
            st = st.base_style
    if found is None:
        defaults = run.part.document.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
        found = _east_asian(rpr)
    return found


def _east_asian(rpr) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))
