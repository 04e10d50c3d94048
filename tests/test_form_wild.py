"""Real third-party forms from ../shared/forms-wild/ (never copied into the repo): Japanese values,
Shift_JIS on-states, fields repeated over pages, checkbox groups with several on-states."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.errors import RenderError
from pipeline.renderers.form.fields import fields, state_label
from pipeline.renderers.form.fill import fill_acroform
from tests.pdf_helpers import font_rows, text_of

from helpers import FORMS_WILD

WILD = FORMS_WILD
pytestmark = pytest.mark.skipif(not WILD.is_dir(), reason="../shared/forms-wild/ is not present")


def fill(tmp_path: Path, name: str, values: dict[str, str], flatten_out: bool = False) -> tuple[Path, str]:
    out = tmp_path / f"{name}{'.flat' if flatten_out else ''}.pdf"
    out.write_bytes(fill_acroform((WILD / name).read_bytes(), values, flatten_out=flatten_out))
    return out, text_of(out)


PPF = {"Text1": "東京都 葉山町", "Text12": "総合研究大学院大学で日本語を学んでいます。", "Check Box50": "はい",
       "Group52": "選択内容2", "Check Box40": "Fail", "Dropdown1": "2"}


@pytest.mark.parametrize("flatten_out", [False, True])
def test_jlpt_form_shift_jis_states_and_repeated_fields(tmp_path, flatten_out):
    out, text = fill(tmp_path, "PPF-1213.pdf", PPF, flatten_out)
    # Text1 repeats on pages 1–5 (6 widgets, two stacked on page 5, which poppler reads as one)
    assert all("東京都 葉山町" in text_of(out, page) for page in range(1, 6))
    assert text.count("総合研究大学院大学で日本語を学んでいます。") == 3
    reader = PdfReader(out)
    if flatten_out:
        assert not fields(reader)
        return
    row = next(row for row in font_rows(out) if "IPAexGothic" in row[0])
    assert row[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, ToUnicode
    form = fields(reader)
    assert form["Text1"].attr("/V") == "東京都 葉山町"
    radio = form["Group52"]
    chosen = {state_label(w.annot["/AS"]) for w in radio.widgets} - {"Off"}
    assert chosen == {"選択内容2"} and state_label(radio.attr("/V")) == "選択内容2"
    assert sum(w.annot["/AS"] != "/Off" for w in radio.widgets) == 5  # one per page, radios in unison
    box = form["Check Box50"]
    assert {state_label(w.annot["/AS"]) for w in box.widgets} == {"はい"}
    fails = [w for w in form["Check Box40"].widgets if w.annot["/AS"] == "/Fail"]
    assert fails and all("/Fail" in w.states for w in fails)


def test_jlpt_wrong_state_is_refused():
    with pytest.raises(RenderError, match="選択内容1, 選択内容3, 選択内容2"):
        fill_acroform((WILD / "PPF-1213.pdf").read_bytes(), {"Group52": "選択内容9"})


def test_passport_form_groups_and_comb(tmp_path):
    values = {"Applicant Last Name": "YAMAZAKI", "Applicant First Name": "美咲", "Gender": "F",
              "Selection": "Card", "Emergency Contact Name": "髙橋 健太", "Emergency Contact Address": "神奈川県葉山町"}
    out, text = fill(tmp_path, "ds11_pdf.pdf", values)
    for v in ("美咲", "髙橋 健太", "神奈川県葉山町"):
        assert v in text
    form = fields(PdfReader(out))
    assert [w.annot["/AS"] for w in form["Gender"].widgets] == ["/Off", "/F", "/Off"]
    assert [w.annot["/AS"] for w in form["Selection"].widgets] == ["/Off", "/Card", "/Off"]
    with pytest.raises(RenderError, match=r"Gender.*\(M, F, X\)"):
        fill_acroform((WILD / "ds11_pdf.pdf").read_bytes(), {"Gender": "true"})


@pytest.mark.parametrize("flatten_out", [False, True])
def test_irs_1040_filing_status_group(tmp_path, flatten_out):
    p1 = "topmostSubform[0].Page1[0]."
    values = {p1 + "p1-t1[0]": "太郎", p1 + "c1_04": "MJ", p1 + "c1_01_0_[0]": "true", p1 + "p1-t4[0]": "山田"}
    out, text = fill(tmp_path, "prefilled_f1040.pdf", values, flatten_out)
    assert "太郎" in text and "山田" in text
    if flatten_out:
        return
    form = fields(PdfReader(out))
    assert [w.annot["/AS"] for w in form[p1 + "c1_04"].widgets] == ["/Off", "/MJ", "/Off", "/Off", "/Off"]
    assert form[p1 + "c1_01_0_[0]"].widgets[0].annot["/AS"] == "/Yes"

