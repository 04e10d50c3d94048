"""The desk's own database (SQLite, beside the register): users, sessions, one-time links, the audit log.

The records stay in the YAML files; this holds only who may do what and who did what. The schema is
versioned (PRAGMA user_version) and each migration runs once, in order, in one transaction. Tokens are
stored as their SHA-256 only: a copy of the database opens no session."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.register import find

if TYPE_CHECKING:
    from pipeline.records import Records

DB_NAME = "desk.sqlite"
SESSION_HOURS = 8
LINK_DAYS = 14

MIGRATIONS: tuple[str, ...] = (
    # 1: users, sessions, links, audit, login attempts
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'secretariat',
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_name TEXT REFERENCES users(name),
        role TEXT NOT NULL,            -- anonymous | secretariat | student | company
        subject TEXT,                  -- the student id of a student's link, the internship of a company's
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE links (
        token_hash TEXT PRIMARY KEY,
        role TEXT NOT NULL,            -- student | company
        subject TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE login_attempts (
        at TEXT NOT NULL,
        who TEXT NOT NULL              -- a user name or a client address, hashed
    );
    CREATE INDEX login_attempts_who ON login_attempts(who, at);
    """,
    # 2: changes a student proposes through their link, for the secretariat to review
    """
    CREATE TABLE pending (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        student TEXT NOT NULL,
        created_at TEXT NOT NULL,
        changes TEXT NOT NULL,         -- JSON: field key → the value typed
        status TEXT NOT NULL DEFAULT 'pending',   -- pending | accepted | rejected
        decided_by TEXT,
        decided_at TEXT
    );
    CREATE INDEX pending_student ON pending(student, status);
    """,
    # 3: evaluation forms a company uploaded through its link, waiting for the secretariat's review
    """
    CREATE TABLE returned (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        internship TEXT NOT NULL,
        upload TEXT NOT NULL,          -- the kept file's random name (pipeline/web/evaluation.py)
        created_at TEXT NOT NULL,
        done_at TEXT
    );
    CREATE INDEX returned_internship ON returned(internship, done_at);
    """,
    # 4: a session opened by a one-time link remembers the link: opening it again works in that session
    # only (the same browser), never in another one
    """
    ALTER TABLE sessions ADD COLUMN link TEXT;
    """,
)


def data_dir(register: str | os.PathLike[str] | None = None, records: Records | None = None) -> Path:
    """Beside the register every command finds (pipeline.register.find): --register, $CERI_REGISTER, the
    institution record's `register:`, else the user's data folder."""
    return find(register, records).path.expanduser().resolve().parent


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    token_hash: str
    user: str | None
    role: str
    subject: str | None
    csrf: str
    link: str | None = None  # the hash of the one-time link that opened it


@dataclass(frozen=True)
class Link:
    state: str  # new | same-session | used (in another session) | expired | unknown
    role: str = ""
    subject: str = ""
    token_hash: str = ""
    expires: datetime | None = None

    @property
    def opens(self) -> bool:
        return self.state in ("new", "same-session")


