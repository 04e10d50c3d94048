"""Fixed-size form fields: a value too long for its field goes to a continuation sheet (別紙) appended to
the same PDF; the field says 「別紙のとおり / See attached sheet」 and /V keeps the whole text (issue 20)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from pipeline.renderers import RenderRequest, render
from tests.pdf_helpers import EXAMPLES, ROOT, context, pdftotext, reader

JA = "大規模言語モデルの評価手法に関する研究開発に従事し、評価用データセットの設計と構築、評価指標の検討、実験の実施と結果の分析を行う。"
EN = "The intern designs and builds evaluation data sets for large language models, runs experiments and analyses the results. "


def duties(n_ja: int, n_en: int) -> tuple[str, str]:
    return (JA * 20)[:n_ja], (EN * 40)[:n_en].strip()


def permit(ja: str, en: str, *, flatten: bool = False) -> bytes:
    ctx = context("23DB0012", "CERI-2026-001")
    ctx["internship"] = ctx["internship"].model_copy(update={"duties_ja": ja, "duties_en": en})
    return render(RenderRequest(doc="permit-application", lang="ja+en", fmt="pdf", context=ctx,
                                options={"flatten": flatten}))


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("flatten", [False, True])
def test_a_realistic_job_description_fills_the_permit_application(tmp_path, flatten):
    ja, en = duties(160, 450)  # once "does not fit even at 5 pt"
    pdf = permit(ja, en, flatten=flatten)
    pages = reader(pdf).pages
    assert len(pages) == 2
    first = pdftotext(pdf, tmp_path, "-f", "1", "-l", "1")  # the widgets' appearances too
    sheet = pdftotext(pdf, tmp_path, "-f", "2", "-l", "2")
    assert "別紙のとおり" in first and "See attached sheet" in first
    assert "別紙 / Attached sheet" in sheet and "12 (1)職務の内容 / Type of duties" in sheet
    assert "氏名 / Name: グエン ティ ラン（Thị Lan Nguyễn）" in sheet  # whose sheet, should it come apart
    assert squeeze(ja) in squeeze(sheet) and squeeze(en) in squeeze(sheet)
    if not flatten:  # the value itself stays whole: what a reader of the form's data gets
        assert reader(pdf).get_fields()["duties"]["/V"] == f"{ja}\n{en}"


def test_a_600_character_job_description_gives_a_sheet(tmp_path):
    ja, en = duties(600, 0)
    pdf = permit(ja, en)
    assert len(reader(pdf).pages) == 2
    sheet = pdftotext(pdf, tmp_path, "-f", "2")
    assert "■ 12 (1)職務の内容 / Type of duties" in sheet and squeeze(ja) in squeeze(sheet)


def test_a_sheet_flows_over_pages(tmp_path):
    ja, en = duties(600, 4500)
    pdf = permit(ja, en)
    pages = reader(pdf).pages
    assert len(pages) == 3  # the form, and two pages of 別紙
    text = pdftotext(pdf, tmp_path, "-f", "2")
    body = squeeze(pdftotext(pdf, tmp_path, "-f", "2", "-x", "0", "-W", "600", "-y", "112", "-H", "683"))  # below each page's header
    assert squeeze(ja) in body and squeeze(en) in body
    assert "別紙 1 / 2" in text and "別紙 2 / 2" in text


def test_short_values_get_no_sheet_and_the_same_bytes():
    ctx = context("23DB0012", "CERI-2026-001")
    pdf = render(RenderRequest(doc="permit-application", lang="ja+en", fmt="pdf", context=ctx))
    assert len(reader(pdf).pages) == 1
    assert b"Attached sheet" not in pdf


def test_the_pack_builds_with_a_long_job_description(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    src = (EXAMPLES / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    ja, en = duties(160, 450)
    block = "duties_ja: |\n" + "".join(f"  {line}\n" for line in (ja[:80], ja[80:])) + f"duties_en: {en}\n"
    lines = src.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("duties_ja:"))
    end = next(i for i, line in enumerate(lines) if line.startswith("duties_en:"))
    lines[start:end + 1] = [block]
    (folder / "lan.yaml").write_text("".join(lines), "utf-8")
    shutil.copy(EXAMPLES / "institution.yaml", folder / "institution.yaml")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "pipeline", "pack", str(folder), "-o", str(out), "--as-of",
                          "2026-06-01"], capture_output=True, text=True, cwd=ROOT)
    assert "1 built" in run.stdout and "0 failed" in run.stdout, run.stdout + run.stderr
    permit_pdf = next(out.rglob("permit-application.*.pdf"))
    assert len(reader(permit_pdf.read_bytes()).pages) == 2
    text = squeeze(pdftotext((next(out.rglob("pack.pdf"))).read_bytes(), tmp_path))
    assert squeeze(en) in text and squeeze(ja[:80] + ja[80:]) in text


def test_layout_problems_name_the_value_no_document_can_hold(tmp_path):
    from pipeline.records import load
    from pipeline.renderers import layout_problems

    assert layout_problems(load([EXAMPLES])) == []  # the examples: nothing render would refuse
    folder = tmp_path / "records"
    folder.mkdir()
    src = (EXAMPLES / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    src = src.replace("duties_en: Research and development of evaluation methods for large language models",
                      "duties_en: " + "research " * 4000)
    src = src.replace("given_ja: ティ ラン", "given_ja: ティ\U0001F600ラン")
    (folder / "lan.yaml").write_text(src, "utf-8")
    problems = layout_problems(load([folder]))
    assert len(problems) == 2
    by_field = {("duties_en" in p.message): p for p in problems}
    duties = by_field[True]
    assert duties.file.endswith("lan.yaml") and duties.line == src[:src.index("duties_en")].count("\n") + 1
    assert "internship CERI-2026-001" in duties.message and "35999 characters" in duties.message  # YAML drops the last space
    assert "U+1F600" in by_field[False].message and "name.given_ja" in by_field[False].message


def _scan() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen.canvas import Canvas

    buf = BytesIO()
    c = Canvas(buf, pagesize=(595, 842), invariant=1)
    c.drawString(72, 800, "Official form (scan)")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_an_overlay_box_too_small_sends_its_value_to_the_sheet(tmp_path):
    from pipeline.renderers.form.fill import Box, fill_overlay

    ja, _en = duties(300, 0)
    pdf = fill_overlay(_scan(), [Box(1, 100, 600, 300, 30, ja, multiline=True, name="12 duties")])
    assert len(reader(pdf).pages) == 2
    first, sheet = pdftotext(pdf, tmp_path, "-f", "1", "-l", "1"), pdftotext(pdf, tmp_path, "-f", "2")
    assert "別紙のとおり" in first and "■ 12 duties" in sheet and squeeze(ja) in squeeze(sheet)


def test_a_field_too_small_even_for_the_note_is_refused_naming_it():
    from pipeline.errors import RenderError
    from pipeline.renderers.form.fill import Box, fill_overlay

    with pytest.raises(RenderError, match="tiny.*too small even to say '別紙'"):
        fill_overlay(_scan(), [Box(1, 100, 600, 6, 6, "研究開発" * 10, name="tiny")])
