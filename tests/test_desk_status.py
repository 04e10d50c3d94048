"""The step model and the status board: a case at every step, its next action, owner, due date; filters;
and a shape test that fails on a per-row scan of all findings (issue 26)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.desk.cases import COMPLETE, case_of, steps
from pipeline.desk.status import FindingIndex, counts, rows
from pipeline.records import load
from pipeline.rules import check
from tests.rules_fixtures import DROP, FOREIGN, write_records

EVAL = {"received_on": "2026-10-05", "evaluator": {"name_en": "Ken ITO"},
        "ratings": {"research": 4, "problem_solving": 4, "practical": 4, "communication": 4, "initiative": 4},
        "attendance_days": 60, "hours_total": 480}
FLOW = [("consulted_on", "2026-03-01"), ("supervisor_approved_on", "2026-03-05"), ("registered_on", "2026-03-08"),
        ("briefing_attended_on", "2026-04-01"), ("application_approved_on", "2026-04-05"),
        ("applied_on", "2026-04-10"), ("selected_on", "2026-05-01"), ("accepted_on", "2026-05-03"),
        ("contract_signed_on", "2026-05-20"), ("contract_checked_on", "2026-05-22"),
        ("implementation_contract_signed_on", "2026-05-25"), ("course_registered_on", "2026-06-01")]
# (dates recorded, as_of) → (step, first action key, owner, due)
EXPECTED = [
    (0, date(2026, 2, 1), 1, "consulted_on", "student", None),
    (1, date(2026, 3, 2), 2, "supervisor_approved_on", "supervisor", None),
    (2, date(2026, 3, 6), 3, "registered_on", "student", None),
    (3, date(2026, 3, 9), 4, "briefing_attended_on", "student", date(2026, 4, 1)),
    (4, date(2026, 4, 2), 5, "application_approved_on", "supervisor", None),
    (5, date(2026, 4, 6), 6, "applied_on", "student", None),
    (6, date(2026, 4, 11), 7, "selected_on", "company", None),
    (7, date(2026, 5, 2), 8, "accepted_on", "student", None),
    (8, date(2026, 5, 4), 9, "contract_signed_on", "company", date(2026, 7, 1)),
    (9, date(2026, 5, 21), 9, "contract_checked_on", "secretariat", date(2026, 7, 1)),
    (11, date(2026, 5, 26), 10, "course_registered_on", "secretariat", date(2026, 7, 1)),
    (12, date(2026, 6, 2), 11, "start", "student", date(2026, 7, 1)),
    (12, date(2026, 8, 1), 11, "evaluation_requested_on", "secretariat", date(2026, 9, 30)),
    (12, date(2026, 10, 1), 11, "evaluation_received_on", "company", date(2026, 10, 14)),
]


def _flow(n: int) -> dict:
    return {"steps": {"supervisor_approved_on": DROP, "applied_on": DROP, **dict(FLOW[:n])}}


@pytest.mark.parametrize(("n", "as_of", "step", "key", "owner", "due"), EXPECTED)
def test_a_case_at_every_step(tmp_path, n, as_of, step, key, owner, due):
    records = write_records(tmp_path, {}, _flow(n))
    (row,) = rows(records, as_of)
    assert (row.step, row.action.key, row.action.owner, row.action.due) == (step, key, owner, due)
    doc = row.to_json()
    assert doc["step"] == step and doc["step_en"] == steps()[step - 1].en and doc["step_ja"]
    assert doc["next_action_en"] and doc["next_action_ja"] and doc["owner"] == owner
    assert doc["due"] == (due.isoformat() if due else None) and doc["overdue"] is False


def test_grading_and_complete(tmp_path):
    evaluated = write_records(tmp_path, {}, {**_flow(12), "evaluation": EVAL})
    (row,) = rows(evaluated, date(2026, 10, 6))
    assert (row.step, row.action.owner, row.action.due) == (12, "faculty", date(2026, 11, 4))
    (late,) = rows(evaluated, date(2026, 11, 5))
    assert late.overdue and [f.code for f in late.findings] == ["grade-pending"]
    graded = write_records(tmp_path, {}, {**_flow(12), "evaluation": EVAL,
                                          "grading": {"grade": "A", "by_en": "Aiko MORI", "graded_on": "2026-10-20"}})
    (done,) = rows(graded, date(2026, 11, 5))
    assert done.complete and done.step == COMPLETE and done.action.owner is None and not done.overdue
    assert done.to_json()["step"] == 12 and done.to_json()["complete"] is True
    assert counts([done])[COMPLETE] == 1 and counts([done])[12] == 0


def test_an_old_record_with_only_the_first_approval(tmp_path):
    records = write_records(tmp_path, {}, {"steps": {"applied_on": DROP}})
    (row,) = rows(records, date(2026, 4, 2))
    assert row.step == 3 and row.action.key == "registered_on"
    # an old record further on: later dates imply the earlier steps
    (row,) = rows(write_records(tmp_path), date(2026, 4, 20))
    assert row.step == 7 and row.action.owner == "company"


def test_the_permit_runs_beside_the_contract_and_becomes_overdue(tmp_path):
    signed = {**_flow(9)}
    records = write_records(tmp_path, FOREIGN, signed)
    case = case_of(records.internships["I1"], records.students["S1"], date(2026, 5, 21))
    keys = [a.key for a in case.actions]
    assert keys[0] == "permit_applied_on" and case.actions[0].due == date(2026, 5, 1)  # start - 2 months
    assert case.overdue and case.next.owner == "student" and "contract_checked_on" in keys
    applied = write_records(tmp_path, FOREIGN, {**signed, "work_permit": {"applied_on": "2026-05-21"}})
    case = case_of(applied.internships["I1"], applied.students["S1"], date(2026, 5, 22))
    due = {a.key: a.due for a in case.actions}
    assert "permit_applied_on" not in due and due["permit_granted_on"] == date(2026, 7, 1)
    # before the contract is signed the permit cannot be applied for: the contract is due by the apply-by date
    early = write_records(tmp_path, FOREIGN, _flow(8))
    case = case_of(early.internships["I1"], early.students["S1"], date(2026, 4, 1))
    assert [a.key for a in case.actions] == ["contract_signed_on", "implementation_contract_signed_on"]
    assert case.next.due == date(2026, 5, 1)


def test_filters(tmp_path):
    records = load(["examples"])
    as_of = date(2026, 6, 1)
    everyone = rows(records, as_of)
    assert len(everyone) == len(records.internships)
    assert [r.internship for r in rows(records, as_of, students=["24DC0033"])] == ["CERI-2025-011", "CERI-2026-004"]
    assert {r.step for r in rows(records, as_of, step=11)} == {11}
    mine = rows(records, as_of, owner="secretariat")
    assert mine and all(r.action.owner == "secretariat" for r in mine)
    # 24DC0033's 2026 case: the company signs first, but the secretariat has the implementation contract
    assert "CERI-2026-004" in [r.internship for r in mine]
    late = rows(records, as_of, overdue=True)
    assert [r.internship for r in late] == ["CERI-2025-011"] and all(r.overdue for r in late)
    assert sum(counts(everyone).values()) == len(everyone)


class CountingFindings:
    """Findings that count how many of them are read, however the reader loops."""

    def __init__(self, findings):
        self.findings, self.read = findings, 0

    def __iter__(self):
        for f in self.findings:
            self.read += 1
            yield f


@pytest.mark.parametrize("n", [30, 120])
def test_status_is_linear_in_the_number_of_internships(tmp_path, n):
    """Each finding is read once and each row asks the index twice: a per-row scan over all findings
    (n rows × n findings) fails this at once."""
    import sys
    sys.path.insert(0, "benchmarks")
    from synth import generate
    generate(tmp_path / "r", n)
    records = load([tmp_path / "r"])
    as_of = date(2026, 6, 1)
    findings = CountingFindings(check(records, as_of))
    index = FindingIndex(findings)
    board = rows(records, as_of, index=index)
    assert len(board) == len(records.internships) > n
    assert findings.read == len(findings.findings)
    assert index.lookups == 2 * len(board)


def test_case_summary_for_a_pack_and_its_cover_sheet():
    from pipeline.desk.status import case_summary
    records = load(["examples"])
    summary = case_summary(records, "23DB0012", "CERI-2026-001", date(2026, 6, 1))
    assert summary == {
        "step": 11, "complete": False, "step_en": "Internship and the company's evaluation",
        "step_ja": "インターンシップの実施・評価書", "next_action_en": "Start the internship on 2026-07-01.",
        "next_action_ja": "2026年7月1日にインターンシップを開始する。", "owner": "student", "owner_en": "student",
        "owner_ja": "学生", "due": "2026-07-01", "overdue": False}


def test_the_workbook_never_walks_the_sheet_per_row(monkeypatch):
    """openpyxl's max_row visits every cell: asked once a row it made 5,000 rows take 150 s."""
    from openpyxl.worksheet.worksheet import Worksheet

    from pipeline.desk.board import as_xlsx
    asked = []
    original = Worksheet.max_row
    monkeypatch.setattr(Worksheet, "max_row", property(lambda ws: asked.append(1) or original.fget(ws)))
    board = rows(load(["examples"]), date(2026, 6, 1))
    as_xlsx(board, "en")
    few = len(asked)
    as_xlsx(board * 20, "en")
    assert len(asked) == few  # the same number of walks for 20 times the rows


def test_steps_yaml_is_consistent():
    """Every action names a known owner and deadline; every step's dates are dates the flow knows."""
    from pipeline.desk.cases import _data, owners
    from pipeline.rules.flow import STEP_DATES
    data = _data()
    assert [s.number for s in steps()] == list(range(1, 13))
    assert all(d in STEP_DATES for s in steps() for d in s.done)
    known_due = {None, "start", "end", "next_briefing", "contract_due", "permit_apply_by", "return_by", "grade_due"}
    for key, action in data["actions"].items():
        assert action["owner"] in (*owners(), None), key
        assert action["due"] in known_due, key
        assert action["en"] and action["ja"], key
        assert ("{due}" in action["en"]) == ("{due}" in action["ja"]) == (action["due"] is not None), key
    assert all(set(label) == {"en", "ja"} for label in data["columns"].values())
