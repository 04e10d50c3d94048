"""Rules: every internship checked against the programme's rules (the second stage of the pipeline).

`check(records, as_of)` returns plain Findings; rules.yaml declares each rule's code, severity, clause and
bilingual message; checks.py holds one small function per code; money.py and periods.py the arithmetic.
"""

from __future__ import annotations

from datetime import date

from pipeline.records import Records
from pipeline.rules import steps as _steps  # noqa: F401  (registers the step rules)
from pipeline.rules.catalog import SEVERITIES, Finding, declarations, make_finding
from pipeline.rules.checks import RULES, Subject

__all__ = ["SEVERITIES", "Finding", "check", "codes"]


def codes() -> list[str]:
    """Every finding code, in the order rules.yaml declares them."""
    return list(declarations())


def check(records: Records, as_of: date) -> list[Finding]:
    """All findings about all loaded internships and students, sorted by student, internship, code, data."""
    findings: list[Finding] = []
    student_ids = sorted(set(records.students) | {i.student for i in records.internships.values()})
    for sid in student_ids:
        student = records.students.get(sid)
        internships = records.internships_of(sid)
        base = Subject(records, as_of, sid, student, internships)
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
    return sorted(findings, key=Finding.sort_key)
