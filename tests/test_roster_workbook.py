"""The template the office fills and `ceri export`, read back with openpyxl; export → import identity."""

from __future__ import annotations

import re
from datetime import date

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline.records import load
from pipeline.records.places import prefectures
from pipeline.roster import columns

from helpers import EXAMPLES, ROOT, ceri


def _validations(ws) -> dict[str, list[str]]:
    """Column letter → the values of its drop-down list, resolved on the hidden lists sheet."""
    lists = ws.parent["lists"]
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.allow_blank
        m = re.fullmatch(r"lists!\$([A-Z]+)\$1:\$\1\$(\d+)", dv.formula1)
        assert m, dv.formula1
        values = [lists[f"{m[1]}{n}"].value for n in range(1, int(m[2]) + 1)]
        for ref in str(dv.sqref).split():
            letter = re.match(r"[A-Z]+", ref)[0]
            assert ref == f"{letter}2:{letter}1048576"
            out[letter] = values
    return out


def test_template_headers_notes_lists_formats_and_frozen_header(tmp_path):
    path = tmp_path / "roster.xlsx"
    result = ceri("import", "--template", path)
    assert result.returncode == 0, result.stderr
    wb = load_workbook(path)
    assert wb.sheetnames == ["名簿", "lists"] and wb["lists"].sheet_state == "hidden"
    ws = wb["名簿"]
    cols = columns()
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["学籍番号 / Student ID", "姓（ローマ字） / Family name (roman)", "名（ローマ字） / Given name (roman)"]
    assert headers == [f"{c.ja} / {c.en}" for c in cols]
    assert ws.max_row == 1
    for cell, col in zip(ws[1], cols, strict=True):
        assert cell.font.b
        assert cell.comment is not None and cell.comment.text == f"{col.note_ja}\n{col.note_en}\n[{col.key}]"
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref.startswith("A1:")

    letter = {c.key: get_column_letter(n) for n, c in enumerate(cols, 1)}
    lists = _validations(ws)
    assert lists[letter["student.address.prefecture"]] == list(prefectures())
    assert len(lists[letter["student.address.prefecture"]]) == 47
    assert lists[letter["student.residence.status"]] == [
        "student", "permanent_resident", "spouse_or_child_of_japanese", "long_term_resident", "dependent",
        "designated_activities", "other"]
    assert lists[letter["student.program.degree"]] == ["doctoral", "masters"]
    assert lists[letter["student.program.course"]] == ["five-year", "three-year"]
    assert lists[letter["student.funding.jsps.category"]] == ["DC1", "DC2", "PD", "RPD", "CPD"]
    assert lists[letter["student.funding.sokendai_special_researcher"]] == ["pioneering", "field-specific"]
    assert lists[letter["student.funding.mext_scholarship"]] == ["true", "false"]
    assert lists[letter["student.sex"]] == ["female", "male"]
    assert lists[letter["internship.pay.per"]] == ["month", "week", "day", "hour"]
    assert set(lists) == {letter[c.key] for c in cols if c.type in ("choice", "flag")}

    for col in cols:
        fmt = ws.column_dimensions[letter[col.key]].number_format
        if col.type == "date":
            assert fmt == "yyyy-mm-dd", col.key
        elif col.type in ("text", "code"):
            assert fmt == "@", col.key  # Excel keeps 012345 and 080-… as typed


def test_template_never_replaces_a_file(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"the office's filled roster")
    result = ceri("import", "--template", path)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert path.read_bytes() == b"the office's filled roster"


def test_export_then_import_gives_the_same_records(tmp_path):
    roster = tmp_path / "roster.xlsx"
    result = ceri("export", roster, EXAMPLES)
    assert result.returncode == 0, result.stderr
    result = ceri("import", roster, "-o", tmp_path / "records")
    assert result.returncode == 0, result.stderr
    before, after = load([EXAMPLES]), load([tmp_path / "records"])
    assert after.students == before.students
    assert after.internships == before.internships
    assert len(after.internships) == 11 and any(i.payments for i in after.internships.values())


