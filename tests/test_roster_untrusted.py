"""A roster comes from outside: what is not a roster, or is too large, is refused with one clear line
before it is unpacked or parsed, and nothing is written."""

from __future__ import annotations

import zipfile

from roster_support import fill_template, row, write_csv

from pipeline.roster import reading

from helpers import ROOT, ceri


def _refused(tmp_path, path, message):
    result = ceri("import", path, "-o", tmp_path / "records")
    assert result.returncode == 2, result.stdout
    assert result.stderr.splitlines() == [f"{path}:1:1: {message}"]
    assert not (tmp_path / "records").exists()


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    """The declared sizes are summed first (zipfile never inflates beyond them); here 3 MB against 2 MB."""
    monkeypatch.setattr(reading, "MAX_UNZIPPED_BYTES", 2 * 2**20)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 2**20))
    assert path.stat().st_size < 20_000
    _refused(tmp_path, path, "the workbook unpacks to 3 MB; ceri reads at most 2 MB")


def test_a_workbook_of_too_many_parts_is_refused(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for n in range(reading.MAX_ZIP_MEMBERS + 1):
            z.writestr(f"xl/part{n}.xml", "")
    _refused(tmp_path, path, "the workbook holds 501 parts; a roster has far fewer (at most 500)")


def test_a_file_too_large_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 2**20)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a," * 2**20)
    _refused(tmp_path, path, "the file is 2 MB; ceri reads rosters of at most 1 MB")


def test_an_old_xls_or_a_password_protected_workbook_is_refused(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an OLE2 compound file
    _refused(tmp_path, path, "not an Excel workbook (.xlsx): a password-protected workbook or an old .xls file "
                             "must be saved as .xlsx without a password")


def test_rows_beyond_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    rows = [row(**{"student.id": f"S{n}", "internship.id": f"I{n}"}) for n in range(4)]
    path = fill_template(tmp_path / "roster.xlsx", rows)
    result = ceri("import", path, "-o", tmp_path / "records")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{path}:名簿!A4: more than 2 rows: split the roster into several files"]
    csv_path = write_csv(tmp_path / "roster.csv", rows)
    result = ceri("import", csv_path, "-o", tmp_path / "records")
    assert result.stderr.splitlines() == [f"{csv_path}:4:1: more than 2 rows: split the roster into several files"]


def test_binary_and_foreign_files(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"Student ID,Sex\nS1,\0female\n")
    result = ceri("import", path, "-o", tmp_path / "records")
    assert result.stderr.splitlines() == [f"{path}:2:1: binary file, not CSV text"]
    other = tmp_path / "roster.ods"
    other.write_bytes(b"PK")
    result = ceri("import", other, "-o", tmp_path / "records")
    assert result.stderr.splitlines() == [f"{other}:1:1: not a roster: ceri imports .xlsx and .csv files"]


def test_a_file_without_roster_headers(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("メモ,日付\n会議,明日\n", "utf-8")
    _refused(tmp_path, path, "no roster found: the first row of a sheet must hold the column headers "
                             "(ceri import --template makes an empty roster)")


def test_the_import_never_writes_over_its_input(tmp_path):
    """-o names the folder the roster is in, and a student's id names the roster itself."""
    path = write_csv(tmp_path / "S001.yaml.csv", [row()])
    before = path.read_bytes()
    (tmp_path / "S001.yaml").symlink_to(path)
    result = ceri("import", path, "-o", tmp_path)
    assert result.returncode == 2  # the folder's records must load first: this one is a CSV
    assert path.read_bytes() == before and (tmp_path / "S001.yaml").is_symlink()


def test_workbook_xml_is_parsed_through_defusedxml():
    """openpyxl guards its XML parsing (entity expansion, external entities) only when defusedxml is there."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_the_limits_the_docs_state_are_the_code_s():
    for doc in ("roster.md", "limits.md"):
        text = " ".join((ROOT / "docs" / doc).read_text("utf-8").split())
        assert f"{reading.MAX_FILE_BYTES // 2**20} MB" in text, doc
        assert f"{reading.MAX_ZIP_MEMBERS}" in text and f"{reading.MAX_UNZIPPED_BYTES // 2**20} MB" in text, doc
        assert f"{reading.MAX_ROWS:,}" in text and f"{reading.MAX_COLUMNS}" in text, doc


def test_a_damaged_sheet_is_one_message(tmp_path):
    good = fill_template(tmp_path / "good.xlsx", [row()])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of the rows
            out.writestr(item, data)
    result = ceri("import", bad, "-o", tmp_path / "records")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert [line.split(": ")[0] for line in result.stderr.splitlines()][-1] == f"{bad}:名簿!A1"
    assert "damaged sheet" in result.stderr
    assert not (tmp_path / "records").exists()
