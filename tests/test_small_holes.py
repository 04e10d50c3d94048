"""The smaller holes of issue 21, each a clear message or a fix: YAML nested hundreds of levels, dates
outside 1900-2200, ids equal but for case, folders 0700 whatever the umask, a user's own .tmp-* files
kept, and a disk error while zipping that loses neither the packs nor the summary."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from pipeline.fileio import make_private_dir
from tests import fakes
from tests.helpers import INTERNSHIP, STUDENT, ceri, write

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_yaml_nested_hundreds_of_levels_is_one_message(tmp_path):
    deep = "".join("  " * i + f"a{i}:\n" for i in range(1, 600))
    path = write(tmp_path, STUDENT + "extra:\n" + deep)
    r = ceri("validate", path)
    assert r.returncode == 2
    assert "nested more than 64 levels deep" in r.stderr and "Traceback" not in r.stderr
    flow = write(tmp_path, STUDENT.replace("sex: female", "sex: " + "[" * 900 + "]" * 900), "flow.yaml")
    r = ceri("validate", flow)
    assert r.returncode == 2 and "nested more than 64 levels deep" in r.stderr


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_dates_outside_1900_2200_are_refused_at_validate(tmp_path, day):
    text = STUDENT.replace("birth_date: 1996-04-12", f"birth_date: {day}")
    assert text != STUDENT
    r = ceri("validate", write(tmp_path, text))
    assert r.returncode == 2 and f"'{day}' is outside the years 1900–2200" in r.stderr


def test_dates_at_the_edges_are_fine(tmp_path):
    text = STUDENT.replace("birth_date: 1996-04-12", "birth_date: 1900-01-01")
    assert ceri("validate", write(tmp_path, text)).returncode == 0


def test_ids_equal_but_for_case_are_duplicates(tmp_path):
    write(tmp_path, STUDENT, "a.yaml")
    write(tmp_path, STUDENT.replace("id: S001", "id: s001"), "b.yaml")
    r = ceri("validate", tmp_path)
    assert r.returncode == 2
    assert "duplicate student id 's001': it differs from 'S001' only in case" in r.stderr
    internships = INTERNSHIP + "---\n" + INTERNSHIP.replace("id: I001", "id: i001")
    assert "id: i001" in internships
    other = tmp_path / "i"
    other.mkdir()
    r = ceri("validate", write(other, STUDENT + "---\n" + internships))
    assert r.returncode == 2 and "only in case" in r.stderr


def test_folders_are_0700_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        make_private_dir(tmp_path / "a" / "b" / "c")
        r = ceri("render", "enrollment-certificate", EXAMPLES, "--student", "23DB0012", "-o",
                 tmp_path / "x" / "y" / "cert.pdf")
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    for folder in ("a", "a/b", "a/b/c", "x", "x/y"):
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o700, folder


def test_only_ceris_own_temporary_names_are_removed(tmp_path, monkeypatch):
    fakes.install(monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    mine = [out / ".tmp-notes.txt", out / ".tmp-draft"]
    mine[0].write_text("my notes")
    mine[1].mkdir()
    stale = out / ".tmp-424242-23DB0012-CERI-2026-001"
    stale.mkdir()
    r = ceri("pack", EXAMPLES, "-o", out, "--student", "23DB0012", "--jobs", "1", "--quiet")
    assert r.returncode in (0, 1), r.stderr
    assert all(p.exists() for p in mine) and not stale.exists()


def test_a_full_disk_while_zipping_keeps_the_packs_and_the_summary(tmp_path, monkeypatch):
    fakes.install(monkeypatch)
    import pipeline.fileio
    import pipeline.pack.batch as batch

    real = pipeline.fileio.write_atomic

    def full(path, data, mode=0o600):
        if str(path).endswith(".zip"):  # as the disk would: the temporary file was begun, then ENOSPC
            (Path(path).parent / f".tmp-{os.getpid()}-{Path(path).name}.x").write_bytes(data[:10])
            (Path(path).parent / f".tmp-{os.getpid()}-{Path(path).name}.x").unlink()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data, mode)

    monkeypatch.setattr(batch, "write_atomic", full)
    out = tmp_path / "out"
    r = ceri("pack", EXAMPLES, "-o", out, "--student", "23DB0012", "--zip", "--jobs", "1", "--quiet")
    assert r.returncode == 1
    assert f"{out / '23DB0012.zip'}: cannot write the zip (No space left on device)" in r.stderr
    assert "packs: 1 built" in r.stdout and "Traceback" not in r.stderr
    assert (out / "23DB0012" / "CERI-2026-001" / "manifest.json").is_file()
    assert not list(out.glob("*.zip")) and not list(out.glob(".tmp-*"))


def test_an_output_folder_that_cannot_be_made_is_a_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    r = ceri("pack", EXAMPLES, "-o", blocker / "out", "--student", "23DB0012", "--jobs", "1", "--quiet")
    assert r.returncode == 2 and "cannot create or open the output folder" in r.stderr
