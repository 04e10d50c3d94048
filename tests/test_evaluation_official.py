"""The evaluation certificate issued by the host company, the grading sheet for the faculty member, and
no document dated before the evaluation it states."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pipeline.renderers import documents
from tests.pdf_helpers import context, examples, make, pdftotext, reader

ROOT = Path(__file__).resolve().parent.parent
AFTER = date(2026, 12, 15)  # 22DA0101's evaluation was received on December 10


def ceri(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def flat(s: str) -> str:
    return " ".join(s.split())


def test_the_company_is_the_issuer_with_a_seal_area(tmp_path):
    pdf = make("evaluation-certificate", "ja+en", "22DA0101", "CERI-2026-003",
               ctx=context("22DA0101", "CERI-2026-003", as_of=AFTER))
    text = flat(pdftotext(pdf, tmp_path))
    assert "当社が上記のとおり評価したことを証明します" in text
    assert "社印 / Company seal" in text
    # the issuer block: the company's address and name, the evaluator; the university only as addressee
    tail = text[text.index("当社が上記"):]
    assert "東京都港区虎ノ門4-1-1" in tail and "AT&T <Japan> 株式会社" in tail and "研究部長" in tail and "鈴木 大輔" in tail
    assert "学長 総研 太郎" not in text and "国立大学法人 総合研究大学院大学長 殿" in text
    assert len(reader(pdf).pages) == 1


def test_an_evaluator_written_in_one_language_is_printed_once(tmp_path):
    records = examples()
    internship = records.internships["CERI-2026-003"]
    ev = internship.evaluation.model_copy(update={"evaluator": internship.evaluation.evaluator.model_copy(
        update={"name_en": None, "title_en": None})})
    ctx = context("22DA0101", "CERI-2026-003", as_of=AFTER)
    ctx["internship"] = internship.model_copy(update={"evaluation": ev})
    text = pdftotext(make("evaluation-certificate", "ja+en", "22DA0101", "CERI-2026-003", ctx=ctx), tmp_path)
    assert text.count("鈴木 大輔") == 1


def test_not_before_the_evaluation_was_received(tmp_path):
    out = tmp_path / "c.pdf"
    for doc in ("evaluation-certificate", "grading-sheet"):
        r = ceri("render", doc, "examples", "--student", "22DA0101", "--internship", "CERI-2026-003",
                 "--as-of", "2026-06-01", "--register", tmp_path / "reg.sqlite", "-o", out)
        assert r.returncode == 2 and "received on 2026-12-10, after the issue date 2026-06-01" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and not out.exists()


def test_grading_sheet_is_a_declared_kind_for_the_faculty_member(tmp_path):
    kind = documents()["grading-sheet"]
    assert kind.title == {"ja": "成績評価票", "en": "Grading Sheet"} and kind.internship
    records = examples()
    internship = records.internships["CERI-2026-003"]
    from pipeline.records.models import Grading

    graded = internship.model_copy(update={"grading": Grading(
        grade="A", by_ja="教育開発 花子", by_en="Hanako KYOIKU", graded_on=date(2027, 1, 20))})
    ctx = context("22DA0101", "CERI-2026-003", as_of=AFTER)
    ctx["internship"] = graded
    text = flat(pdftotext(make("grading-sheet", "ja+en", "22DA0101", "CERI-2026-003", ctx=ctx), tmp_path))
    for value in ("成績評価票", "Grading Sheet", "髙橋 健太", "TAKAHASHI Kenta", "AT&T <Japan> 株式会社", "21/25",
                  "62日・372時間", "研究部長", "鈴木 大輔 / Daisuke SUZUKI", "成績 / Grade", "教育開発 花子", "令和9年1月20日"):
        assert value in text, value
    assert text.split("成績 / Grade")[1].split()[0] == "A"


@pytest.mark.parametrize("lang", ["ja", "en", "ja+en"])
def test_grading_sheet_ungraded_has_an_empty_grade_box(tmp_path, lang):
    pdf = make("grading-sheet", lang, "22DA0101", "CERI-2026-003", ctx=context("22DA0101", "CERI-2026-003",
                                                                               as_of=AFTER))
    assert len(reader(pdf).pages) == 1
    text = pdftotext(pdf, tmp_path)
    assert ("成績評価" in text) if lang != "en" else ("Grade" in text)
