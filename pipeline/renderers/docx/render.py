"""Render a Word document with docxtpl: checked, sandboxed, XML-escaped, deterministic.

The built-in templates take pipeline/pdf/wordtemplate.py's path (docxtpl's work that does not depend on the values done once per
template file); users' templates, and built-in ones edited to hold tags outside the body, docxtpl's own.

`ja+en` with the built-in templates gives one file: the Japanese document, a page break, then the English
one. A user's own template (--template) is rendered once, whatever the language; with ja+en its `labels`
and `| date` are bilingual ('氏名 / Name', '令和8年7月1日 / July 1, 2026').
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from pipeline.context.jinja import TemplateLimit
from pipeline.errors import CeriError, RenderError
from pipeline.i18n import _, ngettext
from pipeline.pdf import save_deterministic, set_core_properties
from pipeline.pdf import wordtemplate as fast
from pipeline.renderers import RenderRequest, unmet
from pipeline.renderers.docx.build import template_path
from pipeline.renderers.docx.context import available_names, docx_context, docx_environment
from pipeline.renderers.docx.limits import check_docx

# {{r x}} {{p x}} {{tr x}} {{tc x}} expect RichText/Subdoc objects; given text, docxtpl drops it silently.
SPECIAL_TAG = re.compile(r"\{\{\s*(?:r|p|tr|tc)\s[^}]*\}\}")
PARAGRAPH_TAG = re.compile(r"\{%\s*(?:p|tr|tc)\s")  # replaces its whole paragraph / row / cell


def render_docx(request: RenderRequest) -> bytes:
    """The .docx bytes for one document (nothing is written here)."""
    lacking = unmet(request.doc, request.context) if request.template is None else []
    if lacking:
        record, field, why = lacking[0]
        raise RenderError(_("{doc} needs {record}.{field} ({why}): add it to the {record} record").format(
            doc=request.doc, record=record, field=field, why=why), record=record, field=field)
    if request.template is not None:
        return _docxtpl(request, [Path(request.template)], user=True)
    ctx = docx_context(request)
    # a bilingual template (<doc>.ja+en.docx, labels '氏名 / Name') where one is built, else the Japanese
    # document, a page break and the English one
    bilingual = request.lang == "ja+en" and not template_path(request.doc, "ja+en").exists()
    langs = ["ja", "en"] if bilingual else [request.lang]
    paths = [template_path(request.doc, lang) for lang in langs]
    templates = []
    for path in paths:
        _check_once(path, None)
        with _errors(path):
            templates.append(fast.compiled(path, docx_environment))
    if None in templates:  # a template edited to hold tags outside its body: docxtpl renders it all
        return _docxtpl(request, paths)
    bodies = []
    for path, lang, tpl in zip(paths, langs, templates, strict=True):
        with _errors(path):
            bodies.append(fast.render_body(tpl, docx_context(request, lang) if len(langs) > 1 else ctx))
    for body in bodies[1:]:
        fast.append(bodies[0], body)
    return fast.package(templates[0], bodies[0], issued=ctx["today"], title=ctx["title"])


def _docxtpl(request: RenderRequest, paths: list[Path], *, user: bool = False) -> bytes:
    """docxtpl's full render, then python-docx's save: users' templates, and the fast path's reference."""
    langs = ["ja", "en"] if len(paths) > 1 else [request.lang]
    doc = _render(paths[0], docx_context(request, langs[0]), user=user)
    for path, lang in zip(paths[1:], langs[1:], strict=True):
        fast.append(doc.element.body, _render(path, docx_context(request, lang)).element.body)
    ctx = docx_context(request)
    set_core_properties(doc.core_properties, issued=ctx["today"], title=ctx["title"])
    return save_deterministic(doc)


def check_template(path: Path, env=None) -> set[str]:
    """The variables a template uses; refuses one that uses names the context does not have."""
    tpl = _open(path)  # checks the zip first (limits.check_docx)
    env = env or docx_environment()
    try:
        used = tpl.get_undeclared_template_variables(jinja_env=env)
    except TemplateSyntaxError as exc:
        raise CeriError(_("{path}: template syntax error: {error}").format(path=path, error=exc.message)) from None
    unknown = sorted(used - set(available_names()))
    if unknown:
        raise CeriError(ngettext("{path}: unknown variable {names}; a template can use: {known} "
                                 "(see `ceri templates variables DOC`)",
                                 "{path}: unknown variables {names}; a template can use: {known} "
                                 "(see `ceri templates variables DOC`)", len(unknown)).format(
            path=path, names=", ".join(unknown), known=", ".join(available_names())))
    paragraphs = _paragraphs(path)
    special = sorted({t for p in paragraphs for t in SPECIAL_TAG.findall(p)})
    if special:
        raise CeriError(_("{path}: {tags}: docxtpl's rich-text/sub-document tags need objects ceri does not "
                          "provide (their text would silently vanish): write {{{{ … }}}} instead").format(
            path=path, tags=", ".join(special)))
    crowded = [p for p in paragraphs if PARAGRAPH_TAG.search(p) and re.sub(r"\{%.*?%\}", "", p).strip()]
    if crowded:
        raise CeriError(_("{path}: a {{%p …%}} tag takes its whole paragraph, so the text beside it would "
                          "vanish: put it on a line of its own ({paragraph})").format(path=path,
                                                                                     paragraph=repr(crowded[0])))
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
        raise CeriError(_("{path}: no such template (build the templates: python -m "
                          "pipeline.renderers.docx.build)").format(path=path))
    check_docx(path)
    try:
        tpl = DocxTemplate(path)
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CeriError(_("{path}: not a Word .docx file ({error})").format(path=path, error=exc)) from None
    return tpl


_checked: dict[tuple[str, int, int], set[str]] = {}


def _check_once(path: Path, env) -> None:
    """check_template once per version of a file: a batch renders the same templates hundreds of times."""
    key = fast.file_key(path) if path.is_file() else None
    if key is None or key not in _checked:
        used = check_template(path, env)
        if key is not None:
            _checked[key] = used


@contextmanager
def _errors(path: Path, *, user: bool = False) -> Iterator[None]:
    """Every template error becomes one clear message."""
    try:
        yield
    except TemplateLimit as exc:
        raise CeriError(f"{path}: {exc}") from None
    except SecurityError as exc:
        raise CeriError(_("{path}: the template tried something the sandbox forbids ({error}); templates may "
                          "only read the document's values").format(path=path, error=exc)) from None
    except UndefinedError as exc:
        raise CeriError(_("{path}: {error} (see `ceri templates variables DOC`)").format(
            path=path, error=exc.message)) from None
    except TemplateError as exc:
        raise CeriError(_("{path}: template error: {error}").format(path=path, error=exc)) from None
    except RenderError as exc:
        raise RenderError(f"{path}: {exc}") from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        failed = _("{path}: your template failed: {error}") if user else _("{path}: template failed: {error}")
        raise CeriError(failed.format(path=path, error=f"{type(exc).__name__}: {exc}")) from None


def _render(path: Path, context: dict[str, Any], *, user: bool = False):
    """docxtpl render into a python-docx Document."""
    env = docx_environment()
    _check_once(path, env)
    tpl = _open(path)
    with _errors(path, user=user):
        tpl.render(context, jinja_env=env, autoescape=True)
    return tpl.docx


def read_text(data: bytes) -> str:
    """Every paragraph of a .docx (body and table cells), one per line: what tests and users read back."""
    import docx

    d = docx.Document(io.BytesIO(data))
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)
