"""評価証明書 / Evaluation Certificate, and 成績評価票 / Grading Sheet.

The evaluation certificate is issued by the host company, as the programme guide says: ceri prepares it
from the evaluation read back from the company's form (internship.evaluation), with the company and its
evaluator as issuer and a 社印 area, so that the company only stamps or signs it. The grading sheet is
for the faculty member of the Center for Educational Development who grades the course (STEP 12).
"""

from __future__ import annotations

from pipeline.context import formatting as fmt
from pipeline.context import require_internship
from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.records.models import Evaluation, Evaluator, Internship
from pipeline.renderers import RenderRequest
from pipeline.renderers.pdf.common import name_rows
from pipeline.renderers.pdf.layout import GRAY, Cell, Page, Row
from pipeline.renderers.pdf.text import LEADING, draw_line
from pipeline.renderers.pdf.words import Paras, Words, langs

RATINGS = ("research", "problem_solving", "practical", "communication", "initiative")


def evaluation_of(request: RenderRequest) -> Evaluation:
    """The evaluation read back from the company's form; none yet, or received after the issue date: refused."""
    require_internship(request.context, request.doc)
    student = request.context["student"]
    internship = request.context["internship"]
    ev = internship.evaluation
    if ev is None:
        raise CeriError(_(
            "internship '{internship}' has no evaluation yet: send the company the form "
            "(ceri render evaluation-form RECORDS --student {student} --internship {internship} "
            "-o FORM.pdf), then read the filled form back into the records "
            "(ceri evaluation read FILLED.pdf --merge RECORD.yaml) and render this document again")
            .format(internship=internship.id, student=student.id))
    today = request.context["today"]
    if ev.received_on > today:
        raise CeriError(_("the evaluation of internship '{internship}' was received on {received}, after the issue "
                          "date {today}: a {doc} cannot be dated before the facts it states (give --as-of "
                          "{received} or later)").format(internship=internship.id, received=ev.received_on.isoformat(),
                                                         today=today.isoformat(), doc=request.doc))
    return ev


def evaluator_paras(ev: Evaluator, lang: str) -> Paras:
    """研究部長　鈴木 大輔 / Daisuke SUZUKI, Research Director: in ja+en once per language the company
    wrote (an evaluator written in one language only is not printed twice)."""
    out = []
    for lg in langs(lang):
        title, name = getattr(ev, f"title_{lg}"), getattr(ev, f"name_{lg}")
        if lang == "ja+en" and not name:
            continue  # not written in this language: the other line says it
        title, name = title or fmt.pick(ev, "title", lg), name or fmt.pick(ev, "name", lg)
        out.append(f"{title}　{name}".strip() if lg == "ja" else f"{name}, {title}".strip(", "))
    return tuple(out)


def summary_rows(page: Page, student, internship: Internship) -> list[Row]:
    w, v, iid = page.words, page.values, internship.id
    return name_rows(page, student) + [
        Row(w.label("program"), Cell(v.pick(student.program, "name"), student.id, "program.name")),
        Row(w.label("company"), Cell(v.pick(internship.company, "name"), iid, "company.name")),
        Row(w.label("job_title"), Cell(v.pick(internship, "title"), iid, "title")),
        Row(w.label("period"), Cell(v.period(internship.period), iid, "period")),
    ]


def ratings_grid(page: Page, internship: Internship, ev: Evaluation) -> None:
    """The five ratings: item, score, grade (wording declared once, in templates/evaluation-certificate.*)."""
    w, iid = Words("evaluation-certificate", page.lang), internship.id
    grid = []
    for key in RATINGS:
        score = getattr(ev.ratings, key)
        grid.append([Cell(w.t(f"rating_{key}"), iid, f"evaluation.ratings.{key}"),
                     Cell((f"{score}/5",), iid, f"evaluation.ratings.{key}", align="center", lines=1),
                     Cell(w.t(f"scale_{score}"), iid, f"evaluation.ratings.{key}", align="center")])
    page.grid([w.t("item"), w.t("score"), w.t("grade")], grid, [260, 80, 140])


