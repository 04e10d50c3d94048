"""One small function per finding code. Wording, severity and clause are declared in rules.yaml.

A rule gets a Subject (one student and, for internship rules, one of their internships) and yields Hits:
the data that triggered it, the case (for rules whose severity varies), and message-only text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from pipeline.records import Records
from pipeline.records.models import Internship, Student
from pipeline.records.places import bureau_for
from pipeline.rules import money
from pipeline.rules.catalog import declarations, term, yen
from pipeline.rules.periods import (
    add_months,
    full_months,
    jsps_months_total,
    long_enough,
    months_and_days,
    months_days_total,
    overlap,
)
from pipeline.rules.permits import COMPREHENSIVE_MAX_HOURS, permission

JSPS_MAX_MONTHS = Decimal(6)
PERMIT_SOON_DAYS = 60        # standard processing takes 2 weeks to 2 months
__all__ = ["COMPREHENSIVE_MAX_HOURS", "RULES", "Hit", "Rule", "Subject"]


@dataclass(frozen=True)
class Subject:
    records: Records
    as_of: date
    student_id: str
    student: Student | None           # None: the internship names a student that is not loaded
    internships: list[Internship]     # all of the student's, by start
    internship: Internship | None = None  # the one an internship rule checks


@dataclass(frozen=True)
class Hit:
    data: dict
    case: str | None = None
    text: dict = field(default_factory=dict)  # message-only parameters ({'en','ja'} values allowed)
    internship: str | None = None     # student rules: the internship the finding is about


@dataclass(frozen=True)
class Rule:
    code: str
    fn: Callable[[Subject], Iterator[Hit]]
    scope: str            # "internship" | "student"
    needs_student: bool


RULES: list[Rule] = []


def rule(code: str, scope: str = "internship", needs_student: bool = True):
    if code not in declarations():
        raise KeyError(f"rule '{code}' is not declared in rules.yaml")

    def register(fn):
        RULES.append(Rule(code, fn, scope, needs_student))
        return fn
    return register


def _per(per: str) -> dict[str, str]:
    return {lang: term("per", per, lang) for lang in ("en", "ja")}


def _paid(i: Internship) -> bool:
    return (i.pay is not None and i.pay.amount > 0) or any(p.amount > 0 for p in i.payments or ())


# ---- eligibility and the flow ---------------------------------------------------------------------

@rule("not-doctoral")
def not_doctoral(s: Subject) -> Iterator[Hit]:
    degree = s.student.program.degree
    if degree != "doctoral":
        yield Hit({"degree": degree}, text={"degree": {k: term("degree", degree, k) for k in ("en", "ja")}})


@rule("too-short", needs_student=False)
def too_short(s: Subject) -> Iterator[Hit]:
    start, end = s.internship.period.start, s.internship.period.end
    if not long_enough(start, end):
        months, days = months_and_days(start, end)
        yield Hit({"start": start, "end": end, "months": months, "days": days,
                   "min_end": add_months(start, 2) - timedelta(days=1)})


@rule("unpaid", needs_student=False)
def unpaid(s: Subject) -> Iterator[Hit]:
    i = s.internship
    if not _paid(i):
        yield Hit({"pay": i.pay.amount if i.pay else None, "per": i.pay.per if i.pay else None})


@rule("supervisor-approval-missing", needs_student=False)
def supervisor_approval(s: Subject) -> Iterator[Hit]:
    approved, applied = s.internship.steps.supervisor_approved_on, s.internship.steps.applied_on
    if applied is not None and approved is None:
        yield Hit({"applied_on": applied}, "missing")
    elif applied is not None and approved > applied:
        yield Hit({"applied_on": applied, "approved_on": approved}, "late")
    elif approved is None:
        yield Hit({}, "pending")


@rule("overlapping-internships", scope="student", needs_student=False)
def overlapping(s: Subject) -> Iterator[Hit]:
    # Reported on the later of each pair (internships are sorted by start), naming the earlier one.
    for k, later in enumerate(s.internships):
        for earlier in s.internships[:k]:
            common = overlap(earlier.period.start, earlier.period.end, later.period.start, later.period.end)
            if common:
                yield Hit({"other": earlier.id, "overlap_start": common[0], "overlap_end": common[1]},
                          internship=later.id)


@rule("insurance-missing")
def insurance_missing(s: Subject) -> Iterator[Hit]:
    ins = s.student.insurance
    missing = [k for k in ("gakkensai", "gakkenbai") if not getattr(ins, k)]
    if missing:
        names = declarations()["insurance-missing"].extra["insurances"]
        yield Hit({"missing": missing}, text={"missing": [names[k] for k in missing]})


@rule("employment-income", needs_student=False)
def employment_income(s: Subject) -> Iterator[Hit]:
    i = s.internship
    if _paid(i):
        pay = i.pay if i.pay is not None and i.pay.amount > 0 else None
        data = {"pay": pay.amount, "per": pay.per} if pay else {"paid_total": money.total(i)}
        text = {"pay": yen(pay.amount), "per": _per(pay.per)} if pay else \
            {"pay": yen(money.total(i)), "per": {"en": "internship", "ja": "総額"}}
        yield Hit(data, text=text)


@rule("unknown-student", needs_student=False)
def unknown_student(s: Subject) -> Iterator[Hit]:
    if s.student is None:
        at = s.records.locate("internship", s.internship.id, "student")
        yield Hit({"student": s.student_id, "at": f"{at.file}:{at.line}:{at.column}"})


# ---- status of residence --------------------------------------------------------------------------

@rule("permit-required")
def permit_required(s: Subject) -> Iterator[Hit]:
    i = s.internship
    need = permission(s.student, i)
    if need is None:
        return
    pref = s.student.address.prefecture
    bureau = bureau_for(pref)
    docs = declarations()["permit-required"].extra["documents"]
    kinds = declarations()["permit-required"].extra["permissions"]
    case = "covered" if need.covered else "insufficient" if need.insufficient else need.kind
    data = {"start": i.period.start, "hours_per_week": i.hours_per_week, "permission": need.kind,
            "prefecture": pref, "bureau": bureau.key, "bureau_en": bureau.en, "bureau_ja": bureau.ja,
            "documents": list(docs)}
    text = {"bureau": {"en": bureau.en, "ja": bureau.ja}, "documents": list(docs.values())}
    if need.granted_on is not None:
        data.update({"granted_on": need.granted_on, "held": need.held, "limit": need.limit})
        held = need.held or need.kind
        text["held"] = kinds[held]
        text["limit"] = str(need.limit if need.limit is not None else "—")
    yield Hit(data, case, text=text)


@rule("permit-not-granted")
def permit_not_granted(s: Subject) -> Iterator[Hit]:
    i, decl = s.internship, declarations()["permit-not-granted"]
    need = permission(s.student, i)
    if need is None or need.insufficient:  # an insufficient permission: permit-required's error says so
        return
    permit = i.work_permit
    granted = permit.granted_on if permit else None
    applied_on = permit.applied_on if permit else None
    start = i.period.start
    if granted is not None:
        if granted > start:
            yield Hit({"start": start, "granted_on": granted}, "late")
        return
    days = (start - s.as_of).days
    case = "started" if days <= 0 else "soon" if days <= PERMIT_SOON_DAYS else "pending"
    applied = {lang: decl.phrase("applied", lang, applied_on=applied_on) if applied_on
               else decl.phrase("not_applied", lang) for lang in ("en", "ja")}
    data = {"start": start, "as_of": s.as_of, "applied_on": applied_on}
    if case != "started":
        data["days"] = days
    yield Hit(data, case, text={"applied": applied})


@rule("residence-expires-during-internship")
def residence_expires(s: Subject) -> Iterator[Hit]:
    res = s.student.residence
    # Permanent residents' status never expires (only the card is renewed): not a period of stay.
    if res is None or res.status == "permanent_resident" or res.expires_on is None:
        return
    if res.expires_on < s.internship.period.end:
        yield Hit({"expires_on": res.expires_on, "end": s.internship.period.end})


@rule("passport-expires-during-internship")
def passport_expires(s: Subject) -> Iterator[Hit]:
    res = s.student.residence
    if res is None or res.passport is None:
        return
    if res.passport.expires_on < s.internship.period.end:
        yield Hit({"expires_on": res.passport.expires_on, "end": s.internship.period.end})


@rule("internship-after-completion")
def internship_after_completion(s: Subject) -> Iterator[Hit]:
    completion, end = s.student.program.expected_completion_on, s.internship.period.end
    if end > completion:
        yield Hit({"end": end, "completion": completion})


@rule("residence-for-japanese-national", scope="student")
def residence_for_japanese_national(s: Subject) -> Iterator[Hit]:
    res = s.student.residence
    if s.student.nationality == "JP" and res is not None:
        yield Hit({"status": res.status})


# ---- funding --------------------------------------------------------------------------------------

def _host(s: Subject) -> dict[str, str]:
    j = s.student.funding.jsps
    return {"en": j.host_researcher_en, "ja": j.host_researcher_ja}


@rule("jsps-host-consent-missing")
def jsps_host_consent(s: Subject) -> Iterator[Hit]:
    j = s.student.funding.jsps
    if j is None:
        return
    start = s.internship.period.start
    if j.host_consent_on is None:
        yield Hit({"category": j.category}, "missing", text={"host": _host(s)})
    elif j.host_consent_on > start:
        yield Hit({"category": j.category, "consent_on": j.host_consent_on, "start": start}, "late",
                  text={"host": _host(s)})


@rule("jsps-over-6-months", scope="student")
def jsps_over_6_months(s: Subject) -> Iterator[Hit]:
    # Reported once, on the internship that takes the running total past 6 months.
    if s.student.funding.jsps is None:
        return
    for k, i in enumerate(s.internships):
        upto = s.internships[:k + 1]
        if jsps_months_total(upto) > JSPS_MAX_MONTHS:
            total = jsps_months_total(s.internships)
            months, days = months_days_total(s.internships)
            yield Hit({"months": months, "days": days, "total": total,
                       "internships": [x.id for x in s.internships]}, internship=i.id)
            return


@rule("jsps-report-due", scope="student")
def jsps_report_due(s: Subject) -> Iterator[Hit]:
    # One per calendar year with remuneration, reported until its window (April 1–20 of the next year)
    # has closed: after that we cannot know from the records whether it was submitted.
    if s.student.funding.jsps is None:
        return
    years = sorted({y for i in s.internships for y in money.years_paid(i)})
    for year in years:
        due_from, due_by = date(year + 1, 4, 1), date(year + 1, 4, 20)
        if s.as_of > due_by:
            continue
        parts = [(i, money.remuneration(i, year)) for i in s.internships]
        parts = [(i, r) for i, r in parts if r.amount > 0]
        amount = sum(r.amount for _, r in parts)
        estimated = any(r.estimated for _, r in parts)
        decl = declarations()["jsps-report-due"]
        yield Hit({"year": year, "amount": amount, "estimated": estimated, "due_from": due_from,
                   "due_by": due_by, "internships": [i.id for i, _ in parts]},
                  text={"year": str(year), "amount": yen(amount),
                        "estimated": decl.extra["estimated"] if estimated else ""})


@rule("jsps-amount-estimated")
def jsps_amount_estimated(s: Subject) -> Iterator[Hit]:
    i = s.internship
    if s.student.funding.jsps is None or not money.estimated(i) or i.pay is None or i.pay.amount <= 0:
        return
    by_year = {str(y): money.remuneration(i, y).amount for y in money.years_paid(i)}
    amount = sum(by_year.values())
    yield Hit({"amount": amount, "by_year": by_year, "pay": i.pay.amount, "per": i.pay.per},
              text={"amount": yen(amount), "pay": yen(i.pay.amount), "per": _per(i.pay.per)})


@rule("mext-month-unpaid")
def mext_month_unpaid(s: Subject) -> Iterator[Hit]:
    i = s.internship
    if not s.student.funding.mext_scholarship or not i.workplace.outside_parent_institute:
        return
    for month in full_months(i.period.start, i.period.end):
        yield Hit({"month": month})


@rule("ra-check-with-department")
def ra_check(s: Subject) -> Iterator[Hit]:
    if s.student.funding.research_assistant:
        yield Hit({})
