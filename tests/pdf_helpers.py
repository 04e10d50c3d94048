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


def poppler(tool: str, path: Path, *options: str) -> str:
    """What a poppler tool prints for the PDF at path (pdftotext: the text, UTF-8, to stdout)."""
    args = [tool, "-enc", "UTF-8", *options, str(path), "-"] if tool == "pdftotext" else [tool, *options, str(path)]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def text_of(path: Path, page: int | None = None, *, layout: bool = False) -> str:
    """The text poppler reads from the PDF at path: one page (1-based) or all; -layout on request."""
    pages = ("-f", str(page), "-l", str(page)) if page else ()
    return poppler("pdftotext", path, *pages, *(("-layout",) if layout else ()))


def font_rows(path: Path) -> list[list[str]]:
    """Rows of pdffonts below its header: [name, type…, emb, sub, uni, object, id]."""
    return [line.split() for line in poppler("pdffonts", path).splitlines()[2:] if line.strip()]


def pdftotext(pdf: bytes, tmp: Path, *options: str) -> str:
    """The text poppler reads from PDF bytes (options such as -layout)."""
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    return poppler("pdftotext", path, *options)


def pdffonts(pdf: bytes, tmp: Path) -> list[list[str]]:
    """font_rows of PDF bytes."""
    path = tmp / "fonts.pdf"
    path.write_bytes(pdf)
    return font_rows(path)


def pngs(pdf: bytes, tmp: Path, name: str) -> list[bytes]:
    """Every page of pdf drawn by poppler (pdftoppm, 40 dpi), as PNG bytes: to compare two PDFs' looks."""
    path = tmp / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp / name)], check=True)
    return [p.read_bytes() for p in sorted(tmp.glob(f"{name}-*.png"))]


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(BytesIO(pdf))
