"""Rules on the order and the deadlines of the guide's 12 steps (shared/DESIGN.md, Extensions v1.1).

Records written before the v1.1 step dates existed keep working: a rule compares two dates only when
both are recorded (except where a later step cannot exist without the earlier one), and the rules on
v1.1 dates (the contract check, the implementation contract) only speak from 30 days before the start
to the end of the internship, while they can still be acted on.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.rules import flow
from pipeline.rules.catalog import declarations
from pipeline.rules.checks import Hit, Subject, rule

CONTRACT_WINDOW_DAYS = 30     # the contract rules speak from this many days before the start
COURSE_WINDOW_DAYS = 14       # the course registration: a warning this many days before the start


def _labels(name: str) -> dict[str, str]:
    return declarations()["step-out-of-order"].extra["fields"][name]


@rule("step-out-of-order", needs_student=False)
def step_out_of_order(s: Subject) -> Iterator[Hit]:
    when = flow.dates(s.internship)
    for later, earlier, required in declarations()["step-out-of-order"].extra["order"]:
        later_on, earlier_on = when[later], when[earlier]
        if later_on is None:
            continue
        case = ("undated" if required else None) if earlier_on is None else \
            "before" if later_on < earlier_on else None
        if case:
            yield Hit({"later_step": later, "later_on": later_on, "earlier_step": earlier,
                       "earlier_on": earlier_on}, case, {"later": _labels(later), "earlier": _labels(earlier)})


def _contract_window(s: Subject) -> tuple[str, int] | None:
    """'soon' (with the days left) or 'started' while a contract rule can still be acted on, else None."""
    i = s.internship
    days = (i.period.start - s.as_of).days
    if s.as_of > i.period.end or days > CONTRACT_WINDOW_DAYS:
        return None
    return ("soon", days) if days > 0 else ("started", days)


def _start_hit(s: Subject, case: str, days: int) -> Hit:
    data = {"start": s.internship.period.start, "as_of": s.as_of}
    if case == "soon":
        data["days"] = days
    return Hit(data, case)


def _step9_missing(s: Subject, done_on: object) -> Iterator[Hit]:
    """A STEP 9 record not yet made (done_on None) once a contract is in view (accepted or signed),
    within the contract window before the start."""
    st = s.internship.steps
    if done_on is not None or (st.contract_signed_on is None and st.accepted_on is None):
        return
    window = _contract_window(s)
    if window:
        yield _start_hit(s, *window)


@rule("contract-not-checked", needs_student=False)
def contract_not_checked(s: Subject) -> Iterator[Hit]:
    yield from _step9_missing(s, s.internship.steps.contract_checked_on)


@rule("implementation-contract-missing", needs_student=False)
def implementation_contract_missing(s: Subject) -> Iterator[Hit]:
    yield from _step9_missing(s, s.internship.steps.implementation_contract_signed_on)


@rule("course-not-registered", needs_student=False)
def course_not_registered(s: Subject) -> Iterator[Hit]:
    i = s.internship
    if i.steps.course_registered_on is not None or flow.is_graded(i):
        return
    days = (i.period.start - s.as_of).days
    if days <= 0:
        yield _start_hit(s, "started", days)
    elif days <= COURSE_WINDOW_DAYS:
        yield _start_hit(s, "soon", days)


@rule("evaluation-overdue", needs_student=False)
def evaluation_overdue(s: Subject) -> Iterator[Hit]:
    i = s.internship
    if flow.evaluation_received(i) is not None or flow.is_graded(i):
        return
    return_by = flow.evaluation_return_by(i)
    if s.as_of > return_by:
        yield Hit({"return_by": return_by, "end": i.period.end,
                   "requested_on": i.steps.evaluation_requested_on, "as_of": s.as_of})


@rule("grade-pending", needs_student=False)
def grade_pending(s: Subject) -> Iterator[Hit]:
    i = s.internship
    received, due = flow.evaluation_received(i), flow.grade_due(i)
    if due is None or flow.is_graded(i) or s.as_of <= due:
        return
    yield Hit({"received_on": received, "due": due, "days": (s.as_of - received).days, "as_of": s.as_of})


@rule("briefing-not-attended", needs_student=False)
def briefing_not_attended(s: Subject) -> Iterator[Hit]:
    # Before the application only: a past application without a recorded briefing is history (records
    # older than the field), a briefing dated after the application is step-out-of-order.
    st = s.internship.steps
    if st.briefing_attended_on is not None or st.applied_on is not None:
        return
    if st.consulted_on or st.supervisor_approved_on or st.registered_on or st.application_approved_on:
        yield Hit({"next_briefing": flow.next_briefing(s.as_of), "as_of": s.as_of})



