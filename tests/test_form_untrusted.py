"""The returned evaluation form is checked, not believed: its identifiers carry the office's check, a
merge is checked against the internship record, what the company typed is normalised (full-width
digits, 和暦) or refused naming the field (control characters, too long), and numbers go back to the
record as plain decimals."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from pipeline.cli.evaluation import comment_safe
from pipeline.records import load
from pipeline.records.models import Evaluation
from pipeline.renderers.form import typed
from pipeline.renderers.form.readback import ReadBack, merge_into, read_evaluation
from tests.helpers import ceri

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "examples" / "01-nguyen-thi-lan.yaml"
COMPANY = {
    "rating_research": "/4", "rating_problem_solving": "/5", "rating_practical": "/4",
    "rating_communication": "/3", "rating_initiative": "/5", "attendance_days": "40", "hours_total": "310.5",
    "strengths": "仮説を素早く検証できる。", "comment": "大変よく頑張りました。",
    "evaluator_name": "田中 美穂", "evaluator_title": "Head of R&D", "evaluation_date": "2026-10-01",
}


@pytest.fixture(scope="module")
def sent(tmp_path_factory) -> bytes:
    """ceri's pre-filled form for CERI-2026-001 (student 23DB0012)."""
    out = tmp_path_factory.mktemp("sent") / "sent.pdf"
    r = ceri("render", "evaluation-form", ROOT / "examples", "--student", "23DB0012", "--as-of", "2026-09-01",
             "-o", out)
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


def company(sent: bytes, **values: str) -> bytes:
    """The form as the company returns it: values set with pypdf only (no appearances)."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(sent)))
    for page in w.pages:
        w.update_page_form_field_values(page, {**COMPANY, **values}, auto_regenerate=False)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def returned(tmp_path: Path, sent: bytes, name: str = "returned.pdf", **values: str) -> Path:
    path = tmp_path / name
    path.write_bytes(company(sent, **values))
    return path


def record(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "lan.yaml"
    path.write_text(text if text is not None else RECORD.read_text("utf-8"), "utf-8")
    return path


def read(*args):
    return ceri("evaluation", "read", *args)


# ---- the form's identifiers ---------------------------------------------------------------------------

def test_the_issued_form_reads_back(tmp_path, sent):
    r = read(returned(tmp_path, sent), "--as-of", "2026-10-05")
    assert r.returncode == 0, r.stderr
    assert "hours_total: 310.5" in r.stdout


def test_another_internship_named_in_the_form_is_refused(tmp_path, sent):
    form = returned(tmp_path, sent, ceri_internship="CERI-2026-002")
    r = read(form, "--as-of", "2026-10-05", "--merge", record(tmp_path))
    assert r.returncode == 2 and "do not match the check ceri put on it" in r.stderr
    assert record(tmp_path).read_text("utf-8") == RECORD.read_text("utf-8")


def test_another_student_named_in_the_form_is_refused(tmp_path, sent):
    r = read(returned(tmp_path, sent, ceri_student="25DA0005"), "--as-of", "2026-10-05")
    assert r.returncode == 2 and "do not match the check" in r.stderr


def test_a_line_break_in_the_identifiers_never_reaches_the_yaml(tmp_path, sent):
    form = returned(tmp_path, sent, ceri_internship="CERI-2026-001\nevaluation: {}")
    out = tmp_path / "block.yaml"
    r = read(form, "--as-of", "2026-10-05", "-o", out)
    assert r.returncode == 2 and "field ceri_internship" in r.stderr and "not a record id" in r.stderr
    assert not out.exists()


def test_the_header_comment_escapes_what_it_quotes(tmp_path, sent):
    form = returned(tmp_path, sent, name="a\nkind: student\u2028.pdf")
    out = tmp_path / "block.yaml"
    r = read(form, "--as-of", "2026-10-05", "-o", out)
    assert r.returncode == 0, r.stderr
    lines = out.read_text("utf-8").splitlines()
    assert lines[0].startswith("# CERI-2026-001 (student 23DB0012): read from a\\u000akind:")
    assert lines[1] == "evaluation:" and not any(line.startswith("kind:") for line in lines)
    assert comment_safe("株式会社 A\tB") == "株式会社 A\\u0009B"


def test_a_form_with_a_wrong_key_or_no_key(tmp_path, sent, monkeypatch):
    form = returned(tmp_path, sent)
    monkeypatch.setenv("CERI_FORM_KEY", str(tmp_path / "other.key"))
    r = read(form, "--as-of", "2026-10-05")
    assert r.returncode == 2 and "no form key" in r.stderr
    (tmp_path / "other.key").write_bytes(b"k" * 32)
    r = read(form, "--as-of", "2026-10-05")
    assert r.returncode == 2 and "issued with another key" in r.stderr


def without_check(data: bytes) -> bytes:
    """The form as an older ceri issued it: no ceri_check field."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in w.pages:
        annots = page["/Annots"]
        keep = [a for a in annots if a.get_object().get("/T") != "ceri_check"]
        page[NameObject("/Annots")] = type(annots)(keep)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_a_form_issued_before_checks_needs_accept_unchecked(tmp_path, sent):
    form = tmp_path / "old.pdf"
    form.write_bytes(without_check(company(sent)))
    r = read(form, "--as-of", "2026-10-05")
    assert r.returncode == 2 and "--accept-unchecked" in r.stderr
    r = read(form, "--as-of", "2026-10-05", "--accept-unchecked", "--merge", record(tmp_path))
    assert r.returncode == 0, r.stderr


