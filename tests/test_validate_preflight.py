"""`validate` refuses what `render` and `pack` would refuse, each at the value's FILE:LINE:COLUMN: an
internship of an unknown student (with the id that was meant), a character no installed font can draw.
`pack` with such an internship exits 2 and writes nothing, never "0 built" and 0."""

from __future__ import annotations

import pytest

from pipeline.errors import Problem
from pipeline.records import load
from pipeline.renderers import preflight

from helpers import EXAMPLES, INTERNSHIP, STUDENT, ceri, write

STUDENT_25 = STUDENT.replace("id: S001", "id: 25DA0005")


def records_with(tmp_path, student_ref: str, *, name: str = "records.yaml"):
    text = STUDENT_25 + "---\n" + INTERNSHIP.replace("student: S001", f"student: {student_ref}")
    return write(tmp_path, text, name)


@pytest.mark.parametrize("typed", ["25da0005", "25DA0050", "25DA005", "25DA00O5"])
def test_an_unknown_student_id_is_an_error_with_the_id_meant(tmp_path, typed):
    path = records_with(tmp_path, typed)
    result = ceri("validate", path)
    assert result.returncode == 2 and result.stdout == "", result.stdout
    line = STUDENT_25.count("\n") + 1 + 3  # the internship's `student:` line
    assert result.stderr.splitlines() == [
        f"{path}:{line}:10: internship 'I001': no student '{typed}' among the loaded records "
        "(did you mean '25DA0005'?)"]


def test_an_unknown_student_far_from_any_id_asks_for_the_file(tmp_path):
    path = records_with(tmp_path, "99ZZ1234")
    result = ceri("validate", path)
    assert result.returncode == 2
    assert "no student '99ZZ1234' among the loaded records (give the file that holds it)" in result.stderr


def test_the_unknown_student_in_japanese(tmp_path):
    path = records_with(tmp_path, "25da0005")
    result = ceri("--lang-ui", "ja", "validate", path)
    assert result.returncode == 2
    assert ("インターンシップ 'I001' の学生 '25da0005' が読み込んだレコードにありません"
            "（'25DA0005' の誤りではありませんか？）") in result.stderr, result.stderr


def test_check_still_reports_the_finding(tmp_path):
    """check goes on: the unknown student is its finding unknown-student (exit 1), not bad input."""
    result = ceri("check", records_with(tmp_path, "25da0005"), "--as-of", "2026-06-01", "--format", "json")
    assert result.returncode == 1 and '"unknown-student"' in result.stdout


def test_pack_refuses_an_internship_of_an_unknown_student(tmp_path):
    path = records_with(tmp_path, "25da0005")
    out = tmp_path / "out"
    result = ceri("pack", path, "-o", out, "-q", "--jobs", "1")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "(did you mean '25DA0005'?)" in result.stderr and "0 built" not in result.stdout
    assert not out.exists()
    # asked for the student that was meant: still refused (its internship would be missing)
    result = ceri("pack", path, "-o", out, "-q", "--jobs", "1", "--student", "25DA0005")
    assert result.returncode == 2 and not out.exists()


def test_pack_of_another_student_is_not_held_up(tmp_path):
    other = STUDENT.replace("id: S001", "id: S002")
    path = write(tmp_path, STUDENT_25 + "---\n" + other + "---\n" + INTERNSHIP.replace("student: S001", "student: S002")
                 + "---\n" + INTERNSHIP.replace("id: I001", "id: I002").replace("student: S001", "student: 25da0005"))
    result = ceri("pack", path, EXAMPLES / "institution.yaml", "-o", tmp_path / "out", "-q", "--jobs", "1",
                  "--student", "S002",
                  "--as-of", "2026-06-01", "--lang", "en")
    assert "1 built" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("char, code", [("😀", "U+1F600"), ("ༀ", "U+0F00"), ("\ue000", "U+E000")])
def test_a_character_no_font_can_draw_is_refused_at_its_value(tmp_path, char, code):
    assert f"({code}, " in preflight.describe(char)
    text = STUDENT + "---\n" + INTERNSHIP.replace("title_ja: 研究インターン", f"title_ja: 研究{char}インターン")
    path = write(tmp_path, text)
    result = ceri("validate", path)
    assert result.returncode == 2
    line = STUDENT.count("\n") + 1 + 12
    assert result.stderr.splitlines() == [
        f"{path}:{line}:11: 'title_ja' holds {preflight.describe(char)}, which no installed font can draw: install a font that has it (see `ceri doctor`) or write the value "
        "without it"], result.stderr


def test_characters_the_fonts_have_pass(tmp_path):
    """Names beyond U+FFFF (𠮷田), Vietnamese, old kanji, circled numbers, a paragraph's line breaks."""
    text = (STUDENT.replace("name: {family: DOE, given: Jane}",
                            "name: {family: NGUYEN, given: Thi Lan Ễ, family_ja: 𠮷田, given_ja: 髙﨑①}")
            + "---\n" + INTERNSHIP.replace("duties_ja: 研究開発", "duties_ja: |\n  研究開発\n  ㈱サンプル"))
    result = ceri("validate", write(tmp_path, text))
    assert result.returncode == 0, result.stderr


def test_the_layout_hook_adds_its_problems(tmp_path, monkeypatch):
    """The layout registers its check in preflight.LAYOUT_CHECKS; validate reports what it returns."""
    path = records_with(tmp_path, "25DA0005")

    def too_long(records):
        at = records.locate("internship", "I001", "duties_ja")
        return [Problem(at.file, at.line, at.column, "duties_ja: too long")]

    monkeypatch.setattr(preflight, "LAYOUT_CHECKS", [too_long])
    result = ceri("validate", path)
    assert result.returncode == 2 and result.stderr.strip().endswith("duties_ja: too long")
    assert len(preflight.problems(load([path]))) == 1


def test_a_value_too_long_for_any_document_is_refused_by_validate(tmp_path):
    """The layout's check (renderers.layout_problems, through preflight.LAYOUT_CHECKS): 36,000 characters
    of duties fill more pages than a document may have, even flowing and on continuation sheets."""
    text = STUDENT + "---\n" + INTERNSHIP.replace("duties_en: Research and development",
                                                  "duties_en: " + "research " * 4000)
    path = write(tmp_path, text)
    result = ceri("validate", path)
    assert result.returncode == 2
    line = STUDENT.count("\n") + 1 + 15
    assert result.stderr.startswith(f"{path}:{line}:"), result.stderr
    assert "duties_en" in result.stderr and "35999 characters" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_one_message_for_an_undrawable_character(tmp_path):
    """Both checks find a character no font has: validate says it once."""
    text = STUDENT.replace("name: {family: DOE, given: Jane}", "name: {family: DOE, given: Jane, given_ja: ジ\U0001F600ン}")
    result = ceri("validate", write(tmp_path, text))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "'given_ja' holds '\U0001F600' (U+1F600, grinning face)" in result.stderr
