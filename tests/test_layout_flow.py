"""Long values flow, they do not shrink to nothing: rows grow at 9 pt or more, documents continue on the
next page under the title marked （続き）/ (continued), with page numbers, the issuer block whole (issue 20)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pipeline.errors import RenderError
from tests.pdf_helpers import context, make, pdftotext, reader
from tests.test_layout_breaks import with_values

DUTIES_JA = ("本インターンシップでは、大規模言語モデルの評価手法に関する研究開発に従事する。"
             "具体的には、評価用データセットの設計と構築、評価指標の検討、実験の実施と結果の分析を行い、"
             "成果を社内の研究会で報告する。") * 5
DUTIES_JA = DUTIES_JA[:600]
DUTIES_EN = ("The intern designs and builds evaluation data sets for large language models, runs the "
             "experiments, analyses their results and reports them at the team's research meetings. ") * 4
COMMENT_227 = ("Ms. Nguyen set clear research questions, designed careful experiments and explained her "
               "results to engineers and managers alike. 研究への姿勢は真摯で、チームの議論にも積極的に"
               "貢献しました。We would gladly welcome her again on future joint research projects.")


def squeeze(text: str) -> str:
    return "".join(text.split())


def flowing(text: str, *repeated: str) -> str:
    """pdftotext's text without what every page repeats (page numbers, the continued title, the label of
    a row that continues), squeezed: a value split between pages reads whole again."""
    keep = [line for line in text.splitlines()
            if not re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", line) and "（続き）" not in line
            and "(continued)" not in line and line.strip() not in repeated]
    return squeeze("\n".join(keep))


def sizes(pdf: bytes) -> list[tuple[int, float, str]]:
    """(page, font size, text) of every text run, as pypdf reads them."""
    out = []
    for n, page in enumerate(reader(pdf).pages, 1):
        def visit(text, cm, tm, font, size, n=n):
            if text.strip():
                out.append((n, size * abs(tm[0]) * abs(cm[0]), text))
        page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("lang", ["ja", "en", "ja+en"])
def test_600_character_duties_flow_onto_a_second_page_at_9_pt_or_more(tmp_path, lang):
    # 600 Japanese characters take two pages; in English (more per line) it takes three times as many
    duties_en = DUTIES_EN * (3 if lang == "en" else 1)
    ctx = with_values("23DB0012", "CERI-2026-001", duties_ja=DUTIES_JA, duties_en=duties_en)
    pdf = make("internship-certificate", lang, "23DB0012", ctx=ctx)
    pages = reader(pdf).pages
    assert len(pages) == 2
    text = pdftotext(pdf, tmp_path)
    for value in ([DUTIES_JA] if lang == "ja" else [duties_en] if lang == "en" else [DUTIES_JA, duties_en]):
        assert squeeze(value) in flowing(text, "Duties", "職務内容", "職務内容 / Duties")  # every character, in order, nothing clipped
    duties = squeeze(DUTIES_JA + DUTIES_EN)
    runs = sizes(pdf)
    body = [size for _, size, t in runs if squeeze(t) and squeeze(t) in duties]
    assert body and min(body) >= 9.0
    assert min(size for _, size, t in runs if "CERI-2026" not in t) >= 9.0  # labels and values alike: nothing below 9 pt but the serial under the QR code
    page2 = pages[1].extract_text()
    assert ("（続き）" in page2) == (lang != "en") and ("(continued)" in page2) == (lang != "ja")
    assert "1 / 2" in pages[0].extract_text() and "2 / 2" in page2
    # the issuer block is whole, on the page of the certifying sentence's last lines
    last = pdftotext(pdf, tmp_path, "-f", "2", "-l", "2")
    assert "印" in last and ("総研" in last or "SOKEN" in last)
    assert "証明します" in squeeze(last) or "certify" in last


def test_a_short_certificate_stays_one_page_without_a_page_number(tmp_path):
    pdf = make("internship-certificate", "ja+en", "23DB0012", "CERI-2026-001")
    assert len(reader(pdf).pages) == 1
    assert not re.search(r"^\s*1 / 1\s*$", pdftotext(pdf, tmp_path), re.M)


@pytest.mark.parametrize("lang", ["ja", "en", "ja+en"])
def test_the_companys_227_character_comment_goes_on_the_evaluation_certificate(tmp_path, lang):
    assert len(COMMENT_227) == 227
    ctx = with_values(evaluation={"comment": COMMENT_227})
    ctx["today"] = date(2026, 12, 15)  # issued after the evaluation was received (December 10)
    pdf = make("evaluation-certificate", lang, "22DA0101", ctx=ctx)
    assert squeeze(COMMENT_227) in squeeze(pdftotext(pdf, tmp_path))
    body = [s for _, s, t in sizes(pdf) if squeeze(t) and squeeze(t) in squeeze(COMMENT_227)]
    assert min(body) >= 9.0


def test_a_long_jsps_table_repeats_its_header_on_the_next_page(tmp_path):
    ctx = with_values("22DA0101", "CERI-2026-003", duties_ja=DUTIES_JA * 2, duties_en=DUTIES_EN * 2)
    ctx["internship"] = None
    ctx["today"] = date(2027, 4, 1)  # the 2026 report is issued in 2027
    pdf = make("jsps-report", "ja+en", "22DA0101", ctx=ctx)
    pages = reader(pdf).pages
    assert len(pages) >= 2
    # the duties column alone (pdftotext -x/-W: 72 dpi, the grid's third column; below each page's title)
    column = pdftotext(pdf, tmp_path, "-x", "312", "-W", "126", "-y", "90", "-H", "700")
    assert squeeze(DUTIES_JA * 2) in flowing(column, "職務内容 / Duties")
    for page in pages[1:]:
        text = page.extract_text()
        assert "(continued)" in text
    assert any("支払者" in p.extract_text() or "Payer" in p.extract_text() for p in pages[1:])


@pytest.mark.parametrize("lang", ["ja", "ja+en"])
def test_the_notes_of_a_page_share_one_size(lang):
    pdf = make("permit-checklist", lang, "23DB0012", "CERI-2026-001")
    notes = {round(s, 2) for _, s, t in sizes(pdf) if t.lstrip().startswith("・")}
    assert len(notes) == 1, notes


def test_a_value_too_long_for_any_document_names_the_field():
    ctx = context("22DA0101", "CERI-2026-003")
    company = ctx["internship"].company.model_copy(update={"name_ja": "研究" * 20000})
    ctx["internship"] = ctx["internship"].model_copy(update={"company": company})
    with pytest.raises(RenderError) as err:
        make("internship-certificate", "ja", "22DA0101", ctx=ctx)
    assert err.value.field == "company.name" and "CERI-2026-003" in str(err.value)
