"""The register's SQLite file: schema, migrations, and a connection safe for parallel writers.

Every process (each `--jobs` worker, each concurrent `ceri` run) opens its own connection; SQLite's
file locks serialise the writers. WAL lets readers (verify, list) proceed while a writer works, and the
busy timeout makes a writer wait for the lock instead of failing.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.fileio import fsync_path, make_private_dir
from pipeline.i18n import _
from pipeline.register.integrity import APPLICATION_ID, recognise, refuse_missing_rows, refuse_unusable_file
from pipeline.register.place import ENV_VAR

BUSY_TIMEOUT_S = 60.0

# The migration list: MIGRATIONS[i] takes a register from user_version i to i + 1. Append, never edit.
MIGRATIONS: list[str] = [
    # 1: the certificates and the per-prefix, per-year counters their serial numbers come from.
    """
    CREATE TABLE certificates (
        serial         TEXT PRIMARY KEY,           -- CERI-2026-00001
        prefix         TEXT NOT NULL,
        year           INTEGER NOT NULL,           -- of the issue date
        number         INTEGER NOT NULL,
        doc            TEXT NOT NULL,
        lang           TEXT NOT NULL,
        student        TEXT NOT NULL,
        student_name   TEXT NOT NULL,
        internship     TEXT NOT NULL DEFAULT '',   -- '' for documents about no single internship
        issued_on      TEXT NOT NULL,              -- ISO date printed on the document
        inputs_hash    TEXT NOT NULL,
        sha256         TEXT,                       -- of the file; NULL while it is being rendered
        bytes          INTEGER,
        status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'issued', 'void')),
        superseded_by  TEXT REFERENCES certificates(serial),
        revoked_on     TEXT,
        revoked_reason TEXT,
        UNIQUE (prefix, year, number)
    );
    CREATE INDEX certificates_sha256 ON certificates(sha256);
    CREATE INDEX certificates_key ON certificates(doc, lang, student, internship);
    CREATE INDEX certificates_student ON certificates(student);
    CREATE TABLE sequences (
        prefix TEXT NOT NULL,
        year   INTEGER NOT NULL,
        last   INTEGER NOT NULL,                   -- numbers are never reused, even if a row is voided
        PRIMARY KEY (prefix, year)
    );
    """,
    # 2: an append-only audit trail of what happened to each serial, and when (wall clock, UTC).
    """
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        serial      TEXT NOT NULL REFERENCES certificates(serial),
        event       TEXT NOT NULL,                 -- issued | superseded | revoked | void
        detail      TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX events_serial ON events(serial);
    INSERT INTO events (serial, event, detail, recorded_at)
        SELECT serial, 'issued', 'recorded before the audit trail existed', issued_on
        FROM certificates WHERE status = 'issued';
    """,
    # 3: what was issued (a sealed certificate, an editable Word file, a report that certifies nothing),
    # by which run, to where, why a number ended void, and a checksum of each row (damage is told apart
    # from an altered certificate).
    """
    ALTER TABLE certificates ADD COLUMN kind TEXT NOT NULL DEFAULT 'certificate';
    ALTER TABLE certificates ADD COLUMN run TEXT;            -- host:pid:start of the run that took the number
    ALTER TABLE certificates ADD COLUMN path TEXT;           -- where its file was put
    ALTER TABLE certificates ADD COLUMN void_reason TEXT;
    ALTER TABLE certificates ADD COLUMN signer TEXT;         -- sha256 of the certificate that signed it (PAdES)
    ALTER TABLE certificates ADD COLUMN stated TEXT;         -- an editable certificate's text (JSON list)
    ALTER TABLE certificates ADD COLUMN row_check TEXT;      -- serials.row_check() of the row
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Register:
    """One connection to a register file. Use as a context manager, one per process or thread."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, check: bool = True):
        """check=False skips the whole-file checks (quick_check, counters: about 0.4 s at 50,000 serials) for
        the worker processes of a batch whose parent opened the register with them moments before."""
        self.path = Path(path)
        self._depth = 0  # nesting of write() (inner writes join the outer transaction)
        if not self.path.exists():
            if not create:
                raise CeriError(_("no register at {path} (give --register PATH or set {var})").format(
                    path=self.path, var=ENV_VAR))
            self._create()
        elif self.path.is_file():
            refuse_unusable_file(self.path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise CeriError(_("{path}: cannot open the register ({error})").format(path=self.path, error=exc)) from None
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            recognise(self, quick_check=check)  # before anything is written: a foreign file is never migrated
            self._set_up()
            if check:
                refuse_missing_rows(self)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise CeriError(_("{path}: not a usable register ({error}); restore it from a backup "
                              "(ceri register backup)").format(path=self.path, error=exc)) from None
        except BaseException:
            self.conn.close()
            raise

    def _create(self) -> None:
        """A new register, made complete under a temporary name and then linked into place: the path
        never holds a half-made file, so an empty or headless file there is always damage, never a
        register another process is just creating. If another process got there first, its file is used."""
        parent = self.path.parent
        tmp = parent / f".{self.path.name}.new-{os.getpid()}"
        try:
            make_private_dir(parent)
            # Create it 0600 ourselves: it holds students' names. SQLite gives -wal/-shm the same mode.
            os.close(os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600))
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")
                for script in MIGRATIONS:
                    for statement in _statements(script):
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("COMMIT")
            finally:
                conn.close()  # the last connection: the WAL is folded into the file and removed
            fsync_path(tmp)
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                pass  # created meanwhile by another ceri: use that one
        except (OSError, sqlite3.Error) as exc:
            raise CeriError(_("{path}: cannot create the register ({error})").format(
                path=self.path, error=getattr(exc, "strerror", None) or exc)) from None
        finally:
            with suppress(OSError):
                os.unlink(tmp)

    def _set_up(self) -> None:
        """WAL mode and migrations. Two processes creating one new file at once can see 'database is
        locked' here without SQLite's busy handler being called (switching the journal mode takes an
        exclusive lock), so this step is retried until the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # persistent once set
                    self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA foreign_keys = ON")
                self._migrate()
                return
            except (sqlite3.OperationalError, CeriError) as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.02))

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

        A deferred transaction that reads first and writes later could fail in WAL mode when another
        writer got in between; taking the lock first means whatever we read stays true until COMMIT.
        durable=False skips the fsync at COMMIT (the next durable commit syncs the WAL, this one
        included): for steps whose loss in a power cut harms nothing, like reserving a number.
        A write inside a write is part of the outer transaction (a batch of steps, one COMMIT).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._begin_immediate()
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # locked for too long, disk full, read-only file …
            raise CeriError(f"{self.path}: {exc}") from None

    def sync(self) -> None:
        """Make every commit so far durable, those made with durable=False included: in WAL mode a
        commit is on disk once the WAL file is (what a durable commit's own fsync does). No WAL file:
        the last connection to close checkpointed it into the register, synced."""
        with suppress(FileNotFoundError):
            fsync_path(self.path.with_name(self.path.name + "-wal"))

    def _begin_immediate(self) -> None:
        """BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_S for the write lock.

        SQLite's own busy handler backs off to 100 ms sleeps, so a waiting worker keeps missing the
        short gaps between another worker's transactions; polling every millisecond or two (with
        jitter) shares the lock fairly among `--jobs` workers.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    busy = "locked" in str(exc) or "busy" in str(exc)
                    if not busy or time.monotonic() > deadline:
                        raise
                time.sleep(random.uniform(0.0005, 0.002))
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        if self.version() == SCHEMA_VERSION and self.application_id() == APPLICATION_ID:
            return
        with self.write() as conn:
            current = self.version()  # again, under the lock: another process may have migrated
            if current > SCHEMA_VERSION:
                raise CeriError(_("{path}: register schema {found} is newer than this ceri understands "
                                  "({known}); upgrade ceri").format(path=self.path, found=current,
                                                                   known=SCHEMA_VERSION))
            for number in range(current, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def application_id(self) -> int:
        return self.conn.execute("PRAGMA application_id").fetchone()[0]

    def log(self, serial: str, event: str, detail: str = "") -> None:
        """Append to the audit trail; call inside a write() transaction."""
        self.conn.execute("INSERT INTO events (serial, event, detail, recorded_at) VALUES (?, ?, ?, ?)",
                          (serial, event, detail, now_utc()))


def _statements(script: str) -> list[str]:
    """Split a migration script so each statement runs inside our transaction (executescript would
    COMMIT first)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line.split("--", 1)[0].rstrip() + "\n" if "--" in line else line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s.strip(" \n;")]
