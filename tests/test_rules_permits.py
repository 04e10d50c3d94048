"""Work permits (comprehensive vs individual), enrollment throughout the internship, Japanese nationals."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.rules import check
from tests.rules_fixtures import FOREIGN, merged, write_records

AS_OF = date(2026, 6, 1)


def found(records, code, as_of=AS_OF):
    return [f for f in check(records, as_of) if f.code == code]


def test_a_comprehensive_permission_covers_a_25_hour_internship(tmp_path):
    held = {"hours_per_week": "25", "work_permit": {"kind": "comprehensive", "granted_on": "2025-05-01"}}
    records = write_records(tmp_path, FOREIGN, held)
    (f,) = found(records, "permit-required")
    assert (f.severity, f.data["case"], f.data["held"]) == ("info", "covered", "comprehensive")
    assert "covered by the comprehensive permission" in f.message_en and "包括許可の範囲内" in f.message_ja
    assert found(records, "permit-not-granted") == []
    assert [x for x in check(records, AS_OF) if x.severity == "error"] == []


@pytest.mark.parametrize(("hours", "permit", "case", "severity"), [
    ("28", None, "comprehensive", "info"),
    ("28.5", None, "individual", "info"),
    ("38.75", {"kind": "comprehensive", "granted_on": "2025-05-01"}, "insufficient", "error"),
    ("20", {"kind": "comprehensive", "granted_on": "2025-05-01", "hours_per_week": "14"}, "insufficient", "error"),
    ("38.75", {"kind": "individual", "granted_on": "2026-06-20"}, "covered", "info"),
    ("28", {"kind": "comprehensive", "granted_on": "2026-06-20"}, "covered", "info"),
    ("38.75", {"granted_on": "2026-06-20"}, "covered", "info"),  # kind not recorded: taken as the right one
])
def test_permission_needed_by_hours_and_held(tmp_path, hours, permit, case, severity):
    internship = {"hours_per_week": hours, **({"work_permit": permit} if permit else {})}
    (f,) = found(write_records(tmp_path, FOREIGN, internship), "permit-required")
    assert (f.data["case"], f.severity) == (case, severity)
    if case == "insufficient":
        assert "individual permission" in f.message_en and "個別許可" in f.message_ja
        assert found(write_records(tmp_path, FOREIGN, internship), "permit-not-granted") == []


def test_internship_after_completion(tmp_path):
    ends_late = {"period": {"start": "2028-02-01", "end": "2028-04-30"}}
    (f,) = found(write_records(tmp_path, {}, ends_late), "internship-after-completion")
    assert f.severity == "error" and f.data == {"end": "2028-04-30", "completion": "2028-03-31"}
    assert "2028-03-31" in f.message_en and "修了予定日（2028年3月31日）" in f.message_ja and f.clause
    on_the_day = {"period": {"start": "2028-01-01", "end": "2028-03-31"}}
    assert found(write_records(tmp_path, {}, on_the_day), "internship-after-completion") == []


def test_residence_for_japanese_national(tmp_path):
    japanese_with_residence = merged(FOREIGN, {"nationality": "JP"})
    records = write_records(tmp_path, japanese_with_residence)
    (f,) = found(records, "residence-for-japanese-national")
    assert f.severity == "warning" and f.internship is None and f.data == {"status": "student"}
    assert "Japanese national" in f.message_en and "日本国籍者" in f.message_ja
    assert found(records, "permit-required") == []  # a Japanese national never needs a work permit
    assert found(write_records(tmp_path), "residence-for-japanese-national") == []
