"""`ceri import`: rosters as the office types them become records that the strict loader accepts; every
mistake is reported at its cell with the loader's words, and then nothing is written."""

from __future__ import annotations

import shutil
import stat
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from roster_support import INTERNSHIP, STUDENT, fill_template, header_of, plain_workbook, row, write_csv

from pipeline.records import load
from pipeline.roster import apply, columns, export, preview

from helpers import EXAMPLES, ceri


def test_a_filled_template_becomes_one_file_per_student_that_loads(tmp_path):
    second = row(**{"internship.id": "I002", "internship.period.start": date(2026, 10, 1),
                    "internship.period.end": date(2026, 12, 15)})
    third = {**STUDENT, "student.id": "S002", "student.nationality": "JP", "student.residence.status": None,
             "student.residence.expires_on": None, "student.residence.card_number": None}
    roster = fill_template(tmp_path / "roster.xlsx", [row(), second, third])
    result = ceri("import", roster, "-o", tmp_path / "records")
    assert result.returncode == 0, result.stderr
    assert "rows read 3: students 2, internships 2; files created 2, updated 0, unchanged 0" in result.stdout
    files = sorted((tmp_path / "records").iterdir())
    assert [f.name for f in files] == ["S001.yaml", "S002.yaml"]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    records = load([tmp_path / "records"])
    assert [i.id for i in records.internships_of("S001")] == ["I001", "I002"]
    s = records.students["S001"]
    assert (s.birth_date, s.address.prefecture, s.insurance.gakkenbai) == (date(1996, 4, 12), "Kanagawa", True)
    assert str(records.internships["I001"].hours_per_week) == "38.75"
    assert records.students["S002"].residence is None


def test_every_kind_of_mistake_is_reported_at_its_cell_and_nothing_is_written(tmp_path):
    keys = [*row()]
    headers = [header_of(k).split(" / ")[1] for k in keys] + ["Emial"]  # English headers, one misspelt
    at = {k: n for n, k in enumerate(keys, 1)}

    def line(**changes):
        values = row(**changes)
        return [values.get(k) for k in keys]

    rows = [
        line(**{"student.birth_date": "1996/04/12"}),  # row 2: a date typed as text, wrong format
        line(**{"student.id": "S002", "internship.id": "I002", "student.address.prefecture": "神奈川県",
                "student.address.postal_code": "２４０－０１９３", "student.program.enrolled_on": 45017,
                "internship.hours_per_week": "３８．７５"}),  # row 3: kanji prefecture; full-width and serial: fine
        line(**{"student.id": "S003"}),  # row 4: internship I001 again
        line(**{"internship.id": "I003", "student.name.family": "DOEE",
                "student.birth_date": "1996/04/12"}),  # row 5: S001 again, another family name
        line(**{"student.id": "S004", "internship.id": "I004", "student.residence.card_number": "ab123"}),
        line(**{"student.id": "S005", "internship.id": "I005", "student.email": "=A1"}),  # a formula
        line(**{"student.id": "S006", "internship.id": "I006", "internship.title_en": None}),  # merged below
        line(**{"student.id": "S007", "internship.id": "I007",
                "internship.period.start": datetime(2026, 7, 1, 9, 30), "student.sex": "女性"}),
    ]
    path = plain_workbook(tmp_path / "roster.xlsx", headers, rows, title="名簿")
    wb = load_workbook(path)
    ws = wb.active
    merged = f"{get_column_letter(at['internship.title_ja'])}8:{get_column_letter(at['internship.title_en'])}8"
    ws.merge_cells(merged)
    ws.cell(9, len(keys) + 1).value = "x@example.jp"
    wb.save(path)

    def cell(key, r):
        return f"{path}:名簿!{get_column_letter(at[key])}{r}"

    result = ceri("import", path, "-o", tmp_path / "records")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert set(result.stderr.splitlines()) == {
        f"{path}:名簿!{get_column_letter(len(keys) + 1)}1: unknown column 'Emial' (did you mean 'Email'?)",
        f"{cell('student.birth_date', 2)}: '1996/04/12' is not a date: write dates as YYYY-MM-DD, e.g. 2026-07-01",
        f"{cell('student.address.prefecture', 3)}: '神奈川県' is not one of the 47 prefectures "
        "(did you mean 'Kanagawa'?)",
        f"{cell('internship.id', 4)}: duplicate internship id 'I001' (first in {cell('internship.id', 2)})",
        f"{cell('student.name.family', 5)}: 'DOEE' differs from 'DOE' in {cell('student.name.family', 2)}: "
        "the rows of student 'S001' must agree",
        f"{cell('student.residence.card_number', 6)}: 'ab123' is not a valid residence card number "
        "(two letters, eight digits, two letters)",
        f"{cell('student.email', 7)}: a formula (=A1): ceri reads typed values only; copy the column and "
        "paste it as values",
        f"{cell('internship.title_ja', 8)}: merged cells ({merged}): unmerge them and type the value in each cell",
        f"{cell('internship.period.start', 9)}: '2026-07-01 09:30:00' has a time of day: type the date only",
        f"{cell('student.sex', 9)}: '女性' is not allowed for 'sex': expected 'female' or 'male' (did you mean 'female'?)",
    }
    assert len(result.stderr.splitlines()) == 10  # one message a mistake: no 'missing' after a formula
    assert not (tmp_path / "records").exists()


