"""ceri pack: documents per kind of student, manifest, resumability, atomicity, parallelism, modes, zips."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from benchmarks.synth import generate
from pipeline import rules
from pipeline.cli import main
from pipeline.pack.select import select
from pipeline.records import load
from tests import fakes
from tests.pdf_helpers import text_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "examples")
AS_OF = "2026-06-01"


@pytest.fixture(autouse=True)
def fake_renderers(monkeypatch):
    fakes.install(monkeypatch)


def pack(*args: str) -> tuple[int, str, str]:
    day = [] if "--as-of" in args else ["--as-of", AS_OF]
    result = CliRunner().invoke(main, ["pack", *args, *day, "--quiet"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def expected_code(stderr: str) -> int:
    """1 exactly when the records had error findings (the rules decide) or a pack failed."""
    return 1 if ": error " in stderr or "FAILED" in stderr else 0


def tree(folder: Path) -> dict[str, bytes]:
    """Every output file and its bytes; the register is left out: its audit trail is time-stamped (the
    serials it gave are printed in the certificates compared here)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith("register.sqlite")}


def docs_of(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return {d["doc"]: d["status"] for d in manifest["documents"]}


def test_documents_chosen_per_kind_of_student():
    records = load([EXAMPLES])
    before = date(2026, 5, 1)  # before CERI-2026-001's permit was granted and -003's evaluation came in
    chosen = {iid: [w.doc for w in select(records.students[i.student], i, as_of=before)]
              for iid, i in records.internships.items()}
    base = ["enrollment-certificate", "internship-certificate", "evaluation-form", "evaluation-request"]
    permit = ["permit-checklist", "permit-application"]
    assert set(chosen["CERI-2026-001"]) == set(base + permit)  # status of residence "Student"
    assert set(chosen["CERI-2026-002"]) == set(base)  # Japanese national
    assert set(chosen["CERI-2026-003"]) == set(base)  # the evaluation is not in yet
    assert set(chosen["CERI-2026-005"]) == set(base)  # permanent resident: no work permit
    assert chosen["CERI-2026-001"][:2] == ["enrollment-certificate", "internship-certificate"]


def test_settled_papers_are_not_made_again():
    records = load([EXAMPLES])
    later = date(2026, 12, 15)
    chosen = {iid: [w.doc for w in select(records.students[i.student], i, as_of=later)]
              for iid, i in records.internships.items()}
    # the permit granted 2026-05-26 covers the internship: no checklist, no new application
    assert "permit-application" not in chosen["CERI-2026-001"] and "permit-checklist" not in chosen["CERI-2026-001"]
    # evaluation received 2026-12-10: its certificate and the grading sheet, no blank form or request letter
    assert set(chosen["CERI-2026-003"]) == {"enrollment-certificate", "internship-certificate",
                                            "evaluation-certificate", "grading-sheet"}
    # a student still waiting for the permit gets the application
    assert "permit-application" in chosen["CERI-2026-006"]


def test_missing_renderer_is_listed_not_faked(tmp_path, monkeypatch):
    table = dict(fakes.kinds())
    kind = table["evaluation-form"]
    monkeypatch.setattr("pipeline.renderers.documents",
                        lambda: {**table, "evaluation-form": type(kind)(kind.name, kind.title, kind.internship,
                                                                         kind.certificate, {})})
    code, _, err = pack(EXAMPLES, "-o", str(tmp_path), "--student", "23DA0077", "--jobs", "1")
    folder = tmp_path / "23DA0077" / "CERI-2026-008"
    manifest = json.loads((folder / "manifest.json").read_text())
    missing = [d for d in manifest["documents"] if d["status"] == "missing"]
    assert [(d["doc"], d["reason"]) for d in missing] == [("evaluation-form", "no pdf renderer for evaluation-form yet")]
    assert not list(folder.glob("evaluation-form.*"))
    assert code == expected_code(err) and "FAILED" not in err


def test_pack_contents_manifest_and_modes(tmp_path):
    code, out, err = pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1")
    records = load([EXAMPLES])
    assert "11 built, 0 skipped, 0 failed" in out
    for iid, internship in records.internships.items():
        folder = tmp_path / internship.student / iid
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["student"] == internship.student and manifest["internship"] == iid
        assert len(manifest["inputs"]) == 64 and manifest["ceri"]
        on_disk = {p.name for p in folder.iterdir()} - {"manifest.json"}
        assert on_disk == set(manifest["files"])
        for name, meta in manifest["files"].items():
            data = (folder / name).read_bytes()
            assert meta == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        present = [d for d in manifest["documents"] if d["status"] == "present"]
        assert {d["file"] for d in present} | {"pack.pdf", "findings.json"} == on_disk
        pdfs = [d for d in present if d["format"] == "pdf"]
        merged = PdfReader(folder / "pack.pdf")
        # pack.pdf opens with the cover sheet (a page of its own, not a file of the pack), then the documents
        assert [o.title for o in merged.outline] == ["書類一式 表紙 / Cover Sheet"] + [
            f"{fakes.kinds()[d['doc']].title['ja']} / {fakes.kinds()[d['doc']].title['en']}" for d in pdfs]
        assert len(merged.pages) == 1 + sum(len(PdfReader(folder / d["file"]).pages) for d in pdfs)
        assert merged.page_labels[0] == "cover-sheet-1" and merged.page_labels[1] == f"{pdfs[0]['doc']}.ja+en-1"
        for d in present:
            if d["format"] == "docx":
                assert zipfile.is_zipfile(folder / d["file"])
        summary = json.loads((folder / "findings.json").read_text())
        findings = summary["findings"]
        assert all(f["student"] == internship.student and f["internship"] in (None, iid) for f in findings)
        assert 1 <= summary["case"]["step"] <= 12 and summary["case"]["next_action_ja"]
        text = text_of(folder / "pack.pdf")
        assert text.strip()
    for p in [tmp_path, *tmp_path.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), p
    assert not list(tmp_path.rglob(".tmp-*"))
    assert code == expected_code(err) and "FAILED" not in err


def test_rerun_skips_and_force_rebuilds_identical(tmp_path):
    some = ("--student", "23DB0012", "--student", "22DA0101")
    pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", *some)
    first = tree(tmp_path)
    mtimes = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    _, out, _ = pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", *some)
    assert "0 built, 3 skipped" in out
    assert mtimes == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    _, out, _ = pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", "--force", *some)
    assert "3 built, 0 skipped" in out
    assert tree(tmp_path) == first
    # a tampered file is noticed and its pack rebuilt; the others are still skipped
    victim = next((tmp_path / "23DB0012" / "CERI-2026-001").glob("*.pdf"))
    victim.write_bytes(b"tampered")
    _, out, _ = pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", *some)
    assert "1 built, 2 skipped" in out
    assert tree(tmp_path) == first


def test_edited_record_rebuilds_only_its_packs(tmp_path):
    src = tmp_path / "records"
    generate(src, 6)
    out = tmp_path / "out"
    pack(str(src), "-o", str(out), "--jobs", "1")
    path = src / "S00004.yaml"
    path.write_text(path.read_text().replace("hours_per_week: 30", "hours_per_week: 32"))
    _, stdout, _ = pack(str(src), "-o", str(out), "--jobs", "1")
    assert "1 built, 6 skipped" in stdout


def test_jobs_do_not_change_the_output(tmp_path):
    src = tmp_path / "records"
    generate(src, 5)
    pack(str(src), "-o", str(tmp_path / "one"), "--jobs", "1", "--lang", "all", "--zip")
    pack(str(src), "-o", str(tmp_path / "two"), "--jobs", "2", "--lang", "all", "--zip")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one == two
    assert any(name.endswith(".en.pdf") for name in one) and any(name.endswith(".ja.pdf") for name in one)


def test_zips_per_recipient_are_deterministic_and_hold_no_internal_files(tmp_path):
    # May 1: 23DB0012's permit is not granted yet (May 26): the student takes the application to the bureau
    for out, jobs in (("a", "1"), ("b", "2")):
        pack(EXAMPLES, "-o", str(tmp_path / out), "--jobs", jobs, "--zip", "--student", "23DB0012",
             "--as-of", "2026-05-01")
    root = tmp_path / "a" / "23DB0012"
    immigration, company = root / "CERI-2026-001.immigration.zip", root / "CERI-2026-001.company.zip"
    for z in (immigration, company):
        assert z.read_bytes() == (tmp_path / "b" / "23DB0012" / z.name).read_bytes()
        assert stat.S_IMODE(z.stat().st_mode) == 0o600
    with zipfile.ZipFile(immigration) as zf:
        assert zf.namelist() == ["CERI-2026-001/enrollment-certificate.ja+en.pdf",
                                 "CERI-2026-001/internship-certificate.ja+en.pdf",
                                 "CERI-2026-001/permit-application.ja+en.pdf", "CERI-2026-001/permit-checklist.ja+en.pdf"]
        for name in zf.namelist():
            assert zf.read(name) == (root / name).read_bytes()
    with zipfile.ZipFile(company) as zf:
        assert zf.namelist() == ["CERI-2026-001/evaluation-form.ja+en.pdf",
                                 "CERI-2026-001/evaluation-request.ja+en.docx"]
    assert not list((tmp_path / "a").glob("*.zip"))  # no zip mixing every recipient's papers


def test_a_settled_internships_pack_and_zips(tmp_path):
    # December 15: 22DA0101's evaluation came in on December 10; 23DB0012's permit was granted in May
    pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", "--zip", "--student", "22DA0101", "--student", "23DB0012",
         "--as-of", "2026-12-15")
    done = tmp_path / "22DA0101" / "CERI-2026-003"
    assert docs_of(done) == {"enrollment-certificate": "present", "internship-certificate": "present",
                             "evaluation-certificate": "present", "grading-sheet": "present"}
    with zipfile.ZipFile(tmp_path / "22DA0101" / "CERI-2026-003.company.zip") as zf:
        assert zf.namelist() == ["CERI-2026-003/evaluation-certificate.ja+en.pdf"]  # to stamp, no blank form
    assert "permit-application" not in docs_of(tmp_path / "23DB0012" / "CERI-2026-001")
    assert not (tmp_path / "23DB0012" / "CERI-2026-001.immigration.zip").exists()
    assert "段階" in text_of(done / "pack.pdf", 1) and "成績評価待ち" in text_of(done / "pack.pdf", 1)


