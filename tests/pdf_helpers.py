"""Shared helpers for the PDF tests: render from the examples, read back with poppler and pypdf."""

from __future__ import annotations

import subprocess
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path

import pypdf

from pipeline.context import build_context
from pipeline.records import Records, load
from pipeline.renderers import RenderRequest, render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = date(2026, 6, 1)
MAX_BYTES = 60 * 1024


@cache
def examples() -> Records:
    return load([str(EXAMPLES)])


def context(student: str, internship: str | None = None, *, year: int | None = None,
            records: Records | None = None, as_of: date = AS_OF) -> dict:
    return build_context(records or examples(), student, internship, as_of=as_of, year=year)


def make(doc: str, lang: str, student: str, internship: str | None = None, *, year: int | None = None,
         options: dict | None = None, ctx: dict | None = None) -> bytes:
    ctx = ctx or context(student, internship, year=year)
    return render(RenderRequest(doc=doc, lang=lang, fmt="pdf", context=ctx, options=options or {}))


def pdftotext(pdf: bytes, tmp: Path, *options: str) -> str:
    """The text poppler reads from pdf (options such as -layout)."""
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdffonts(pdf: bytes, tmp: Path) -> list[list[str]]:
    """Rows of pdffonts below its header: [name, type…, emb, sub, uni, object, id]."""
    path = tmp / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(BytesIO(pdf))
