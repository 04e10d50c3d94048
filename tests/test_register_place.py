"""One register per institution: --register, $CERI_REGISTER, the institution record's register:, else the
user's data folder; never the output folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.records import load
from pipeline.register import ENV_VAR, data_dir, find, resolve_path


def test_order_of_places(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_path(None) == data_dir() / "register.sqlite"
    assert str(data_dir()).startswith(str(tmp_path.parent.parent))  # conftest's data folder, not the user's
    records_dir = tmp_path / "records"
    shutil.copytree("examples", records_dir)
    institution = records_dir / "institution.yaml"
    institution.write_text(institution.read_text("utf-8") + "register: ../ledger/office.sqlite\n", "utf-8")
    records = load([records_dir])
    place = find(None, records)
    assert place.path == records_dir / ".." / "ledger" / "office.sqlite"
    assert str(institution) in place.source
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.sqlite"))
    assert resolve_path(None, records) == tmp_path / "env.sqlite"
    assert resolve_path(tmp_path / "flag.sqlite", records) == tmp_path / "flag.sqlite"


def ceri(*args: object) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def test_one_serial_sequence_across_commands(tmp_path, monkeypatch):
    """render, pack and jsps-report, each with its own output folder and no flag, number from one ledger;
    a certificate is verified from another folder with no flag."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    examples = Path(__file__).resolve().parent.parent / "examples"
    rendered = ceri("render", "enrollment-certificate", examples, "--student", "23DB0012", "--as-of",
                    "2026-06-01", "-o", "a/cert.pdf")
    assert rendered.exit_code == 0, rendered.output
    assert "CERI-2026-00001" in rendered.stdout
    packed = ceri("pack", examples, "-o", "b", "--student", "23DB0012", "--as-of", "2026-06-01", "--jobs", "1", "-q")
    assert packed.exit_code in (0, 1), packed.output
    reports = ceri("jsps-report", examples, "--year", "2026", "-o", "c", "--as-of", "2026-06-01", "--jobs", "1", "-q")
    assert reports.exit_code in (0, 1), reports.output
    listed = ceri("register", "list", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    serials = [line.split(",")[0] for line in listed.stdout.splitlines()[1:]]
    assert len(serials) == len(set(serials)) > 3
    assert serials == [f"CERI-2026-{n:05d}" for n in range(1, len(serials) + 1)]
    assert not any(p.name.startswith("register.sqlite") for p in tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path / "b")  # another folder, no flag
    cert = next(Path(".").rglob("internship-certificate.ja+en.pdf"))
    verified = ceri("verify", cert)
    assert verified.exit_code == 0 and verified.stdout.startswith("genuine"), verified.output


def test_make_clean_keeps_the_ledger():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text("utf-8")
    clean = makefile.split("\nclean:", 1)[1].split("\n\n", 1)[0]
    assert "register" not in clean and "$(HOME)" not in clean
