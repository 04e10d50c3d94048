"""A stand-in certificate renderer for the register's unit tests (fast, uncompressed, alterable).

One reportlab page (invariant=1, uncompressed so a test can alter one printed character) that prints
the issue date, the serial from the options and the verification text, like the real certificates.
"""

from __future__ import annotations

import io
from dataclasses import replace

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import pipeline.renderers as renderers
from pipeline.renderers import DocumentKind, RenderRequest

CALLS: list[RenderRequest] = []


def render_certificate(request: RenderRequest) -> bytes:
    CALLS.append(request)
    ctx = request.context
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    canvas.setTitle(f"{request.doc} {request.lang}")
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 770, f"{request.doc} ({request.lang}) for {ctx['student'].id}")
    prints = renderers.documents()[request.doc].prints
    if ctx.get("internship") is not None and (prints is None or "internship" in prints):
        canvas.drawString(72, 750, f"Internship {ctx['internship'].id}: {ctx['internship'].title_en}")
    canvas.drawString(72, 730, f"Issued on {ctx['today'].isoformat()}   Serial: {request.options.get('serial', '-')}")
    canvas.drawString(72, 710, request.options.get("verification_text", ""))
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def install(monkeypatch) -> None:
    """Point every certificate kind's pdf renderer at render_certificate (in this module, whatever its
    import name)."""
    real = renderers.documents()
    target = f"{__name__}:render_certificate"
    fake = {name: replace(kind, renderers={**kind.renderers, "pdf": target}) if kind.certificate else kind
            for name, kind in real.items()}
    monkeypatch.setattr(renderers, "documents", lambda: fake)
    CALLS.clear()


__all__ = ["CALLS", "DocumentKind", "install", "render_certificate"]