def test_the_same_roster_as_csv_is_reported_at_line_and_column(tmp_path):
    bad = row(**{"student.id": "S002", "internship.id": "I002", "student.birth_date": "12.04.1996",
                 "internship.duties_ja": "一行目\n二行目", "internship.pay.amount": "300,000"})
    path = write_csv(tmp_path / "roster.csv", [row(), bad])
    keys = list(row())
    result = ceri("import", path, "-o", tmp_path / "records")
    assert result.returncode == 2
    birth, amount = keys.index("student.birth_date") + 1, keys.index("internship.pay.amount") + 1
    assert result.stderr.splitlines() == [
        f"{path}:3:{birth}: '12.04.1996' is not a date: write dates as YYYY-MM-DD, e.g. 2026-07-01",
        f"{path}:3:{amount}: '300,000' is not a whole number ≥ 0 (digits only, no commas or signs)",
    ]
    # the row after a value with a line break starts a line later
    fixed = row(**{"student.id": "S002", "internship.id": "I002", "internship.duties_ja": "一行目\n二行目"})
    third = row(**{"student.id": "S003", "internship.id": "I003", "student.sex": "f"})
    path = write_csv(tmp_path / "roster.csv", [row(), fixed, third])
    result = ceri("import", path, "-o", tmp_path / "records")
    assert result.stderr.splitlines() == [
        f"{path}:5:{keys.index('student.sex') + 1}: 'f' is not allowed for 'sex': expected 'female' or 'male'"]


def test_csv_from_japanese_excel_shift_jis_with_japanese_headers(tmp_path):
    path = write_csv(tmp_path / "roster.csv", [row(**{"student.name.family_ja": "髙橋"})],
                     encoding="cp932", header="ja")
    result = ceri("import", path, "-o", tmp_path / "records")
    assert result.returncode == 0, result.stderr
    assert load([tmp_path / "records"]).students["S001"].name.family_ja == "髙橋"


def test_untidy_values_come_through_exactly(tmp_path):
    duties = ("大規模言語モデルの評価手法に関する研究開発。" * 30)[:600]
    values = row(**{"student.name.family_ja": "𠮷田", "internship.duties_ja": f"{duties}\n二行目：詳細",
                    "internship.duties_en": "Line one\nLine two", "student.phone": "０８０－１２３４－５６７８",
                    "student.email": " jane@example.ac.jp ", "internship.payments": "2026-07-25 300000\n"
                                                                                   "2026-08-25　300000"})
    roster = fill_template(tmp_path / "roster.xlsx", [values])
    assert ceri("import", roster, "-o", tmp_path / "records").returncode == 0
    records = load([tmp_path / "records"])
    s, i = records.students["S001"], records.internships["I001"]
    assert s.name.family_ja == "𠮷田"
    assert "family_ja: 𠮷田\n" in (tmp_path / "records" / "S001.yaml").read_text("utf-8")  # as typed, not escaped
    assert i.duties_ja == f"{duties}\n二行目：詳細"  # free text is kept as typed, full-width colon too
    assert len(duties) == 600
    assert s.phone == "080-1234-5678" and s.email == "jane@example.ac.jp"
    assert [(p.paid_on, p.amount) for p in i.payments] == [(date(2026, 7, 25), 300000), (date(2026, 8, 25), 300000)]


