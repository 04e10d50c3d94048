"""Table rows that several documents share: who the student is, what the internship is."""

from __future__ import annotations

from pipeline.context import formatting as fmt
from pipeline.context.labels import label
from pipeline.records.models import Internship, Student
from pipeline.renderers.pdf.layout import Cell, Page, Row
from pipeline.renderers.pdf.words import Paras, both, langs


def student_name(student: Student, lang: str) -> Paras:
    """Japanese order with kanji where given (髙橋 健太) / the name as in the passport (TAKAHASHI Kenta)."""
    n = student.name
    ja = fmt.name_ja(n)
    if lang == "ja":
        return (ja,)
    if lang == "en" or not n.family_ja:  # no Japanese script: the passport name says it all
        return (fmt.name_roman(n),)
    return both(ja, fmt.name_roman(n), lang)


def birth_date(page: Page, student: Student) -> Paras:
    """A foreign national's birth date in the Western calendar on Japanese documents too (as on the
    passport); a Japanese national's by the institution's date style."""
    out = {lg: fmt.birth_date(student.birth_date, student.nationality, lg, page.values.style)
           for lg in langs(page.lang)}
    return (f"{out['ja']}（{out['en']}）",) if page.lang == "ja+en" else (out[page.lang],)


def name_rows(page: Page, student: Student) -> list[Row]:
    """Name, and in Japanese the roman name too when the record gives the name in Japanese script."""
    sid = student.id
    rows = [Row(page.words.label("name"), Cell(student_name(student, page.lang), sid, "name"))]
    if page.lang == "ja" and student.name.family_ja:
        rows.append(Row(page.words.label("name_roman"),
                        Cell((fmt.name_roman(student.name),), sid, "name")))
    return rows


def person_rows(page: Page, student: Student, *, nationality: bool = False) -> list[Row]:
    sid = student.id
    rows = name_rows(page, student)
    rows.append(Row(page.words.label("birth_date"), Cell(birth_date(page, student), sid, "birth_date")))
    if nationality:
        rows.append(Row(page.words.label("nationality"),
                        Cell(both(fmt.nationality(student.nationality, "ja"),
                                  fmt.nationality(student.nationality, "en"), page.lang), sid, "nationality")))
    return rows


def course_paras(student: Student, lang: str) -> Paras:
    p = student.program
    out = []
    for lg in langs(lang):
        course = label(f"course_{p.course}", lg)
        year = label("year_of", lg).format(n=p.year)
        out.append(f"{course}　{year}" if lg == "ja" else f"{course}, {year}")
    return tuple(out)


def program_rows(page: Page, student: Student, *, dates: bool = True) -> list[Row]:
    sid, p = student.id, student.program
    rows = [
        Row(page.words.label("student_number"), Cell((student.id,), sid, "id")),
        Row(page.words.label("program"), Cell(page.values.pick(p, "name"), sid, "program.name")),
        Row(page.words.label("institute"), Cell(page.values.pick(p, "institute"), sid, "program.institute")),
        Row(page.words.label("course"), Cell(course_paras(student, page.lang), sid, "program.course")),
    ]
    if dates:
        rows += [
            Row(page.words.label("enrolled_on"), Cell(page.values.date(p.enrolled_on), sid, "program.enrolled_on")),
            Row(page.words.label("expected_completion_on"),
                Cell(page.values.date(p.expected_completion_on), sid, "program.expected_completion_on")),
        ]
    return rows


def company_rows(page: Page, internship: Internship, *, details: bool = True) -> list[Row]:
    iid, co = internship.id, internship.company
    v = page.values
    rows = [Row(page.words.label("company"), Cell(v.pick(co, "name"), iid, "company.name", lines=4))]
    if details:
        rows += [
            Row(page.words.label("company_address"), Cell(v.pick(co, "address"), iid, "company.address")),
            Row(page.words.label("phone"), Cell((co.phone,), iid, "company.phone")),
            Row(page.words.label("industry"), Cell(v.pick(co, "industry"), iid, "company.industry")),
        ]
    return rows


def internship_rows(page: Page, internship: Internship) -> list[Row]:
    iid = internship.id
    v = page.values
    return [
        Row(page.words.label("workplace"), Cell(v.pick(internship.workplace, "address"), iid, "workplace.address")),
        Row(page.words.label("job_title"), Cell(v.pick(internship, "title"), iid, "title")),
        Row(page.words.label("duties"), Cell(v.pick(internship, "duties"), iid, "duties", lines=4)),
        Row(page.words.label("period"), Cell(v.period(internship.period), iid, "period")),
    ]