# ---- the merge, checked against the record ------------------------------------------------------------

def test_the_internship_must_belong_to_the_forms_student(tmp_path, sent):
    text = RECORD.read_text("utf-8").replace("student: 23DB0012", "student: 24DB0099")
    rec = record(tmp_path, text)
    r = read(returned(tmp_path, sent), "--as-of", "2026-10-05", "--merge", rec)
    assert r.returncode == 2 and "belongs to student 24DB0099" in r.stderr and "23DB0012" in r.stderr
    assert rec.read_text("utf-8") == text


@pytest.mark.parametrize(("written", "as_of", "field"), [("2026-06-20", "2026-10-05", "evaluation_date 2026-06-20"),
                                                         ("", "2026-06-30", "received_on")])
def test_no_evaluation_before_the_internship_started(tmp_path, sent, written, as_of, field):
    r = read(returned(tmp_path, sent, evaluation_date=written), "--as-of", as_of, "--merge", record(tmp_path))
    assert r.returncode == 2 and field in r.stderr and "before the internship started (2026-07-01)" in r.stderr


def test_replacing_an_evaluation_needs_replace_and_shows_the_change(tmp_path, sent):
    rec = record(tmp_path)
    assert read(returned(tmp_path, sent), "--as-of", "2026-10-05", "--merge", rec).returncode == 0
    first = rec.read_text("utf-8")
    again = read(returned(tmp_path, sent), "--as-of", "2026-10-05", "--merge", rec)
    assert again.returncode == 0, again.stderr  # the same form again changes nothing
    other = returned(tmp_path, sent, "second.pdf", rating_research="/2", comment="")
    r = read(other, "--as-of", "2026-10-06", "--merge", rec)
    assert r.returncode == 2 and "add --replace" in r.stderr
    assert "ratings.research: '4' → '2'" in r.stderr and "comment: '大変よく頑張りました。' → —" in r.stderr
    assert rec.read_text("utf-8") == first
    r = read(other, "--as-of", "2026-10-06", "--merge", rec, "--replace")
    assert r.returncode == 0, r.stderr
    assert "ratings.research: '4' → '2'" in r.stdout
    e = load([rec]).internships["CERI-2026-001"].evaluation
    assert e.ratings.research == 2 and e.comment is None and str(e.received_on) == "2026-10-06"


def test_received_on_never_goes_back(tmp_path, sent):
    rec = record(tmp_path)
    assert read(returned(tmp_path, sent), "--as-of", "2026-10-05", "--merge", rec).returncode == 0
    r = read(returned(tmp_path, sent), "--as-of", "2026-10-04", "--merge", rec, "--replace")
    assert r.returncode == 2 and "received_on 2026-10-04 is earlier than the 2026-10-05" in r.stderr


# ---- what the company typed ---------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x07", "\t", "\x1b", "\x00"])
def test_control_characters_are_refused_naming_the_field(tmp_path, sent, char):
    r = read(returned(tmp_path, sent, comment=f"good{char}work"), "--as-of", "2026-10-05")
    assert r.returncode == 2 and f"field comment: the control character U+{ord(char):04X}" in r.stderr


def test_a_comment_longer_than_the_certificate_holds_is_refused(tmp_path, sent):
    r = read(returned(tmp_path, sent, comment="あ" * 5000), "--as-of", "2026-10-05")
    assert r.returncode == 2 and "field comment: 5000 characters is more than the 2000" in r.stderr
    r = read(returned(tmp_path, sent, evaluator_name="x" * 300), "--as-of", "2026-10-05")
    assert r.returncode == 2 and "field evaluator_name: 300 characters" in r.stderr


