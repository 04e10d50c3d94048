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


def test_records_keep_where_they_were_read_without_their_parse_trees(tmp_path):
    """A loaded record keeps its file's name and digest and its place among the file's documents, not
    the bytes, raw values and marks (most of a batch's memory): a message about it reads the file again
    and points at the same FILE:LINE:COLUMN, for a record that is not the file's first document too."""
    path = write(tmp_path, "\n".join([STUDENT.replace("S001", "S000"), "---", STUDENT, "---", INTERNSHIP]))
    records = load([path])
    lines = path.read_text().splitlines()
    student_line = lines.index("id: S001", lines.index("id: S000") + 1) + 1
    assert str(records.locate("student", "S001", "id")) == f"{path}:{student_line}:5: "
    internship_line = next(n for n, line in enumerate(lines, 1) if line.startswith("student: S001"))
    assert str(records.locate("internship", "I001", "student")) == f"{path}:{internship_line}:10: "
    kept = records.docs[("student", "S001")]
    assert not hasattr(kept, "data") and not hasattr(kept, "values")
    assert not hasattr(kept, "raw") and not hasattr(kept, "__dict__")  # slots: some 100 bytes a record
    assert kept.digest is records.docs[("internship", "I001")].digest  # one digest per file


def test_a_message_after_the_file_changed_points_at_where_the_record_was_read(tmp_path):
    """The file is read again for a message's position; if it was edited meanwhile, its marks belong to
    other text: the message points at the line the record started on when it was read, not into the
    edit."""
    path = write(tmp_path, "\n".join([STUDENT.replace("S001", "S000"), "---", STUDENT]))
    records = load([path])
    start = path.read_text().splitlines().index("kind: student", 2) + 1
    assert records.locate("student", "S001", "id").line == start + 1  # unchanged: exact
    path.write_text("# edited while ceri ran\n" * 5 + path.read_text(), "utf-8")
    moved = records.locate("student", "S001", "id")
    assert (moved.file, moved.line, moved.column) == (str(path), start, 1)
    path.unlink()
    assert records.locate("student", "S001", "id").line == start


def test_equal_values_are_one_object_and_records_stay_frozen(tmp_path):
    """A batch holds one copy of what its records repeat (program and company names, dates, the set of
    fields each model was given); the records still behave as pydantic models."""
    write(tmp_path, STUDENT, "a.yaml")
    write(tmp_path, STUDENT.replace("S001", "S002"), "b.yaml")
    records = load([tmp_path])
    a, b = records.students["S001"], records.students["S002"]
    assert a.program.name_ja is b.program.name_ja and a.program.enrolled_on is b.program.enrolled_on
    assert a.model_fields_set is b.model_fields_set and "residence" in a.model_fields_set
    assert "phone" not in a.model_fields_set
    try:
        a.program.__setattr__("year", 5)
    except ValueError:
        pass
    else:
        raise AssertionError("records must stay frozen")
    changed = a.model_copy(update={"phone": "0120-123-456"})
    assert "phone" in changed.model_fields_set and "phone" not in b.model_fields_set
    assert a.model_dump(exclude_unset=True)["program"] == b.model_dump(exclude_unset=True)["program"]


def test_duplicate_id_points_at_both_places(tmp_path):
    first = write(tmp_path, "\n".join([STUDENT.replace("S001", "S000"), "---", STUDENT]), "a.yaml")
    write(tmp_path, STUDENT, "b.yaml")
    result = ceri("validate", tmp_path)
    line = first.read_text().splitlines().index("kind: student", 2) + 1  # where the record starts
    assert result.returncode == 2
    assert f"b.yaml:2:5: duplicate student id 'S001' (first in {first}:{line})" in result.stderr
