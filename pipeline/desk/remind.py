"""Reminder drafts: one e-mail (.eml, UTF-8, Japanese and English in one message) for each person who
must act in the next N days, built from the status board and the findings. Nothing is sent.

Who gets what: the owner of each pending action due by as_of + days (overdue ones included) — the
student, the supervisor (the program office in copy where `program.office_email` is recorded), the
company's contact, the secretariat, and the faculty member who grades (through the secretariat, which
knows who that is) — plus each JSPS Research Fellow whose 報酬受給報告書〈様式5-3〉 window (April 1–20)
opens within the N days. Findings (errors and warnings) go only to the student they are about and to the
secretariat: a company or a supervisor is not told about a residence card or an insurance.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from importlib import resources

import yaml

from pipeline.desk.cases import Action
from pipeline.desk.status import CaseRow
from pipeline.i18n import date_en, date_ja
from pipeline.records import Records
from pipeline.rules import Finding

JST = timezone(timedelta(hours=9))
DOMAIN = "ceri.soken.ac.jp"


@cache
def _words() -> dict:
    return yaml.safe_load(resources.files("pipeline.desk").joinpath("remind.yaml").read_text("utf-8"))


def _w(key: str, lang: str, **params) -> str:
    return _words()[key][lang].format(**params)


def _day(d: date, lang: str) -> str:
    return date_ja(d) if lang == "ja" else date_en(d)


@dataclass(frozen=True)
class Item:
    """One thing to do, as a draft lists it."""

    due: date
    student: str          # id
    who_ja: str           # the student's name
    who_en: str
    internship: str
    company_ja: str
    company_en: str
    en: str
    ja: str
    notes: tuple[Finding, ...] = ()


@dataclass
class Draft:
    key: str                 # file name without .eml
    owner: str
    address: str | None
    name_ja: str
    name_en: str
    cc: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    def subject(self, as_of: date) -> str:
        late = sum(i.due < as_of for i in self.items)
        parts = [_w("subject", lang, count=len(self.items),
                    overdue=_w("overdue_subject", lang, n=late) if late else "") for lang in ("ja", "en")]
        return " / ".join(parts)

    def body(self, as_of: date) -> str:
        out = []
        for lang in ("ja", "en"):
            name = self.name_ja if lang == "ja" else self.name_en
            out += [_w("greeting", lang, name=name), ""]
            if self.address is None:
                out += [_w("no_address", lang), ""]
            out += [_w("intro", lang, as_of=_day(as_of, lang)), ""]
            for n, item in enumerate(sorted(self.items, key=lambda i: (i.due, i.student, i.internship)), 1):
                out.append(_w("item", lang, n=n, due=_day(item.due, lang),
                              late=_words()["late"][lang] if item.due < as_of else "",
                              student=f"{item.student} {item.who_ja if lang == 'ja' else item.who_en}",
                              internship=item.internship,
                              company=item.company_ja if lang == "ja" else item.company_en))
                out.append(f"   {item.ja if lang == 'ja' else item.en}")
                if item.notes:
                    out.append(_w("findings", lang))
                    out += [f"   - {f.message(lang)}" for f in item.notes]
            out.append("")
            if self.owner == "faculty":
                out += [_w("forward", lang), ""]
            out += [_w("closing", lang), "", _words()["separator"], ""]
        return "\n".join(out).rstrip("-\n ") + "\n"

    def eml(self, as_of: date, sender: str | None) -> bytes:
        msg = EmailMessage(policy=policy.SMTP)
        if sender:
            msg["From"] = sender
        if self.address:
            msg["To"] = Address(self.name_en or self.name_ja, addr_spec=self.address)
        if self.cc:
            msg["Cc"] = ", ".join(self.cc)
        msg["Subject"] = self.subject(as_of)
        msg["Date"] = format_datetime(datetime(as_of.year, as_of.month, as_of.day, 9, tzinfo=JST))
        body = self.body(as_of)
        digest = hashlib.sha256(f"{self.key}\n{as_of}\n{body}".encode()).hexdigest()[:24]
        msg["Message-ID"] = f"<{digest}.{self.key}@{DOMAIN}>"
        msg["X-Unsent"] = "1"  # Outlook opens the file as a draft to send
        msg.set_content(body, charset="utf-8", cte="base64")
        return msg.as_bytes()


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return slug or hashlib.sha256(text.encode()).hexdigest()[:12]


def _recipient(owner: str, row: CaseRow, records: Records) -> tuple[str, str | None, str, str, list[str]]:
    """(draft key, address, name ja, name en, cc) of the person who owns an action."""
    student = records.students.get(row.student)
    i = records.internships[row.internship]
    names = _words()["recipients"]
    if owner == "student":
        return (f"student-{row.student}", student.email if student else None, row.name_ja or row.student,
                row.name_en or row.student, [])
    if owner == "supervisor" and student:
        s = student.supervisor
        cc = [student.program.office_email] if student.program.office_email else []
        return f"supervisor-{_slug(s.email or s.name_en)}", s.email, s.name_ja, s.name_en, cc
    if owner == "program-office" and student:
        email = student.program.office_email
        return (f"program-office-{_slug(email or student.program.name_en)}", email,
                f"{student.program.name_ja} {names[owner]['ja']}", f"{student.program.name_en} {names[owner]['en']}",
                [])
    if owner == "company":
        c = i.company.contact
        email = c.email if c else None
        name_ja = (c.name_ja if c and c.name_ja else None) or i.company.name_ja
        name_en = (c.name_en if c and c.name_en else None) or i.company.name_en
        return f"company-{_slug(email or i.company.name_en)}", email, name_ja, name_en, []
    # the secretariat, and the faculty member who grades (reached through the secretariat)
    label = names.get(owner, names["secretariat"])
    return owner, records.institution.secretariat_email, label["ja"], label["en"], []


def drafts(records: Records, board: Iterable[CaseRow], findings: Iterable[Finding], as_of: date,
           days: int = 14) -> list[Draft]:
    """The drafts for everyone who must act by as_of + days, by file name."""
    horizon = as_of + timedelta(days=days)
    out: dict[str, Draft] = {}
    by_case: dict[tuple[str, str | None], list[Finding]] = {}
    jsps: list[Finding] = []
    for f in findings:
        by_case.setdefault((f.student, f.internship), []).append(f)
        if f.code == "jsps-report-due":
            jsps.append(f)
    rows = {r.internship: r for r in board}

    def add(owner: str, row: CaseRow, action: Action | Finding, due: date) -> None:
        key, address, name_ja, name_en, cc = _recipient(owner, row, records)
        draft = out.setdefault(key, Draft(key, owner, address, name_ja, name_en, cc))
        notes = tuple(row.findings) if owner in ("student", "secretariat") and isinstance(action, Action) else ()
        en, ja = (action.en, action.ja) if isinstance(action, Action) else (action.message_en, action.message_ja)
        draft.items.append(Item(due, row.student, row.name_ja or row.student, row.name_en or row.student,
                                row.internship, row.company_ja, row.company_en, en, ja, notes))

    for row in rows.values():
        for action in row.actions:
            if action.owner and action.due is not None and action.due <= horizon:
                add(action.owner, row, action, action.due)
    for f in jsps:
        opens, closes = date.fromisoformat(f.data["due_from"]), date.fromisoformat(f.data["due_by"])
        row = next((rows[i] for i in f.data["internships"] if i in rows), None)
        if row is not None and opens <= horizon and as_of <= closes:
            add("student", row, f, closes)
    return [out[k] for k in sorted(out)]

