"""One test (at least) per finding code, with the boundaries of the programme's rules."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from pipeline.rules import check, codes
from pipeline.rules.checks import RULES
from tests.rules_fixtures import DROP, FOREIGN, merged, write_records

AS_OF = date(2026, 6, 1)
JSPS = {"funding": {"jsps": {"category": "DC2", "fellow_number": "25KJ0001", "host_researcher_ja": "青木 修",
                             "host_researcher_en": "Osamu AOKI", "host_consent_on": "2026-05-01"}}}


def found(records, code, as_of=AS_OF):
    return [f for f in check(records, as_of) if f.code == code]


def test_every_design_code_is_declared_and_implemented():
    # the contract itself, wherever the shared folder sits above this checkout
    design = next((p / "shared" / "DESIGN.md" for p in Path(__file__).resolve().parents
                   if (p / "shared" / "DESIGN.md").exists()), Path("/nonexistent"))
    expected = {
        "not-doctoral", "too-short", "unpaid", "supervisor-approval-missing", "overlapping-internships",
        "permit-required", "permit-not-granted", "residence-expires-during-internship",
        "passport-expires-during-internship", "jsps-host-consent-missing", "jsps-over-6-months",
        "jsps-report-due", "jsps-amount-estimated", "mext-month-unpaid", "ra-check-with-department",
        "insurance-missing", "employment-income", "unknown-student"}
    # v1.1 (Extensions): the step rules; other v1.1 codes land with their own issues
    steps = {"step-out-of-order", "contract-not-checked", "implementation-contract-missing",
             "course-not-registered", "evaluation-overdue", "grade-pending", "briefing-not-attended"}
    added = set(steps)
    if design.exists():
        listed = re.search(r"Codes: (.*?)\n\n", design.read_text("utf-8"), re.S).group(1)
        assert set(re.findall(r"`([a-z0-9-]+)`", listed)) == expected
        more = re.search(r"Finding codes added: (.*?)\n\n", design.read_text("utf-8"), re.S).group(1)
        added = set(re.findall(r"`([a-z0-9-]+)`", more))
        assert steps <= added
    # v1.1 codes of issue 23 (permits, enrollment, nationality)
    ours = {"internship-after-completion", "residence-for-japanese-national"}
    assert expected | steps | ours <= set(codes()) <= expected | added | ours
    assert sorted(r.code for r in RULES) == sorted(codes())


def test_a_clean_internship_has_only_the_employment_income_info(tmp_path):
    records = write_records(tmp_path)
    assert [(f.code, f.severity) for f in check(records, AS_OF)] == [("employment-income", "info")]


def test_finding_to_json_has_the_contract_keys_and_both_messages(tmp_path):
    f = found(write_records(tmp_path, {}, {"pay": {"amount": 0}}), "unpaid")[0]
    doc = f.to_json()
    assert list(doc) == ["code", "severity", "student", "internship", "message_en", "message_ja", "clause", "data"]
    assert doc["student"] == "S1" and doc["internship"] == "I1" and doc["severity"] == "error"
    assert "unpaid" in doc["message_en"] and "無給" in doc["message_ja"] and doc["clause"]
    json.dumps(doc)


def test_not_doctoral(tmp_path):
    assert found(write_records(tmp_path), "not-doctoral") == []
    (f,) = found(write_records(tmp_path, {"program": {"degree": "masters"}}), "not-doctoral")
    assert f.severity == "error" and f.data == {"degree": "masters"} and "master's" in f.message_en


@pytest.mark.parametrize(("start", "end", "ok"), [
    ("2026-07-01", "2026-08-31", True),    # exactly two months
    ("2026-07-01", "2026-08-30", False),
    ("2026-01-31", "2026-03-30", True),    # Jan 31 + 2 months clamps to Mar 31, minus a day
    ("2026-01-31", "2026-03-29", False),
    ("2027-12-31", "2028-02-28", True),    # leap year: Dec 31 + 2 months = Feb 29, minus a day
    ("2027-12-30", "2028-02-28", True),
    ("2027-12-30", "2028-02-27", False),
    ("2028-02-29", "2028-04-28", True),
    ("2028-02-29", "2028-04-27", False),
])
def test_too_short_boundaries(tmp_path, start, end, ok):
    records = write_records(tmp_path, {}, {"period": {"start": start, "end": end}})
    hits = found(records, "too-short")
    assert (hits == []) is ok
    if not ok:
        assert hits[0].severity == "error" and hits[0].data["start"] == start


def test_too_short_names_the_earliest_allowed_end(tmp_path):
    records = write_records(tmp_path, {}, {"period": {"start": "2026-07-01", "end": "2026-08-20"}})
    (f,) = found(records, "too-short")
    assert f.data == {"start": "2026-07-01", "end": "2026-08-20", "months": 1, "days": 20,
                      "min_end": "2026-08-31"}
    assert "2026-08-31" in f.message_en and "2026年8月31日" in f.message_ja


def test_unpaid(tmp_path):
    assert found(write_records(tmp_path, {}, {"pay": {"amount": 0}}), "unpaid")[0].severity == "error"
    assert found(write_records(tmp_path, {}, {"pay": DROP}), "unpaid") != []
    paid_later = {"pay": DROP, "payments": [{"paid_on": "2026-07-25", "amount": 100000}]}
    assert found(write_records(tmp_path, {}, paid_later), "unpaid") == []


@pytest.mark.parametrize(("steps", "severity", "case"), [
    ({"supervisor_approved_on": "2026-04-01", "applied_on": "2026-04-10"}, None, None),
    ({"supervisor_approved_on": "2026-04-10", "applied_on": "2026-04-10"}, None, None),  # same day is fine
    ({"supervisor_approved_on": "2026-04-11", "applied_on": "2026-04-10"}, "error", "late"),
    ({"supervisor_approved_on": None, "applied_on": "2026-04-10"}, "error", "missing"),
    ({"supervisor_approved_on": None, "applied_on": None}, "warning", "pending"),
    ({"supervisor_approved_on": "2026-04-01", "applied_on": None}, None, None),
])
def test_supervisor_approval(tmp_path, steps, severity, case):
    hits = found(write_records(tmp_path, {}, {"steps": steps}), "supervisor-approval-missing")
    assert [(f.severity, f.data["case"]) for f in hits] == ([(severity, case)] if severity else [])


def test_overlapping_internships(tmp_path):
    a = {"period": {"start": "2026-04-01", "end": "2026-06-30"}}
    b = {"period": {"start": "2026-06-30", "end": "2026-08-31"}}
    (f,) = found(write_records(tmp_path, {}, a, b), "overlapping-internships")
    assert (f.severity, f.internship) == ("error", "I2")
    assert f.data == {"other": "I1", "overlap_start": "2026-06-30", "overlap_end": "2026-06-30"}
    adjacent = {"period": {"start": "2026-07-01", "end": "2026-08-31"}}
    assert found(write_records(tmp_path, {}, a, adjacent), "overlapping-internships") == []


def test_permit_required_lists_documents_and_bureau(tmp_path):
    assert found(write_records(tmp_path), "permit-required") == []  # a Japanese national
    (f,) = found(write_records(tmp_path, FOREIGN), "permit-required")
    assert f.severity == "info" and f.data["bureau"] == "yokohama" and f.data["permission"] == "individual"
    assert "東京出入国在留管理局 横浜支局" in f.message_ja and "Yokohama" in f.message_en
    assert len(f.data["documents"]) == 6 and "residence card" in f.message_en and "在留カード" in f.message_ja
    assert "individual permission" in f.message_en
    part_time = write_records(tmp_path, merged(FOREIGN, {"address": {"prefecture": "Hyogo"}}),
                              {"hours_per_week": "28"})
    (f,) = found(part_time, "permit-required")
    assert f.data["bureau"] == "kobe" and f.data["permission"] == "comprehensive" and "神戸支局" in f.message_ja
    other = merged(FOREIGN, {"residence": {"status": "permanent_resident"}})
    assert found(write_records(tmp_path, other), "permit-required") == []


@pytest.mark.parametrize(("as_of", "permit", "severity", "case"), [
    (date(2026, 7, 1), None, "error", "started"),                 # starts today
    (date(2026, 8, 1), {"applied_on": "2026-05-01"}, "error", "started"),
    (date(2026, 5, 2), None, "warning", "soon"),                  # 60 days before
    (date(2026, 5, 1), None, "info", "pending"),                  # 61 days before
    (date(2026, 6, 1), {"granted_on": "2026-06-20"}, None, None),
    (date(2026, 6, 1), {"granted_on": "2026-07-01"}, None, None),  # granted on the first day
    (date(2026, 6, 1), {"granted_on": "2026-07-02"}, "error", "late"),
])
def test_permit_not_granted(tmp_path, as_of, permit, severity, case):
    records = write_records(tmp_path, FOREIGN, {"work_permit": permit})
    hits = found(records, "permit-not-granted", as_of)
    assert [(f.severity, f.data["case"]) for f in hits] == ([(severity, case)] if severity else [])


def test_permit_not_granted_says_whether_applied(tmp_path):
    records = write_records(tmp_path, FOREIGN, {"work_permit": {"applied_on": "2026-05-20"}})
    (f,) = found(records, "permit-not-granted", date(2026, 6, 1))
    assert f.data["days"] == 30 and "applied on 2026-05-20" in f.message_en and "2026年5月20日申請" in f.message_ja
    assert found(write_records(tmp_path), "permit-not-granted", date(2026, 8, 1)) == []  # no residence


@pytest.mark.parametrize(("expires", "hit"), [("2026-09-29", True), ("2026-09-30", False), ("2026-06-30", True)])
def test_residence_expires_during_internship(tmp_path, expires, hit):
    student = merged(FOREIGN, {"residence": {"expires_on": expires}})
    hits = found(write_records(tmp_path, student), "residence-expires-during-internship")
    assert [f.severity for f in hits] == (["error"] if hit else [])
    resident = merged(student, {"residence": {"status": "permanent_resident"}})
    assert found(write_records(tmp_path, resident), "residence-expires-during-internship") == []


def test_passport_expires_during_internship(tmp_path):
    student = merged(FOREIGN, {"residence": {"passport": {"expires_on": "2026-08-01"}}})
    (f,) = found(write_records(tmp_path, student), "passport-expires-during-internship")
    assert f.severity == "warning" and f.data == {"expires_on": "2026-08-01", "end": "2026-09-30"}
    fine = merged(FOREIGN, {"residence": {"passport": {"expires_on": "2026-09-30"}}})
    assert found(write_records(tmp_path, fine), "passport-expires-during-internship") == []


def test_jsps_host_consent(tmp_path):
    assert found(write_records(tmp_path, JSPS), "jsps-host-consent-missing") == []
    missing = merged(JSPS, {"funding": {"jsps": {"host_consent_on": None}}})
    (f,) = found(write_records(tmp_path, missing), "jsps-host-consent-missing")
    assert f.severity == "error" and f.data["case"] == "missing" and "青木 修" in f.message_ja
    late = merged(JSPS, {"funding": {"jsps": {"host_consent_on": "2026-07-02"}}})
    (f,) = found(write_records(tmp_path, late), "jsps-host-consent-missing")
    assert f.data["case"] == "late" and "Osamu AOKI" in f.message_en
    assert found(write_records(tmp_path), "jsps-host-consent-missing") == []  # not a fellow


def _two(first_end: str, second_start: str, second_end: str) -> tuple[dict, dict]:
    return ({"period": {"start": "2026-01-01", "end": first_end}},
            {"period": {"start": second_start, "end": second_end}})


def test_jsps_six_months_three_plus_three_pass(tmp_path):
    records = write_records(tmp_path, JSPS, *_two("2026-03-31", "2026-07-01", "2026-09-30"))
    assert found(records, "jsps-over-6-months") == []


def test_jsps_six_months_four_plus_three_fail(tmp_path):
    records = write_records(tmp_path, JSPS, *_two("2026-04-30", "2026-07-01", "2026-09-30"))
    (f,) = found(records, "jsps-over-6-months")
    assert f.severity == "error" and f.internship == "I2"
    assert f.data == {"months": 7, "days": 0, "total": "7.00", "internships": ["I1", "I2"]}
    assert found(write_records(tmp_path, {}, *_two("2026-04-30", "2026-07-01", "2026-09-30")),
                 "jsps-over-6-months") == []  # not a fellow


def test_jsps_six_months_leftover_days_add_up(tmp_path):
    # 2 months 20 days + 3 months 10 days = 5 months 30 days = 6 months exactly: allowed
    ok = write_records(tmp_path, JSPS, *_two("2026-03-20", "2026-07-01", "2026-10-10"))
    assert found(ok, "jsps-over-6-months") == []
    over = write_records(tmp_path, JSPS, *_two("2026-03-21", "2026-07-01", "2026-10-10"))
    (f,) = found(over, "jsps-over-6-months")
    assert (f.data["months"], f.data["days"], f.data["total"]) == (6, 1, "6.03")


def test_jsps_report_due_per_year_with_amount(tmp_path):
    paid = {"period": {"start": "2026-11-01", "end": "2027-01-31"},
            "payments": [{"paid_on": "2026-11-25", "amount": 300000}, {"paid_on": "2026-12-25", "amount": 300000},
                         {"paid_on": "2027-01-25", "amount": 310000}]}
    records = write_records(tmp_path, JSPS, paid)
    hits = found(records, "jsps-report-due", date(2026, 6, 1))
    assert [(f.severity, f.internship, f.data["year"], f.data["amount"]) for f in hits] == [
        ("info", None, 2026, 600000), ("info", None, 2027, 310000)]
    assert hits[0].data["due_from"] == "2027-04-01" and hits[0].data["due_by"] == "2027-04-20"
    assert "¥600,000" in hits[0].message_en and "600,000円" in hits[0].message_ja
    assert hits[0].data["estimated"] is False and "estimated" not in hits[0].message_en
    # Once the window of a year has closed (after April 20 of the next year) it is no longer reported.
    assert [f.data["year"] for f in found(records, "jsps-report-due", date(2027, 4, 20))] == [2026, 2027]
    assert [f.data["year"] for f in found(records, "jsps-report-due", date(2027, 4, 21))] == [2027]
    assert found(write_records(tmp_path, {}, paid), "jsps-report-due") == []  # not a fellow


def test_jsps_amount_estimated(tmp_path):
    (f,) = found(write_records(tmp_path, JSPS), "jsps-amount-estimated")
    assert f.severity == "warning" and f.data["amount"] == 900000 and f.data["by_year"] == {"2026": 900000}
    assert "月額300,000円" in f.message_ja
    (due,) = found(write_records(tmp_path, JSPS), "jsps-report-due")
    assert due.data["estimated"] is True and "estimated" in due.message_en
    recorded = {"payments": [{"paid_on": "2026-07-25", "amount": 300000}]}
    assert found(write_records(tmp_path, JSPS, recorded), "jsps-amount-estimated") == []


def test_mext_months_from_the_15th_are_only_the_full_ones(tmp_path):
    mext = merged(FOREIGN, {"funding": {"mext_scholarship": True}})
    records = write_records(tmp_path, mext, {"period": {"start": "2026-08-15", "end": "2026-11-14"}})
    hits = found(records, "mext-month-unpaid")
    assert [(f.severity, f.data["month"]) for f in hits] == [("warning", "2026-09"), ("warning", "2026-10")]
    assert "2026-09" in hits[0].message_en and "2026-09" in hits[0].message_ja
    inside = write_records(tmp_path, mext, {"workplace": {"outside_parent_institute": False}})
    assert found(inside, "mext-month-unpaid") == []


def test_mext_february_of_a_leap_year(tmp_path):
    mext = merged(FOREIGN, {"funding": {"mext_scholarship": True}})
    whole = write_records(tmp_path, mext, {"period": {"start": "2028-01-15", "end": "2028-02-29"}})
    assert [f.data["month"] for f in found(whole, "mext-month-unpaid")] == ["2028-02"]
    short = write_records(tmp_path, mext, {"period": {"start": "2028-01-15", "end": "2028-02-28"}})
    assert found(short, "mext-month-unpaid") == []


def test_ra_check_with_department(tmp_path):
    (f,) = found(write_records(tmp_path, {"funding": {"research_assistant": True}}), "ra-check-with-department")
    assert f.severity == "warning" and f.internship == "I1"
    assert found(write_records(tmp_path), "ra-check-with-department") == []


def test_insurance_missing(tmp_path):
    (f,) = found(write_records(tmp_path, {"insurance": {"gakkenbai": False}}), "insurance-missing")
    assert f.severity == "error" and f.data == {"missing": ["gakkenbai"]} and "学研賠" in f.message_ja
    (f,) = found(write_records(tmp_path, {"insurance": DROP}), "insurance-missing")
    assert f.data == {"missing": ["gakkensai", "gakkenbai"]}


def test_employment_income_on_every_paid_internship(tmp_path):
    records = write_records(tmp_path, {}, {}, {"period": {"start": "2026-10-01", "end": "2026-12-31"},
                                               "pay": {"amount": 1500, "per": "hour"}})
    hits = found(records, "employment-income")
    assert [(f.internship, f.severity, f.data) for f in hits] == [
        ("I1", "info", {"pay": 300000, "per": "month"}), ("I2", "info", {"pay": 1500, "per": "hour"})]
    assert "時給1,500円" in hits[1].message_ja and "¥1,500 per hour" in hits[1].message_en
    assert found(write_records(tmp_path, {}, {"pay": {"amount": 0}}), "employment-income") == []


def test_unknown_student_is_a_finding(tmp_path):
    records = write_records(tmp_path, None, {"student": "GHOST"}, with_student=False)
    assert records.warnings  # the loader notices too
    found_all = check(records, AS_OF)
    (f,) = [f for f in found_all if f.code == "unknown-student"]
    assert (f.severity, f.student, f.internship) == ("error", "GHOST", "I1")
    assert f.data["student"] == "GHOST" and re.fullmatch(r".*records\.yaml:\d+:\d+", f.data["at"])
    # rules about the internship alone still run; rules needing the student do not
    assert {x.code for x in found_all} == {"unknown-student", "employment-income"}


def test_check_is_sorted_and_deterministic(tmp_path):
    records = write_records(tmp_path, merged(FOREIGN, {"funding": {"mext_scholarship": True}}),
                            {"period": {"start": "2026-08-15", "end": "2026-11-14"}},
                            {"id": "I0", "period": {"start": "2026-01-01", "end": "2026-03-31"}})
    first = check(records, AS_OF)
    assert first == check(records, AS_OF)
    keys = [(f.student, f.internship or "", f.code) for f in first]
    assert keys == sorted(keys)
