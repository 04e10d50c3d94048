"""What a student's own page offers once the secretariat has accepted their intake: the permit checklist
and the filled permit application of each of their internships, rendered by the same functions as
`ceri render` — only for a student who needs a work permit (status of residence "student", not a
Japanese national: pipeline.rules.permits.needs_permit, the renderers' own rule).

The links name the internship by its position on the student's page, never by an id, and every request
is checked against the session's own student."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, abort, g

from pipeline.context import build_context
from pipeline.records import Records
from pipeline.renderers import RenderRequest, documents, render, unmet
from pipeline.rules.permits import needs_permit
from pipeline.web.store import Store

DOCS = ("permit-checklist", "permit-application")
LANG = "ja+en"  # one bilingual sheet: the student reads one language, the bureau the other


@dataclass(frozen=True)
class Offered:
    n: int  # the internship's position on the student's page (1-based)
    internship: str
    doc: str
    title: dict[str, str]
    missing: tuple[str, ...]  # fields the document needs that the record lacks (no link then)


def offered(store: Store, records: Records, student_id: str) -> list[Offered]:
    student = records.students.get(student_id)
    if student is None or not needs_permit(student) or not store.accepted(student_id):
        return []
    out = []
    for n, i in enumerate(_internships(records, student_id), start=1):
        for doc in DOCS:
            missing = tuple(name for _record, name, _why in unmet(doc, {"student": student, "internship": i}))
            out.append(Offered(n, i.id, doc, documents()[doc].title, missing))
    return out


def _internships(records: Records, student_id: str) -> list:
    return sorted(records.internships_of(student_id), key=lambda i: (i.period.start, i.id))


def register_student_docs(app: Flask) -> None:
    @app.get("/me/<int:n>/<doc>.pdf")
    def my_document(n: int, doc: str) -> Response:
        s = g.session
        if s is None or s.role != "student":
            abort(403)
        snap = g.records.current()
        if snap.records is None:
            abort(404)
        found = next((o for o in offered(g.store, snap.records, s.subject) if o.n == n and o.doc == doc), None)
        if found is None or found.missing:
            abort(404)
        context = build_context(snap.records, s.subject, found.internship, as_of=snap.as_of)
        data = render(RenderRequest(doc=doc, lang=LANG, fmt="pdf", context=context))
        g.store.audit(f"student:{s.subject}", "download", f"internship:{found.internship}", f"{doc}.{LANG}.pdf")
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{doc}-{n}.pdf"'})
