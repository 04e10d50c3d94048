"""Helpers the test_docx_* files share: render a document from examples/, read a .docx back."""

from __future__ import annotations

import io
import re
from datetime import date
from functools import cache
from pathlib import Path

import docx

from pipeline.context import build_context
from pipeline.records import load
from pipeline.renderers import RenderRequest, render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = date(2026, 12, 15)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


@cache
def records():
    return load([str(EXAMPLES)])


def make(doc: str, lang: str, student: str, internship: str | None = None, *, as_of: date = AS_OF,
         template: Path | None = None, options: dict | None = None) -> bytes:
    ctx = build_context(records(), student, internship, as_of=as_of)
    return render(RenderRequest(doc=doc, lang=lang, fmt="docx", context=ctx, template=template,
                                options=options or {}))


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def all_paragraphs(document):
    """Body paragraphs and table-cell paragraphs, in document order."""
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def texts(data: bytes) -> list[str]:
    return [p.text for p in all_paragraphs(open_docx(data))]


def user_template(path: Path, *lines: str) -> Path:
    """A user's .docx template made with python-docx: one paragraph per line."""
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(path)
    return path
