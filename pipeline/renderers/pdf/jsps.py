"""報酬受給報告書〈様式5-3〉 / Report on Remuneration Received (Form 5-3), for JSPS Research Fellows.

One report per fellow and calendar year: each internship that paid in that year, its amount (from the
payments recorded, or estimated from the pay when none are), the total, and the submission window.
"""

from __future__ import annotations

from datetime import date

from pipeline.context.era import era_year
from pipeline.context.formatting import pick
from pipeline.errors import CeriError
from pipeline.renderers import RenderRequest
from pipeline.renderers.pdf.common import student_name
from pipeline.renderers.pdf.layout import Cell, Page, Row
from pipeline.renderers.pdf.words import langs
from pipeline.rules.money import remuneration


def year_text(year: int, lg: str, style: str) -> str:
    """令和8年 (2026年) on a Japanese report with era dates, 2026年 with Western ones, 2026 in English."""
    if lg == "en":
        return str(year)
    if style != "era":
        return f"{year}年"
    name, n = era_year(date(year, 12, 31))
    return f"{name}{'元' if n == 1 else n}年（{year}年）"


def jsps_report(request: RenderRequest) -> bytes:
    ctx = request.context
    student = ctx["student"]
    year = int(ctx["year"])
    jsps = student.funding.jsps
    if jsps is None:
        raise CeriError(f"jsps-report is for JSPS Research Fellows: student '{student.id}' has no "
                        "funding.jsps in the records")
    paid = [(i, remuneration(i, year)) for i in ctx["internships"]]
    paid = [(i, r) for i, r in paid if r.amount > 0]
    if not paid:
        raise CeriError(f"student '{student.id}' received no remuneration from internships in {year}: "
                        "there is nothing to report (choose the year with --year)")
    page = Page(request)
    w, v, sid = page.words, page.values, student.id
    style = page.institution.date_style
    years = {lg: year_text(year, lg, style) for lg in ("ja", "en")}
    page.header(addressee=w.t("addressee"), date_label=w.t("report_date"))
    page.title()
    page.paragraph(w.t("intro", year=years), field="intro")
    page.table([
        Row(w.t("category"), Cell((jsps.category,), sid, "funding.jsps.category")),
        Row(w.t("fellow_number"), Cell((jsps.fellow_number,), sid, "funding.jsps.fellow_number")),
        Row(w.label("name"), Cell(student_name(student, page.lang), sid, "name")),
        Row(w.t("host_institution"), Cell(page.pick_institution("name"), "institution", "name")),
        Row(w.t("host_researcher"), Cell(v.pick(jsps, "host_researcher"), sid, "funding.jsps.host_researcher")),
        Row(w.t("host_consent_on"), Cell(v.date(jsps.host_consent_on), sid, "funding.jsps.host_consent_on")),
    ])
    page.heading(w.t("payments_heading", year=years))
    rows = []
    total, estimated = 0, False
    for internship, pay in paid:
        iid = internship.id
        payer = tuple(p for lg in langs(page.lang)
                      for p in (pick(internship.company, "name", lg), pick(internship.company, "address", lg)))
        amount = v.yen(pay.amount)
        if pay.estimated:
            amount += (f"（{w.joined(w.label('estimated'))}）",)
            estimated = True
        total += pay.amount
        rows.append([Cell(payer, iid, "company", lines=6),
                     Cell(v.period(internship.period), iid, "period", lines=4),
                     Cell(v.pick(internship, "duties"), iid, "duties", lines=4),
                     Cell(amount, iid, "payments", align="right", lines=3)])
    rows.append([Cell(w.label("total"), align="center"), Cell(("",)), Cell(("",)),
                 Cell(v.yen(total), sid, "payments", align="right")])
    page.grid([w.t("payer"), w.label("period"), w.label("duties"), w.t("amount")], rows, [150, 105, 135, 95])
    if estimated:
        page.paragraph(w.t("estimated_note"), size=8.5, field="estimated_note")
    page.paragraph(w.t("deadline", year={lg: year_text(year + 1, lg, style) for lg in ("ja", "en")}),
                   size=9.5, field="deadline")
    page.space(6)
    page.issuer([w.t("reporter"), student_name(student, page.lang)], official=False)
    return page.finish()