def test_export_cells_are_dates_numbers_and_text(tmp_path):
    roster = tmp_path / "roster.xlsx"
    ceri("export", roster, EXAMPLES)
    ws = load_workbook(roster)["名簿"]
    where = {c.key: n for n, c in enumerate(columns(), 1)}
    r = next(n for n in range(2, ws.max_row + 1) if ws.cell(n, where["student.id"]).value == "23DB0012")
    birth = ws.cell(r, where["student.birth_date"])
    assert birth.value.date() == date(1996, 4, 12) and birth.number_format == "yyyy-mm-dd"
    assert ws.cell(r, where["internship.pay.amount"]).value == 300000
    assert ws.cell(r, where["student.phone"]).value == "080-1234-5678"
    assert ws.cell(r, where["student.name.family"]).value == "Nguyễn"
    # one row per internship: the student with two has two rows, its columns repeated
    ids = [ws.cell(n, where["student.id"]).value for n in range(2, ws.max_row + 1)]
    assert len(ids) == 11 and len(set(ids)) == 9


def test_export_is_byte_for_byte_stable(tmp_path):
    ceri("export", tmp_path / "a.xlsx", EXAMPLES)
    ceri("export", tmp_path / "b.xlsx", EXAMPLES)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_export_never_writes_over_an_input(tmp_path):
    record = tmp_path / "r.xlsx"  # a records file named directly may have any name
    record.write_bytes((EXAMPLES / "01-nguyen-thi-lan.yaml").read_bytes())
    result = ceri("export", record, record)
    assert result.returncode == 2 and "is an input" in result.stderr
    assert record.read_bytes() == (EXAMPLES / "01-nguyen-thi-lan.yaml").read_bytes()
    result = ceri("export", tmp_path / "roster.yaml", EXAMPLES)
    assert result.returncode == 2 and "written as an .xlsx" in result.stderr


def test_docs_list_every_column():
    """docs/roster.md's column table is the data file's: it cannot drift."""
    text = (ROOT / "docs" / "roster.md").read_text("utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)` \| (.+?) \| (.+?) \|", text, re.M)
    assert [(k, ja, en) for k, ja, en in rows] == [(c.key, c.ja, c.en) for c in columns()]


def test_workbooks_carry_no_clock_and_stream_their_sheets(tmp_path, monkeypatch):
    """The roster and the status workbook: fixed document dates, zip entries dated 1980-01-01 and private,
    [Content_Types].xml first; the sheet's XML goes from openpyxl's temporary file into the zip in
    pieces, never read whole (at 50,000 students it is some 400 MB)."""
    import zipfile
    from datetime import datetime

    from pipeline.desk.board import as_xlsx
    from pipeline.desk.status import rows
    from pipeline.roster import xlsxfile
    from pipeline.roster.workbook import build

    reads: list[int] = []
    original = xlsxfile.shutil.copyfileobj
    monkeypatch.setattr(xlsxfile.shutil, "copyfileobj",
                        lambda src, dst, size: reads.append(size) or original(src, dst, size))
    records = load([EXAMPLES])
    for data in (build(records), as_xlsx(rows(records, date(2026, 6, 1)), "ja")):
        path = tmp_path / "book.xlsx"
        path.write_bytes(data)
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            assert infos[0].filename == "[Content_Types].xml"
            assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
            assert {(i.date_time, i.external_attr >> 16) for i in infos} == {((1980, 1, 1, 0, 0, 0), 0o100600)}
        wb = load_workbook(path)
        assert wb.properties.created == wb.properties.modified == datetime(2026, 1, 1)
        assert wb.properties.creator == "ceri"
    assert len(reads) == 4 and set(reads) == {1 << 20}  # every sheet: the roster's two, the status's two
