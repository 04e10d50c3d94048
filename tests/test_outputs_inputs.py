"""No output ever replaces an input: -o paths are checked against the inputs (symlinks followed) before
anything is written, a merge updates the record a symlink points to, and a dangling -o is a message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.fileio import write_atomic
from pipeline.records import load
from tests.helpers import ceri
from tests.test_form_untrusted import RECORD, returned, sent  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def records(tmp_path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(ROOT / "examples", folder)
    return folder


def test_merge_and_o_onto_the_same_record_is_refused(tmp_path, sent):  # noqa: F811
    rec = tmp_path / "lan.yaml"
    rec.write_text(RECORD.read_text("utf-8"), "utf-8")
    r = ceri("evaluation", "read", returned(tmp_path, sent), "--as-of", "2026-10-05", "--merge", rec, "-o", rec)
    assert r.returncode == 2 and "this is one of the inputs" in r.stderr
    assert rec.read_text("utf-8") == RECORD.read_text("utf-8")


def test_merge_through_a_symlink_updates_the_record_and_keeps_the_link(tmp_path, sent):  # noqa: F811
    real = tmp_path / "real" / "lan.yaml"
    real.parent.mkdir()
    real.write_text(RECORD.read_text("utf-8"), "utf-8")
    link = tmp_path / "lan.yaml"
    link.symlink_to(real)
    r = ceri("evaluation", "read", returned(tmp_path, sent), "--as-of", "2026-10-05", "--merge", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and link.resolve() == real
    assert load([real]).internships["CERI-2026-001"].evaluation.ratings.initiative == 5


def test_render_onto_a_records_file_or_into_the_records_folder_is_refused(records, tmp_path):
    rec = records / "01-nguyen-thi-lan.yaml"
    before = rec.read_bytes()
    r = ceri("render", "enrollment-certificate", records, "--student", "23DB0012", "-o", rec)
    assert r.returncode == 2 and "inside the records folder" in r.stderr
    r = ceri("render", "enrollment-certificate", rec, "--student", "23DB0012", "-o", rec)
    assert r.returncode == 2 and "this is one of the inputs" in r.stderr
    assert rec.read_bytes() == before
    link = tmp_path / "looks-new.pdf"
    link.symlink_to(rec)
    r = ceri("render", "enrollment-certificate", rec, "--student", "23DB0012", "-o", link)
    assert r.returncode == 2 and "this is one of the inputs" in r.stderr
    assert rec.read_bytes() == before
    hard = tmp_path / "hard.pdf"
    hard.hardlink_to(rec)
    r = ceri("render", "enrollment-certificate", rec, "--student", "23DB0012", "-o", hard)
    assert r.returncode == 2 and "this is one of the inputs" in r.stderr
    r = ceri("render", "enrollment-certificate", records, "--student", "23DB0012", "-o", records / "c.pdf")
    assert r.returncode == 2 and "inside the records folder" in r.stderr
    assert not (records / "c.pdf").exists()


def test_fill_onto_its_form_and_pack_into_the_records_are_refused(records, tmp_path):
    form = tmp_path / "form.pdf"
    form.write_bytes((ROOT / "forms" / "evaluation-form.pdf").read_bytes())
    r = ceri("fill", form, records, "--map", ROOT / "forms" / "evaluation-form.map.yaml", "--student", "23DB0012",
             "-o", form)
    assert r.returncode == 2 and "this is one of the inputs" in r.stderr
    r = ceri("pack", records, "-o", records / "packs", "--jobs", "1")
    assert r.returncode == 2 and "inside the records folder" in r.stderr
    assert not (records / "packs").exists()


def test_a_dangling_output_symlink_is_a_clear_message(records, tmp_path):
    link = tmp_path / "out.pdf"
    link.symlink_to(tmp_path / "missing" / "x.pdf")
    r = ceri("render", "enrollment-certificate", records, "--student", "23DB0012", "-o", link)
    assert r.returncode == 2 and "a symlink pointing nowhere" in r.stderr
    assert link.is_symlink() and not (tmp_path / "missing").exists()


def test_write_atomic_through_a_symlink_replaces_the_target(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "target.txt"]