def test_reimport_changes_only_what_changed_and_keeps_comments(tmp_path):
    records_dir = tmp_path / "records"
    shutil.copytree(EXAMPLES, records_dir)
    original = (records_dir / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    export(load([records_dir]), tmp_path / "roster.xlsx")
    plan = preview([tmp_path / "roster.xlsx"], records_dir)
    assert not plan.problems and {f.action for f in plan.files} == {"unchanged"}

    wb = load_workbook(tmp_path / "roster.xlsx")
    ws = wb["名簿"]
    where = {c.key: n for n, c in enumerate(columns(), 1)}
    r = next(n for n in range(2, ws.max_row + 1) if ws.cell(n, where["student.id"]).value == "23DB0012")
    ws.cell(r, where["student.address.prefecture"]).value = "Tokyo"
    ws.cell(r, where["student.phone"]).value = None  # an emptied cell removes the field
    wb.save(tmp_path / "roster.xlsx")

    plan = preview([tmp_path / "roster.xlsx"], records_dir)
    changed = [f for f in plan.files if f.action != "unchanged"]
    assert [f.path.name for f in changed] == ["01-nguyen-thi-lan.yaml"]
    assert {(c.field, c.old, c.new) for c in changed[0].fields} == {
        ("address.prefecture", "Kanagawa", "Tokyo"), ("phone", "080-1234-5678", None)}
    apply(plan)
    after = (records_dir / "01-nguyen-thi-lan.yaml").read_text("utf-8")
    # the value changes, its comment stays in its column; the emptied field's line goes
    expected = original.replace("prefecture: Kanagawa", "prefecture: Tokyo   ").replace("phone: 080-1234-5678\n", "")
    assert after == expected
    assert load([records_dir]).students["23DB0012"].address.prefecture == "Tokyo"


def test_apply_refuses_a_plan_whose_files_changed_since(tmp_path):
    roster = fill_template(tmp_path / "roster.xlsx", [row()])
    plan = preview([roster], tmp_path / "records")
    assert [(f.path.name, f.action) for f in plan.files] == [("S001.yaml", "create")]
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "S001.yaml").write_text("# made meanwhile\n", "utf-8")
    try:
        apply(plan)
    except Exception as exc:  # CeriError: the CLI prints it, exit 2
        assert "changed since the import was previewed" in str(exc)
    else:
        raise AssertionError("apply wrote over a file made after its preview")
    assert (tmp_path / "records" / "S001.yaml").read_text("utf-8") == "# made meanwhile\n"


def test_a_new_internship_joins_its_students_file(tmp_path):
    roster = fill_template(tmp_path / "roster.xlsx", [row()])
    assert ceri("import", roster, "-o", tmp_path / "records").returncode == 0
    later = row(**{"internship.id": "I002", "internship.period.start": date(2026, 10, 1),
                   "internship.period.end": date(2026, 12, 1)})
    roster = fill_template(tmp_path / "roster2.xlsx", [later])
    result = ceri("import", roster, "-o", tmp_path / "records")
    assert "update: " in result.stdout
    assert [f.name for f in (tmp_path / "records").iterdir()] == ["S001.yaml"]
    text = (tmp_path / "records" / "S001.yaml").read_text("utf-8")
    assert text.count("kind: internship") == 2
    assert set(load([tmp_path / "records"]).internships) == {"I001", "I002"}


def test_the_records_folder_must_load_before_a_reimport(tmp_path):
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "bad.yaml").write_text("kind: student\nid: x y\n", "utf-8")
    result = ceri("import", fill_template(tmp_path / "roster.xlsx", [row()]), "-o", tmp_path / "records")
    assert result.returncode == 2
    assert f"{tmp_path / 'records' / 'bad.yaml'}:2:5: invalid id 'x y'" in result.stderr


def test_full_width_headers_and_japanese_only_headers_are_understood(tmp_path):
    keys = list(row())
    headers = [header_of(k).split(" / ")[0] for k in keys]
    headers[keys.index("student.address.postal_code")] = "郵便番号　"  # a trailing ideographic space
    headers[keys.index("student.program.name_ja")] = "コース名(日本語)"  # ASCII brackets
    path = plain_workbook(tmp_path / "roster.xlsx", headers, [[row()[k] for k in keys]])
    assert ceri("import", path, "-o", tmp_path / "records").returncode == 0
    assert INTERNSHIP["internship.id"] in load([tmp_path / "records"]).internships


