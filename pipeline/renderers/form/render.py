"""`ceri render permit-application|evaluation-form`: fill the shipped form with its shipped map."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.renderers import RenderRequest
from pipeline.renderers.form.mapping import FieldMap, fill_with_map, load_map
from pipeline.resources import FORMS


@lru_cache(maxsize=8)
def _map(path: Path, mtime_ns: int, size: int) -> FieldMap:
    """A shipped map parsed once per process (a pack renders both forms for every internship)."""
    return load_map(path)


def fill_shipped(name: str, request: RenderRequest) -> bytes:
    """forms/<name>.pdf filled through forms/<name>.map.yaml (option: flatten)."""
    path = FORMS / f"{name}.map.yaml"
    try:
        st = path.stat()
        fmap = _map(path, st.st_mtime_ns, st.st_size)
    except OSError:
        fmap = load_map(path)  # reports the missing map as load_map always has
    return fill_with_map(fmap, request.context, flatten=bool(request.options.get("flatten")))


def permit_application(request: RenderRequest) -> bytes:
    from pipeline.renderers.pdf.permit import require_permit  # the checklist's rule and message

    require_permit(request.context["student"], request.doc)
    return fill_shipped("permit-application", request)


def evaluation_form(request: RenderRequest) -> bytes:
    return fill_shipped("evaluation-form", request)
