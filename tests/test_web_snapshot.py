"""The desk's records snapshot: after a few files change, reloading only them gives what a full load gives."""

from __future__ import annotations

import os
import shutil

from web_helpers import AS_OF, ROOT

from pipeline.web.snapshot import build, state_of, update


def _same(a, b) -> None:
    assert [r.to_json() for r in a.board] == [r.to_json() for r in b.board]
    assert sorted(f.sort_key() for f in a.findings) == sorted(f.sort_key() for f in b.findings)
    assert a.records.students.keys() == b.records.students.keys()
    assert a.records.internships.keys() == b.records.internships.keys()


def _touch(path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_a_changed_an_added_and_a_removed_file(tmp_path):
    folder = tmp_path / "records"
    shutil.copytree(ROOT / "examples", folder)
    first = build(folder, state_of(folder), AS_OF)
    lan = folder / "01-nguyen-thi-lan.yaml"
    lan.write_text(lan.read_text("utf-8").replace("contract_signed_on: 2026-06-10", "contract_signed_on: 2026-05-01"),
                   "utf-8")
    _touch(lan)
    shutil.copy(folder / "09-kim-minjun.yaml", folder / "sub-copy.yaml")
    (folder / "09-kim-minjun.yaml").unlink()
    state = state_of(folder)
    fast = update(first, state, AS_OF)
    assert fast is not None
    _same(fast, build(folder, state, AS_OF))
    assert fast.by_internship["CERI-2026-001"].to_json() != first.by_internship["CERI-2026-001"].to_json()


def test_an_id_in_two_files_or_the_institution_loads_everything(tmp_path):
    folder = tmp_path / "records"
    shutil.copytree(ROOT / "examples", folder)
    first = build(folder, state_of(folder), AS_OF)
    shutil.copy(folder / "09-kim-minjun.yaml", folder / "again.yaml")
    assert update(first, state_of(folder), AS_OF) is None
    assert build(folder, state_of(folder), AS_OF).problems  # the full load names the duplicate
    (folder / "again.yaml").unlink()
    _touch(folder / "institution.yaml")
    assert update(first, state_of(folder), AS_OF) is None
