"""The status board: one row per internship, for `ceri status`, the reminders and the browser desk.

Plain-data API (no click, no files):

    rows(records, as_of, findings=None, *, students=(), step=None, owner=None, overdue=False)
        -> list[CaseRow]
    counts(rows) -> dict[int, int]          # step number (1–12, COMPLETE = 13) → cases, every step listed
    FindingIndex(findings)                  # findings by (student, internship), built in one pass
    case_summary(records, student_id, internship_id, as_of) -> dict   # one case, for a pack

`findings` defaults to `pipeline.rules.check(records, as_of)`; pass them when you have them already.
Each CaseRow holds the student and internship ids, the student's name and the company (ja/en), the
period, the step the case is at (its name in ja/en), the next action (text in ja/en, owner, due date,
overdue or not), every pending action, and the open findings (errors and warnings about the internship
or about the student as a whole). `CaseRow.to_json()` is the object `ceri status --format json` prints
(docs/desk.md lists its keys). Rows come sorted by student, then start date, then internship id.

Filters: `students` keeps those students; `step` the cases at that step; `owner` the cases where that
owner has something to do — the row's next action is then that owner's most urgent one; `overdue` the
cases whose next action is past its due date. The cost is linear in the number of internships and
findings: findings are indexed once, each row looks its own up (tests/test_desk_status.py counts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pipeline.context.formatting import person_name
from pipeline.desk.cases import COMPLETE, Action, case_of, owner_label, step_name, steps
from pipeline.records import Records
from pipeline.rules import Finding, check

OPEN = ("error", "warning")  # the severities a case must act on; info is advice


class FindingIndex:
    """Findings by (student, internship), built in one pass; `lookups` counts the questions asked."""

    def __init__(self, findings: Iterable[Finding]):
        self._by: dict[tuple[str, str | None], list[Finding]] = {}
        for f in findings:
            self._by.setdefault((f.student, f.internship), []).append(f)
        self.lookups = 0

    def of(self, student: str, internship: str | None) -> list[Finding]:
        self.lookups += 1
        return self._by.get((student, internship), [])

    def about(self, student: str, internship: str) -> list[Finding]:
        """The internship's findings and the student's own (internship None)."""
        return self.of(student, internship) + self.of(student, None)


@dataclass(frozen=True)
class CaseRow:
    student: str
    name_en: str
    name_ja: str
    internship: str
    company_en: str
    company_ja: str
    start: date
    end: date
    step: int                     # 1–12; COMPLETE (13) when graded
    action: Action                # the next action
    actions: tuple[Action, ...]   # every pending action, most urgent first
    findings: tuple[Finding, ...]  # open: errors and warnings
    as_of: date

    @property
    def overdue(self) -> bool:
        return self.action.overdue(self.as_of)

    @property
    def complete(self) -> bool:
        return self.step == COMPLETE

    def step_name(self, lang: str) -> str:
        return step_name(self.step, lang)

    def to_json(self) -> dict:
        """The stable object of `ceri status --format json` (docs/desk.md)."""
        a = self.action
        return {
            "student": self.student, "name_en": self.name_en, "name_ja": self.name_ja,
            "internship": self.internship, "company_en": self.company_en, "company_ja": self.company_ja,
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "step": self.step if not self.complete else 12, "complete": self.complete,
            "step_en": self.step_name("en"), "step_ja": self.step_name("ja"),
            "next_action_en": a.en, "next_action_ja": a.ja, "owner": a.owner,
            "owner_en": owner_label(a.owner, "en"), "owner_ja": owner_label(a.owner, "ja"),
            "due": a.due.isoformat() if a.due else None, "overdue": self.overdue,
            "actions": [{"key": x.key, "step": x.step, "owner": x.owner,
                         "due": x.due.isoformat() if x.due else None, "overdue": x.overdue(self.as_of),
                         "en": x.en, "ja": x.ja} for x in self.actions],
            "findings": [{"code": f.code, "severity": f.severity, "message_en": f.message_en,
                          "message_ja": f.message_ja} for f in self.findings],
            "as_of": self.as_of.isoformat(),
        }


def rows(records: Records, as_of: date, findings: Iterable[Finding] | None = None, *,
         students: Iterable[str] = (), step: int | None = None, owner: str | None = None,
         overdue: bool = False, index: FindingIndex | None = None) -> list[CaseRow]:
    """One row per internship on as_of, filtered (see the module's docstring)."""
    index = index or FindingIndex(check(records, as_of) if findings is None else findings)
    wanted = set(students)
    out = []
    for iid in sorted(records.internships, key=lambda k: _order(records, k)):
        i = records.internships[iid]
        if wanted and i.student not in wanted:
            continue
        student = records.students.get(i.student)
        case = case_of(i, student, as_of)
        actions = case.actions
        if owner is not None:
            actions = tuple(a for a in actions if a.owner == owner)
            if not actions:
                continue
        if step is not None and case.step != step:
            continue
        row = CaseRow(
            i.student, person_name(student.name, "en") if student else "",
            person_name(student.name, "ja") if student else "", i.id, i.company.name_en, i.company.name_ja,
            i.period.start, i.period.end, case.step, actions[0], actions,
            tuple(f for f in index.about(i.student, i.id) if f.severity in OPEN), as_of)
        if overdue and not row.overdue:
            continue
        out.append(row)
    return out


def _order(records: Records, iid: str) -> tuple:
    i = records.internships[iid]
    return (i.student, i.period.start, i.id)


def counts(board: Iterable[CaseRow]) -> dict[int, int]:
    """Cases per step, every step 1–12 and COMPLETE listed (zero included), in order."""
    out = {s.number: 0 for s in steps()} | {COMPLETE: 0}
    for r in board:
        out[r.step] += 1
    return out




def case_summary(records: Records, student_id: str, internship_id: str, as_of: date) -> dict:
    """Where one case stands, for a pack's findings.json and its cover sheet: the step (1–12, its name in
    ja/en), whether it is complete, the next action (ja/en), its owner (key and ja/en label), due date
    (ISO or None) and whether it is overdue. Plain JSON-ready data."""
    i = records.internships[internship_id]
    case = case_of(i, records.students.get(student_id), as_of)
    a = case.next
    return {"step": 12 if case.complete else case.step, "complete": case.complete,
            "step_en": step_name(case.step, "en"), "step_ja": step_name(case.step, "ja"),
            "next_action_en": a.en, "next_action_ja": a.ja, "owner": a.owner,
            "owner_en": owner_label(a.owner, "en"), "owner_ja": owner_label(a.owner, "ja"),
            "due": a.due.isoformat() if a.due else None, "overdue": case.overdue}


__all__ = ["COMPLETE", "OPEN", "CaseRow", "FindingIndex", "case_summary", "counts", "rows"]
