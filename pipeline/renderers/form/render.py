"""`ceri render permit-application|evaluation-form`: fill the shipped form with its shipped map."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pipeline.renderers import RenderRequest
from pipeline.renderers.form import formkey
from pipeline.renderers.form.mapping import FieldMap, fill_with_map, load_map
from pipeline.renderers.form.readback import form_id as readback_form_id
from pipeline.resources import FORMS


@lru_cache(maxsize=8)
def _map(path: Path, mtime_ns: int, size: int) -> FieldMap:
    """A shipped map parsed once per process (a pack renders both forms for every internship)."""
    return load_map(path)


def fill_shipped(name: str, request: RenderRequest, literal: dict[str, str] | None = None) -> bytes:
    """forms/<name>.pdf filled through forms/<name>.map.yaml (option: flatten); literal: more fields set
    to these exact values (text without template syntax)."""
    path = FORMS / f"{name}.map.yaml"
    try:
        st = path.stat()
        fmap = _map(path, st.st_mtime_ns, st.st_size)
    except OSError:
        fmap = load_map(path)  # reports the missing map as load_map always has
    if literal:
        fmap = replace(fmap, fields={**fmap.fields, **literal})
    return fill_with_map(fmap, request.context, flatten=bool(request.options.get("flatten")))


def permit_application(request: RenderRequest) -> bytes:
    from pipeline.renderers.pdf.permit import require_permit  # the checklist's rule and message

    require_permit(request.context["student"], request.doc)
    return fill_shipped("permit-application", request)


def evaluation_form(request: RenderRequest) -> bytes:
    """The form with its hidden identifiers checked by the office's key (formkey.py): read-back verifies
    that the returned form is the one issued for this student's internship."""
    student, internship = request.context.get("student"), request.context.get("internship")
    check = ""
    if student is not None and internship is not None:
        key = formkey.load_key(create=True)
        check = formkey.form_check(key, readback_form_id(), student.id, internship.id)
    return fill_shipped("evaluation-form", request, {formkey.FIELD: check})
