"""YAML typed on a Japanese keyboard: one message per mistake that names the character, its own line and
column, and the fix — not the parser's text a line later. And suggestions that understand what was meant."""

from __future__ import annotations

import pytest

from helpers import INTERNSHIP, STUDENT, ceri, write


def messages(tmp_path, text: str, *options: str) -> tuple[list[str], str]:
    path = write(tmp_path, text)
    result = ceri(*options, "validate", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return [line for line in result.stderr.splitlines() if line], str(path)


@pytest.mark.parametrize(
    "old, new, line, column, words",
    [
        # the full-width colon of an IME: the parser said "could not find expected ':'" at 5:1
        ("sex: female", "sex： female", 4, 4,
         "'：' (U+FF1A, full-width colon) after 'sex': write a half-width colon and a space, 'sex: female'"),
        ("sex: female", "sex：female", 4, 4, "(U+FF1A, full-width colon) after 'sex'"),
        ("  degree: doctoral", "  degree：doctoral", 14, 9, "'degree: doctoral'"),
        ("sex: female", "sex:female", 4, 4, "no space after the colon of 'sex:': write 'sex: female'"),
        ("  year: 3", "  year:3", 16, 7, "no space after the colon of 'year:': write 'year: 3'"),
        ("sex: female", "sex:\u3000female", 4, 5,
         "'\u3000' (U+3000, full-width space) after 'sex:': the space after a colon must be half-width"),
        # a tab: the parser's "found a tab character that violates indentation"
        ("  name_en: Informatics Program", "\tname_en: Informatics Program", 11, 1,
         "'\\t' (U+0009, tab) in the indentation: indent with half-width spaces only"),
        ("  name_en: Informatics Program", "\t  name_en: Informatics Program", 11, 1, "(U+0009, tab)"),
        # a full-width space: the parser said "mapping values are not allowed in this context" at 12:15
        ("  name_en: Informatics Program", "\u3000 name_en: Informatics Program", 11, 1,
         "'\u3000' (U+3000, full-width space) in the indentation: indent with half-width spaces only"),
        ("  name_en: Informatics Program", " \u3000name_en: Informatics Program", 11, 2, "(U+3000, full-width space)"),
        ("sex: female", "ｓｅｘ: female", 4, 1,
         "'ｓ' (U+FF53, full-width letter s) in the key 'ｓｅｘ': type keys in half-width letters, "
         "'sex: female'"),
    ],
)
def test_keyboard_mistakes(tmp_path, old, new, line, column, words):
    assert old in STUDENT
    found, path = messages(tmp_path, STUDENT.replace(old, new, 1))
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{line}:{column}: "), found
    assert words in found[0]


def test_missing_space_in_a_nested_mapping_that_still_parsed(tmp_path):
    """`family:DOE` under `name:` parses as the text of 'name': the message is the missing space."""
    text = STUDENT.replace("name: {family: DOE, given: Jane}", "name:\n  family:DOE")
    found, path = messages(tmp_path, text)
    assert found == [f"{path}:4:9: no space after the colon of 'family:': write 'family: DOE'"]


def test_missing_space_in_a_list_item(tmp_path):
    text = INTERNSHIP + "payments:\n  - paid_on:2026-07-25\n    amount: 300000\n"
    found, path = messages(tmp_path, STUDENT + "---\n" + text)
    line = (STUDENT + "---\n" + text).splitlines().index("  - paid_on:2026-07-25") + 1
    assert found == [f"{path}:{line}:12: no space after the colon of 'paid_on:': write 'paid_on: 2026-07-25'"]


def test_text_that_only_looks_like_a_mistake_is_left_alone(tmp_path):
    """Block text and continued values may hold 'Note:x', tabs after the indentation and full-width spaces
    (a Japanese paragraph starts with one); another problem in the file must not make them mistakes."""
    text = (INTERNSHIP.replace("duties_ja: 研究開発", "duties_ja: |\n  \u3000研究開発：設計\n  Note:x\n")
            .replace("duties_en: Research and development", "duties_en: Research and\n  development:x")
            .replace("credits: 2", "credits: two"))
    found, path = messages(tmp_path, STUDENT + "---\n" + text)
    assert len(found) == 1 and "'two' is not a whole number" in found[0], found


def test_one_message_per_mistake_across_a_file(tmp_path):
    text = STUDENT.replace("sex: female", "sex：female").replace("  year: 3", "\tyear: 3")
    found, path = messages(tmp_path, text)
    assert [m.split(": ", 1)[0] for m in found] == [f"{path}:4:4", f"{path}:16:1"], found


def test_keyboard_messages_in_japanese(tmp_path):
    found, path = messages(tmp_path, STUDENT.replace("sex: female", "sex： female"), "--lang-ui", "ja")
    assert found == [f"{path}:4:4: '：' (U+FF1A, 全角コロン) が 'sex' の後にあります。"
                     "半角のコロンと半角スペースで 'sex: female' と書いてください"]


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("nationality: VN", "nationality: JPN", "(did you mean 'JP'?)"),
        ("nationality: VN", "nationality: VNM", "(did you mean 'VN'?)"),
        ("nationality: VN", "nationality: Japan", "(did you mean 'JP'?)"),
        ("nationality: VN", "nationality: ベトナム", "(did you mean 'VN'?)"),
        ("nationality: VN", "nationality: ＶＮ", "(did you mean 'VN'?)"),
        ("nationality: VN", "nationality: UK", "(did you mean 'GB'?)"),
        ("prefecture: Kanagawa", "prefecture: 茨城県", "(did you mean 'Ibaraki'?)"),
        ("prefecture: Kanagawa", "prefecture: 東京都", "(did you mean 'Tokyo'?)"),
        ("prefecture: Kanagawa", "prefecture: 大阪府", "(did you mean 'Osaka'?)"),
        ("prefecture: Kanagawa", "prefecture: 北海道", "(did you mean 'Hokkaido'?)"),
        ("prefecture: Kanagawa", "prefecture: 京都", "(did you mean 'Kyoto'?)"),
        ("prefecture: Kanagawa", "prefecture: Tōkyō", "(did you mean 'Tokyo'?)"),
        ("prefecture: Kanagawa", "prefecture: Kanagawa-ken", "(did you mean 'Kanagawa'?)"),
        ("prefecture: Kanagawa", "prefecture: ｋａｎａｇａｗａ", "(did you mean 'Kanagawa'?)"),
        ("sex: female", "sex: Female", "(did you mean 'female'?)"),
        ("sex: female", "sex: ｆｅｍａｌｅ", "(did you mean 'female'?)"),
        ("  status: student", "  status: Student", "(did you mean 'student'?)"),
        ("  degree: doctoral", "  degree: Doctoral", "(did you mean 'doctoral'?)"),
        ("birth_date: 1996-04-12", "birth_date: １９９６－０４－１２",
         "(full-width characters: did you mean '1996-04-12'?)"),
        ("  year: 3", "  year: ３", "(full-width characters: did you mean '3'?)"),
        ("postal_code: 240-0193", "postal_code: ２４０－０１９３", "(full-width characters: did you mean '240-0193'?)"),
        ("email: jane@example.ac.jp", "email: jane＠example.ac.jp",
         "(full-width characters: did you mean 'jane@example.ac.jp'?)"),
    ],
)
def test_suggestions(tmp_path, old, new, words):
    assert old in STUDENT
    found, _path = messages(tmp_path, STUDENT.replace(old, new, 1))
    assert len(found) == 1 and words in found[0], found


