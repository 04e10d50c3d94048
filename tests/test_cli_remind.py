"""`ceri remind`: .eml drafts read back with the standard email parser, calendar.ics with icalendar."""

from __future__ import annotations

import email
import stat
from datetime import date, timedelta
from email import policy
from pathlib import Path

import holidays
import icalendar
from click.testing import CliRunner

from pipeline.cli import main
from tests.rules_fixtures import FOREIGN, write_records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def read_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def test_drafts_for_everyone_who_must_act(tmp_path):
    out = tmp_path / "remind"
    res = run("remind", EXAMPLES, "--as-of", "2026-06-20", "-o", str(out))
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["calendar.ics", "company-Tokai_Agriscience_Co._Ltd.eml", "secretariat.eml",
                     "student-23DB0012.eml", "student-25DB0088.eml"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    msg = read_eml(out / "student-23DB0012.eml")
    assert msg["Subject"] == "【ジョブ型研究インターンシップ】対応のお願い（1件） / Research internship: 1 action(s) due"
    assert msg["To"].addresses[0].addr_spec == "lan.nguyen@example.ac.jp"
    assert msg["From"] == "internship@example.soken.ac.jp" and msg["X-Unsent"] == "1"
    assert msg.get_content_charset() == "utf-8"
    body = msg.get_content()
    assert "グエン ティ ラン 様" in body and "Dear NGUYỄN Thị Lan," in body
    assert "2026年7月1日にインターンシップを開始する。" in body and "Start the internship on 2026-07-01." in body
    assert "雇用契約の締結（2026年6月10日）より前" in body  # her own finding, in her draft
    # the company is not told about the student's findings, and the missing address is said
    company = read_eml(out / "company-Tokai_Agriscience_Co._Ltd.eml")
    assert company["To"] is None and "no e-mail address" in company.get_content()
    assert "overdue" in company["Subject"] and "期限超過" in company["Subject"]
    assert "permit" not in company.get_content() and "在留" not in company.get_content()
    assert "no e-mail address recorded" in res.stderr
    secretariat = read_eml(out / "secretariat.eml")
    assert secretariat["To"].addresses[0].addr_spec == "internship@example.soken.ac.jp"
    again = tmp_path / "again"
    run("remind", EXAMPLES, "--as-of", "2026-06-20", "-o", str(again))
    assert all((again / n).read_bytes() == (out / n).read_bytes() for n in names)  # same bytes


def test_days_sets_the_window(tmp_path):
    over = {"steps": {"applied_on": None, "registered_on": "2026-04-02"}}
    write_records(tmp_path, {**FOREIGN, "name": {"family": "YOSHIDA", "given": "Yui", "family_ja": "𠮷田",
                                                 "given_ja": "結衣"}}, over)
    records = str(tmp_path / "records.yaml")
    res = run("remind", records, "--as-of", "2026-04-20", "--days", "10", "-o", str(tmp_path / "a"))
    assert res.exit_code == 0, res.output
    assert [p.name for p in (tmp_path / "a").glob("*.eml")] == []  # the briefing of May 1 is 11 days away
    run("remind", records, "--as-of", "2026-04-20", "--days", "11", "-o", str(tmp_path / "b"))
    msg = read_eml(tmp_path / "b" / "student-S1.eml")
    assert "2026年5月1日のオンライン説明会に参加する。" in msg.get_content()
    assert "𠮷田 結衣 様" in msg.get_content() and msg["To"].addresses[0].display_name == "YOSHIDA Yui"  # the roman name as in the passport


def test_jsps_fellows_are_reminded_of_form_5_3(tmp_path):
    res = run("remind", EXAMPLES, "--as-of", "2027-03-25", "-o", str(tmp_path / "r"))
    assert res.exit_code == 0, res.output
    msg = read_eml(tmp_path / "r" / "student-22DA0101.eml")
    body = msg.get_content()
    assert "報酬受給報告書〈様式5-3〉" in body and "2027年4月20日" in body and "Form 5-3" in body


def test_as_of_is_required_and_nothing_is_written(tmp_path):
    res = run("remind", EXAMPLES, "-o", str(tmp_path / "r"))
    assert res.exit_code == 2 and "--as-of" in res.stderr and not (tmp_path / "r").exists()


def test_calendar_parses_and_briefings_avoid_holidays(tmp_path):
    out = tmp_path / "r"
    assert run("remind", EXAMPLES, "--as-of", "2026-12-01", "-o", str(out)).exit_code == 0
    cal = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    briefings = {str(e["UID"]): e.decoded("DTSTART") for e in events if str(e["UID"]).startswith("briefing-")}
    assert len(briefings) == 12
    jp = holidays.Japan(years=[2026, 2027])
    january = briefings["briefing-2027-01@ceri.soken.ac.jp"]
    assert january == date(2027, 1, 4)
    for day in briefings.values():
        assert day.weekday() < 5 and day not in jp and not (day.month == 1 and day.day <= 3)
        assert all(date(day.year, day.month, k) in jp or date(day.year, day.month, k).weekday() >= 5
                   or (day.month == 1 and k <= 3) for k in range(1, day.day))
    by_uid = {str(e["UID"]): e for e in events}
    period = by_uid["internship-CERI-2026-001@ceri.soken.ac.jp"]
    assert period.decoded("DTSTART") == date(2026, 7, 1) and period.decoded("DTEND") == date(2026, 10, 1)
    assert "グエン ティ ラン" in str(period["SUMMARY"])
    assert by_uid["permit-apply-by-CERI-2026-006@ceri.soken.ac.jp"].decoded("DTSTART") == date(2026, 6, 15)
    assert by_uid["evaluation-return-by-CERI-2026-001@ceri.soken.ac.jp"].decoded("DTSTART") == date(2026, 10, 14)
    jsps = by_uid["jsps-form-5-3-2027@ceri.soken.ac.jp"]
    assert (jsps.decoded("DTSTART"), jsps.decoded("DTEND") - timedelta(days=1)) == (date(2027, 4, 1), date(2027, 4, 20))


def test_the_faculty_member_is_reached_through_the_secretariat(tmp_path):
    out = tmp_path / "r"
    assert run("remind", EXAMPLES, "--as-of", "2027-01-01", "-o", str(out)).exit_code == 0
    msg = read_eml(out / "faculty.eml")
    assert msg["To"].addresses[0].addr_spec == "internship@example.soken.ac.jp"
    body = msg.get_content()
    assert "成績評価担当教員 様" in body and "2027年1月9日までに評価書に基づき成績評価を行う。" in body
    assert "pass this on to the faculty member" in body
    assert "jsps" not in body.lower()  # no findings in a faculty member's draft
