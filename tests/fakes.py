"""Stand-in renderers for any kind (or format) that has no real renderer, so packs stay testable.

Every kind has a real renderer now, so these only fill in for a renderer someone removes from
templates/documents.yaml; real renderers always win, and the tests assert structure either way. Run a CLI
with them installed: `python -m tests.fakes pack …` (from the repository root).
"""

from __future__ import annotations

import io
from dataclasses import replace
from xml.sax.saxutils import escape

from reportlab.pdfgen import canvas

import pipeline.renderers as renderers
from pipeline import fonts
from pipeline.pack.zipping import build
from pipeline.renderers import DocumentKind, RenderRequest

FORMATS = {
    "enrollment-certificate": "pdf", "internship-certificate": "pdf", "permit-checklist": "pdf",
    "permit-application": "pdf", "evaluation-form": "pdf", "evaluation-request": "docx",
    "evaluation-certificate": "pdf", "grading-sheet": "pdf", "jsps-report": "pdf",
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


_DOCX = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}


def fake_docx(request: RenderRequest) -> bytes:
    """A minimal DOCX (python-docx reads it) with one paragraph, built directly: fast and fixed."""
    body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{escape(_line(request))}</w:t></w:r></w:p></w:body></w:document>")
    return build([*((k, v.encode()) for k, v in _DOCX.items()), ("word/document.xml", body.encode())])


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