def test_no_nonsense_suggestion_for_a_three_letter_code(tmp_path):
    """JPN once suggested PN (Pitcairn): an alpha-3 code is read as such, and no near miss is made up."""
    found, _path = messages(tmp_path, STUDENT.replace("nationality: VN", "nationality: JPN"))
    assert "'PN'" not in found[0]
    found, _path = messages(tmp_path, STUDENT.replace("nationality: VN", "nationality: XYZ"))
    assert "did you mean" not in found[0] and "(e.g. VN, JP, NO)" in found[0]


@pytest.mark.parametrize("written, column, words", [
    ("name: {family： DOE, given: Jane}", 14, "'：' (U+FF1A, full-width colon) after 'family': write a half-width "
                                             "colon and a space, 'family: DOE'"),
    ("name: {family: DOE, given:Jane}", 26, "no space after the colon of 'given:': write 'given: Jane'"),
])
def test_keyboard_mistakes_inside_a_flow_mapping(tmp_path, written, column, words):
    """`{family： DOE}` parses as a key 'family： DOE' without a value: the message is the colon."""
    found, path = messages(tmp_path, STUDENT.replace("name: {family: DOE, given: Jane}", written))
    assert found == [f"{path}:3:{column}: {words}"]


def test_a_time_or_an_address_in_a_flow_mapping_is_no_mistake(tmp_path):
    text = STUDENT.replace("address: {postal_code: 240-0193,", "address: {postal_code: 240-0193, note: 10:30,")
    found, _path = messages(tmp_path, text)
    assert len(found) == 1 and "unknown key 'note'" in found[0], found
