"""Render a Word document with docxtpl: checked, sandboxed, XML-escaped, deterministic.

`ja+en` with the built-in templates gives one file: the Japanese document, a page break, then the English
one. A user's own template (--template) is rendered once, whatever the language; with ja+en its `labels`
and `| date` are bilingual ('氏名 / Name', '令和8年7月1日 / July 1, 2026').
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from pipeline.errors import CeriError, RenderError
from pipeline.renderers import RenderRequest
from pipeline.renderers.docx.build import template_path
from pipeline.renderers.docx.context import available_names, docx_context, docx_environment
from pipeline.renderers.docx.package import save_deterministic, set_core_properties

# {{r x}} {{p x}} {{tr x}} {{tc x}} expect RichText/Subdoc objects; given text, docxtpl drops it silently.
SPECIAL_TAG = re.compile(r"\{\{\s*(?:r|p|tr|tc)\s[^}]*\}\}")
PARAGRAPH_TAG = re.compile(r"\{%\s*(?:p|tr|tc)\s")  # replaces its whole paragraph / row / cell

# Values a built-in document cannot be right without (a blank would go out on letterhead).
REQUIRED = {"evaluation-request": (("institution", "secretariat_email", "where the company returns the form"),)}


def render_docx(request: RenderRequest) -> bytes:
    """The .docx bytes for one document (nothing is written here)."""
    for record, field, why in REQUIRED.get(request.doc, ()) if request.template is None else ():
        if not getattr(request.context[record], field, None):
            raise RenderError(f"{request.doc} needs {record}.{field} ({why}): add it to the {record} record",
                              record=record, field=field)
    if request.template is not None:
        doc = _render(Path(request.template), docx_context(request), user=True)
    elif request.lang == "ja+en":
        doc = _render(template_path(request.doc, "ja"), docx_context(request, "ja"))
        _append(doc, _render(template_path(request.doc, "en"), docx_context(request, "en")))
    else:
        doc = _render(template_path(request.doc, request.lang), docx_context(request))
    ctx = docx_context(request)
    set_core_properties(doc, issued=ctx["today"], title=ctx["title"])
    return save_deterministic(doc)


def check_template(path: Path, env=None) -> set[str]:
    """The variables a template uses; refuses one that uses names the context does not have."""
    tpl = _open(path)
    env = env or docx_environment()
    try:
        used = tpl.get_undeclared_template_variables(jinja_env=env)
    except TemplateSyntaxError as exc:
        raise CeriError(f"{path}: template syntax error: {exc.message}") from None
    unknown = sorted(used - set(available_names()))
    if unknown:
        raise CeriError(f"{path}: unknown variable{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                        f"a template can use: {', '.join(available_names())} "
                        f"(see `ceri templates variables DOC`)")
    paragraphs = _paragraphs(path)
    special = sorted({t for p in paragraphs for t in SPECIAL_TAG.findall(p)})
    if special:
        raise CeriError(f"{path}: {', '.join(special)}: docxtpl's rich-text/sub-document tags need objects ceri "
                        "does not provide (their text would silently vanish): write {{ … }} instead")
    crowded = [p for p in paragraphs if PARAGRAPH_TAG.search(p) and re.sub(r"\{%.*?%\}", "", p).strip()]
    if crowded:
        raise CeriError(f"{path}: a {{%p …%}} tag takes its whole paragraph, so the text beside it would vanish: "
                        f"put it on a line of its own ({crowded[0]!r})")
    return used


def _paragraphs(path: Path) -> list[str]:
    """The text of every paragraph of every part, markup removed, so a tag split across runs reads whole."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name.startswith("word/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8", "replace")
                found += [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)]
    return found


def _open(path: Path) -> DocxTemplate:
    if not path.is_file():
        raise CeriError(f"{path}: no such template (build the templates: python -m pipeline.renderers.docx.build)")
    try:
        tpl = DocxTemplate(path)
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CeriError(f"{path}: not a Word .docx file ({exc})") from None
    return tpl


_checked: dict[tuple[str, int, int], set[str]] = {}


def _check_once(path: Path, env) -> None:
    """check_template once per version of a file: a batch renders the same templates hundreds of times."""
    stat = path.stat() if path.is_file() else None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size) if stat else None
    if key is None or key not in _checked:
        used = check_template(path, env)
        if key is not None:
            _checked[key] = used


def _render(path: Path, context: dict[str, Any], *, user: bool = False):
    """docxtpl render into a python-docx Document; every template error becomes one clear message."""
    env = docx_environment()
    _check_once(path, env)
    tpl = _open(path)
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except SecurityError as exc:
        raise CeriError(f"{path}: the template tried something the sandbox forbids ({exc}); "
                        "templates may only read the document's values") from None
    except UndefinedError as exc:
        raise CeriError(f"{path}: {exc.message} (see `ceri templates variables DOC`)") from None
    except TemplateError as exc:
        raise CeriError(f"{path}: template error: {exc}") from None
    except RenderError as exc:
        raise RenderError(f"{path}: {exc}") from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        who = "your template" if user else "template"
        raise CeriError(f"{path}: {who} failed: {type(exc).__name__}: {exc}") from None
    return tpl.docx


def _append(first, second) -> None:
    """Put second's body after a page break at the end of first (both built from our templates)."""
    body = first.element.body
    sect = body.find(qn("w:sectPr"))
    brk = OxmlElement("w:p")
    run = OxmlElement("w:r")
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    run.append(br)
    brk.append(run)
    sect.addprevious(brk)
    for child in second.element.body:
        if child.tag != qn("w:sectPr"):
            sect.addprevious(copy.deepcopy(child))


def read_text(data: bytes) -> str:
    """Every paragraph of a .docx (body and table cells), one per line: what tests and users read back."""
    import docx

    d = docx.Document(io.BytesIO(data))
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)
