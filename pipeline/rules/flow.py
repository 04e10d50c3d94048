"""The dates of the programme's flow that rules, the desk and the reminders all use, declared once.

An internship's step dates are read here under one set of names (`dates()`), so that the evaluation
received through `ceri evaluation read` (evaluation.received_on) and the one typed into
steps.evaluation_received_on count alike, and so do grading.graded_on and steps.graded_on.
Deadlines: the company returns the evaluation 14 days after the end of the internship (or after the
request, when the secretariat sent it later); a faculty member grades within 30 days of receiving it;
a work permit is applied for 2 months before the start (the longest standard processing time). The
monthly online briefing is on the first business day of each month: not a weekend, a Japanese public
holiday (the `holidays` library) or the year-end closure, December 29 to January 3.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

from pipeline.records.models import Internship, Steps, Student
from pipeline.rules.periods import add_months

EVALUATION_RETURN_DAYS = 14
GRADE_DAYS = 30
PERMIT_LEAD_MONTHS = 2
JSPS_WINDOW = ((4, 1), (4, 20))  # 報酬受給報告書〈様式5-3〉: April 1–20 of the following year

# every step date of an internship, in the order of the flow (names of steps.* plus the permit's dates)
STEP_DATES = ("consulted_on", "supervisor_approved_on", "registered_on", "briefing_attended_on",
              "application_approved_on", "applied_on", "selected_on", "accepted_on", "contract_signed_on",
              "contract_checked_on", "implementation_contract_signed_on", "course_registered_on",
              "permit_applied_on", "permit_granted_on", "evaluation_requested_on", "evaluation_received_on",
              "graded_on")


_STEP_FIELDS = frozenset(Steps.model_fields)  # a missing attribute costs pydantic an exception


def evaluation_received(i: Internship) -> date | None:
    return i.steps.evaluation_received_on or (i.evaluation.received_on if i.evaluation else None)


def graded_on(i: Internship) -> date | None:
    return i.steps.graded_on or (i.grading.graded_on if i.grading else None)


def is_graded(i: Internship) -> bool:
    """A grade given, dated or not."""
    return i.grading is not None or i.steps.graded_on is not None


def dates(i: Internship) -> dict[str, date | None]:
    """Every step date of the internship under the names of STEP_DATES."""
    s, permit = i.steps, i.work_permit
    out = {name: getattr(s, name) if name in _STEP_FIELDS else None for name in STEP_DATES}
    out["permit_applied_on"] = permit.applied_on if permit else None
    out["permit_granted_on"] = permit.granted_on if permit else None
    out["evaluation_received_on"] = evaluation_received(i)
    out["graded_on"] = graded_on(i)
    return out


def needs_permit(student: Student | None) -> bool:
    """Status of residence 'Student' (留学): a work permit before the start."""
    return student is not None and student.residence is not None and student.residence.status == "student"


def permit_apply_by(i: Internship) -> date:
    return add_months(i.period.start, -PERMIT_LEAD_MONTHS)


def evaluation_return_by(i: Internship) -> date:
    """The end (or a later request) plus 14 days: a request sent before the end still leaves the
    company 14 days after the last day of work."""
    requested = i.steps.evaluation_requested_on
    base = max(i.period.end, requested) if requested else i.period.end
    return base + timedelta(days=EVALUATION_RETURN_DAYS)


def grade_due(i: Internship) -> date | None:
    received = evaluation_received(i)
    return received + timedelta(days=GRADE_DAYS) if received else None


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.Japan(years=year)


def is_business_day(d: date) -> bool:
    """Not a weekend, a Japanese public holiday, nor the year-end closure (December 29 – January 3)."""
    if d.weekday() >= 5 or d in _holidays(d.year):
        return False
    return not ((d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3))


def briefing_on(year: int, month: int) -> date:
    """The monthly online briefing: the first business day of the month."""
    d = date(year, month, 1)
    while not is_business_day(d):
        d += timedelta(days=1)
    return d


def next_briefing(as_of: date) -> date:
    """The first briefing on or after as_of."""
    this = briefing_on(as_of.year, as_of.month)
    if this >= as_of:
        return this
    nxt = add_months(date(as_of.year, as_of.month, 1), 1)
    return briefing_on(nxt.year, nxt.month)
