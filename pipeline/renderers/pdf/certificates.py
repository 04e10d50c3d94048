"""在学証明書 / Certificate of Enrollment and 研究インターンシップ実施証明書 / Certificate of Internship."""

from __future__ import annotations

from pipeline.context import require_internship
from pipeline.renderers import RenderRequest
from pipeline.renderers.pdf.common import company_rows, internship_rows, person_rows, program_rows
from pipeline.renderers.pdf.layout import Cell, Page, Row


def enrollment_certificate(request: RenderRequest) -> bytes:
    page = Page(request)
    student = request.context["student"]
    page.header()
    page.title()
    rows = person_rows(page, student) + program_rows(page, student)
    page.table(rows, min_row=24)  # a short certificate: airy rows
    page.space(6)
    page.paragraph(page.words.t("certify"), field="certify")
    page.space(16)
    page.issuer()
    return page.finish()


def internship_certificate(request: RenderRequest) -> bytes:
    require_internship(request.context, request.doc)
    page = Page(request)
    student = request.context["student"]
    internship = request.context["internship"]
    w, v = page.words, page.values
    page.header()
    page.title()
    page.heading(w.t("student_heading"))
    page.table(person_rows(page, student, nationality=True) + program_rows(page, student, dates=False))
    page.heading(w.t("internship_heading"))
    iid = internship.id
    course = w.t("course_value", credits=internship.credits)
    rows = [Row(w.label("credits"), Cell(course, iid, "credits"))]
    rows += company_rows(page, internship) + internship_rows(page, internship)
    rows += [
        Row(w.label("hours_per_week"), Cell(v.hours(internship.hours_per_week), iid, "hours_per_week")),
        Row(w.label("pay"), Cell(v.pay(internship.pay), iid, "pay")),
    ]
    page.table(rows)
    page.paragraph(w.t("certify", credits=internship.credits), field="certify")
    page.space(10)
    page.issuer()
    return page.finish()


