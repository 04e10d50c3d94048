"""Renderers: turn a template context into document bytes (PDF, filled forms, DOCX).

The document kinds and which function renders each format are declared in templates/documents.yaml.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import CeriError
from pipeline.resources import TEMPLATES

LANGS = ("ja", "en", "ja+en")


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: dict[str, str]
    internship: bool
    certificate: bool
    renderers: dict[str, str]
    fillable: bool = False  # a form to fill in: its renderer takes options={"flatten": True}
    requires: dict[str, str] = field(default_factory=dict)  # "record.field" → why the document needs it
    prints: tuple[str, ...] | None = None  # the context's records it shows (None: see documents.yaml)


@dataclass(frozen=True)
class RenderRequest:
    """Everything a renderer needs, as plain data: no renderer reads files of records itself."""

    doc: str
    lang: str  # ja | en | ja+en
    fmt: str  # pdf | docx
    context: dict[str, Any]
    template: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)


@cache
def documents() -> dict[str, DocumentKind]:
    raw = yaml.safe_load((TEMPLATES / "documents.yaml").read_text("utf-8"))
    return {name: DocumentKind(name, d["title"], d["internship"], d["certificate"], d.get("renderers") or {},
                               bool(d.get("fillable", False)), d.get("requires") or {},
                               tuple(d["prints"]) if d.get("prints") else None)
            for name, d in raw.items()}


def unmet(doc: str, records: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(record, field, why) of each value `doc` requires that records (record name → record) lack."""
    out = []
    for path, why in documents()[doc].requires.items():
        record, name = path.split(".", 1)
        if not getattr(records.get(record), name, None):
            out.append((record, name, why))
    return out


def renderer(doc: str, fmt: str):
    kinds = documents()
    if doc not in kinds:
        raise CeriError(f"unknown document '{doc}' (documents: {', '.join(kinds)})")
    target = kinds[doc].renderers.get(fmt)
    if target is None:
        have = ", ".join(kinds[doc].renderers) or "none yet"
        raise CeriError(f"{doc} cannot be rendered as {fmt} (formats: {have})")
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


def is_certificate(request: RenderRequest | None) -> bool:
    """Whether the request is a certificate issued through the register, with its serial: a PDF (its bytes
    sealed) or a Word file (registered as editable: its serial and text count, not its bytes)."""
    return request is not None and request.fmt in ("pdf", "docx") and documents()[request.doc].certificate


def render(request: RenderRequest) -> bytes:
    """Render one document to bytes (nothing is written: the caller writes atomically)."""
    if request.lang not in LANGS:
        raise CeriError(f"unknown language '{request.lang}' (use ja, en or ja+en)")
    return renderer(request.doc, request.fmt)(request)


def layout_problems(records) -> list:
    """Problems (FILE:LINE:COLUMN) of record values no document can lay out: for `ceri validate`
    (see renderers/problems.py)."""
    from pipeline.renderers.problems import layout_problems as problems

    return problems(records)


def render_flattened(request: RenderRequest) -> bytes:
    """A fillable PDF with its form flattened (what the fields show burnt into the pages), to merge
    into pack.pdf. Rendered right after the fillable copy, it reuses that fill (renderers/form/fill)."""
    if not documents()[request.doc].fillable or request.fmt != "pdf":
        raise CeriError(f"{request.doc} as {request.fmt} is not a form to flatten")
    return render(replace(request, options={**request.options, "flatten": True}))
