"""Rules: every internship checked against the programme's rules (the second stage of the pipeline).

`check(records, as_of)` returns plain Findings; rules.yaml declares each rule's code, severity, clause and
bilingual message; checks.py holds one small function per code; money.py and periods.py the arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from pipeline.records import Records
from pipeline.rules import steps as _steps  # noqa: F401  (registers the step rules)
from pipeline.rules.catalog import SEVERITIES, Finding, declarations, make_finding
from pipeline.rules.checks import RULES, Subject
from pipeline.rules.index import FindingIndex

__all__ = ["SEVERITIES", "Finding", "FindingIndex", "check", "check_each", "codes"]


def codes() -> list[str]:
    """Every finding code, in the order rules.yaml declares them."""
    return list(declarations())


def check(records: Records, as_of: date, students: Iterable[str] | None = None) -> list[Finding]:
    """All findings about all loaded internships and students (or the given students'), sorted by
    student, internship, code, data."""
    return [f for _, found in check_each(records, as_of, students) for f in found]


def check_each(records: Records, as_of: date, students: Iterable[str] | None = None
               ) -> Iterator[tuple[str, list[Finding]]]:
    """(student, their findings sorted by internship, code, data) for every student the records name
    (or the given ones), by student id: a student's findings depend on their own records only, so a
    caller can print or hash them and let them go before the next student's are made."""
    if students is None:
        student_ids = sorted(set(records.students) | {i.student for i in records.internships.values()})
    else:
        student_ids = sorted(set(students))
    for sid in student_ids:
        student = records.students.get(sid)
        internships = records.internships_of(sid)
        base = Subject(records, as_of, sid, student, internships)
        findings: list[Finding] = []
        for r in RULES:
            if r.needs_student and student is None:
                continue
            subjects = [base] if r.scope == "student" else \
                [Subject(records, as_of, sid, student, internships, i) for i in internships]
            for subject in subjects:
                for hit in r.fn(subject):
                    where = hit.internship if r.scope == "student" else subject.internship.id
                    data = {**hit.data, "case": hit.case} if hit.case else hit.data
                    findings.append(make_finding(r.code, sid, where, data, hit.case, hit.text))
        yield sid, sorted(findings, key=Finding.sort_key)
