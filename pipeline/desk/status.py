"""The status board: one row per internship, for `ceri status`, the reminders and the browser desk.

Plain-data API (no click, no files):

    rows(records, as_of, findings=None, *, students=(), step=None, owner=None, overdue=False)
        -> list[CaseRow]
    counts(rows) -> dict[int, int]          # step number (1–12, COMPLETE = 13) → cases, every step listed
    FindingIndex(findings)                  # findings by (student, internship), built in one pass
    case_summary(records, student_id, internship_id, as_of) -> dict   # one case, for a pack

`findings` default to each student's `pipeline.rules.check_each`, made as their rows are; pass them (or an
index of them) when you have them already. `each_row` gives the same rows one at a time, for a board
written out as it is made (`ceri status`).
Each CaseRow holds the student and internship ids, the student's name and the company (ja/en), the
period, the step the case is at (its name in ja/en), the next action (text in ja/en, owner, due date,
overdue or not), every pending action, and the open findings (errors and warnings about the internship
or about the student as a whole). `CaseRow.to_json()` is the object `ceri status --format json` prints
(docs/desk.md lists its keys). Rows come sorted by student, then start date, then internship id.

Filters: `students` keeps those students; `step` the cases at that step; `owner` the cases where that
owner has something to do — the row's next action is then that owner's most urgent one; `overdue` the
cases whose next action is past its due date. The cost is linear in the number of internships and
findings: findings are indexed once, each row looks its own up (tests/test_scale_shape.py counts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from pipeline.context.formatting import person_name
from pipeline.desk.cases import COMPLETE, Action, case_of, owner_label, step_name, steps
from pipeline.records import Records
from pipeline.rules import Finding, FindingIndex, check_each  # FindingIndex: one index for every view

OPEN = ("error", "warning")  # the severities a case must act on; info is advice


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
    return list(each_row(records, as_of, findings, students=students, step=step, owner=owner,
                         overdue=overdue, index=index))


def each_row(records: Records, as_of: date, findings: Iterable[Finding] | None = None, *,
             students: Iterable[str] = (), step: int | None = None, owner: str | None = None,
             overdue: bool = False, index: FindingIndex | None = None) -> Iterator[CaseRow]:
    """rows(), a row at a time: without findings or an index, each student's findings are made when their
    first row passes the filters (rules.check_each) and let go after their last, so a board of 50,000
    students holds one student's findings at a time, not the batch's."""
    if index is None and findings is not None:
        index = FindingIndex(findings)
    wanted = set(students)
    for sid in sorted({i.student for i in records.internships.values()}):
        if wanted and sid not in wanted:
            continue
        student = records.students.get(sid)
        cases = []
        for i in records.internships_of(sid):  # by start date, then id
            case = case_of(i, student, as_of)
            actions = case.actions if owner is None else tuple(a for a in case.actions if a.owner == owner)
            if actions and (step is None or case.step == step) and not (overdue and not actions[0].overdue(as_of)):
                cases.append((i, case, actions))
        if not cases:
            continue
        mine = index if index is not None else FindingIndex(next(iter(check_each(records, as_of, [sid])))[1])
        for i, case, actions in cases:
            yield CaseRow(
                sid, person_name(student.name, "en") if student else "",
                person_name(student.name, "ja") if student else "", i.id, i.company.name_en,
                i.company.name_ja, i.period.start, i.period.end, case.step, actions[0], actions,
                tuple(f for f in mine.about(sid, i.id) if f.severity in OPEN), as_of)


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


__all__ = ["COMPLETE", "OPEN", "CaseRow", "FindingIndex", "case_summary", "counts", "each_row", "rows"]
