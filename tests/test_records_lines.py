"""Line breaks are content where a document shows a paragraph (duties, the evaluation's comments), an error
where it shows one line (a name, a title, an address), and other control characters are refused."""

from __future__ import annotations

import pytest

from pipeline.records import load

from helpers import INTERNSHIP, STUDENT, ceri, write

EVALUATION = """\
evaluation:
  received_on: 2026-10-05
  evaluator: {name_ja: 鈴木 花子}
  ratings: {research: 4, problem_solving: 5, practical: 4, communication: 3, initiative: 5}
  attendance_days: 40
  hours_total: 320
"""


def loaded(tmp_path, internship: str):
    path = write(tmp_path, STUDENT + "---\n" + internship)
    return load([path]).internships["I001"]


def test_a_block_of_duties_keeps_its_lines(tmp_path):
    text = INTERNSHIP.replace("duties_ja: 研究開発", "duties_ja: |\n  機械学習モデルの研究開発。\n\n  ・データの前処理\n  ・評価\n")
    assert loaded(tmp_path, text).duties_ja == "機械学習モデルの研究開発。\n\n・データの前処理\n・評価"


@pytest.mark.parametrize("written", ['"line one\\r\\nline two"', '"line one\\rline two"', '"line one\\nline two"',
                                     '"line one\\u2028line two"'])
def test_every_kind_of_line_break_reads_as_newline(tmp_path, written):
    text = INTERNSHIP.replace("duties_en: Research and development", f"duties_en: {written}")
    assert loaded(tmp_path, text).duties_en == "line one\nline two"


def test_the_evaluation_comments_keep_their_lines(tmp_path):
    text = INTERNSHIP + EVALUATION + '  comment: "とても熱心でした。\\r\\n今後に期待します。"\n' \
        + "  strengths: |\n    a\n    b\n"
    evaluation = loaded(tmp_path, text).evaluation
    assert evaluation.comment == "とても熱心でした。\n今後に期待します。"
    assert evaluation.strengths == "a\nb"


def rejected(tmp_path, text: str, *options: str) -> list[str]:
    path = write(tmp_path, text)
    result = ceri(*options, "validate", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    return [line.removeprefix(str(path) + ":") for line in result.stderr.splitlines() if line]


@pytest.mark.parametrize(
    "record, old, new, where, field",
    [
        (STUDENT, "name: {family: DOE, given: Jane}", 'name: {family: DOE, given: "Jane\\nMary"}', "3:28", "given"),
        (STUDENT, "name: {family: DOE, given: Jane}", "name:\n  family: DOE\n  family_ja: |\n    山田\n    花子\n",
         "5:14", "family_ja"),
        (INTERNSHIP, "title_ja: 研究インターン", "title_ja: |\n  研究\n  インターン", "12:11", "title_ja"),
        (INTERNSHIP, "  name_ja: 株式会社サンプル", '  name_ja: "株式会社\\r\\nサンプル"', "5:12", "name_ja"),
        (INTERNSHIP, "  address_ja: 東京都千代田区", "  address_ja: |\n    東京都\n    千代田区", "7:15", "address_ja"),
        (STUDENT, "email: jane@example.ac.jp", 'email: "jane@example.ac.jp\\n"', "7:8", "email"),
    ],
)
def test_a_line_break_in_a_one_line_value_is_refused_at_its_place(tmp_path, record, old, new, where, field):
    assert old in record
    found = rejected(tmp_path, record.replace(old, new, 1))
    assert len(found) == 1, found
    assert found[0].startswith(f"{where}: '{field}' must be one line, but it holds a line break after "), found


def test_the_line_break_message_in_japanese(tmp_path):
    text = INTERNSHIP.replace("title_ja: 研究インターン", 'title_ja: "研究\\nインターン"')
    found = rejected(tmp_path, text, "--lang-ui", "ja")
    assert found == ["12:11: 'title_ja' は 1 行で書く項目ですが、'研究' の後に改行があります。1 行にしてください"
                     "（改行をそのまま残せるのは duties_ja や comment などの段落の項目だけです）"]


@pytest.mark.parametrize("char, name", [("\\t", "'\\t' (U+0009, tab)"), ("\\x07", "'\\x07' (U+0007, control character)"),
                                        ("\\x1b", "'\\x1b' (U+001B, control character)")])
@pytest.mark.parametrize("field, old", [("duties_ja", "duties_ja: 研究開発"), ("title_en", "title_en: Research Intern")])
def test_control_characters_are_refused(tmp_path, char, name, field, old):
    value = old.split(": ")[1]
    found = rejected(tmp_path, INTERNSHIP.replace(old, f'{field}: "{value[:2]}{char}{value[2:]}"'))
    assert len(found) == 1 and f"'{field}' holds {name} after '{value[:2]}'" in found[0], found