def test_a_roster_of_a_few_columns_updates_only_those(tmp_path):
    """The office's progress sheet: ids and the step dates, nothing else; the records keep the rest."""
    records_dir = tmp_path / "records"
    shutil.copytree(EXAMPLES, records_dir)
    path = plain_workbook(tmp_path / "steps.xlsx", ["学籍番号", "インターンシップID", "応募日", "Phone"],
                          [["23DB0012", "CERI-2026-001", "45047", None]])  # a serial date typed as text
    result = ceri("import", path, "-o", records_dir)
    assert result.returncode == 0, result.stderr
    before, after = load([EXAMPLES]), load([records_dir])
    assert after.internships["CERI-2026-001"].steps.applied_on == date(2023, 5, 1)
    assert after.students["23DB0012"].phone is None  # the column is there, its cell empty
    assert after.students["23DB0012"].address == before.students["23DB0012"].address
    changed = {k for k, v in after.internships.items() if v != before.internships[k]}
    assert changed == {"CERI-2026-001"}


def test_a_workbook_and_a_csv_together_and_their_rows_agree(tmp_path):
    first = fill_template(tmp_path / "a.xlsx", [row()])
    later = row(**{"internship.id": "I002", "internship.period.start": "2026-10-01",
                   "internship.period.end": "2026-12-01", "student.email": None})  # empty: from the workbook
    second = write_csv(tmp_path / "b.csv", [later])
    result = ceri("import", first, second, "-o", tmp_path / "records")
    assert result.returncode == 0, result.stderr
    assert "rows read 2: students 1, internships 2" in result.stdout
    records = load([tmp_path / "records"])
    assert records.students["S001"].email == "jane@example.ac.jp"
    assert [i.id for i in records.internships_of("S001")] == ["I001", "I002"]
    clash = write_csv(tmp_path / "c.csv", [row(**{"internship.id": "I003", "student.sex": "male"})])
    result = ceri("import", first, clash, "-o", tmp_path / "records")
    sex = list(row()).index("student.sex") + 1
    assert result.stderr.splitlines() == [
        f"{clash}:2:{sex}: 'male' differs from 'female' in {first}:名簿!F2: the rows of student 'S001' must agree"]


def test_japanese_words_for_choices_are_reported_with_the_records_word(tmp_path):
    values = row(**{"student.residence.status": "留学", "internship.pay.per": "月額",
                    "student.insurance.gakkenbai": "はい", "student.program.course": "５年一貫制",
                    "student.address.prefecture": "北海道"})
    path = write_csv(tmp_path / "roster.csv", [values])
    keys = list(values)
    result = ceri("import", path, "-o", tmp_path / "records")

    def at(key):
        return f"{path}:2:{keys.index(key) + 1}"

    assert sorted(result.stderr.splitlines()) == sorted([
        f"{at('student.address.prefecture')}: '北海道' is not one of the 47 prefectures (did you mean 'Hokkaido'?)",
        f"{at('student.program.course')}: '5年一貫制' is not allowed for 'course': expected 'five-year' or "
        "'three-year' (did you mean 'five-year'?)",
        f"{at('student.residence.status')}: '留学' is not allowed for 'status': expected 'student', "
        "'permanent_resident', 'spouse_or_child_of_japanese', 'long_term_resident', 'dependent', "
        "'designated_activities' or 'other' (did you mean 'student'?)",
        f"{at('student.insurance.gakkenbai')}: 'はい' is not a boolean: write true or false (did you mean 'true'?)",
        f"{at('internship.pay.per')}: '月額' is not allowed for 'per': expected 'month', 'week', 'day' or 'hour' "
        "(did you mean 'month'?)",
    ])


def test_dry_run_says_what_would_change_and_writes_nothing(tmp_path):
    roster = fill_template(tmp_path / "roster.xlsx", [row()])
    result = ceri("import", roster, "-o", tmp_path / "records", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"create: {tmp_path / 'records' / 'S001.yaml'} (" in result.stdout
    assert result.stdout.rstrip().endswith("(dry run: nothing written)")
    assert not (tmp_path / "records").exists()
    result = ceri("import", roster, "--template", tmp_path / "t.xlsx")
    assert result.returncode == 2 and not (tmp_path / "t.xlsx").exists()
