"""The template context: the records a document is about, plus the issue date."""

from __future__ import annotations

from datetime import date
from typing import Any

from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.records import Records
from pipeline.records.load import student_hint


def build_context(records: Records, student_id: str, internship_id: str | None = None, *,
                  as_of: date, year: int | None = None) -> dict[str, Any]:
    """{'student', 'internship', 'internships', 'institution', 'today', 'year'} for one student.

    `internship` is the one named, or the student's only internship, or None when the student has
    several and none was named (documents that need one say so).
    """
    student = records.students.get(student_id)
    if student is None:
        known = ", ".join(sorted(records.students)) or _("none")
        raise CeriError(_("no student '{student}' in the records (students: {known})").format(
            student=student_id, known=known) + student_hint(student_id, records.students))
    mine = records.internships_of(student_id)
    internship = None
    if internship_id is not None:
        internship = records.internships.get(internship_id)
        if internship is None or internship.student != student_id:
            ids = ", ".join(i.id for i in mine) or _("none")
            raise CeriError(_("student '{student}' has no internship '{internship}' (internships: {ids})").format(
                student=student_id, internship=internship_id, ids=ids))
    elif len(mine) == 1:
        internship = mine[0]
    return {
        "student": student,
        "internship": internship,
        "internships": mine,
        "institution": records.institution,
        "today": as_of,
        "year": year if year is not None else as_of.year,
    }


def require_internship(context: dict[str, Any], doc: str) -> None:
    """Documents about one internship need it named when the student has several."""
    if context["internship"] is None:
        ids = ", ".join(i.id for i in context["internships"]) or _("none")
        raise CeriError(_("{doc} is about one internship: give --internship ID (student '{student}' has: {ids})")
                        .format(doc=doc, student=context["student"].id, ids=ids))
