"""The PDF layer: all of ceri's low-level PDF, TrueType and zip work, below the renderers and the pack.

One object writer (objects), one merger (merging, parts), one font embedder and subsetter (subset,
truetype), one flattener (flattening), one place that draws font runs (runs), one zip writer (zips), Word templates compiled once
(wordtemplate, wordzip), and
the few calls into private internals of pypdf, reportlab, python-docx and pyHanko (every one listed in
internals.PRIVATE_USES; no other package of ceri touches them: tests/test_private_internals.py).

It imports no other stage of ceri: pipeline.fonts (which font draws which character) and everything
above use it. The names below are its public API; each is imported from its module on first use, so
that `ceri validate` does not pay for pypdf or pyHanko.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    # objects: the one PDF object writer
    "Edit": "objects", "NotIndirect": "objects", "Raw": "objects", "Template": "objects", "add_object": "objects",
    "catalog": "objects", "num": "objects", "stream": "objects", "template": "objects",
    # subset, truetype: the one font embedder
    "Add": "subset", "Fonts": "subset", "make_lean": "subset", "preset": "subset", "to_unicode_cmap": "subset",
    "subset_tag": "subset", "characters": "truetype", "strip_hinting": "truetype",
    # flatten, merge: the one flattener and the one merger
    "appearances": "flattening", "flatten": "flattening", "flatten_edit": "flattening",
    "flatten_page": "flattening", "others": "flattening", "merge": "merging", "read_part": "parts",
    # zips, ooxml, signing
    "zip_bytes": "zips", "ZIP_MODE": "zips", "run_properties": "ooxml", "add_run_properties": "ooxml",
    "paragraph_of": "ooxml", "table_properties": "ooxml", "incremental_writer": "signing",
    # wordzip, wordtemplate: Word files
    "save_deterministic": "wordzip", "set_core_properties": "wordzip", "write_zip": "wordzip",
}
_MODULES = ("objects", "subset", "truetype", "flattening", "merging", "parts", "runs", "zips", "ooxml", "signing",
            "internals", "wordtemplate", "wordzip")

__all__ = sorted([*_WHERE, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_module(f"{__name__}.{name}")
    if name in _WHERE:
        return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
