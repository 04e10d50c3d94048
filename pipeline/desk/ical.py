"""calendar.ics for the secretariat: every dated event of the cases, the JSPS window and the briefings.

Events (all-day): each internship's period; the work-permit apply-by date of a student who needs a
permit and has none granted; the evaluation return-by date of an internship whose evaluation is not in;
the JSPS window for 報酬受給報告書〈様式5-3〉 (April 1–20) and the monthly online briefing (the first
business day: no weekend, Japanese public holiday or year-end closure) for the twelve months from as_of.
Each event's UID is derived from what it is (internship id, month, year), so importing a newer
calendar.ics updates the events instead of adding copies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar

from pipeline.context.formatting import person_name
from pipeline.records import Records
from pipeline.rules import flow
from pipeline.rules.periods import add_months

DOMAIN = "ceri.soken.ac.jp"
MONTHS_AHEAD = 12


def _event(uid: str, summary: str, start: date, end: date | None, stamp: datetime,
           description: str = "") -> icalendar.Event:
    """An all-day event from start to end inclusive (DTEND is exclusive in iCalendar)."""
    e = icalendar.Event()
    e.add("uid", f"{uid}@{DOMAIN}")
    e.add("dtstamp", stamp)
    e.add("summary", summary)
    e.add("dtstart", start)
    e.add("dtend", (end or start) + timedelta(days=1))
    if description:
        e.add("description", description)
    e.add("transp", "TRANSPARENT")  # a reminder, not busy time
    return e


def briefings(as_of: date, months: int = MONTHS_AHEAD) -> list[date]:
    """The monthly online briefing for `months` months from as_of's month."""
    first = date(as_of.year, as_of.month, 1)
    return [flow.briefing_on(m.year, m.month) for m in (add_months(first, k) for k in range(months))]


def calendar(records: Records, as_of: date) -> bytes:
    """The calendar as iCalendar bytes (the same records and as_of give the same bytes)."""
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//SOKENDAI//ceri//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "ジョブ型研究インターンシップ / Research internships")
    events: list[tuple[date, str, icalendar.Event]] = []

    def add(uid: str, summary: str, start: date, end: date | None = None, description: str = "") -> None:
        events.append((start, uid, _event(uid, summary, start, end, stamp, description)))

    for iid in sorted(records.internships):
        i = records.internships[iid]
        student = records.students.get(i.student)
        who = f"{person_name(student.name, 'ja')} / {person_name(student.name, 'en')}" if student else i.student
        company = f"{i.company.name_ja} / {i.company.name_en}"
        add(f"internship-{iid}", f"インターンシップ / Internship: {who} ({company})", i.period.start,
            i.period.end, f"{i.student} {iid}")
        if flow.needs_permit(student) and not (i.work_permit and i.work_permit.granted_on):
            add(f"permit-apply-by-{iid}", f"資格外活動許可 申請期限 / Work permit: apply by — {who}",
                flow.permit_apply_by(i), None, f"{i.student} {iid}; start {i.period.start.isoformat()}")
        if flow.evaluation_received(i) is None and not flow.is_graded(i):
            add(f"evaluation-return-by-{iid}", f"評価書 返送期限 / Evaluation due — {who} ({company})",
                flow.evaluation_return_by(i), None, f"{i.student} {iid}")
    last = add_months(date(as_of.year, as_of.month, 1), MONTHS_AHEAD)
    for year in range(as_of.year - 1, last.year + 1):
        (m1, d1), (m2, d2) = flow.JSPS_WINDOW
        opens, closes = date(year, m1, d1), date(year, m2, d2)
        if closes >= as_of and opens < last:
            add(f"jsps-form-5-3-{year}", f"JSPS 報酬受給報告書〈様式5-3〉提出期間 / JSPS Form 5-3 window ({year - 1})",
                opens, closes, f"Remuneration received in {year - 1} / {year - 1}年の報酬")
    for day in briefings(as_of):
        add(f"briefing-{day:%Y-%m}", "オンライン説明会 / Online briefing", day)
    for _, _, event in sorted(events, key=lambda e: (e[0], e[1])):
        cal.add_component(event)
    return cal.to_ical()
