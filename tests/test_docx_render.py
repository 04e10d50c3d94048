"""Word certificates read back with python-docx: exact values, East Asian fonts, same bytes twice."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx.oxml.ns import qn
from docx_support import JAPANESE, all_paragraphs, make, open_docx, texts

from pipeline.renderers import documents
from pipeline.renderers.docx import build
from pipeline.renderers.docx.fonts import east_asian_font

DOCX_DOCS = ("enrollment-certificate", "internship-certificate", "evaluation-request")


def test_documents_yaml_declares_the_docx_renderers():
    for doc in DOCX_DOCS:
        assert documents()[doc].renderers["docx"] == "pipeline.renderers.docx.render:render_docx"
    assert documents()["evaluation-request"].internship is True
    assert documents()["evaluation-request"].certificate is False


def test_internship_certificate_ja_has_every_value_exactly():
    lines = texts(make("internship-certificate", "ja", "22DA0101", "CERI-2026-003"))
    for value in ("AT&T <Japan> 株式会社", "髙橋 健太", "TAKAHASHI Kenta", "22DA0101",
                  "遺伝学コース", "国立遺伝学研究所", "平成11年11月3日", "日本",
                  "博士課程（5年一貫制）\u3000第4学年", "東京都港区虎ノ門4-1-1", "データサイエンス研究インターン",
                  "通信ログの時系列解析による異常検知手法の研究", "令和8年9月1日 〜 令和8年11月30日",
                  "30時間", "時給 1,800円", "2単位", "令和8年12月15日", "国立大学法人 総合研究大学院大学",
                  "学長\u3000総研 太郎"):
        assert value in lines, value
    body = "\n".join(lines)
    assert "として単位が認定されるものであることを証明します。" in body  # templates/internship-certificate.ja.yaml
    assert "AT&amp;T" not in body and "&lt;" not in body  # escaped once in XML, not twice


def test_internship_certificate_en_has_every_value_exactly():
    lines = texts(make("internship-certificate", "en", "22DA0101", "CERI-2026-003", as_of=date(2026, 8, 20)))
    for value in ("AT&T <Japan> K.K.", "TAKAHASHI Kenta", "4-1-1 Toranomon, Minato-ku, Tokyo",
                  "September 1, 2026 \u2013 November 30, 2026", "¥1,800 per hour", "30 hours", "August 20, 2026",
                  "Genetics Program (National Institute of Genetics)", "Taro SOKEN", "President"):
        assert value in lines, value
    assert "is credited as the course \"Cooperative Education through Research Internships\" (2 credits)." in "\n".join(lines)


def test_vietnamese_name_and_era_dates_in_the_enrollment_certificate():
    ja = texts(make("enrollment-certificate", "ja", "23DB0012"))
    for value in ("グエン ティ ラン", "NGUYỄN Thị Lan", "1996年4月12日", "23DB0012", "情報学コース",
                  "国立情報学研究所", "博士課程（5年一貫制）\u3000第3学年", "ベトナム", "令和5年4月1日", "令和10年3月31日"):
        assert value in ja, value
    en = texts(make("enrollment-certificate", "en", "23DB0012"))
    for value in ("NGUYỄN Thị Lan", "April 12, 1996", "Doctoral course (5-year), Year 3", "Viet Nam", "April 1, 2023",
                  "March 31, 2028", "December 15, 2026"):
        assert value in en, value


def test_evaluation_request_says_what_by_when_and_where():
    ja = texts(make("evaluation-request", "ja", "22DA0101", "CERI-2026-003"))
    assert "AT&T <Japan> 株式会社" in ja
    assert "鈴木 大輔 様" in ja
    assert "令和8年12月29日" in ja  # sent after the end: two weeks from the letter
    assert "internship@example.soken.ac.jp（国立大学法人 総合研究大学院大学）" in ja
    en = texts(make("evaluation-request", "en", "23DB0012", as_of=date(2026, 6, 1)))
    assert "October 14, 2026" in en  # two weeks after the end (Sep 30)
    assert "Miho TANAKA" in en and "Shonan Data Lab Inc." in en
    assert any("research ability" in line for line in en)


def test_serial_is_printed_only_when_given():
    without = "\n".join(texts(make("enrollment-certificate", "ja", "23DB0012")))
    assert "証明書番号" not in without and "{%" not in without
    with_serial = texts(make("enrollment-certificate", "en", "23DB0012", options={"serial": "CERI-2026-00042"}))
    assert "Certificate No. CERI-2026-00042" in with_serial


def test_western_date_style_of_the_institution(tmp_path):
    from docx_support import records

    from pipeline.context import build_context
    from pipeline.renderers import RenderRequest, render

    recs = records()
    ctx = build_context(recs, "22DA0101", as_of=date(2026, 12, 15))  # a Japanese national: by date_style
    assert "平成11年11月3日" in texts(render(RenderRequest("enrollment-certificate", "ja", "docx", ctx)))
    ctx["institution"] = recs.institution.model_copy(update={"date_style": "western"})
    data = render(RenderRequest("enrollment-certificate", "ja", "docx", ctx))
    assert "1999年11月3日" in texts(data)


def test_ja_plus_en_certificate_is_one_bilingual_document():
    data = make("internship-certificate", "ja+en", "23DB0012")
    lines = texts(data)
    assert "研究インターンシップ実施証明書 / Certificate of Internship" in lines
    # bilingual labels as on the PDF, the same items as the PDF (birth date, nationality, course, institute)
    for value in ("氏名 / Name", "グエン ティ ラン / NGUYỄN Thị Lan", "生年月日 / Date of birth",
                  "1996年4月12日 / April 12, 1996", "国籍・地域 / Nationality / Region", "ベトナム / Viet Nam",
                  "博士課程（5年一貫制） / Doctoral course (5-year), 第3学年 / Year 3", "印", "情報学コース（国立情報学研究所） / Informatics Program (National Institute of Informatics)"):
        assert value in lines, value
    d = open_docx(data)
    breaks = d.element.body.findall(f".//{qn('w:br')}")
    assert [b.get(qn("w:type")) for b in breaks if b.get(qn("w:type"))] == []  # one document, no page break
    margins = d.element.body.findall(f".//{qn('w:tblCellMar')}")
    assert margins and margins[0].find(qn("w:left")).get(qn("w:w")) == "113"  # text clear of the borders


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_word_certificates_carry_the_pdfs_items_and_a_seal_space(lang):
    lines = texts(make("enrollment-certificate", lang, "23DB0012"))
    expected = {"ja": ["ベトナム", "1996年4月12日", "国立情報学研究所", "博士課程（5年一貫制）\u3000第3学年", "印"],
                "en": ["Viet Nam", "April 12, 1996", "National Institute of Informatics",
                       "Doctoral course (5-year), Year 3", "Seal"]}[lang]
    for value in expected:
        assert value in lines, value

@pytest.mark.parametrize("doc", DOCX_DOCS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_run_holding_japanese_has_the_east_asian_font(doc, lang):
    d = open_docx(make(doc, lang, "22DA0101", "CERI-2026-003"))
    japanese = 0
    for p in all_paragraphs(d):
        for run in p.runs:  # every run, so a value in Japanese on an English document is covered too
            assert east_asian_font(run) == "IPAex明朝", run.text
            fonts = run._r.rPr.find(qn("w:rFonts"))  # on the run itself, not only inherited
            assert fonts.get(qn("w:eastAsia")) == "IPAex明朝" and fonts.get(qn("w:ascii"))
            assert fonts.get(qn("w:eastAsiaTheme")) is None
            japanese += bool(JAPANESE.search(run.text))
    assert japanese > 5 if lang == "ja" else japanese == 0
    normal = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "IPAex明朝" and normal.get(qn("w:ascii")) == "Times New Roman"
    defaults = d.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert defaults.get(qn("w:eastAsia")) == "IPAex明朝" and defaults.get(qn("w:eastAsiaTheme")) is None


def test_same_input_same_bytes_and_fixed_zip_metadata():
    a = make("internship-certificate", "ja+en", "22DA0101", "CERI-2026-003")
    b = make("internship-certificate", "ja+en", "22DA0101", "CERI-2026-003")
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        assert names[2:] == sorted(names[2:])
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = open_docx(a).core_properties
    assert props.created == props.modified == datetime(2026, 12, 15, tzinfo=UTC)
    assert props.author == props.last_modified_by == "ceri"
    later = make("internship-certificate", "ja+en", "22DA0101", "CERI-2026-003", as_of=date(2026, 12, 16))
    assert later != a and open_docx(later).core_properties.created == datetime(2026, 12, 16, tzinfo=UTC)


@pytest.mark.parametrize("doc", DOCX_DOCS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_templates_are_built_reproducibly_with_every_tag_in_one_run(doc, lang):
    path = build.template_path(doc, lang)
    data = path.read_bytes()
    assert build.build(doc, lang) == data, "stale: run python -m pipeline.renderers.docx.build"
    tags = 0
    for p in all_paragraphs(open_docx(data)):
        run_tags = [t for r in p.runs for t in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", r.text)]
        assert run_tags == re.findall(r"\{\{.*?\}\}|\{%.*?%\}", p.text), p.text
        for r in p.runs:
            assert r.text.count("{{") == r.text.count("}}") and r.text.count("{%") == r.text.count("%}")
        tags += len(run_tags)
    assert tags >= 8
