"""The evaluation form: built from its spec, pre-filled by ceri, filled by a company with pypdf only,
read back into the internship record (values identical, Japanese included), merged keeping comments."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pipeline.errors import CeriError
from pipeline.records import load
from pipeline.renderers.form.build import pdf_path, specs
from pipeline.renderers.form.fields import fields
from pipeline.renderers.form.readback import read_evaluation
from pipeline.renderers.form.spec import build, load_spec
from tests.pdf_helpers import text_of

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"
COMPANY = {
    "rating_research": "/4", "rating_problem_solving": "/5", "rating_practical": "/4",
    "rating_communication": "/3", "rating_initiative": "/5", "attendance_days": "40", "hours_total": "310.5",
    "strengths": "仮説を素早く検証し、結果を明快に報告できる。\rShe tests hypotheses fast.",
    "improvements": "文書化をもう少し丁寧に。", "comment": "大変よく頑張りました。AT&T <Japan> 株式会社との共同研究にも貢献。",
    "evaluator_name": "田中 美穂", "evaluator_title": "Head of R&D", "evaluation_date": "2026-10-01",
}


def ceri(*args):
    """The CLI in-process (fonts load once per test run); result has returncode, stdout, stderr."""
    from click.testing import CliRunner

    from pipeline.cli import main

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    result.returncode = result.exit_code
    return result


def test_committed_forms_equal_a_fresh_build():
    built = specs(FORMS)
    assert {p.name for p in built} == {"permit-application.spec.yaml", "evaluation-form.spec.yaml"}
    for spec in built:
        assert pdf_path(spec).read_bytes() == build(load_spec(spec)), f"rebuild {spec.name}: " \
            "python -m pipeline.renderers.form.build"


def test_evaluation_form_has_the_fields():
    form = fields(PdfReader(FORMS / "evaluation-form.pdf"))
    for r in ("research", "problem_solving", "practical", "communication", "initiative"):
        assert form[f"rating_{r}"].kind == "radio" and [s[1:] for s in form[f"rating_{r}"].states] == list("12345")
    for name in ("strengths", "improvements", "comment"):
        assert form[name].has("multiline")
    assert form["ceri_form"].attr("/V") == "ceri:evaluation-form:v1"
    assert form["ceri_form"].widgets[0].hidden


@pytest.fixture(scope="module")
def returned(tmp_path_factory) -> Path:
    """ceri's pre-filled form, then the company's values set with pypdf only (no appearances)."""
    d = tmp_path_factory.mktemp("eval")
    pre = d / "sent.pdf"
    r = ceri("render", "evaluation-form", "examples", "--student", "23DB0012", "--as-of", "2026-09-01", "-o", pre)
    assert r.returncode == 0, r.stderr
    text = text_of(pre)
    assert "株式会社湘南データラボ / Shonan Data Lab Inc." in text and "JD-2026-0345" in text
    assert "2026年7月1日 〜 2026年9月30日" in text
    w = PdfWriter(clone_from=PdfReader(pre))
    for page in w.pages:
        w.update_page_form_field_values(page, COMPANY, auto_regenerate=False)
    out = d / "returned.pdf"
    w.write(out)
    return out


def test_round_trip_values_identical(returned):
    from datetime import date

    rb = read_evaluation(returned.read_bytes(), received_on=date(2026, 10, 5))
    assert (rb.student, rb.internship) == ("23DB0012", "CERI-2026-001")
    e = rb.evaluation
    assert e.ratings.model_dump() == {"research": 4, "problem_solving": 5, "practical": 4, "communication": 3,
                                      "initiative": 5}
    assert e.attendance_days == 40 and str(e.hours_total) == "310.5"
    assert e.strengths == "仮説を素早く検証し、結果を明快に報告できる。\nShe tests hypotheses fast."
    assert e.improvements == COMPANY["improvements"] and e.comment == COMPANY["comment"]
    assert e.evaluator.name_ja == "田中 美穂" and e.evaluator.title_en == "Head of R&D"
    assert str(e.evaluated_on) == "2026-10-01" and str(e.received_on) == "2026-10-05"


def test_cli_read_prints_yaml_and_merge_keeps_comments(returned, tmp_path):
    r = ceri("evaluation", "read", returned, "--as-of", "2026-10-05")
    assert r.returncode == 0, r.stderr
    assert "comment: 大変よく頑張りました。AT&T <Japan> 株式会社との共同研究にも貢献。" in r.stdout
    record = tmp_path / "lan.yaml"
    original = (ROOT / "examples" / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    record.write_text(original, "utf-8")
    for _ in range(2):  # merging twice replaces the block, never duplicates it
        r = ceri("evaluation", "read", returned, "--as-of", "2026-10-05", "--merge", record)
        assert r.returncode == 0, r.stderr
    merged = record.read_text("utf-8")
    assert merged.startswith(original.rstrip("\n"))  # every comment and line kept, in order
    assert merged.count("evaluation:") == 1
    e = load([record]).internships["CERI-2026-001"].evaluation
    assert e.ratings.initiative == 5 and e.strengths.endswith("She tests hypotheses fast.")
    assert str(e.received_on) == "2026-10-05" and str(e.evaluated_on) == "2026-10-01"


def dated(returned: Path, tmp_path: Path, written: str) -> bytes:
    """The returned form with the evaluator's date (記入日) as written."""
    w = PdfWriter(clone_from=PdfReader(returned))
    for page in w.pages:
        w.update_page_form_field_values(page, {"evaluation_date": written}, auto_regenerate=False)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("written", "read"), [("2026/10/1", "2026-10-01"), ("2026年10月1日", "2026-10-01"),
                                               ("2026.9.30", "2026-09-30"), ("", None)])