def test_lang_all_makes_bilingual_forms_once(tmp_path):
    pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", "--lang", "all", "--student", "24DB0055",
         "--as-of", "2026-06-01")
    names = sorted(p.name for p in (tmp_path / "24DB0055" / "CERI-2026-006").iterdir())
    assert [n for n in names if n.startswith("permit-application")] == ["permit-application.ja+en.pdf"]
    assert [n for n in names if n.startswith("evaluation-form")] == ["evaluation-form.ja+en.pdf"]
    assert {n for n in names if n.startswith("enrollment-certificate")} == {
        "enrollment-certificate.ja.pdf", "enrollment-certificate.en.pdf", "enrollment-certificate.ja+en.pdf"}

def test_one_bad_internship_does_not_stop_the_batch(tmp_path):
    src = tmp_path / "records"
    ids = generate(src, 6, bad={2})
    code, out, err = pack(str(src), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert code == 1
    assert "6 built, 0 skipped, 1 failed" in out
    assert "S00002/I00002-0: FAILED" in err and "S00002" in err and "U+0F00" in err
    assert not (tmp_path / "out" / "S00002").exists()
    for sid in ids:
        if sid != "S00002":
            assert list((tmp_path / "out" / sid).glob("*/manifest.json"))
    assert not list((tmp_path / "out").rglob(".tmp-*"))


def _error_finding(records, as_of, students=None):
    """rules.check_each as if the only finding were an error about 23DB0012's first internship."""
    found = rules.Finding("too-short", "error", "23DB0012", "CERI-2026-001", "The internship is too short.",
                          "期間が短すぎます。", "2 months at least", {})
    for sid in sorted(students if students is not None else records.students):
        yield sid, [found] if sid == found.student else []


def test_error_findings_build_the_pack_and_exit_1(tmp_path, monkeypatch):
    monkeypatch.setattr(rules, "check_each", _error_finding)
    some = ("--student", "23DB0012", "--student", "22DA0101")
    code, out, err = pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", *some)
    assert code == 1
    assert "23DB0012/CERI-2026-001: error too-short" in err
    findings = json.loads((tmp_path / "23DB0012" / "CERI-2026-001" / "findings.json").read_text())
    assert [f["code"] for f in findings["findings"]] == ["too-short"]
    assert json.loads((tmp_path / "22DA0101" / "CERI-2026-002" / "findings.json").read_text())["findings"] == []
    code, out, err = pack(EXAMPLES, "-o", str(tmp_path / "strict"), "--jobs", "1", "--strict", *some)
    assert code == 1 and "1 refused" in out and "2 built" in out
    assert not (tmp_path / "strict" / "23DB0012").exists()
    assert (tmp_path / "strict" / "22DA0101" / "CERI-2026-002" / "manifest.json").is_file()


def test_unknown_student_is_a_usage_error(tmp_path):
    code, _, err = pack(EXAMPLES, "-o", str(tmp_path / "out"), "--student", "NOPE")
    assert code == 2 and "NOPE" in err and "Traceback" not in err
    assert not tmp_path.joinpath("out").exists()


def test_an_institution_without_the_secretariat_email_is_one_message_before_any_pack(tmp_path):
    """Every pack's evaluation request needs it: one message naming the record, not a failure per pack."""
    src = tmp_path / "records"
    src.mkdir()
    for f in Path(EXAMPLES).glob("0*.yaml"):
        (src / f.name).write_bytes(f.read_bytes())
    code, _, err = pack(str(src), "-o", str(tmp_path / "out"))  # the built-in institution has no e-mail
    assert code == 2 and "Traceback" not in err
    assert err.count("institution.secretariat_email is not set: evaluation-request needs it") == 1
    assert "add an institution record (kind: institution)" in err
    lines = (Path(EXAMPLES) / "institution.yaml").read_text("utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("secretariat_email:")]
    assert len(kept) == len(lines) - 1
    (src / "institution.yaml").write_text("\n".join(kept) + "\n", "utf-8")
    start = next(n for n, line in enumerate(kept, 1) if line.strip() and not line.startswith("#"))
    code, _, err = pack(str(src), "-o", str(tmp_path / "out"))
    assert code == 2
    assert err.strip().splitlines() == [
        f"{src / 'institution.yaml'}:{start}:1: institution.secretariat_email is not set: evaluation-request "
        "needs it (where the company returns the form); add secretariat_email to this institution record"]
    assert not (tmp_path / "out").exists()


def test_stale_temporary_folders_are_removed(tmp_path):
    stale = tmp_path / ".tmp-999999999-23DB0012-CERI-2026-001"
    stale.mkdir(parents=True)
    (stale / "half.pdf").write_bytes(b"%PDF-")
    pack(EXAMPLES, "-o", str(tmp_path), "--jobs", "1", "--student", "23DB0012")
    assert not stale.exists()


def _run_cli(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.fakes", "pack", *args, "--as-of", AS_OF, "--quiet"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


def _completes(proc: subprocess.Popen) -> bool:
    err = proc.communicate()[1].decode()
    return proc.returncode == expected_code(err) and "FAILED" not in err


def test_kill_9_mid_batch_then_rerun_equals_a_clean_run(tmp_path):
    src = tmp_path / "records"
    generate(src, 16)
    total = 18  # 16 students, 2 of them with two internships
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    assert _completes(_run_cli([str(src), "-o", str(clean), "--jobs", "2"]))
    assert len(list(clean.glob("*/*/manifest.json"))) == total
    proc = _run_cli([str(src), "-o", str(broken), "--jobs", "2"], start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(broken.glob("S*/*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, as a kill -9 of the job would
    proc.wait()
    assert len(list(broken.glob("*/*/manifest.json"))) < total
    assert _completes(_run_cli([str(src), "-o", str(broken), "--jobs", "2"]))
    got, want = tree(broken), tree(clean)
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []
    assert not list(broken.rglob(".tmp-*"))
    # killed while --force replaces packs that exist: still whole packs, and the same tree after a rerun
    proc = _run_cli([str(src), "-o", str(broken), "--jobs", "2", "--force"], start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(broken.glob(".tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _completes(_run_cli([str(src), "-o", str(broken), "--jobs", "2"]))
    assert tree(broken) == want


def test_as_of_changes_the_inputs(tmp_path):
    from pipeline.pack.batch import plan
    from pipeline.pack.build import PackOptions

    records = load([EXAMPLES])
    a = plan(records, tmp_path, PackOptions(as_of=date(2026, 6, 1)))
    b = plan(records, tmp_path, PackOptions(as_of=date(2026, 6, 2)))
    assert [j.inputs for j in a] != [j.inputs for j in b]
    assert len({j.inputs for j in a}) == len(a)


def _serials(out: Path) -> dict[str, str]:
    found = {}
    for path in sorted(out.rglob("manifest.json")):
        for d in json.loads(path.read_text())["documents"]:
            if d.get("serial"):
                found[f"{path.parent.relative_to(out)}/{d['file']}"] = d["serial"]
    return found


def test_certificates_are_issued_through_the_register(tmp_path):
    from pipeline.pack import PackOptions, run
    from pipeline.register import Register, verify

    records = load([EXAMPLES])
    db = tmp_path / "register.sqlite"
    options = PackOptions(as_of=date(2026, 12, 15), register=str(db))  # after the evaluation came in
    summary = run(records, (EXAMPLES,), tmp_path, options, students=["22DA0101"], jobs=1)
    assert summary.count("built") == 2
    manifest = json.loads((tmp_path / "22DA0101" / "CERI-2026-003" / "manifest.json").read_text())
    serials = {d["doc"]: d.get("serial") for d in manifest["documents"] if d["status"] == "present"}
    assert serials["internship-certificate"].startswith("CERI-2026-")
    assert serials["evaluation-certificate"] and serials["enrollment-certificate"]
    assert serials["grading-sheet"] is None and "evaluation-form" not in serials  # settled: no blank form
    cert = tmp_path / "22DA0101" / "CERI-2026-003" / "internship-certificate.ja+en.pdf"
    with Register(db) as reg:
        verdict = verify(reg, cert.read_bytes())
    assert verdict.genuine and verdict.serial == serials["internship-certificate"]
    # the serial is printed on the certificate itself
    assert serials["internship-certificate"] in PdfReader(cert).pages[0].extract_text()


def test_the_register_then_the_files_reach_the_disk_before_a_pack_is_in_place(tmp_path, monkeypatch):
    """The certificates' register commits wait for no disk; before their pack is renamed into place, the
    register (the serials its certificates carry) is synced, then every file of the pack: a power cut
    can leave neither a pack with unrecorded serials nor a renamed pack with empty files."""
    import pipeline.pack.build as build
    from pipeline.pack import PackOptions, run
    from pipeline.register import Register
    issuing = importlib.import_module("pipeline.register.issue")  # the package's `issue` is the function

    events: list[tuple] = []
    complete, sync, sync_files, place_pack = issuing.complete, Register.sync, build.sync_files, build.place_pack

    def completed(register, serial, *args, durable=True, **kwargs):
        internship = register.conn.execute("SELECT internship FROM certificates WHERE serial = ?",
                                           (serial,)).fetchone()[0]
        events.append(("complete", internship, durable))
        return complete(register, serial, *args, durable=durable, **kwargs)

    def synced(register):
        events.append(("register synced", Path(register.path).name))
        return sync(register)

    def files_synced(paths):
        events.append(("files synced", sorted(f"{p.parent.name.split('-', 3)[-1]}/{p.name}" for p in paths)))
        return sync_files(paths)

    def placed(out_dir, staged):
        events.append(("in place", staged.pack.internship,
                       sorted(p.name for p in staged.tmp.iterdir()) == sorted(staged.pack.files)))
        return place_pack(out_dir, staged)

    monkeypatch.setattr(issuing, "complete", completed)
    monkeypatch.setattr(Register, "sync", synced)
    monkeypatch.setattr(build, "sync_files", files_synced)
    monkeypatch.setattr(build, "place_pack", placed)
    options = PackOptions(as_of=date(2026, 6, 1), register=str(tmp_path / "register.sqlite"))
    summary = run(load([EXAMPLES]), (EXAMPLES,), tmp_path / "out", options, students=["22DA0101"], jobs=1)
    assert summary.count("built") == 2
    out = tmp_path / "out" / "22DA0101"
    packs = sorted(p.name for p in out.iterdir())
    expected = []
    for internship in packs:  # two packs, each its own chunk in so small a batch
        files = sorted(f"{internship}/{p.name}" for p in (out / internship).iterdir())
        certificates = [e for e in events if e[0] == "complete" and e[1] == internship]
        expected += [*certificates, ("register synced", "register.sqlite"), ("files synced", files),
                     ("in place", internship, True)]
    assert events == expected
    # on June 1 the evaluation of -003 is not in yet: two certificates each (no evaluation certificate)
    assert [len([e for e in events if e[0] == "complete" and e[1] == i]) for i in packs] == [2, 2]
    assert not any(e[2] for e in events if e[0] == "complete")  # no commit of its own waits for the disk


def test_a_disk_that_fails_the_wait_leaves_no_pack_half_in_place(tmp_path, monkeypatch):
    """When the wait for the disk fails (a full disk), none of the packs of that run is renamed into
    place: each is reported failed with the reason, nothing temporary is left, and a rerun builds them."""
    import errno

    import pipeline.pack.build as build

    def full(paths):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(paths[0]))

    sync_files = build.sync_files
    monkeypatch.setattr(build, "sync_files", full)
    out = tmp_path / "out"
    code, summary, err = pack(EXAMPLES, "-o", str(out), "--student", "22DA0101", "--jobs", "1")
    assert code == 1 and "0 built, 0 skipped, 2 failed" in summary
    assert err.count("cannot write the pack: [Errno 28] No space left on device") == 2
    assert not list(out.glob("*/*/manifest.json")) and not list(out.glob(".tmp-*"))
    monkeypatch.setattr(build, "sync_files", sync_files)
    code, summary, err = pack(EXAMPLES, "-o", str(out), "--student", "22DA0101", "--jobs", "1")
    assert code == expected_code(err) and "2 built, 0 skipped, 0 failed" in summary


def test_sync_files_fsyncs_each_file(tmp_path, monkeypatch):
    from pipeline import fileio

    fileio.write_new_private(tmp_path, {"a.pdf": b"%PDF-1.4", "b.json": b"{}"})
    assert sorted((p.name, stat.S_IMODE(p.stat().st_mode)) for p in tmp_path.iterdir()) == [
        ("a.pdf", 0o600), ("b.json", 0o600)]
    synced: list[int] = []
    monkeypatch.setattr(fileio.os, "fsync", synced.append)
    fileio.sync_files([tmp_path / "a.pdf", tmp_path / "b.json"])
    assert len(synced) == 2
    with pytest.raises(FileExistsError):  # never over an existing file
        fileio.write_new_private(tmp_path, {"a.pdf": b"other"})
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1.4"


def test_register_sync_fsyncs_its_wal(tmp_path, monkeypatch):
    from pipeline.register import Register

    synced: list[str] = []
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")), fsync(fd)))
    with Register(tmp_path / "register.sqlite") as reg:
        with reg.write(durable=False) as conn:
            conn.execute("PRAGMA user_version")
        synced.clear()
        reg.sync()
        assert synced == [str(tmp_path / "register.sqlite-wal")]
    synced.clear()
    Register(tmp_path / "register.sqlite").sync()  # the WAL folded back on close: nothing left to sync
    assert not (tmp_path / "register.sqlite-wal").exists() or synced


def test_serials_do_not_depend_on_jobs_and_survive_force(tmp_path):
    args = ("--as-of", "2026-06-01", "--student", "22DA0101", "--student", "23DB0012")
    pack(EXAMPLES, "-o", str(tmp_path / "one"), "--jobs", "1", *args)
    pack(EXAMPLES, "-o", str(tmp_path / "two"), "--jobs", "2", *args)
    one = _serials(tmp_path / "one")
    assert len(one) >= 6 and len(set(one.values())) == len(one)
    assert one == _serials(tmp_path / "two")
    before = tree(tmp_path / "one")
    pack(EXAMPLES, "-o", str(tmp_path / "one"), "--jobs", "2", "--force", *args)
    assert _serials(tmp_path / "one") == one and tree(tmp_path / "one") == before


def test_a_batch_folds_the_registers_wal_back(tmp_path):
    """Workers closing at the same moment each leave the WAL to the other; the batch tidies after them."""
    from pipeline.pack.build import close_registers

    db = tmp_path / "register.sqlite"
    # a process that dies with the register open leaves register.sqlite-wal and -shm, as such workers do
    code = ("import os; from pipeline.register import Register; r = Register(os.environ['DB']); "
            "r.conn.execute('SELECT count(*) FROM sqlite_master').fetchone(); os._exit(0)")
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "DB": str(db)}, cwd=ROOT, check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.sqlite", "register.sqlite-shm",
                                                         "register.sqlite-wal"]
    close_registers(tidy=str(db))
    assert [p.name for p in tmp_path.iterdir()] == ["register.sqlite"]
    pack(EXAMPLES, "-o", str(tmp_path / "out"), "--jobs", "2", "--as-of", "2026-06-01", "--student", "23DB0012",
         "--register", str(tmp_path / "ledger" / "register.sqlite"))
    assert sorted(p.name for p in (tmp_path / "ledger").iterdir()) == ["register.sqlite"]
    assert not any(p.name.startswith("register") for p in (tmp_path / "out").iterdir())


def test_a_folder_in_use_by_another_run_is_refused(tmp_path, monkeypatch):
    fcntl = pytest.importorskip("fcntl")
    monkeypatch.setattr("pipeline.pack.outdir.WAIT", 0.3)
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, err = pack(EXAMPLES, "-o", str(tmp_path), "--student", "23DB0012")
    finally:
        os.close(fd)
    assert code == 2 and "another ceri run" in err
    assert not (tmp_path / "23DB0012").exists()


def test_packs_are_shared_out_in_runs_that_shorten_towards_the_end():
    from pipeline.pack.batch import CHUNK, _chunks

    for count, workers in ((0, 2), (1, 2), (5, 2), (40, 1), (1125, 2)):
        chunks = _chunks(list(range(count)), workers)
        assert [n for chunk in chunks for n in chunk] == list(range(count))  # every job once, in order
        sizes = [len(c) for c in chunks]
        assert all(1 <= s <= CHUNK for s in sizes) and sizes == sorted(sizes, reverse=True)
        assert not sizes or sizes[-1] == 1  # the last runs are single packs: the workers finish together
    assert [len(c) for c in _chunks(list(range(5)), 2)] == [1] * 5  # a small batch: every worker gets a share


def _pid_of(item: int, arg: str) -> tuple[int, str, int]:
    return item, arg, os.getpid()


def test_worker_processes_start_with_the_pool_before_any_work(tmp_path):
    """The workers are forked as the pool is made (they load their fonts while the parent plans), map()
    gives results in item order from those processes, and none outlives the pool; with one item at most
    nothing is forked and map() runs in process."""
    import multiprocessing

    from pipeline.pack.workers import Pool

    records = load([EXAMPLES])
    with Pool(records=records, paths=(EXAMPLES,), options=None, jobs=2, most=10) as pool:
        workers = {p.pid for p in multiprocessing.active_children()}
        assert pool.workers == 2 and len(workers) == 2  # before any item was given
        results = pool.map(_pid_of, list(range(6)), "x", crashed=lambda item, exc: None)
        assert [r[:2] for r in results] == [(n, "x") for n in range(6)]
        assert {r[2] for r in results} <= workers
        pool.close()
        assert not multiprocessing.active_children()
    with Pool(records=records, paths=(EXAMPLES,), options=None, jobs=2, most=1) as pool:
        assert pool.workers == 1 and not multiprocessing.active_children()
        assert pool.map(_pid_of, [7], "y", crashed=lambda item, exc: None) == [(7, "y", os.getpid())]


def _rehearsal() -> None:
    from pipeline.pack.workers import STATE

    STATE["rehearsed"] = os.getpid()


def _rehearsed(item: int, arg: str) -> bool:
    from pipeline.pack.workers import STATE

    return STATE.get("rehearsed") == os.getpid()


def test_each_worker_rehearses_before_its_first_item():
    from pipeline.pack.workers import STATE, Pool

    with Pool(records=load([EXAMPLES]), paths=(EXAMPLES,), options=None, jobs=2, most=10,
              rehearse=_rehearsal) as pool:
        assert pool.map(_rehearsed, list(range(6)), "x") == [True] * 6
    assert "rehearsed" not in STATE  # in the workers, not in this process


def test_the_rehearsal_pack_writes_nothing_and_takes_no_serial(tmp_path, monkeypatch):
    """batch.rehearse renders a pack (the one with the most kinds of document) and keeps nothing: no
    file, no register, no serial."""
    import pipeline.pack.batch as batch
    from pipeline.pack.build import PackOptions
    from pipeline.pack.workers import STATE

    rendered = []
    render_pack = batch.render_pack
    monkeypatch.setattr(batch, "render_pack", lambda *a: rendered.append(a) or render_pack(*a))
    register = tmp_path / "register.sqlite"
    monkeypatch.setattr(batch, "STATE", {**STATE, "records": load([EXAMPLES]),
                                         "options": PackOptions(as_of=date(2026, 6, 1), register=str(register))})
    batch.rehearse()
    assert len(rendered) == 1 and rendered[0][3].register is None
    assert list(tmp_path.iterdir()) == []


def _touch(item: int, folder: str) -> int:
    (Path(folder) / str(item)).touch()
    return item


def test_map_sends_each_item_to_a_worker_as_it_is_yielded(tmp_path):
    """Items reach the workers while the generator giving them is still preparing the next ones (pack
    reserves a chunk's serials just before the chunk goes): here the generator waits to yield item 2
    until a worker has done item 1, which only works if item 1 was sent first."""
    from pipeline.pack.workers import Pool

    def items():
        yield 1
        deadline = time.monotonic() + 30
        while not (tmp_path / "1").exists():
            assert time.monotonic() < deadline, "item 1 was not sent to a worker before item 2 was asked for"
            time.sleep(0.01)
        yield 2

    with Pool(records=load([EXAMPLES]), paths=(EXAMPLES,), options=None, jobs=2, most=2) as pool:
        assert pool.map(_touch, items(), str(tmp_path)) == [1, 2]
        assert pool.map(_touch, iter([]), str(tmp_path)) == []


def test_a_worker_that_dies_fails_only_the_packs_not_in_place(tmp_path, monkeypatch):
    """A worker process killed outright breaks the pool: the packs it had put in place but not yet
    reported, and those of the other worker, are reported built; the rest failed (exit 1). A rerun builds
    those and gives the tree of an uninterrupted run."""
    import pipeline.pack.build as build
    from pipeline.records import load

    src = tmp_path / "records"
    generate(src, 24)
    place_pack = build.place_pack

    def dying(out_dir, staged):
        result = place_pack(out_dir, staged)
        if staged.pack.student == "S00016":
            os._exit(1)  # in the worker, right after the pack is in place: as a segfault or the OOM killer would
        return result

    monkeypatch.setattr(build, "place_pack", dying)
    out = tmp_path / "out"
    code, summary, err = pack(str(src), "-o", str(out), "--jobs", "2")
    assert code == 1 and "worker process failed" in err
    built, failed = (int(summary.split(f" {word}")[0].split()[-1]) for word in ("built", "failed"))
    in_place = [p.parent for p in out.glob("*/*/manifest.json")]
    assert built == len(in_place) and failed >= 1 and built + failed == len(load([src]).internships)
    # in place before the worker died: built (its findings may still be listed, never a failure)
    assert (out / "S00016").is_dir() and "S00016/I00016-0: FAILED" not in err
    for folder in in_place:
        assert f"{folder.parent.name}/{folder.name}: FAILED" not in err
    monkeypatch.setattr(build, "place_pack", place_pack)
    code, summary, _ = pack(str(src), "-o", str(out), "--jobs", "2")
    assert code == 0 and f"{failed} built, {built} skipped, 0 failed" in summary
    pack(str(src), "-o", str(tmp_path / "clean"), "--jobs", "1")
    assert tree(out) == tree(tmp_path / "clean")
