"""Every PDF document in every language, read back with pdftotext, pdffonts and pypdf."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from pipeline import fonts
from pipeline.rules.money import remuneration
from tests.pdf_helpers import EXAMPLES, MAX_BYTES, ROOT, context, examples, make, pdffonts, pdftotext, reader

LANGS = ("ja", "en", "ja+en")

# (doc, student, internship, year) → the values each language must show exactly
CASES: dict[tuple[str, str, str | None, int | None], dict[str, list[str]]] = {
    ("enrollment-certificate", "23DB0012", None, None): {
        "ja": ["在学証明書", "グエン ティ ラン", "NGUYỄN Thị Lan", "1996年4月12日", "23DB0012", "情報学コース",
               "国立情報学研究所", "博士課程（5年一貫制）", "第3学年", "令和5年4月1日", "令和10年3月31日",
               "発行日", "令和8年6月1日", "学長", "総研 太郎", "国立大学法人 総合研究大学院大学", "印"],
        "en": ["Certificate of Enrollment", "NGUYỄN Thị Lan", "April 12, 1996", "Informatics Program",
               "National Institute of Informatics", "Doctoral course (5-year), Year 3", "April 1, 2023",
               "March 31, 2028", "June 1, 2026", "Taro SOKEN, President"],
        "ja+en": ["在学証明書", "Certificate of Enrollment", "氏名", "Name", "グエン ティ ラン", "NGUYỄN Thị Lan",
                  "1996年4月12日", "April 12, 1996", "令和8年6月1日", "June 1, 2026"],
    },
    ("enrollment-certificate", "22DA0101", None, None): {
        "ja": ["髙橋 健太", "TAKAHASHI Kenta", "平成11年11月3日", "国立遺伝学研究所"],
        "en": ["TAKAHASHI Kenta", "November 3, 1999", "National Institute of Genetics"],
        "ja+en": ["髙橋 健太", "TAKAHASHI Kenta"],
    },
    ("enrollment-certificate", "24DC0033", None, None): {
        "ja": ["山﨑 美咲", "YAMASAKI Misaki", "博士後期課程", "第2学年"],
        "en": ["YAMASAKI Misaki", "Doctoral course (3-year), Year 2"],
        "ja+en": ["山﨑 美咲", "YAMASAKI Misaki"],
    },
    ("enrollment-certificate", "22DB0066", None, None): {
        "ja": ["YILDIZ Ayşe Gül"], "en": ["YILDIZ Ayşe Gül"], "ja+en": ["YILDIZ Ayşe Gül"],
    },
    ("internship-certificate", "23DB0012", "CERI-2026-001", None): {
        "ja": ["研究インターンシップ実施証明書", "グエン ティ ラン", "NGUYỄN Thị Lan", "ベトナム", "株式会社湘南データラボ",
               "東京都千代田区丸の内1-1-1", "03-1234-5678", "情報通信業", "研究インターン（機械学習）",
               "大規模言語モデルの評価手法に関する研究開発", "令和8年7月1日 〜 令和8年9月30日", "38.75時間",
               "月額 300,000円", "ジョブ型研究インターンシップ", "（2単位）"],
        "en": ["Certificate of Internship", "NGUYỄN Thị Lan", "Viet Nam", "Shonan Data Lab Inc.",
               "1-1-1 Marunouchi, Chiyoda-ku, Tokyo", "July 1, 2026 – September 30, 2026", "38.75 hours",
               "¥300,000 per month", "Cooperative Education through Research Internships", "(2 credits)"],
        "ja+en": ["グエン ティ ラン", "NGUYỄN Thị Lan", "株式会社湘南データラボ", "Shonan Data Lab Inc.",
                  "令和8年7月1日", "July 1, 2026", "月額 300,000円", "¥300,000 per month"],
    },
    ("internship-certificate", "22DA0101", "CERI-2026-003", None): {
        "ja": ["AT&T <Japan> 株式会社", "髙橋 健太", "時給 1,800円", "30時間", "令和8年9月1日 〜 令和8年11月30日"],
        "en": ["AT&T <Japan> K.K.", "TAKAHASHI Kenta", "¥1,800 per hour", "30 hours"],
        "ja+en": ["AT&T <Japan> 株式会社", "AT&T <Japan> K.K."],
    },
    ("permit-checklist", "23DB0012", "CERI-2026-001", None): {
        "ja": ["資格外活動許可申請 提出書類チェックリスト", "グエン ティ ラン", "留学", "AB12345678CD", "4年3か月",
               "令和9年9月30日", "東京出入国在留管理局 横浜支局", "令和8年5月1日", "資格外活動許可申請書", "旅券",
               "在留カード", "在学証明書", "研究インターンシップ実施証明書", "雇用契約書", "本人", "事務局", "受入企業",
               "手数料", "令和8年5月26日に許可された個別許可の範囲内"],
        "en": ["Checklist", "NGUYỄN Thị Lan", "Student", "AB12345678CD", "4 years 3 months", "September 30, 2027",
               "Yokohama", "May 1, 2026", "Passport", "Residence card", "Secretariat", "Host company",
               "no application fee", "Covered by the individual permission"],
        "ja+en": ["留学", "Student", "AB12345678CD", "令和8年5月1日", "May 1, 2026"],
    },
    ("permit-checklist", "24DB0055", None, None): {
        "ja": ["SHARMA Priya", "EF34567890GH", "3年6か月", "東京出入国在留管理局", "令和8年6月15日"],
        "en": ["SHARMA Priya", "3 years 6 months", "June 15, 2026"],
        "ja+en": ["SHARMA Priya", "June 15, 2026"],
    },
    ("evaluation-certificate", "22DA0101", "CERI-2026-003", None): {
        "ja": ["評価証明書", "髙橋 健太", "AT&T <Japan> 株式会社", "研究遂行能力", "4/5", "5/5", "3/5", "62日",
               "372時間", "課題設定が的確で", "進捗の共有をより頻繁に行うとよい。", "期待を上回る成果であった。",
               "研究部長", "鈴木 大輔", "評価書記入日", "令和8年12月4日", "社印", "当社が上記のとおり評価した"],
        "en": ["Evaluation Certificate", "TAKAHASHI Kenta", "AT&T <Japan> K.K.", "Research ability", "62 days",
               "372 hours", "Daisuke SUZUKI, Research Director", "Evaluation dated", "December 4, 2026",
               "Company seal"],
        "ja+en": ["評価証明書", "Evaluation Certificate", "髙橋 健太", "TAKAHASHI Kenta", "4/5"],
    },
    ("jsps-report", "22DA0101", None, 2026): {
        "ja": ["報酬受給報告書", "様式5-3", "日本学術振興会", "DC1", "24KJ0101", "髙橋 健太", "森 真理",
               "令和8年3月15日", "葉山バイオテック株式会社", "AT&T <Japan> 株式会社", "750,000円", "見込み",
               "令和8年（2026年）", "令和9年（2027年）4月1日から4月20日まで", "報告日"],
        "en": ["Report on Remuneration Received", "TAKAHASHI Kenta", "Mari MORI", "March 15, 2026",
               "Hayama Biotech Co., Ltd.", "AT&T <Japan> K.K.", "¥750,000", "April 1 to April 20, 2027"],
        "ja+en": ["髙橋 健太", "TAKAHASHI Kenta", "750,000円", "¥750,000"],
    },
    ("jsps-report", "24DC0033", None, 2025): {
        "ja": ["山﨑 美咲", "DC2", "25KJ0033", "東海アグリサイエンス株式会社", "600,000円", "令和7年（2025年）"],
        "en": ["YAMASAKI Misaki", "Tokai Agriscience Co., Ltd.", "¥600,000", "2025"],
        "ja+en": ["山﨑 美咲", "600,000円", "¥600,000"],
    },
}
PARAMS = [pytest.param(key, lang, id=f"{key[0]}-{key[1]}-{lang}") for key in CASES for lang in LANGS]


@pytest.fixture(scope="module")
def rendered() -> dict:
    """Each document rendered once (twice for the determinism check)."""
    out = {}
    for (doc, student, internship, year) in CASES:
        for lang in LANGS:
            # a report for the current year is prepared with its amounts estimated (--allow-estimated)
            options = {"allow_estimated": True} if doc == "jsps-report" else None
            # the evaluation certificate is issued once the evaluation is in (received 2026-12-10)
            ctx = context(student, internship, year=year, as_of=date(2026, 12, 15)) \
                if doc == "evaluation-certificate" else None
            out[(doc, student, internship, year, lang)] = make(doc, lang, student, internship, year=year,
                                                               options=options, ctx=ctx)
    return out


@pytest.mark.parametrize(("key", "lang"), PARAMS)
def test_values_appear_exactly(rendered, tmp_path, key, lang):
    text = pdftotext(rendered[(*key, lang)], tmp_path)
    missing = [v for v in CASES[key][lang] if v not in text]
    assert not missing, f"missing {missing} in:\n{text}"


@pytest.mark.parametrize(("key", "lang"), PARAMS)
@pytest.mark.skipif(not fonts.embedded(), reason="IPAex fonts not installed: reportlab CID fonts are not embedded")
def test_one_page_small_embedded_subset_fonts(rendered, tmp_path, key, lang):
    pdf = rendered[(*key, lang)]
    assert len(pdf) <= MAX_BYTES, len(pdf)
    assert len(reader(pdf).pages) == 1
    rows = pdffonts(pdf, tmp_path)
    assert rows, "no fonts"
    for row in rows:  # name type… encoding emb sub uni object id
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert "+" in row[0], row  # subset tag ABCDEF+Name


@pytest.mark.parametrize(("key", "lang"), PARAMS)
def test_metadata_and_language(rendered, key, lang):
    doc = key[0]
    r = reader(rendered[(*key, lang)])
    meta = r.metadata
    inst = examples().institution
    assert meta.author == {"ja": inst.name_ja, "en": inst.name_en, "ja+en": f"{inst.name_ja} / {inst.name_en}"}[lang]
    assert meta.subject == doc
    assert meta.title
    assert r.trailer["/Root"]["/Lang"] == ("en" if lang == "en" else "ja")


@pytest.mark.parametrize("lang", LANGS)
def test_same_input_same_bytes(rendered, lang):
    key = ("internship-certificate", "23DB0012", "CERI-2026-001", None)
    again = make(key[0], lang, key[1], key[2])
    assert again == rendered[(*key, lang)]


def test_two_processes_give_the_same_bytes(tmp_path):
    outs = []
    for n in (1, 2):
        out = tmp_path / f"{n}.pdf"
        run = subprocess.run([sys.executable, "-m", "pipeline", "render", "jsps-report", str(EXAMPLES), "--student",
                              "22DA0101", "--year", "2026", "--lang", "ja+en", "--as-of", "2027-04-01", "-o", str(out)],
                             capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_jsps_total_is_the_years_remuneration(rendered, tmp_path):
    records = examples()
    total = sum(remuneration(i, 2026).amount for i in records.internships_of("22DA0101"))
    text = pdftotext(rendered[("jsps-report", "22DA0101", None, 2026, "ja")], tmp_path)
    assert f"{total:,}円" in text


def test_ja_documents_follow_the_institutions_date_style(tmp_path):
    from tests.pdf_helpers import context

    ctx = context("23DB0012", "CERI-2026-001")
    ctx["institution"] = ctx["institution"].model_copy(update={"date_style": "western"})
    text = pdftotext(make("internship-certificate", "ja", "23DB0012", ctx=ctx), tmp_path)
    assert "2026年7月1日 〜 2026年9月30日" in text
    assert "令和" not in text


@pytest.mark.parametrize("doc", sorted({key[0] for key in CASES}))
def test_wording_files_have_the_same_keys_in_both_languages(doc):
    from pipeline.context.labels import document_text

    assert set(document_text(doc, "ja")) == set(document_text(doc, "en"))


def test_without_ipaex_the_cid_fallback_claims_only_what_its_encoding_maps():
    """With no TrueType font installed, reportlab's CID fonts (not embedded, warned about) draw the
    Japanese; a character outside their Shift_JIS-like set is an error naming it, not tofu in a viewer."""
    script = """
import pipeline.fonts as f
from pipeline.errors import RenderError
f.find = lambda role: None  # as on a machine without any of ceri's fonts
print(f.runs("髙橋 グエン ¥300,000"))
try:
    f.runs("Nguyễn Thị Lan", record="student 23DB0012", field="name_roman")
except RenderError as exc:
    print("error:", exc)
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    lines = run.stdout.splitlines()
    assert lines[0] == "[('HeiseiMin-W3', '髙橋 グエン ¥300,000')]"
    assert lines[1].startswith("error: ") and "student 23DB0012" in lines[1] and "name_roman" in lines[1]
    assert "'ễ' (U+1EC5, latin small letter e with circumflex and tilde)" in lines[1]
    assert "NOT embedded" in run.stderr
