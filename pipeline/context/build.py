"""The template context: the records a document is about, plus the issue date."""

from __future__ import annotations

from datetime import date
from typing import Any

from pipeline.errors import CeriError
from pipeline.records import Records


def build_context(records: Records, student_id: str, internship_id: str | None = None, *,
                  as_of: date, year: int | None = None) -> dict[str, Any]:
    """{'student', 'internship', 'internships', 'institution', 'today', 'year'} for one student.

    `internship` is the one named, or the student's only internship, or None when the student has
    several and none was named (documents that need one say so).
    """
    student = records.students.get(student_id)
    if student is None:
        known = ", ".join(sorted(records.students)) or "none"
        raise CeriError(f"no student '{student_id}' in the records (students: {known})")
    mine = records.internships_of(student_id)
    internship = None
    if internship_id is not None:
        internship = records.internships.get(internship_id)
        if internship is None or internship.student != student_id:
            ids = ", ".join(i.id for i in mine) or "none"
            raise CeriError(f"student '{student_id}' has no internship '{internship_id}' (internships: {ids})")
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
        ids = ", ".join(i.id for i in context["internships"]) or "none"
        raise CeriError(f"{doc} is about one internship: give --internship ID "
                        f"(student '{context['student'].id}' has: {ids})")
