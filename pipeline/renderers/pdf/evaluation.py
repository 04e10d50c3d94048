"""評価証明書 / Evaluation Certificate: the host company's evaluation (internship.evaluation), certified."""

from __future__ import annotations

from pipeline.context import formatting as fmt
from pipeline.context import require_internship
from pipeline.errors import CeriError
from pipeline.renderers import RenderRequest
from pipeline.renderers.pdf.common import name_rows
from pipeline.renderers.pdf.layout import Cell, Page, Row
from pipeline.renderers.pdf.words import both, langs

RATINGS = ("research", "problem_solving", "practical", "communication", "initiative")


def evaluation_certificate(request: RenderRequest) -> bytes:
    require_internship(request.context, request.doc)
    student = request.context["student"]
    internship = request.context["internship"]
    ev = internship.evaluation
    if ev is None:
        raise CeriError(
            f"internship '{internship.id}' has no evaluation yet: send the company the form "
            f"(ceri render evaluation-form RECORDS --student {student.id} --internship {internship.id} "
            "-o FORM.pdf), then read the filled form back into the records "
            "(ceri evaluation read FILLED.pdf --merge RECORD.yaml) and render this certificate again")
    page = Page(request)
    w, v, iid = page.words, page.values, internship.id
    page.header()
    page.title()
    rows = name_rows(page, student) + [
        Row(w.label("program"), Cell(v.pick(student.program, "name"), student.id, "program.name")),
        Row(w.label("company"), Cell(v.pick(internship.company, "name"), iid, "company.name")),
        Row(w.label("job_title"), Cell(v.pick(internship, "title"), iid, "title")),
        Row(w.label("period"), Cell(v.period(internship.period), iid, "period")),
    ]
    page.table(rows)
    page.heading(w.t("ratings_heading"))
    grid = []
    for key in RATINGS:
        score = getattr(ev.ratings, key)
        grid.append([Cell(w.t(f"rating_{key}"), iid, f"evaluation.ratings.{key}"),
                     Cell((f"{score}/5",), iid, f"evaluation.ratings.{key}", align="center", lines=1),
                     Cell(w.t(f"scale_{score}"), iid, f"evaluation.ratings.{key}", align="center")])
    page.grid([w.t("item"), w.t("score"), w.t("grade")], grid, [260, 80, 140])
    page.paragraph(w.t("scale_note"), size=8.5, field="scale_note")
    evaluator = []
    for lg in langs(page.lang):
        title, name = fmt.pick(ev.evaluator, "title", lg), fmt.pick(ev.evaluator, "name", lg)
        evaluator.append(f"{title}　{name}".strip() if lg == "ja" else f"{name}, {title}".strip(", "))
    texts = []
    for key in ("strengths", "improvements", "comment"):
        text = getattr(ev, key)
        if text:  # the company writes in one language: shown as written
            texts.append(Row(w.t(key), Cell((text,), iid, f"evaluation.{key}", lines=3)))
    page.table([
        Row(w.t("attendance_days"), Cell(w.t("days_value", n=ev.attendance_days), iid, "evaluation.attendance_days")),
        Row(w.t("hours_total"), Cell(v.hours(ev.hours_total), iid, "evaluation.hours_total")),
        *texts,
        Row(w.t("evaluator"), Cell(both(*evaluator, page.lang) if len(evaluator) == 2 else tuple(evaluator), iid, "evaluation.evaluator")),
        *([Row(w.t("evaluated_on"), Cell(v.date(ev.evaluated_on), iid, "evaluation.evaluated_on"))]
          if ev.evaluated_on else []),
        Row(w.t("received_on"), Cell(v.date(ev.received_on), iid, "evaluation.received_on")),
    ])
    page.paragraph(w.t("certify"), field="certify")
    page.issuer()
    return page.finish()
