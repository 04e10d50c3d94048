"""Word templates compiled once: docxtpl's work that does not depend on the values, done once per file.

docxtpl opens the template with python-docx, patches the body XML into a Jinja template, compiles it,
renders it, and python-docx writes every part again. Only the Jinja render and what follows it depend on
the values, so the rest is done once per version of the template file (path, mtime, size): the patched
body compiled in our sandbox, document.xml around the body, and the bytes of every other part. A render
is then docxtpl's own steps after Jinja (resolve_listing, fix_tables, fix_docpr_ids), the core
properties, and the zip. The output is the bytes docxtpl + python-docx give (a test compares them).

A template with tags outside its body (headers, footers, footnotes, core properties) or without core
properties is left to docxtpl's full render: `compiled` returns None.
"""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import Environment, Template
from lxml import etree

from pipeline.pdf.wordzip import set_core_properties, write_zip

TAGGED = re.compile(rb"\{(?:<[^>]*>)*[{%#]")  # a Jinja tag, possibly cut by Word's run markup
LISTING = ("\t", "\a", "\n", "\f")  # the characters docxtpl's resolve_listing turns into Word markup
BODY = "<w:body/>"
# the core properties docxtpl's render_properties renders and writes back (with no tags: their own value)
RENDERED_PROPS = ("author", "comments", "identifier", "language", "subject", "title")
_docxtpl = DocxTemplate(None)  # its patch/fix methods read no state but docx_ids_index


@dataclass(frozen=True)
class Compiled:
    body: Template  # docxtpl's patched <w:body>, compiled once in our sandbox
    head: str  # document.xml before the body, as python-docx writes it
    tail: str  # … and after it
    document: str  # the zip names of the main part
    core: str  # … and of the core properties
    parts: dict[str, bytes]  # every part, as in the template


_cache: dict[tuple[str, int, int], Compiled | None] = {}


def file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def compiled(path: Path, environment: Callable[[], Environment]) -> Compiled | None:
    """The template's context-free work, done once per version of the file, its body compiled in an
    environment() (the renderer's sandbox); None: use docxtpl's render."""
    key = file_key(path)
    if key not in _cache:
        _cache[key] = _compile(path, environment)
    return _cache[key]


def _compile(path: Path, environment: Callable[[], Environment]) -> Compiled | None:
    tpl = DocxTemplate(path)
    tpl.init_docx()
    package = tpl.docx.part.package
    cores = [r.target_part for r in package.rels.values() if r.reltype == RT.CORE_PROPERTIES]
    document, core = tpl.docx.part.partname[1:], cores[0].partname[1:] if cores else None
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}
    others = [n for n in parts if n != document and n.endswith((".xml", ".rels"))]
    if core is None or document not in parts or any(TAGGED.search(parts[n]) for n in others):
        return None
    shell = copy.deepcopy(tpl.docx.element)
    shell.replace(shell.body, OxmlElement("w:body"))
    pieces = serialize_part_xml(shell).decode("utf-8").split(BODY)
    if len(pieces) != 2:
        return None
    src = re.sub(r"<w:p([ >])", r"\n<w:p\1", _docxtpl.patch_xml(tpl.get_xml()))  # as render_xml_part
    env = environment()
    env.autoescape = True  # as docxtpl's render(autoescape=True) sets it
    return Compiled(env.from_string(src), pieces[0], pieces[1], document, core, parts)


def render_body(c: Compiled, context: dict[str, Any]) -> etree._Element:
    """The <w:body> docxtpl's render gives for this context (Jinja errors propagate unchanged)."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", c.body.render(context))
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(ch in xml for ch in LISTING):  # resolve_listing changes nothing else, and costs a regex pass
        xml = _docxtpl.resolve_listing(xml)
    tree = _docxtpl.fix_tables(xml)
    _docxtpl.docx_ids_index = 1000
    _docxtpl.fix_docpr_ids(tree)
    return tree


def append(body: etree._Element, other: etree._Element) -> None:
    """other's content after a page break at the end of body (before its section properties)."""
    sect = body.find(qn("w:sectPr"))
    brk, run, br = OxmlElement("w:p"), OxmlElement("w:r"), OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    run.append(br)
    brk.append(run)
    sect.addprevious(brk)
    for child in list(other):
        if child.tag != qn("w:sectPr"):
            sect.addprevious(child)


def package(c: Compiled, body: etree._Element, *, issued: date, title: str) -> bytes:
    """The .docx: the template's parts, the rendered document.xml and fixed core properties."""
    xml = etree.tostring(body, encoding="unicode")
    xml = "<w:body>" + xml[xml.index(">") + 1:]  # the namespaces are declared on w:document already
    core = parse_xml(c.parts[c.core])
    props = CoreProperties(core)
    for name in RENDERED_PROPS:
        setattr(props, name, getattr(props, name))
    set_core_properties(props, issued=issued, title=title)
    return write_zip({**c.parts, c.document: (c.head + xml + c.tail).encode("utf-8"),
                      c.core: serialize_part_xml(core)})
