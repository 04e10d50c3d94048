"""The rules on the order and the deadlines of the 12 steps: each fires, and stays quiet when it should."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from pipeline.rules import check
from pipeline.rules.flow import briefing_on, evaluation_return_by, is_business_day, next_briefing
from tests.rules_fixtures import DROP, FOREIGN, write_records

EVAL = {"received_on": "2026-10-05", "evaluator": {"name_en": "Ken ITO"},
        "ratings": {"research": 4, "problem_solving": 4, "practical": 4, "communication": 4, "initiative": 4},
        "attendance_days": 60, "hours_total": 480}
DONE_BY_START = {"accepted_on": "2026-05-20", "contract_signed_on": "2026-06-01",
                 "contract_checked_on": "2026-06-03", "implementation_contract_signed_on": "2026-06-05",
                 "course_registered_on": "2026-06-10"}


def found(records, code, as_of):
    return [f for f in check(records, as_of) if f.code == code]


def steps(**dates) -> dict:
    return {"steps": {"supervisor_approved_on": "2026-04-01", "applied_on": "2026-04-10", **dates}}


PAIRS = [
    ("registered_on", "supervisor_approved_on"),
    ("applied_on", "application_approved_on"),
    ("applied_on", "briefing_attended_on"),
    ("selected_on", "applied_on"),
    ("accepted_on", "selected_on"),
    ("contract_signed_on", "accepted_on"),
    ("implementation_contract_signed_on", "accepted_on"),
    ("course_registered_on", "accepted_on"),
    ("graded_on", "evaluation_received_on"),
]


def _order_hits(tmp_path, later: str, earlier: str, on_later: str) -> list:
    over = {"steps": {"supervisor_approved_on": DROP, "applied_on": DROP, earlier: "2026-05-10", later: on_later}}
    return found(write_records(tmp_path, {}, over), "step-out-of-order", date(2026, 6, 1))


def test_step_out_of_order_fires_on_each_pair(tmp_path):
    for later, earlier in PAIRS:
        (f,) = _order_hits(tmp_path, later, earlier, "2026-05-09")
        assert f.severity == "error" and (f.data["later_step"], f.data["earlier_step"]) == (later, earlier)
        assert "2026-05-09" in f.message_en and "2026年5月10日" in f.message_ja
        assert _order_hits(tmp_path, later, earlier, "2026-05-10") == [], later  # the same day is in order


def test_step_out_of_order_needs_both_dates_except_for_the_permit(tmp_path):
    # an old record with only the first approval: nothing to compare
    assert found(write_records(tmp_path, {}, steps()), "step-out-of-order", date(2026, 6, 1)) == []
    permit = {"work_permit": {"applied_on": "2026-05-12"}}
    (f,) = found(write_records(tmp_path, FOREIGN, {**steps(), **permit}), "step-out-of-order", date(2026, 6, 1))
    assert f.data["later_step"] == "permit_applied_on" and f.data["earlier_on"] is None
    assert "not recorded" in f.message_en and "雇用契約の締結が記録されていません" in f.message_ja


def test_example_01_applies_for_its_permit_before_the_contract(tmp_path):
    from pipeline.records import load
    records = load(["examples/01-nguyen-thi-lan.yaml"])
    (f,) = found(records, "step-out-of-order", date(2026, 6, 1))
    assert (f.data["later_on"], f.data["earlier_on"]) == ("2026-05-12", "2026-06-10")
    assert "work permit application" in f.message_en and "資格外活動許可の申請" in f.message_ja


def test_evaluation_taken_from_the_evaluation_record_counts_for_the_order(tmp_path):
    rec = write_records(tmp_path, {}, {**steps(graded_on="2026-10-01"), "evaluation": EVAL})
    (f,) = found(rec, "step-out-of-order", date(2026, 11, 1))
    assert f.data["earlier_step"] == "evaluation_received_on" and f.data["earlier_on"] == "2026-10-05"


@pytest.mark.parametrize("code", ["contract-not-checked", "implementation-contract-missing"])
@pytest.mark.parametrize(("as_of", "case"), [
    (date(2026, 5, 31), None),          # 31 days before the start: not yet
    (date(2026, 6, 1), "soon"),          # 30 days before
    (date(2026, 7, 1), "started"),
    (date(2026, 9, 30), "started"),      # the last day
    (date(2026, 10, 1), None),           # over: nothing left to act on
])
def test_contract_rules_window(tmp_path, code, as_of, case):
    rec = write_records(tmp_path, {}, steps(accepted_on="2026-05-20", contract_signed_on="2026-06-01"))
    hits = found(rec, code, as_of)
    assert [f.data.get("case") for f in hits] == ([case] if case else [])
    if case:
        assert hits[0].severity == "warning"
        assert ("30 days" in hits[0].message_en) == (case == "soon")


def test_contract_rules_quiet_when_recorded_or_not_accepted(tmp_path):
    done = write_records(tmp_path, {}, steps(**DONE_BY_START))
    for code in ("contract-not-checked", "implementation-contract-missing", "course-not-registered"):
        assert found(done, code, date(2026, 7, 2)) == []
    not_accepted = write_records(tmp_path, {}, steps())
    assert found(not_accepted, "contract-not-checked", date(2026, 7, 2)) == []
    assert found(not_accepted, "implementation-contract-missing", date(2026, 7, 2)) == []


@pytest.mark.parametrize(("as_of", "case", "severity"), [
    (date(2026, 6, 16), None, None),
    (date(2026, 6, 17), "soon", "warning"),
    (date(2026, 7, 1), "started", "error"),
    (date(2027, 3, 1), "started", "error"),
])
def test_course_not_registered_by_the_start(tmp_path, as_of, case, severity):
    hits = found(write_records(tmp_path, {}, steps()), "course-not-registered", as_of)
    assert [(f.data.get("case"), f.severity) for f in hits] == ([(case, severity)] if case else [])


def test_course_not_registered_quiet_once_graded(tmp_path):
    rec = write_records(tmp_path, {}, {**steps(), "grading": {"grade": "A", "graded_on": "2026-11-01"}})
    assert found(rec, "course-not-registered", date(2026, 12, 1)) == []


def test_evaluation_overdue_14_days_after_the_end_or_the_request(tmp_path):
    rec = write_records(tmp_path, {}, steps(**DONE_BY_START))
    assert found(rec, "evaluation-overdue", date(2026, 10, 14)) == []
    (f,) = found(rec, "evaluation-overdue", date(2026, 10, 15))
    assert f.severity == "warning" and f.data["return_by"] == "2026-10-14"
    later = write_records(tmp_path, {}, steps(**DONE_BY_START, evaluation_requested_on="2026-10-10"))
    assert evaluation_return_by(later.internships["I1"]) == date(2026, 10, 24)
    assert found(later, "evaluation-overdue", date(2026, 10, 24)) == []
    assert len(found(later, "evaluation-overdue", date(2026, 10, 25))) == 1
    early = write_records(tmp_path, {}, steps(**DONE_BY_START, evaluation_requested_on="2026-09-01"))
    assert evaluation_return_by(early.internships["I1"]) == date(2026, 10, 14)  # never before end + 14
    received = write_records(tmp_path, {}, {**steps(**DONE_BY_START), "evaluation": EVAL})
    assert found(received, "evaluation-overdue", date(2027, 1, 1)) == []


def test_grade_pending_30_days_after_the_evaluation(tmp_path):
    rec = write_records(tmp_path, {}, {**steps(**DONE_BY_START), "evaluation": EVAL})
    assert found(rec, "grade-pending", date(2026, 11, 4)) == []
    (f,) = found(rec, "grade-pending", date(2026, 11, 5))
    assert f.data["due"] == "2026-11-04" and f.data["days"] == 31 and f.severity == "warning"
    graded = write_records(tmp_path, {}, {**steps(**DONE_BY_START), "evaluation": EVAL,
                                          "grading": {"grade": "A", "by_en": "Aiko MORI", "graded_on": "2026-11-20"}})
    assert found(graded, "grade-pending", date(2026, 12, 1)) == []


def test_briefing_not_attended_before_the_application_only(tmp_path):
    approved = write_records(tmp_path, {}, {"steps": {"applied_on": DROP}})
    (f,) = found(approved, "briefing-not-attended", date(2026, 12, 25))
    assert f.severity == "info" and f.data["next_briefing"] == "2027-01-04"  # Jan 1-3 closed, Jan 4 a Monday
    assert "2027年1月4日" in f.message_ja
    attended = write_records(tmp_path, {}, {"steps": {"applied_on": DROP, "briefing_attended_on": "2026-05-01"}})
    assert found(attended, "briefing-not-attended", date(2026, 6, 1)) == []
    assert found(write_records(tmp_path, {}, steps()), "briefing-not-attended", date(2026, 6, 1)) == []
    nothing = write_records(tmp_path, {}, {"steps": {"applied_on": DROP, "supervisor_approved_on": DROP}})
    assert found(nothing, "briefing-not-attended", date(2026, 6, 1)) == []


def test_briefing_dates_skip_weekends_holidays_and_the_year_end():
    jp = holidays.Japan(years=range(2026, 2029))
    for year in (2026, 2027, 2028):
        for month in range(1, 13):
            d = briefing_on(year, month)
            assert d.weekday() < 5 and d not in jp and is_business_day(d)
            assert not (month == 1 and d.day <= 3)
            assert all(not is_business_day(date(year, month, k)) for k in range(1, d.day))
    assert briefing_on(2027, 1) == date(2027, 1, 4)
    assert briefing_on(2026, 5) == date(2026, 5, 1)    # a Friday, before Golden Week's holidays
    assert briefing_on(2027, 5) == date(2027, 5, 6)    # May 3-5 are holidays, May 1-2 a weekend
    assert next_briefing(date(2026, 5, 2)) == date(2026, 6, 1)
