"""資格外活動許可申請 提出書類チェックリスト: what a student with status "Student" hands in, and where."""

from __future__ import annotations

import calendar
from datetime import date

from pipeline.context import formatting as fmt
from pipeline.context import require_internship
from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.records.models import Student
from pipeline.renderers import RenderRequest
from pipeline.renderers.pdf.common import name_rows
from pipeline.renderers.pdf.layout import Cell, Page, Row
from pipeline.renderers.pdf.words import both, langs
from pipeline.rules.permits import Permission, needs_permit, permission

# The six documents (shared/DESIGN.md): wording key, who prepares it, the pack document that is it.
DOCUMENTS: tuple[tuple[str, str, str], ...] = (
    ("doc_application", "student", "permit-application"),
    ("doc_passport", "student", "passport"),
    ("doc_residence_card", "student", "residence-card"),
    ("doc_enrollment", "secretariat", "enrollment-certificate"),
    ("doc_internship", "secretariat", "internship-certificate"),
    ("doc_contract", "company", "employment-contract"),
)


def months_before(d: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's end (Mar 31 → Jan 31)."""
    index = d.year * 12 + d.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def require_permit(student: Student, doc: str) -> None:
    """The permit documents are for status "Student" only: anyone else gets the reason and no document."""
    if needs_permit(student):
        return
    if student.nationality == "JP":
        status = _("none (Japanese national)")
    else:
        status = student.residence.status if student.residence else _("none")
    raise CeriError(_("{doc} is only for students whose status of residence is 'student' (留学); student "
                      "'{student}' has status {status}, so no work permit (資格外活動許可) is needed")
                    .format(doc=doc, student=student.id, status=status))


def _permission_text(page: Page, need: Permission) -> tuple[str, ...]:
    """Which permission to apply for, or the one granted that covers the internship (rules/permits.py,
    as `ceri check` says it)."""
    w, v = page.words, page.values
    if need.covered:
        held = need.held or need.kind
        return w.t("permission_covered", held={lg: w.one(f"permission_{held}", lg) for lg in langs(page.lang)},
                   granted_on={lg: v.date1(need.granted_on, lg) for lg in langs(page.lang)})
    return w.t(f"permission_{need.kind}_needed")


def permit_checklist(request: RenderRequest) -> bytes:
    require_internship(request.context, request.doc)
    student = request.context["student"]
    internship = request.context["internship"]
    require_permit(student, request.doc)
    residence = student.residence
    page = Page(request)
    w, v, sid, iid = page.words, page.values, student.id, internship.id
    page.header()
    page.title()
    page.paragraph(w.t("intro"), field="intro", size=9 if page.lang == "ja+en" else 10)
    stay = residence.period_of_stay
    stay_paras = ("—",) if stay is None else both(
        f"{stay.years}年{stay.months}か月" if stay.months else f"{stay.years}年",
        f"{stay.years} years {stay.months} months" if stay.months else f"{stay.years} years", page.lang)
    rows = name_rows(page, student) + [
        Row(w.label("nationality"), Cell(both(fmt.nationality(student.nationality, "ja"),
                                              fmt.nationality(student.nationality, "en"), page.lang),
                                         sid, "nationality")),
        Row(w.label("status_of_residence"), Cell(w.label("status_student"), sid, "residence.status")),
        Row(w.label("card_number"), Cell((residence.card_number,), sid, "residence.card_number")),
        Row(w.label("period_of_stay"), Cell(stay_paras, sid, "residence.period_of_stay")),
        Row(w.label("residence_expires_on"), Cell(v.date(residence.expires_on), sid, "residence.expires_on")),
        Row(w.label("company"), Cell(v.pick(internship.company, "name"), iid, "company.name")),
        Row(w.label("period"), Cell(v.period(internship.period), iid, "period")),
        Row(w.label("hours_per_week"), Cell(v.hours(internship.hours_per_week), iid, "hours_per_week")),
        Row(w.t("permission"), Cell(_permission_text(page, permission(student, internship)), iid, "work_permit")),
    ]
    page.table(rows)
    page.heading(w.t("documents_heading"))
    held = set(request.options.get("pack_documents") or ())
    grid_rows = []
    for n, (key, by, kind) in enumerate(DOCUMENTS, 1):
        grid_rows.append([
            Cell((str(n),), field="documents", align="center", lines=1),
            Cell(w.t(key), field="documents"),
            Cell(w.label(f"prepared_by_{by}"), field="documents", align="center"),
            Cell(("✓" if kind in held else "",), field="documents", align="center", lines=1),
        ])
    page.grid([("No.",), w.t("document"), w.t("prepared_by"), w.label("pack_ticked")], grid_rows,
              [28, 290, 95, 70])
    page.heading(w.t("where_heading"))
    start = internship.period.start
    pref = student.address.prefecture
    page.table([
        Row(w.t("bureau"), Cell(both(fmt.bureau(pref, "ja"), fmt.bureau(pref, "en"), page.lang), sid,
                                "address.prefecture")),
        # (that permission is needed before the start, the intro says; the start is in the table above)
        Row(w.t("apply_by"), Cell(v.date(months_before(start, 2)), iid, "period.start")),
    ])
    page.heading(w.t("notes_heading"))
    for key in ("note_fee", "note_bring", "note_processing"):  # which permission: the row above says
        page.paragraph(tuple(f"・{p}" for p in w.t(key)), size=9 if page.lang == "ja+en" else 9.5,
                       field=key)
    return page.finish()
