"""Japanese line breaking (issue 20): kinsoku, no character alone on a paragraph's last line, no break
inside a date, an amount, a serial or a postal code, hanging indents for wrapped bullets."""

from __future__ import annotations

import pytest

from pipeline.fonts import width
from pipeline.fonts.linebreak import NO_LINE_END, NO_LINE_START, wrap
from tests.pdf_helpers import make, reader

SENTENCE = "許可は研究インターンシップの初日（令和8年7月1日）より前に受けていること"
WIDTHS = range(40, 420, 3)


def test_the_issues_sentence_no_longer_leaves_a_character_alone():
    # at 9 pt in the checklist's cell this gave …受けているこ / と
    lines = wrap(SENTENCE, 331, 9)
    assert lines[-1] != "と" and "".join(lines) == SENTENCE


@pytest.mark.parametrize("text", [SENTENCE, "本学の学生であり、学生教育研究災害傷害保険に加入を受けていること"])
def test_no_last_line_of_one_character_where_avoidable(text):
    for w in WIDTHS:
        lines = wrap(text, w, 10)
        assert "".join(lines) == text
        alone = len(lines[-1].rstrip("".join(NO_LINE_START))) == 1
        # avoidable: the line before keeps three characters and gives one that fits beside the last
        avoidable = len(lines) > 1 and len(lines[-2]) > 3 and width(lines[-2][-1] + lines[-1], 10) <= w
        assert not (alone and avoidable), (w, lines)


def test_a_western_paragraph_ending_in_one_letter_takes_a_word_along():
    lines = wrap("A sentence that ends with a single letter a", 80, 10)
    assert lines[-1] != "a" and " ".join(lines).split() == "A sentence that ends with a single letter a".split()


@pytest.mark.parametrize("span", ["令和8年3月31日", "2026年7月1日", "July 1, 2026", "300,000円", "¥300,000",
                                  "CERI-2026-00001", "〒240-0193", "38.75時間"])
def test_no_break_inside_a_date_amount_serial_or_postal_code(span):
    text = f"証明書の発行日は{span}であり、本文はこの値の前後で折り返されることがあります。"
    for w in WIDTHS:
        if width(span, 10) > w:
            continue
        lines = wrap(text, w, 10)
        assert any(span in line for line in lines), (w, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_date_wider_than_the_line_breaks_at_its_spaces_not_inside_a_number():
    lines = wrap("September 1, 2026 – November 30, 2026", 60, 9)
    assert all(not line.endswith(("202", "20")) for line in lines), lines
    assert "".join(lines).replace(" ", "") == "September1,2026–November30,2026"


def test_kinsoku_opening_brackets_never_end_a_line_and_closing_marks_never_start_one():
    text = "研究インターンシップ（ジョブ型）の「評価書」を、企業が記入する。" * 3
    for w in WIDTHS:
        lines = wrap(text, w, 10)
        assert not any(line[-1] in NO_LINE_END for line in lines if line), (w, lines)
        assert not any(line[0] in NO_LINE_START for line in lines if line), (w, lines)


@pytest.mark.parametrize("lang", ["ja", "en", "ja+en"])
def test_wrapped_bullets_hang_under_their_text(lang):
    pdf = make("permit-checklist", lang, "23DB0012", "CERI-2026-001")
    runs: list[tuple[float, float, str]] = []
    reader(pdf).pages[0].extract_text(
        visitor_text=lambda t, cm, tm, font, size: runs.append((tm[4], size, t)) if t.strip() else None)
    bullets = [(x, size) for x, size, t in runs if t.startswith("・")]
    assert bullets
    left, size = bullets[0]
    notes = [i for i, (_, _, t) in enumerate(runs) if t.startswith("・")]
    continued = [runs[i + 1] for i in notes if i + 1 < len(runs) and not runs[i + 1][2].startswith(("・", "■"))
                 and runs[i + 1][0] < left + 3 * size]
    assert continued, "a note that wraps"
    for x, s, _ in continued:
        assert x == pytest.approx(left + width("・", s), abs=0.2)
