"""`ceri render permit-application|evaluation-form`: fill the shipped form with its shipped map."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pypdf import PageObject

from pipeline.renderers import RenderRequest
from pipeline.renderers.form.mapping import FieldMap, fill_with_map, load_map
from pipeline.resources import FORMS


@lru_cache(maxsize=8)
def _map(path: Path, mtime_ns: int, size: int) -> FieldMap:
    """A shipped map parsed once per process (a pack renders both forms for every internship)."""
    return load_map(path)


def fill_shipped(name: str, request: RenderRequest) -> bytes | list[PageObject]:
    """forms/<name>.pdf filled through forms/<name>.map.yaml (options: flatten, true or "pages")."""
    path = FORMS / f"{name}.map.yaml"
    try:
        st = path.stat()
        fmap = _map(path, st.st_mtime_ns, st.st_size)
    except OSError:
        fmap = load_map(path)  # reports the missing map as load_map always has
    return fill_with_map(fmap, request.context, flatten=_flatten(request.options.get("flatten")))


def _flatten(option: object) -> bool | Literal["pages"]:
    return "pages" if option == "pages" else bool(option)


def permit_application(request: RenderRequest) -> bytes | list[PageObject]:
    return fill_shipped("permit-application", request)


def evaluation_form(request: RenderRequest) -> bytes | list[PageObject]:
    return fill_shipped("evaluation-form", request)
