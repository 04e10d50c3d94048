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
from pipeline.i18n import _
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
    langs: tuple[str, ...] = LANGS  # the languages it comes in: (ja+en,) for a form that is one bilingual sheet
    prints: tuple[str, ...] | None = None  # the context's records it shows (None: see documents.yaml)
    issued_as: str | None = None  # "report": logged in the register, no serial printed (a fellow's own report)


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
                               tuple(d.get("langs") or LANGS),
                               tuple(d["prints"]) if d.get("prints") else None, d.get("issued_as"))
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
        raise CeriError(_("unknown document '{doc}' (documents: {kinds})").format(doc=doc, kinds=", ".join(kinds)))
    target = kinds[doc].renderers.get(fmt)
    if target is None:
        have = ", ".join(kinds[doc].renderers) or _("none yet")
        raise CeriError(_("{doc} cannot be rendered as {format} (formats: {have})").format(doc=doc, format=fmt, have=have))
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


def is_certificate(request: RenderRequest | None) -> bool:
    """Whether the request is a certificate issued through the register, with its serial: a PDF (its bytes
    sealed) or a Word file (registered as editable: its serial and text count, not its bytes)."""
    return request is not None and request.fmt in ("pdf", "docx") and documents()[request.doc].certificate


def check_lang(doc: str, lang: str) -> None:
    """Refuse a language a document does not come in (never silently give another)."""
    langs = documents()[doc].langs
    if lang not in langs:
        raise CeriError(_("{doc} is one bilingual form (Japanese and English) and has no '{lang}' version: "
                          "leave out --lang or give --lang {langs}").format(doc=doc, lang=lang,
                                                                           langs=" or ".join(langs)))


def pack_langs(doc: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The languages a pack makes doc in: those wanted that it comes in, else its own (a bilingual form
    once, whether the pack asks for ja, en or all three)."""
    langs = documents()[doc].langs
    return tuple(lg for lg in wanted if lg in langs) or langs[:1]


def render(request: RenderRequest) -> bytes:
    """Render one document to bytes (nothing is written: the caller writes atomically)."""
    if request.lang not in LANGS:
        raise CeriError(_("unknown language '{lang}' (use ja, en or ja+en)").format(lang=request.lang))
    check_lang(request.doc, request.lang)
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
        raise CeriError(_("{doc} as {format} is not a form to flatten").format(doc=request.doc, format=request.fmt))
    return render(replace(request, options={**request.options, "flatten": True}))
