"""The register file: migrations from any user_version, WAL, private mode, refusing what it cannot read."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from pipeline.errors import CeriError
from pipeline.register import SCHEMA_VERSION, Register
from pipeline.register.db import MIGRATIONS, _statements

TABLES = {"certificates", "sequences", "events"}


def tables(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} - {"sqlite_sequence"}


def test_new_register_is_current_wal_and_private(tmp_path):
    path = tmp_path / "sub" / "register.sqlite"
    with Register(path) as reg:
        assert reg.version() == SCHEMA_VERSION == len(MIGRATIONS)
        assert reg.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert tables(reg.conn) == TABLES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_migrates_an_empty_version_0_database(tmp_path):
    path = tmp_path / "r.sqlite"
    conn = sqlite3.connect(path)  # an SQLite database without tables: user_version 0
    conn.executescript("CREATE TABLE t (x); DROP TABLE t;")
    conn.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 0
    with Register(path) as reg:
        assert reg.version() == SCHEMA_VERSION
        assert tables(reg.conn) == TABLES
    with Register(path) as reg:  # opening again changes nothing
        assert reg.version() == SCHEMA_VERSION


def test_migrates_version_1_keeping_its_certificates(tmp_path):
    path = tmp_path / "r.sqlite"
    conn = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO certificates (serial, prefix, year, number, doc, lang, student, student_name, "
                 "issued_on, inputs_hash, sha256, bytes, status) VALUES ('CERI-2025-00001', 'CERI', 2025, 1, "
                 "'enrollment-certificate', 'ja', '23DB0012', 'Thi Lan NGUYEN', '2025-12-01', 'x', 'ab', 10, "
                 "'issued')")
    conn.execute("INSERT INTO sequences VALUES ('CERI', 2025, 1)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Register(path) as reg:
        assert reg.version() == SCHEMA_VERSION
        assert [tuple(r) for r in reg.conn.execute("SELECT serial, event, recorded_at FROM events")] == [
            ("CERI-2025-00001", "issued", "2025-12-01")]
        assert reg.conn.execute("SELECT student_name FROM certificates").fetchone()[0] == "Thi Lan NGUYEN"


def test_refuses_newer_schema_and_non_registers(tmp_path):
    newer = tmp_path / "newer.sqlite"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CeriError, match="newer than this ceri"):
        Register(newer)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CeriError, match="not a register"):
        Register(junk)
    with pytest.raises(CeriError, match="cannot open the register"):
        Register(tmp_path)  # a directory
    with pytest.raises(CeriError, match="no register at"):
        Register(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()