class Store:
    """One SQLite file; a connection per thread (the server answers in several threads). `clock` gives
    the time (UTC) every expiry is judged by: tests set it instead of waiting."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = _now):
        self.path = Path(path)
        self.now = clock
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._local = threading.local()
        with self.connect() as db:
            self._migrate(db)
        os.chmod(self.path, 0o600)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            self._local.db = db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for n, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in (s.strip() for s in script.split(";")):
                if statement:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {n}")

    @property
    def version(self) -> int:
        with self.connect() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    # ---- users ---------------------------------------------------------------------------------------
    def set_user(self, name: str, password_hash: str) -> bool:
        """Add the user or change their password; True when the user is new."""
        with self.connect() as db:
            new = db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is None
            db.execute("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?) "
                       "ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash",
                       (name, password_hash, _iso(self.now())))
            if not new:  # a new password ends the sessions opened with the old one
                db.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
        return new

    def password_hash(self, name: str) -> str | None:
        with self.connect() as db:
            row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    # ---- sessions ------------------------------------------------------------------------------------
    def open_session(self, role: str, user: str | None = None, subject: str | None = None,
                     hours: float = SESSION_HOURS, link: str | None = None,
                     until: datetime | None = None) -> tuple[str, Session]:
        """A new session of `hours` (never past `until`); `link`: the hash of the link that opened it."""
        token = secrets.token_urlsafe(32)
        s = Session(digest(token), user, role, subject, secrets.token_urlsafe(32), link)
        now = self.now()
        ends = min(now + timedelta(hours=hours), until) if until else now + timedelta(hours=hours)
        with self.connect() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (_iso(now),))
            db.execute("INSERT INTO sessions (token_hash, user_name, role, subject, csrf, created_at, expires_at, "
                       "link) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (s.token_hash, user, role, subject, s.csrf, _iso(now), _iso(ends), link))
        return token, s

    def session(self, token: str) -> Session | None:
        with self.connect() as db:
            row = db.execute("SELECT token_hash, user_name, role, subject, csrf, link FROM sessions "
                             "WHERE token_hash = ? AND expires_at >= ?", (digest(token), _iso(self.now()))).fetchone()
        return Session(*row) if row else None

    def close_session(self, token_hash: str) -> None:
        with self.connect() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    # ---- one-time links ------------------------------------------------------------------------------
    def add_link(self, role: str, subject: str, created_by: str, days: float = LINK_DAYS) -> str:
        token = secrets.token_urlsafe(32)
        now = self.now()
        with self.connect() as db:
            db.execute("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, NULL)",
                       (digest(token), role, subject, created_by, _iso(now), _iso(now + timedelta(days=days))))
        return token

    def use_link(self, token: str, session: Session | None) -> Link:
        """Open a one-time link. The first opening uses it up (the caller starts a session bound to it);
        later openings are let through only within that session (the same browser): any other is refused."""
        now = self.now()
        with self.connect() as db:
            row = db.execute("SELECT role, subject, expires_at, used_at FROM links WHERE token_hash = ?",
                             (digest(token),)).fetchone()
            if row is None:
                return Link("unknown")
            role, subject, expires_at, used_at = row
            if expires_at < _iso(now):
                return Link("expired", role, subject)
            if used_at is None:
                db.execute("UPDATE links SET used_at = ? WHERE token_hash = ?", (_iso(now), digest(token)))
                return Link("new", role, subject, digest(token), _parse(expires_at))
        if session is not None and session.link == digest(token):
            return Link("same-session", role, subject, digest(token), _parse(expires_at))
        return Link("used", role, subject)

    # ---- rate limit ----------------------------------------------------------------------------------
    def failures(self, who: str, minutes: int) -> int:
        since = _iso(self.now() - timedelta(minutes=minutes))
        with self.connect() as db:
            return db.execute("SELECT COUNT(*) FROM login_attempts WHERE who = ? AND at >= ?",
                              (digest(who), since)).fetchone()[0]

    def fail(self, *who: str) -> None:
        with self.connect() as db:
            db.executemany("INSERT INTO login_attempts VALUES (?, ?)", [(_iso(self.now()), digest(w)) for w in who])

    def forget_failures(self, *who: str) -> None:
        with self.connect() as db:
            db.executemany("DELETE FROM login_attempts WHERE who = ?", [(digest(w),) for w in who])

    # ---- pending changes (a student's intake) ---------------------------------------------------------
    def propose(self, student: str, changes: dict[str, str]) -> int:
        with self.connect() as db:
            db.execute("UPDATE pending SET status = 'replaced', decided_at = ? WHERE student = ? "
                       "AND status = 'pending'", (_iso(self.now()), student))  # the latest intake counts
            cur = db.execute("INSERT INTO pending (student, created_at, changes) VALUES (?, ?, ?)",
                             (student, _iso(self.now()), json.dumps(changes, ensure_ascii=False)))
            return cur.lastrowid

    def pending(self, student: str) -> list[tuple[int, str, dict[str, str]]]:
        with self.connect() as db:
            rows = db.execute("SELECT id, created_at, changes FROM pending WHERE student = ? AND status = 'pending' "
                              "ORDER BY id", (student,)).fetchall()
        return [(n, at, json.loads(changes)) for n, at, changes in rows]

    def accepted(self, student: str) -> bool:
        """Whether the secretariat has accepted an intake of this student (their page then offers more)."""
        with self.connect() as db:
            return db.execute("SELECT 1 FROM pending WHERE student = ? AND status = 'accepted' LIMIT 1",
                              (student,)).fetchone() is not None

    def decide(self, pending_id: int, student: str, status: str, by: str) -> bool:
        with self.connect() as db:
            cur = db.execute("UPDATE pending SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? "
                             "AND student = ? AND status = 'pending'", (status, by, _iso(self.now()), pending_id, student))
            return cur.rowcount == 1

    # ---- evaluation forms returned through a company's link -----------------------------------------
    def add_returned(self, internship: str, upload: str) -> None:
        with self.connect() as db:
            db.execute("INSERT INTO returned (internship, upload, created_at) VALUES (?, ?, ?)",
                       (internship, upload, _iso(self.now())))

    def returned(self, internship: str) -> list[tuple[str, str]]:
        """(upload, created_at) of the forms not yet reviewed, oldest first."""
        with self.connect() as db:
            return db.execute("SELECT upload, created_at FROM returned WHERE internship = ? AND done_at IS NULL "
                              "ORDER BY id", (internship,)).fetchall()

    def returned_done(self, upload: str) -> None:
        with self.connect() as db:
            db.execute("UPDATE returned SET done_at = ? WHERE upload = ?", (_iso(self.now()), upload))

    # ---- audit ---------------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str, detail: str = "") -> None:
        with self.connect() as db:
            db.execute("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                       (_iso(self.now()), actor, action, target, detail))

    def audit_log(self) -> list[tuple[str, str, str, str, str]]:
        with self.connect() as db:
            return db.execute("SELECT at, actor, action, target, detail FROM audit ORDER BY id").fetchall()
