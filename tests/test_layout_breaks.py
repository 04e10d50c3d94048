"""Line breaks in values are content: drawn as separate lines in every PDF document, every multi-line
form field and the DOCX, and kept exactly in the form's /V (issue 20)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from pipeline.renderers import RenderRequest, render
from tests.pdf_helpers import context, make, pdftotext, reader

LANGS = ["ja", "en", "ja+en"]
DUTIES_JA = "大規模言語モデルの評価手法の研究\n評価用データセットの設計と構築\n成果の社内報告"
DUTIES_EN = "Research on evaluation methods for large language models\nDesign of evaluation data sets\n\nReports"
COMMENT = "Excellent work throughout the internship.\n研究への姿勢が非常に真摯でした。\nWe would welcome her again."


def with_values(student: str = "22DA0101", internship: str = "CERI-2026-003", **update) -> dict:
    """The example's context with the internship (and its evaluation) changed."""
    ctx = context(student, internship, year=2026)
    i = ctx["internship"]
    ev = update.pop("evaluation", None)
    if ev is not None:
        update["evaluation"] = i.evaluation.model_copy(update=ev)
    changed = i.model_copy(update=update)
    ctx["internship"] = changed
    ctx["internships"] = [changed if x.id == i.id else x for x in ctx["internships"]]
    return ctx


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def assert_own_lines(text: str, value: str) -> None:
    """Each line of value is found on a line of text of its own: never run into its neighbour."""
    got = lines_of(text)
    parts = [p for p in value.split("\n") if p]
    for a, b in zip(parts, parts[1:], strict=False):
        holder = [line for line in got if a in line]
        assert holder, (a, text)
        assert not any(b in line for line in holder), (a, b)
    for p in parts:
        assert any(p in line for line in got), (p, text)


@pytest.mark.parametrize("lang", LANGS)
def test_multiline_duties_on_the_internship_certificate(tmp_path, lang):
    ctx = with_values(duties_ja=DUTIES_JA, duties_en=DUTIES_EN)
    pdf = make("internship-certificate", lang, "22DA0101", ctx=ctx)
    text = pdftotext(pdf, tmp_path)
    if lang != "en":
        assert_own_lines(text, DUTIES_JA)
    if lang != "ja":
        assert_own_lines(text, DUTIES_EN)


@pytest.mark.parametrize("lang", LANGS)
def test_multiline_company_comment_on_the_evaluation_certificate(tmp_path, lang):
    ctx = with_values(evaluation={"comment": COMMENT, "strengths": "Careful\nThorough"})
    pdf = make("evaluation-certificate", lang, "22DA0101", ctx=ctx)
    text = pdftotext(pdf, tmp_path)
    assert_own_lines(text, COMMENT)
    assert_own_lines(text, "Careful\nThorough")


@pytest.mark.parametrize("lang", LANGS)
def test_multiline_duties_on_the_jsps_report(tmp_path, lang):
    ctx = with_values("22DA0101", "CERI-2026-003", duties_ja="研究開発\n評価", duties_en="Research\nEvaluation")
    ctx["internship"] = None
    pdf = make("jsps-report", lang, "22DA0101", ctx=ctx)
    text = pdftotext(pdf, tmp_path)
    if lang != "en":
        assert_own_lines(text, "研究開発\n評価")
    if lang != "ja":
        assert_own_lines(text, "Research\nEvaluation")


@pytest.mark.parametrize("flatten", [False, True])
def test_multiline_duties_in_the_permit_application(tmp_path, flatten):
    ctx = with_values("23DB0012", "CERI-2026-001", duties_ja="研究開発\n評価", duties_en="Research\nEvaluation")
    pdf = render(RenderRequest(doc="permit-application", lang="ja+en", fmt="pdf", context=ctx,
                               options={"flatten": flatten}))
    assert_own_lines(pdftotext(pdf, tmp_path), "研究開発\n評価\nResearch\nEvaluation")
    if not flatten:
        assert reader(pdf).get_fields()["duties"]["/V"] == "研究開発\n評価\nResearch\nEvaluation"


@pytest.mark.parametrize("lang", LANGS)
def test_multiline_duties_in_the_docx(lang):
    ctx = with_values(duties_ja=DUTIES_JA, duties_en=DUTIES_EN)
    data = render(RenderRequest(doc="internship-certificate", lang=lang, fmt="docx", context=ctx))
    d = docx.Document(io.BytesIO(data))
    cells = {cell.text for table in d.tables for row in table.rows for cell in row.cells}
    if lang != "en":
        assert DUTIES_JA in cells  # python-docx reads each w:br back as "\n"
    if lang != "ja":
        assert DUTIES_EN in cells
    assert b"<w:br/>" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


@pytest.mark.parametrize("flatten", [False, True])
def test_a_multiline_comment_in_the_evaluation_forms_box(tmp_path, flatten):
    """What a company types with Enter in the comment box, filled by ceri (e.g. a corrected copy)."""
    from pipeline.renderers.form.fill import fill_acroform
    from pipeline.resources import FORMS

    pdf = fill_acroform((FORMS / "evaluation-form.pdf").read_bytes(), {"comment": COMMENT}, flatten_out=flatten)
    assert_own_lines(pdftotext(pdf, tmp_path), COMMENT)
    if not flatten:
        assert reader(pdf).get_fields()["comment"]["/V"] == COMMENT