def company_issuer(page: Page, internship: Internship, ev: Evaluation) -> None:
    """The host company as issuer: its address and name, the evaluator, and a 社印 area to stamp."""
    co = internship.company
    lines = [page.values.pick(co, "address")[:1], page.values.pick(co, "name"), evaluator_paras(ev.evaluator, page.lang)]
    top = page.y - 8  # as Page.issuer lays its block out: the seal circle is centred on the block
    height = sum(len(p) for p in lines) * 10.5 * LEADING + 10
    page.issuer(lines, official=False)  # official=False: never the university's seal image
    cy = top - max(height, 60) / 2 - 2
    # above the circle (24 pt radius), where the block's text never reaches
    draw_line(page.pen, page.right - 100, cy + 24 + 3, 100, page.words.joined(page.words.t("company_seal")), 9,
              align="right", fixed=True, color=GRAY.rgb(), field="seal")
    page.space(4)


def evaluation_certificate(request: RenderRequest) -> bytes:
    ev = evaluation_of(request)
    student = request.context["student"]
    internship = request.context["internship"]
    page = Page(request)
    w, v, iid = page.words, page.values, internship.id
    page.header(addressee=w.t("addressee", institution={lg: fmt.pick(page.institution, "name", lg)
                                                        for lg in ("ja", "en")}))
    page.title()
    page.table(summary_rows(page, student, internship))
    page.heading(w.t("ratings_heading"))
    ratings_grid(page, internship, ev)
    page.paragraph(w.t("scale_note"), size=9, field="scale_note")
    texts = []
    for key in ("strengths", "improvements", "comment"):
        text = getattr(ev, key)
        if text:  # the company writes in one language: shown as written
            texts.append(Row(w.t(key), Cell((text,), iid, f"evaluation.{key}", lines=3)))
    page.table([
        Row(w.t("attendance_days"), Cell(w.t("days_value", n=ev.attendance_days), iid, "evaluation.attendance_days")),
        Row(w.t("hours_total"), Cell(v.hours(ev.hours_total), iid, "evaluation.hours_total")),
        *texts,
        *([Row(w.t("evaluated_on"), Cell(v.date(ev.evaluated_on), iid, "evaluation.evaluated_on"))]
          if ev.evaluated_on else []),
    ])
    page.paragraph(w.t("certify"), field="certify")
    company_issuer(page, internship, ev)
    page.paragraph(w.t("prepared_note"), size=9, field="prepared_note")
    return page.finish()


def grading_sheet(request: RenderRequest) -> bytes:
    """成績評価票: the evaluation's summary for the faculty member, a grade box, and who grades."""
    ev = evaluation_of(request)
    student = request.context["student"]
    internship = request.context["internship"]
    page = Page(request)
    w, v, iid = page.words, page.values, internship.id
    grading = internship.grading
    page.header()
    page.title()
    page.paragraph(w.t("intro"), size=9.5, field="intro")
    page.table(summary_rows(page, student, internship) + [
        Row(w.label("credits"), Cell(w.t("credits_value", n=internship.credits), iid, "credits")),
    ])
    page.heading(w.t("ratings_heading"))
    ratings_grid(page, internship, ev)
    total = sum(getattr(ev.ratings, k) for k in RATINGS)
    page.table([
        Row(w.t("ratings_total"), Cell((f"{total}/{5 * len(RATINGS)}",), iid, "evaluation.ratings")),
        Row(w.t("attendance"), Cell(w.t("attendance_value", days=ev.attendance_days,
                                        hours={lg: fmt.number(ev.hours_total, lg) for lg in langs(page.lang)}),
                                    iid, "evaluation.attendance_days")),
        Row(w.t("evaluator"), Cell(evaluator_paras(ev.evaluator, page.lang), iid, "evaluation.evaluator")),
        Row(w.t("received_on"), Cell(v.date(ev.received_on), iid, "evaluation.received_on")),
    ])
    page.heading(w.t("grading_heading"))
    grade = (grading.grade,) if grading else ("",)
    graded_on = v.date(grading.graded_on) if grading and grading.graded_on else w.t("date_blank")
    by = v.pick(grading, "by") if grading and (grading.by_ja or grading.by_en) else ("",)
    page.table([
        Row(w.t("final_grade"), Cell(grade, iid, "grading.grade", size=14, lines=1)),
        Row(w.t("graded_by"), Cell(by, iid, "grading.by")),
        Row(w.t("graded_on"), Cell(graded_on, iid, "grading.graded_on")),
        Row(w.t("signature"), Cell(("",))),
    ], min_row=26)
    page.paragraph(w.t("grade_note"), size=9, field="grade_note")
    return page.finish()
