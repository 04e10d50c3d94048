"""A register that cannot be trusted is never used (issue 21): empty, not SQLite, another program's,
damaged, or missing rows its counters say were issued — each refused with one message, exit 2, the file
left as it was. `register check` runs the full check, `register backup` copies it safely, revocations are
validated and everything printed from the register is escaped."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import register_fake

from pipeline.context import build_context
from pipeline.records import load
from pipeline.register import Register, inputs_hash_for, issue
from pipeline.renderers import RenderRequest
from tests.helpers import invoke as ceri

ROOT = Path(__file__).resolve().parent.parent



@pytest.fixture
def issued(tmp_path, monkeypatch):
    """A register at $CERI_REGISTER with three certificates, and their files."""
    register_fake.install(monkeypatch)
    db = tmp_path / "register.sqlite"
    monkeypatch.setenv("CERI_REGISTER", str(db))
    records = load([ROOT / "examples"])
    files = {}
    with Register(db) as reg:
        for student in ("23DB0012", "23DB0044", "24DB0055"):
            ctx = build_context(records, student, as_of=date(2026, 6, 1))
            req = RenderRequest(doc="enrollment-certificate", lang="en", fmt="pdf", context=ctx)
            out = issue(reg, req, inputs_hash_for(ctx, req.doc, req.lang))
            files[out.serial] = tmp_path / f"{out.serial}.pdf"
            files[out.serial].write_bytes(out.data)
    return db, files


def refused(db: Path, *args: object, message: str) -> None:
    """Every command that uses the register refuses it, with message, exit 2, and leaves it as it was."""
    before = db.read_bytes()
    for command in (["register", "list"], ["verify", *args], ["register", "revoke", "CERI-2026-00001", "--reason", "x"],
                    ["render", "enrollment-certificate", ROOT / "examples", "--student", "23DB0012", "-o",
                     db.parent / "cert.pdf"]):
        if command[0] == "verify" and not args:
            continue
        result = ceri(*command)
        assert result.exit_code == 2, (command, result.output)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == before and not (db.parent / "cert.pdf").exists()


def test_an_empty_register_is_refused_not_recreated(issued):
    db, files = issued
    db.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    refused(db, next(iter(files.values())), message="the register is empty (0 bytes)")


def test_a_file_that_is_not_sqlite_is_refused(issued):
    db, files = issued
    db.write_bytes(b"PK\x03\x04 a zip file, say" * 50)
    refused(db, next(iter(files.values())), message="not a register (not an SQLite file)")


def test_another_programs_sqlite_file_is_not_migrated(tmp_path, monkeypatch):
    db = tmp_path / "firefox-places.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places VALUES (1, 'x');")
    conn.close()
    monkeypatch.setenv("CERI_REGISTER", str(db))
    refused(db, message="is not a ceri register")
    assert {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")} == {"moz_places"}


def test_rows_missing_that_the_counters_issued_are_refused(issued):
    db, files = issued
    with Register(db) as reg:
        reg.conn.execute("PRAGMA foreign_keys = OFF")
        reg.conn.execute("DELETE FROM events WHERE serial = 'CERI-2026-00002'")
        reg.conn.execute("DELETE FROM certificates WHERE serial = 'CERI-2026-00002'")
    refused(db, files["CERI-2026-00001"], message="rows its counters say were issued are missing (CERI-2026: 2 rows")


def test_damage_in_a_page_is_refused(issued):
    db, files = issued
    with Register(db):
        pass  # closed: the WAL folded into the file
    conn = sqlite3.connect(db)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'certificates'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    start = (root - 1) * page
    for i in range(start + 1, start + 8):  # garble the b-tree page header of the certificates table
        data[i] ^= 0x5A
    db.write_bytes(bytes(data))
    result = ceri("register", "list")
    assert result.exit_code == 2 and "Traceback" not in result.stderr, result.output
    assert "damaged" in result.stderr or "not a usable register" in result.stderr


def _flip_in_row(db: Path, serial: str) -> None:
    """Change one hex digit of a row's sha256 behind ceri's back (as bit rot or a careless edit would)."""
    conn = sqlite3.connect(db)
    sha = conn.execute("SELECT sha256 FROM certificates WHERE serial = ?", (serial,)).fetchone()[0]
    flipped = sha[:10] + ("0" if sha[10] != "0" else "1") + sha[11:]
    conn.execute("UPDATE certificates SET sha256 = ? WHERE serial = ?", (flipped, serial))
    conn.commit()
    conn.close()


def test_a_damaged_row_is_reported_damaged_not_altered(issued):
    db, files = issued
    _flip_in_row(db, "CERI-2026-00002")
    result = ceri("verify", files["CERI-2026-00002"])
    assert result.exit_code == 2 and result.stdout.startswith("damaged register: the row of serial CERI-2026-00002")
    check = ceri("register", "check")
    assert check.exit_code == 2 and "CERI-2026-00002: the row was changed or damaged" in check.stderr
    assert ceri("verify", files["CERI-2026-00001"]).exit_code == 0  # the other rows still answer


def test_a_flipped_digit_in_the_sha256_index_does_not_make_a_genuine_certificate_altered(issued):
    """One hex digit flipped in the index on sha256 (not in the table): verify reads the table itself."""
    db, files = issued
    with Register(db):
        pass  # closed: the WAL folded into the file
    sha = hashlib.sha256(files["CERI-2026-00003"].read_bytes()).hexdigest().encode()
    conn = sqlite3.connect(db)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'certificates_sha256'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    at = data.index(sha, (root - 1) * page, root * page)
    data[at + 10] = ord("0") if data[at + 10] != ord("0") else ord("1")
    db.write_bytes(bytes(data))
    result = ceri("verify", files["CERI-2026-00003"])
    assert result.exit_code == 0 and result.stdout.startswith("genuine: serial CERI-2026-00003"), result.output
    check = ceri("register", "check")  # the full check finds the damaged index
    assert check.exit_code == 2 and "certificates_sha256" in check.stderr, check.output


def test_register_check_and_backup(issued, tmp_path):
    db, files = issued
    check = ceri("register", "check")
    assert check.exit_code == 0 and "sound (3 serials)" in check.stdout
    copy = tmp_path / "backups" / "register-2026-06-01.sqlite"
    result = ceri("register", "backup", copy)
    assert result.exit_code == 0 and "(3 serials)" in result.stdout, result.output
    assert copy.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]
    again = ceri("register", "backup", copy)
    assert again.exit_code == 2 and "already exists" in again.stderr
    # the copy is a register of its own that answers as the original
    verified = ceri("verify", files["CERI-2026-00002"], "--register", copy)
    assert verified.exit_code == 0, verified.output
    assert hashlib.sha256(files["CERI-2026-00002"].read_bytes()).hexdigest() in json.dumps(
        json.loads(ceri("register", "list", "--register", copy, "--format", "json").stdout))


def test_revocation_is_validated_and_its_reason_cannot_forge_a_line(issued):
    db, files = issued
    early = ceri("register", "revoke", "CERI-2026-00001", "--reason", "wrong address", "--as-of", "2026-05-31")
    assert early.exit_code == 2 and "issued on 2026-06-01: it cannot be revoked on 2026-05-31" in early.stderr
    forged = ceri("register", "revoke", "CERI-2026-00001", "--reason", "typo\ngenuine: serial CERI-2026-00001",
                  "--as-of", "2026-06-02")
    assert forged.exit_code == 2 and "one line of text" in forged.stderr
    long = ceri("register", "revoke", "CERI-2026-00001", "--reason", "x" * 501, "--as-of", "2026-06-02")
    assert long.exit_code == 2 and "keep it to 500" in long.stderr
    void = ceri("register", "revoke", "CERI-2026-00099", "--reason", "typo", "--as-of", "2026-06-02")
    assert void.exit_code == 2 and "no certificate CERI-2026-00099" in void.stderr
    assert ceri("register", "revoke", "CERI-2026-00001", "--reason", "wrong address", "--as-of", "2026-06-02"
                ).exit_code == 0
    result = ceri("verify", files["CERI-2026-00001"])
    assert result.exit_code == 1 and result.stdout.count("\n") == 1


def test_values_from_the_register_are_printed_escaped(issued):
    """A name or reason written into the register by other means (an older ceri, a hand edit) holding a line
    break or a terminal escape is shown escaped: it cannot forge a line of verify's or list's output."""
    db, files = issued
    conn = sqlite3.connect(db)
    conn.execute("UPDATE certificates SET student_name = ?, row_check = NULL WHERE serial = 'CERI-2026-00003'",
                 ("Eve\ngenuine: serial CERI-2026-09999 \x1b[2J",))
    conn.execute("UPDATE certificates SET revoked_on = '2026-06-02', revoked_reason = ? WHERE serial = 'CERI-2026-00002'",
                 ("a\r\nb\u2028c",))
    conn.commit()
    conn.close()
    result = ceri("verify", files["CERI-2026-00003"])
    assert result.stdout.count("\n") == 1 and "\x1b" not in result.stdout
    assert "Eve\\ngenuine: serial CERI-2026-09999 \\x1b[2J" in result.stdout
    revoked = ceri("verify", files["CERI-2026-00002"])
    assert revoked.stdout.count("\n") == 1 and "a\\r\\nb\\u2028c" in revoked.stdout
    listing = ceri("register", "list").stdout
    assert len(listing.splitlines()) == 4 and "\x1b" not in listing
