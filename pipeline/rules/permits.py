"""Which work permit (資格外活動許可) an internship needs: decided once, for `ceri check`, the permit
checklist and the permit application, so that the three never disagree.

Comprehensive permission (包括許可) covers up to 28 hours a week with any employer; an internship of more
hours needs individual permission (個別許可) for that employer. A comprehensive permission already
granted covers an internship of ≤ 28 h/week (or of the hours the permission states, if fewer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pipeline.records.models import Internship, Student

COMPREHENSIVE_MAX_HOURS = Decimal(28)


@dataclass(frozen=True)
class Permission:
    """What an internship of a student with status "Student" needs, and whether the permit recorded covers it."""

    kind: str                  # comprehensive | individual: what the internship's hours need
    hours: Decimal             # the internship's hours a week
    held: str | None           # the kind of the permission recorded as granted (None: none, or not said)
    granted_on: date | None
    limit: Decimal | None      # the hours a week the permission held allows, where known
    covered: bool              # the permission granted covers the internship

    @property
    def insufficient(self) -> bool:
        """A permission is granted but does not cover these hours (a comprehensive one for full time)."""
        return self.granted_on is not None and not self.covered


def needs_permit(student: Student | None) -> bool:
    """Only status of residence "Student" (留学) needs a permit to work; Japanese nationals, permanent
    residents, spouses and the like may work freely."""
    return (student is not None and student.nationality != "JP" and student.residence is not None
            and student.residence.status == "student")


def permission(student: Student | None, internship: Internship) -> Permission | None:
    """The permission the internship needs (None: the student needs no permit)."""
    if not needs_permit(student):
        return None
    hours = Decimal(internship.hours_per_week)
    kind = "individual" if hours > COMPREHENSIVE_MAX_HOURS else "comprehensive"
    wp = internship.work_permit
    granted = wp.granted_on if wp else None
    held = wp.kind if wp and granted else None
    limit = Decimal(wp.hours_per_week) if wp and wp.hours_per_week is not None else None
    if held == "comprehensive":
        limit = min(limit, COMPREHENSIVE_MAX_HOURS) if limit is not None else COMPREHENSIVE_MAX_HOURS
    if granted is None:
        covered = False
    elif held is None:  # granted, of a kind the record does not say: taken as the one needed
        covered = limit is None or hours <= limit
    else:
        covered = hours <= limit if limit is not None else held == "individual" or kind == "comprehensive"
    return Permission(kind, hours, held, granted, limit, covered)
