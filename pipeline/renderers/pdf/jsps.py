"""報酬受給報告書〈様式5-3〉 / Report on Remuneration Received (Form 5-3), for JSPS Research Fellows.

One report per fellow and calendar year: the fellowship's research project, each internship that paid in
that year, its amount (from the payments recorded, or estimated from the pay when none are, and marked so),
the total, the submission window, the fellow's signature and the host researcher's (受入研究者) confirmation.
It is the fellow's own report to JSPS: no university certificate number, QR code or seal (JSPS asks for
no seals). Options: allow_estimated (issue a report for a year that has not ended yet).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pipeline.context.era import era_year
from pipeline.context.formatting import pick
from pipeline.errors import CeriError
from pipeline.i18n import _
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


def check_report_date(year: int, today: date, allow_estimated: bool) -> None:
    """A report for year Y states what was paid in all of Y: it is issued in Y+1 or later, not before the
    facts (with allow_estimated: now, its amounts estimated)."""
    if today.year <= year and not allow_estimated:
        raise CeriError(_("a report on the remuneration of {year} covers the whole year: it is issued from "
                          "January 1, {next} (the issue date is {today}); to prepare one now with estimated "
                          "amounts, give --allow-estimated").format(year=year, next=year + 1,
                                                                     today=today.isoformat()))


def in_submission_window(year: int, today: date) -> bool:
    """From April 1 of the following year: when the report is handed in (by April 20), or late."""
    return today >= date(year + 1, 4, 1)


def jsps_report(request: RenderRequest) -> bytes:
    ctx = request.context
    student = ctx["student"]
    year = int(ctx["year"])
    # The register still logs the report (pack/jsps.py, cli/render.py: certify/issue), but the fellow's
    # report to JSPS carries no university serial or QR code: the serial option is not printed.
    request = replace(request, options={k: v for k, v in request.options.items()
                                        if k not in ("serial", "verification_text")})
    jsps = student.funding.jsps
    if jsps is None:
        raise CeriError(f"jsps-report is for JSPS Research Fellows: student '{student.id}' has no "
                        "funding.jsps in the records")
    check_report_date(year, ctx["today"], bool(request.options.get("allow_estimated")))
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
        *([Row(w.t("project"), Cell(v.pick(jsps, "project"), sid, "funding.jsps.project"))]
          if jsps.project_ja or jsps.project_en else []),
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
    total_paras = v.yen(total)
    if estimated:
        total_paras += (f"（{w.joined(w.label('estimated'))}）",)
    rows.append([Cell(w.label("total"), align="center"), Cell(("",)), Cell(("",)),
                 Cell(total_paras, sid, "payments", align="right", lines=3)])
    page.grid([w.t("payer"), w.label("period"), w.label("duties"), w.t("amount")], rows, [150, 105, 135, 95])
    if estimated:
        page.paragraph(w.t("estimated_note"), size=9, field="estimated_note")
    page.paragraph(w.t("deadline", year={lg: year_text(year + 1, lg, style) for lg in ("ja", "en")}),
                   size=9.5, field="deadline")
    blank = ("",)
    page.table([
        Row(w.t("reporter"), Cell(student_name(student, page.lang), sid, "name")),
        Row(w.t("signature"), Cell(blank)),
    ])
    page.heading(w.t("confirmation_heading"))  # 上記の報告内容を確認しました: name, date, signature
    page.table([
        Row(w.t("host_researcher"), Cell(v.pick(jsps, "host_researcher"), sid, "funding.jsps.host_researcher")),
        Row(w.t("confirmed_on"), Cell(w.t("date_blank"))),
    ])
    return page.finish()
