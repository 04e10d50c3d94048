"""What strict loading must keep: YAML 1.1 traps stay strings, BOM and CRLF are fine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pipeline.records import load

from helpers import EXAMPLES, INTERNSHIP, STUDENT, ceri, write


def test_norway_and_leading_zeros_stay_as_written(tmp_path):
    text = (STUDENT.replace("nationality: VN", "nationality: NO").replace("id: S001", "id: 007")
            .replace("email: jane@example.ac.jp", "email: jane@example.ac.jp\nphone: 0120-123-456"))
    records = load([write(tmp_path, text)])
    s = records.students["007"]
    assert s.nationality == "NO" and s.phone == "0120-123-456" and s.id == "007"


def test_utf8_bom_and_crlf(tmp_path):
    raw = "\ufeff".encode() + (STUDENT + "---\n" + INTERNSHIP).replace("\n", "\r\n").encode("utf-8")
    records = load([write(tmp_path, "", raw=raw)])
    assert records.students["S001"].program.name_ja == "情報学コース"
    assert records.internships["I001"].hours_per_week == Decimal("38.75")


def test_values_convert(tmp_path):
    records = load([write(tmp_path, STUDENT + "---\n" + INTERNSHIP)])
    i = records.internships["I001"]
    assert i.period.start == date(2026, 7, 1) and i.pay.amount == 300000
    assert records.students["S001"].insurance.gakkenbai is True


def test_null_forms_mean_absent(tmp_path):
    text = STUDENT.replace("sex: female", "sex: female\nmarital_status: ~\nphone:\n")
    s = load([write(tmp_path, text)]).students["S001"]
    assert s.marital_status is None and s.phone is None


def test_mononym(tmp_path):
    s = load([write(tmp_path, STUDENT.replace("{family: DOE, given: Jane}", "{family: SUKARNO, given: }"))])
    assert s.students["S001"].name.given is None


def test_yml_suffix_and_folders(tmp_path):
    write(tmp_path, STUDENT, "a.yml")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", INTERNSHIP, "b.yaml")
    write(tmp_path, "not yaml", "notes.txt")
    records = load([tmp_path])
    assert set(records.students) == {"S001"} and set(records.internships) == {"I001"}


def test_unknown_student_is_a_warning_in_validate(tmp_path):
    path = write(tmp_path, INTERNSHIP)
    result = ceri("validate", path)
    assert result.returncode == 0
    assert f"{path}:3:10: internship 'I001': student 'S001' is not among the loaded records" in result.stderr


def test_examples_validate_and_cover_every_kind_of_student():
    result = ceri("validate", EXAMPLES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 9 students, 11 internships")
    records = load([EXAMPLES])
    students = list(records.students.values())
    status = {s.residence.status for s in students if s.residence}
    assert any(s.nationality == "JP" for s in students)
    assert {"student", "permanent_resident"} <= status
    jsps = {s.funding.jsps.category for s in students if s.funding.jsps}
    assert {"DC1", "DC2"} <= jsps
    assert any(s.funding.mext_scholarship for s in students)
    assert any(s.funding.research_assistant for s in students)
    assert any(s.funding.sokendai_special_researcher for s in students)
    assert any("ễ" in (s.name.family + (s.name.given or "")) for s in students)
    assert any(ch in (s.name.family_ja or "") for s in students for ch in "髙﨑")
    assert len(records.internships) >= 10
    assert records.institution.signatory_title_ja == "学長"