def test_the_evaluators_date_is_read_as_people_write_it(returned, tmp_path, written, read):
    e = read_evaluation(dated(returned, tmp_path, written), received_on=date(2026, 10, 5)).evaluation
    assert (str(e.evaluated_on) if e.evaluated_on else None) == read


@pytest.mark.parametrize(("written", "message"), [("2026-02-30", "field evaluation_date: .*2026-02-30"),
                                                  ("来週", "field evaluation_date: .*来週"),
                                                  ("2026-10-09", "2026-10-09 is after 2026-10-05")])
def test_a_wrong_evaluators_date_is_named(returned, tmp_path, written, message):
    with pytest.raises(CeriError, match=message):
        read_evaluation(dated(returned, tmp_path, written), received_on=date(2026, 10, 5))


def test_foreign_form_and_missing_values(returned, tmp_path):
    r = ceri("evaluation", "read", FORMS / "permit-application.pdf")
    assert r.returncode == 2 and "not a ceri evaluation form" in r.stderr
    w = PdfWriter(clone_from=PdfReader(returned))
    for page in w.pages:
        w.update_page_form_field_values(page, {"hours_total": "", "rating_practical": "/Off"},
                                        auto_regenerate=False)
    partial = tmp_path / "partial.pdf"
    w.write(partial)
    r = ceri("evaluation", "read", partial)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "rating_practical is empty" in r.stderr and "hours_total is empty" in r.stderr


def test_bad_rating_is_named(returned, tmp_path):
    w = PdfWriter(clone_from=PdfReader(returned))
    for page in w.pages:
        w.update_page_form_field_values(page, {"attendance_days": "forty"}, auto_regenerate=False)
    bad = tmp_path / "bad.pdf"
    w.write(bad)
    from datetime import date

    with pytest.raises(CeriError, match="field attendance_days"):
        read_evaluation(bad.read_bytes(), received_on=date(2026, 10, 5))


def test_radio_set_only_by_widget_state(returned, tmp_path):
    """Some viewers switch a radio widget's /AS without writing the group's /V."""
    from datetime import date

    from pypdf.generic import NameObject

    w = PdfWriter(clone_from=PdfReader(returned))
    f = fields(w)["rating_communication"]
    del f.node["/V"]
    for widget in f.widgets:
        widget.annot[NameObject("/AS")] = NameObject("/2" if "/2" in widget.states else "/Off")
    out = tmp_path / "as-only.pdf"
    w.write(out)
    assert read_evaluation(out.read_bytes(), received_on=date(2026, 10, 5)).evaluation.ratings.communication == 2
