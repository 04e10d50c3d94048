"""Stand-in renderers for the kinds (and formats) that have none yet, so packs can be tested.

Real renderers win wherever they exist: the tests assert structure, which holds for both. Run a CLI
with them installed: `python -m tests.fakes pack …` (from the repository root).
"""

from __future__ import annotations

import io
from dataclasses import replace

from docx import Document
from reportlab.pdfgen import canvas

import pipeline.renderers as renderers
from pipeline import fonts
from pipeline.renderers import DocumentKind, RenderRequest

FORMATS = {
    "enrollment-certificate": "pdf", "internship-certificate": "pdf", "permit-checklist": "pdf",
    "permit-application": "pdf", "evaluation-form": "pdf", "evaluation-request": "docx",
    "evaluation-certificate": "pdf", "jsps-report": "pdf",
}
EXTRA = {"evaluation-request": DocumentKind(
    "evaluation-request", {"ja": "評価書ご提出のお願い", "en": "Request for Evaluation"}, True, False, {})}


def _line(request: RenderRequest) -> str:
    ctx = request.context
    internship = ctx.get("internship")
    return f"{request.doc} {request.lang} {ctx['student'].id} {internship.id if internship else ctx['year']}"


def fake_pdf(request: RenderRequest) -> bytes:
    student = request.context["student"]
    name = f"{student.name.family_ja or ''}{student.name.given_ja or ''} {student.name.family}"
    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, _line(request))
    x = 72.0
    for font, text in fonts.runs(name, "mincho", record=student.id, field="name"):
        c.setFont(font, 12)
        c.drawString(x, 740, text)
        x += fonts.width(text, 12)
    c.showPage()
    c.save()
    return out.getvalue()


def fake_docx(request: RenderRequest) -> bytes:
    doc = Document()
    doc.add_paragraph(_line(request))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def kinds() -> dict[str, DocumentKind]:
    real = dict(_real())
    for name, kind in EXTRA.items():
        real.setdefault(name, kind)
    out = {}
    for name, kind in real.items():
        fmt = FORMATS.get(name)
        if fmt and fmt not in kind.renderers:
            kind = replace(kind, renderers={**kind.renderers, fmt: f"tests.fakes:fake_{fmt}"})
        out[name] = kind
    return out


_real = renderers.documents


def install(monkeypatch=None) -> None:
    table = kinds()
    if monkeypatch is not None:
        monkeypatch.setattr(renderers, "documents", lambda: table)
    else:
        renderers.documents = lambda: table


if __name__ == "__main__":
    install()
    from pipeline.cli import main

    main()
