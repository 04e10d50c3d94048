"""Field maps (forms/*.map.yaml): which template-context expression fills which field or box.

    form: permit-application.pdf          # relative to the map file
    mode: acroform                        # acroform | overlay
    style: gothic                         # optional: mincho | gothic
    fields: {FIELD: "{{ expression }}"}   # acroform
    boxes: [{page, x, y, width, height, value, size?, align?, multiline?, name?}]   # overlay

Expressions run in the sandboxed Jinja environment (StrictUndefined): an unknown name is an error at
the map's FILE:LINE:COLUMN, never an empty field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2

from pipeline.context import require_internship
from pipeline.context.formatting import name_ja, name_western
from pipeline.context.jinja import environment
from pipeline.errors import CeriError, InputError, Problem
from pipeline.records.yamlstrict import Document, read_documents
from pipeline.renderers.form.attach import captions
from pipeline.renderers.form.fill import Box, fill_acroform, fill_overlay, open_pdf

BOX_KEYS = {"page", "x", "y", "width", "height", "value", "size", "align", "multiline", "name"}
ALIGN = {"left": 0, "center": 1, "centre": 1, "right": 2}


@dataclass
class FieldMap:
    path: Path
    form: Path
    mode: str
    style: str
    doc: Document
    fields: dict[str, str] = field(default_factory=dict)
    boxes: list[dict[str, str]] = field(default_factory=list)


def load_map(path: str | Path) -> FieldMap:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CeriError(f"{path}: cannot read the field map ({exc.strerror})") from None
    docs, problems = read_documents(str(path), raw)
    if problems:
        raise InputError(problems)
    doc = docs[0]
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([doc.problem((), "a field map is a mapping with form:, mode: and fields: or boxes:")])
    out: list[Problem] = []
    for key in data:
        if key not in ("form", "mode", "style", "fields", "boxes", "description"):
            out.append(doc.problem((key,), f"unknown key '{key}' (form, mode, style, fields, boxes)", key=True))
    mode = data.get("mode") or "acroform"
    if mode not in ("acroform", "overlay"):
        out.append(doc.problem(("mode",), f"mode is acroform or overlay, not '{mode}'"))
    style = data.get("style") or "gothic"
    if style not in ("mincho", "gothic"):
        out.append(doc.problem(("style",), f"style is mincho or gothic, not '{style}'"))
    if not isinstance(data.get("form"), str):
        out.append(doc.problem(("form",) if "form" in data else (), "form: names the PDF this map fills"))
    fields = data.get("fields") or {}
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        out.append(doc.problem(("fields",), "fields: maps each field name to a text or {{ expression }}"))
        fields = {}
    boxes = data.get("boxes") or []
    if not isinstance(boxes, list):
        out.append(doc.problem(("boxes",), "boxes: is a list of {page, x, y, width, height, value}"))
        boxes = []
    for i, b in enumerate(boxes):
        if not isinstance(b, dict):
            out.append(doc.problem(("boxes", i), "a box is {page, x, y, width, height, value}"))
            continue
        out += [doc.problem(("boxes", i, k), f"unknown box key '{k}'", key=True) for k in b if k not in BOX_KEYS]
        out += [doc.problem(("boxes", i), f"the box needs '{k}'") for k in ("page", "x", "y", "width", "height",
                                                                           "value") if k not in b]
    if mode == "overlay" and fields:
        out.append(doc.problem(("fields",), "an overlay map places values with boxes:, not fields:"))
    if out:
        raise InputError(out)
    form = (path.parent / data["form"]).resolve()
    return FieldMap(path, form, mode, style, doc, fields, boxes)


@cache
def _env() -> jinja2.Environment:
    env = environment()
    env.finalize = lambda v: "" if v is None else v  # an absent optional value is an empty field, not "None"
    return env


@lru_cache(maxsize=4096)
def _template(expr: str) -> jinja2.Template:
    """Compiled once per process: a batch fills the same maps hundreds of times."""
    return _env().from_string(expr)


# The last few evaluations, by map and context (both kept alive, so their ids stay theirs): a pack fills
# each form twice over one context, the fillable file and the flattened copy for pack.pdf
_evaluated: dict[tuple[int, int], tuple[FieldMap, dict[str, Any], tuple[dict[str, str], list[Box]]]] = {}


def evaluate(fmap: FieldMap, context: dict[str, Any]) -> tuple[dict[str, str], list[Box]]:
    """Every field value and box of the map, rendered over context; all problems reported together.
    The caller must not change what it gets back (the next call with the same context gets it too)."""
    key = (id(fmap), id(context))
    hit = _evaluated.get(key)
    if hit is not None:
        return hit[2]
    result = _evaluate(fmap, context)
    if len(_evaluated) >= 4:
        _evaluated.pop(next(iter(_evaluated)))
    _evaluated[key] = (fmap, context, result)
    return result


def _evaluate(fmap: FieldMap, context: dict[str, Any]) -> tuple[dict[str, str], list[Box]]:
    problems: list[Problem] = []

    def render(where: tuple, expr: str) -> str:
        try:
            return _template(expr).render(**context).strip()
        except jinja2.TemplateSyntaxError as exc:
            problems.append(fmap.doc.problem(where, f"template syntax error: {exc.message}"))
        except jinja2.UndefinedError as exc:
            problems.append(fmap.doc.problem(where, f"undefined in the template context: {exc.message}"))
        except jinja2.exceptions.SecurityError as exc:
            problems.append(fmap.doc.problem(where, f"not allowed in a field map: {exc}"))
        except Exception as exc:  # a filter given the wrong kind of value, etc.
            problems.append(fmap.doc.problem(where, f"cannot evaluate: {exc}"))
        return ""

    values = {name: render(("fields", name), expr) for name, expr in fmap.fields.items()}
    boxes: list[Box] = []
    for i, b in enumerate(fmap.boxes):
        try:
            nums = {k: float(b[k]) for k in ("x", "y", "width", "height")}
            page = int(b["page"])
            size = float(b.get("size") or 0)
        except (TypeError, ValueError):
            problems.append(fmap.doc.problem(("boxes", i), "page, x, y, width, height and size are numbers"))
            continue
        align = ALIGN.get(str(b.get("align") or "left"))
        if align is None:
            problems.append(fmap.doc.problem(("boxes", i, "align"), "align is left, center or right"))
            continue
        boxes.append(Box(page, nums["x"], nums["y"], nums["width"], nums["height"],
                         render(("boxes", i, "value"), b["value"]), size, align,
                         str(b.get("multiline", "false")).lower() == "true", b.get("name") or f"box {i + 1}"))
    if problems:
        raise InputError(problems)
    return values, boxes


def uses_internship(fmap: FieldMap) -> bool:
    exprs = [*fmap.fields.values(), *(str(b.get("value", "")) for b in fmap.boxes)]
    return any(re.search(r"\binternship\b", e) for e in exprs)


def _owner(student: Any) -> str | None:
    """The student as a continuation sheet names them: グエン ティ ラン (Thị Lan NGUYỄN)."""
    name = getattr(student, "name", None)
    if name is None:
        return None
    western = name_western(name)
    return f"{name_ja(name)}（{western}）" if name.family_ja else western


def fill_with_map(fmap: FieldMap, context: dict[str, Any], form_pdf: bytes | None = None, *,
                  flatten: bool = False, source: str | None = None) -> bytes:
    """Fill the map's form (or form_pdf, given another copy of it) from context; returns the PDF bytes."""
    if form_pdf is None:
        try:
            form_pdf = fmap.form.read_bytes()
        except OSError as exc:
            raise CeriError(f"{fmap.path}: cannot read the form {fmap.form} ({exc.strerror})") from None
    source = source or fmap.form.name
    if context.get("internship") is None and "internships" in context and uses_internship(fmap):
        require_internship(context, f"the map {fmap.path.name}")
    values, boxes = evaluate(fmap, context)
    student = context.get("student")
    record = getattr(student, "id", None)
    owner = _owner(student)
    if fmap.mode == "overlay":
        return fill_overlay(form_pdf, boxes, style=fmap.style, record=record, source=source, owner=owner)
    try:
        spec = fmap.form.with_name(fmap.form.stem + ".spec.yaml")  # ceri's own forms: items named as printed
        return fill_acroform(form_pdf, values, flatten_out=flatten, style=fmap.style, record=record,
                             source=source, captions=captions(spec) if spec.is_file() else None, owner=owner)
    except CeriError as exc:
        if "has no field" in str(exc):  # point at the map line naming the missing field
            from pipeline.renderers.form.fields import fields as list_fields

            have = list_fields(open_pdf(form_pdf))
            raise InputError([fmap.doc.problem(("fields", n), f"the form {source} has no field '{n}' "
                                               "(see `ceri fill --list-fields`)", key=True)
                              for n in values if n not in have]) from None
        raise
