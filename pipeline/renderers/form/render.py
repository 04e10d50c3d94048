"""`ceri render permit-application|evaluation-form`: fill the shipped form with its shipped map."""

from __future__ import annotations

from pipeline.renderers import RenderRequest
from pipeline.renderers.form.mapping import fill_with_map, load_map
from pipeline.resources import FORMS


def fill_shipped(name: str, request: RenderRequest) -> bytes:
    """forms/<name>.pdf filled through forms/<name>.map.yaml (options: flatten)."""
    fmap = load_map(FORMS / f"{name}.map.yaml")
    return fill_with_map(fmap, request.context, flatten=bool(request.options.get("flatten")))


def permit_application(request: RenderRequest) -> bytes:
    return fill_shipped("permit-application", request)


def evaluation_form(request: RenderRequest) -> bytes:
    return fill_shipped("evaluation-form", request)