def test_ime_input_is_normalised_and_free_text_kept_exactly(tmp_path, sent):
    form = returned(tmp_path, sent, attendance_days="４０日", hours_total="４６５．５　時間",
                    evaluation_date="２０２６年１０月１日", strengths="一行目\r\n二行目\r三行目\u2028 four  spaces ",
                    improvements="ＡＢＣ　全角のまま")
    e = read_evaluation(form.read_bytes(), received_on=date(2026, 10, 5)).evaluation
    assert e.attendance_days == 40 and e.hours_total == Decimal("465.5")
    assert str(e.evaluated_on) == "2026-10-01"
    assert e.strengths == "一行目\n二行目\n三行目\n four  spaces"
    assert e.improvements == "ＡＢＣ　全角のまま"


@pytest.mark.parametrize(("written", "iso"), [("令和8年11月5日", "2026-11-05"), ("令和８年１１月５日", "2026-11-05"),
                                              ("R8.11.5", "2026-11-05"), ("令和元年5月1日", "2019-05-01"),
                                              ("平成31年4月30日", "2019-04-30")])
def test_japanese_era_dates(written, iso):
    assert typed.written_date(written) == iso


@pytest.mark.parametrize("written", ["令和1年4月30日", "平成31年5月1日", "令和8年2月30日"])
def test_impossible_era_dates_go_to_the_schema_as_written(written):
    assert typed.written_date(written) == typed.plain(written)


def test_an_era_date_through_the_cli(tmp_path, sent):
    r = read(returned(tmp_path, sent, evaluation_date="令和8年11月5日"), "--as-of", "2026-11-06")
    assert r.returncode == 0, r.stderr
    assert "evaluated_on: 2026-11-05" in r.stdout


# ---- numbers back as plain decimals -------------------------------------------------------------------

def _merge_hours(text: str, hours: str, days: str) -> tuple[Decimal, int]:
    block = {"received_on": date(2026, 10, 5), "evaluator": {"name_ja": "田中"},
             "ratings": dict.fromkeys(("research", "problem_solving", "practical", "communication", "initiative"), 3),
             "attendance_days": typed.number(days, "日"), "hours_total": typed.number(hours, "時間")}
    rb = ReadBack("23DB0012", "CERI-2026-001", Evaluation.model_validate(block))
    merged = merge_into(text, rb, "lan.yaml")
    assert not re.search(r"[eE][+-]?\d|!!", merged.split("evaluation:")[1]), merged
    return merged


def test_every_whole_number_and_decimals_round_trip(tmp_path):
    text = RECORD.read_text("utf-8")
    path = tmp_path / "lan.yaml"
    samples = [str(n) for n in range(2001)] + ["0.5", "1.25", "310.5", "465.5", "1000.75", "1999.9", "0.01", "100.10"]
    for value in samples:
        path.write_text(_merge_hours(text, value, value.split(".")[0]), "utf-8")
        e = load([path]).internships["CERI-2026-001"].evaluation
        assert e.hours_total == Decimal(value) and e.attendance_days == int(value.split(".")[0]), value


@pytest.mark.parametrize("hours", ["320", "400", "480", "1000", "2000", "465.5"])
def test_hours_through_read_merge_and_validate(tmp_path, sent, hours):
    rec = record(tmp_path)
    r = read(returned(tmp_path, sent, hours_total=hours, attendance_days="100"), "--as-of", "2026-10-05",
             "--merge", rec)
    assert r.returncode == 0, r.stderr
    assert f"hours_total: {hours}\n" in rec.read_text("utf-8")
    v = ceri("validate", rec)
    assert v.returncode == 0, v.stderr
    assert load([rec]).internships["CERI-2026-001"].evaluation.hours_total == Decimal(hours)


def _key_in_child(path: str, queue) -> None:
    import os

    os.environ["CERI_FORM_KEY"] = path
    from pipeline.renderers.form import formkey

    queue.put(formkey.load_key(create=True))


def test_the_form_key_is_made_once_private_and_shared_by_racing_workers(tmp_path):
    import multiprocessing
    import stat

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    path = tmp_path / "data" / "form.key"
    procs = [ctx.Process(target=_key_in_child, args=(str(path), queue)) for _ in range(6)]
    for p in procs:
        p.start()
    keys = {queue.get(timeout=60) for _ in procs}
    for p in procs:
        p.join()
    assert len(keys) == 1 and len(next(iter(keys))) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["form.key"]
