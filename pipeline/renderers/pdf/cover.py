"""表紙 / Cover sheet: the page a person reads first in pack.pdf — who and which internship, the stage it has
reached, the findings in plain words with who must act on each, and what is still missing.

Made by `ceri pack` (pack/build.py), which passes in options:
  stage      a stage key (pack/select.stage): preparing, awaiting_permit, in_progress, awaiting_evaluation,
             evaluated, graded
  findings   the internship's findings (Finding.to_json() dicts)
  documents  the pack's manifest entries ({doc, status, reason?})
  case       optional: pipeline/desk's case_summary (step, next action, owner), shown when given
"""

from __future__ import annotations

from functools import cache

import yaml

from pipeline.context import require_internship
from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.renderers import RenderRequest, documents
from pipeline.renderers.pdf.common import name_rows
from pipeline.renderers.pdf.layout import Cell, Page, Row
from pipeline.renderers.pdf.words import langs
from pipeline.resources import TEMPLATES

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
MAX_FINDINGS = 5  # the rest are in findings.json: the cover stays one page


@cache
def actors() -> dict[str, str]:
    """Finding code → who acts on it (templates/cover-actors.yaml)."""
    return yaml.safe_load((TEMPLATES / "cover-actors.yaml").read_text("utf-8"))


def _stage_paras(w, opts: dict, lg: str) -> tuple[str, ...]:
    """The stage in words, with the desk's STEP where the pack passes the case."""
    stage = w.t(f"stage_{opts['stage']}")
    case = opts.get("case")
    if not case:
        return stage
    return tuple(f"{p}（STEP {case['step']}: {case[f'step_{x}']}）" if x == "ja" else
                 f"{p} (STEP {case['step']}: {case[f'step_{x}']})" for p, x in zip(stage, langs(lg), strict=True))


def cover_sheet(request: RenderRequest) -> bytes:
    opts = request.options
    if "stage" not in opts:
        raise CeriError(_("the cover sheet is made by `ceri pack` (it needs the pack's findings and documents)"))
    require_internship(request.context, request.doc)
    student = request.context["student"]
    internship = request.context["internship"]
    page = Page(request)
    w, v, iid, lg = page.words, page.values, internship.id, page.lang
    page.header()
    page.title()
    page.table(name_rows(page, student) + [
        Row(w.label("student_number"), Cell((student.id,), student.id, "id")),
        Row(w.t("internship"), Cell((iid,), iid, "id")),
        Row(w.label("company"), Cell(v.pick(internship.company, "name"), iid, "company.name")),
        Row(w.label("period"), Cell(v.period(internship.period), iid, "period")),
        Row(w.t("stage"), Cell(_stage_paras(w, opts, lg), iid, "steps")),
    ])
    kinds = documents()
    entries = opts.get("documents") or []
    present = [e["doc"] for e in entries if e.get("status") == "present"]
    titles = [" / ".join(kinds[d].title[x] for x in langs(lg)) for d in dict.fromkeys(present)]
    page.heading(w.t("documents_heading"))
    page.paragraph(("、".join(titles) if lg != "en" else "; ".join(titles),) if titles else w.t("none"), size=9,
                   field="documents")
    findings = sorted(opts.get("findings") or [], key=lambda f: SEVERITY_ORDER[f["severity"]])
    page.heading(w.t("findings_heading"))
    if findings:
        rows = []
        for f in findings[:MAX_FINDINGS]:
            message = (f[f"message_{langs(lg)[0]}"],)  # one language: a summary, not a second copy
            who = actors().get(f["code"], "secretariat")
            rows.append([Cell(w.t(f"severity_{f['severity']}"), align="center", lines=1),
                         Cell(message, f["student"], f["code"], lines=7, size=9),
                         Cell(w.t(f"actor_{who}"), align="center", lines=2)])
        page.grid([w.t("severity"), w.t("finding"), w.t("who")], rows, [60, 330, 90])
        if len(findings) > MAX_FINDINGS:
            page.paragraph(w.t("more_findings", n=len(findings) - MAX_FINDINGS), size=9, field="findings")
    else:
        page.paragraph(w.t("no_findings"), size=9, field="findings")
    page.heading(w.t("missing_heading"))
    missing = [e for e in entries if e.get("status") == "missing"]
    case = opts.get("case")
    if case:  # the desk's next action and who owns it (pipeline/desk): the same words as `ceri status`
        lines = [tuple(f"{case[f'next_action_{x}']}（{case[f'owner_{x}']}）" if x == "ja" else
                       f"{case[f'next_action_{x}']} ({case[f'owner_{x}']})" for x in langs(lg))]
    else:
        lines = [w.t(f"next_{opts['stage']}")]
    for e in missing:
        title = " / ".join(kinds[e["doc"]].title[x] for x in langs(lg)) if e["doc"] in kinds else e["doc"]
        lines.append(tuple(f"{title}: {e.get('reason') or ''}" for _x in langs(lg))[:1])
    for paras in lines:
        page.paragraph(tuple(f"・{p}" for p in paras), size=9, field="missing")
    return page.finish()
