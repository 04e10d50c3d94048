"""Serial numbers: reserved and completed in BEGIN IMMEDIATE transactions, so parallel issuers never
share a number, never fill a gap, and never issue one document twice.

A certificate's row goes pending → issued (or void if rendering failed). Rendering happens between
the two transactions, outside the lock, so `--jobs N` workers render in parallel.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date

from pipeline.register.db import Register

SERIAL_DIGITS = 5


@dataclass(frozen=True)
class Key:
    """What a certificate is: the same key with other inputs supersedes the earlier certificate."""

    doc: str
    lang: str
    student: str
    internship: str  # '' when the document is about no single internship

    def where(self) -> tuple[str, tuple[str, ...]]:
        return ("doc = ? AND lang = ? AND student = ? AND internship = ?",
                (self.doc, self.lang, self.student, self.internship))


def format_serial(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year:04d}-{number:0{SERIAL_DIGITS}d}"


def serial_pattern(prefixes: list[str]) -> re.Pattern[str]:
    """Finds serials of the given prefixes in a document's text."""
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)) or r"(?!)"
    return re.compile(rf"(?<![A-Za-z0-9_-])(?:{alternatives})-\d{{4}}-\d{{{SERIAL_DIGITS},}}(?!\d)")


def _current(conn: sqlite3.Connection, key: Key, inputs_hash: str) -> str | None:
    """The key's live serial for exactly these inputs, if any."""
    where, args = key.where()
    row = conn.execute(
        f"SELECT serial FROM certificates WHERE {where} AND inputs_hash = ? "
        "AND status IN ('pending', 'issued') AND superseded_by IS NULL AND revoked_on IS NULL "
        "ORDER BY year DESC, number DESC LIMIT 1", (*args, inputs_hash)).fetchone()
    return row["serial"] if row is not None else None


def reserve(register: Register, key: Key, inputs_hash: str, *, prefix: str, issued_on: date,
            student_name: str, new: bool = False) -> tuple[str, bool]:
    """The serial for this document: the current one with the same inputs, or a new number.

    Returns (serial, created). `new=True` skips the reuse (the renderer's output changed).
    """
    if not new:
        # most certificates of a batch were reserved before it started: a read finds them without
        # taking the write lock (complete() re-checks the row under the lock)
        serial = _current(register.conn, key, inputs_hash)
        if serial is not None:
            return serial, False
    # Not durable: a reservation lost in a power cut harms nothing, as no file carried it yet.
    with register.write(durable=False) as conn:
        if not new:
            serial = _current(conn, key, inputs_hash)  # another process may have reserved it meanwhile
            if serial is not None:
                return serial, False
        year = issued_on.year
        conn.execute("INSERT INTO sequences (prefix, year, last) VALUES (?, ?, 0) "
                     "ON CONFLICT (prefix, year) DO NOTHING", (prefix, year))
        number = conn.execute("UPDATE sequences SET last = last + 1 WHERE prefix = ? AND year = ? "
                              "RETURNING last", (prefix, year)).fetchone()[0]
        serial = format_serial(prefix, year, number)
        conn.execute(
            "INSERT INTO certificates (serial, prefix, year, number, doc, lang, student, student_name, "
            "internship, issued_on, inputs_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (serial, prefix, year, number, key.doc, key.lang, key.student, student_name, key.internship,
             issued_on.isoformat(), inputs_hash))
        return serial, True


def complete(register: Register, serial: str, key: Key, sha256: str, size: int, *,
             durable: bool = True) -> tuple[bool, list[str]]:
    """Record the rendered file's hash and supersede the key's earlier certificates.

    Returns (ok, superseded serials). ok is False when the serial already holds a different file:
    the renderer's output changed, so this document needs a serial of its own. durable=False: synced to
    disk by the next durable commit (a pack's last certificate), not by this one.
    """
    where, args = key.where()
    with register.write(durable=durable) as conn:
        row = conn.execute("SELECT sha256, status FROM certificates WHERE serial = ?", (serial,)).fetchone()
        if row["sha256"] is not None and row["sha256"] != sha256:
            return False, []
        if row["status"] != "issued":
            conn.execute("UPDATE certificates SET sha256 = ?, bytes = ?, status = 'issued' WHERE serial = ?",
                         (sha256, size, serial))
            register.log(serial, "issued", sha256)
        older = [r["serial"] for r in conn.execute(
            f"UPDATE certificates SET superseded_by = ? WHERE {where} AND serial != ? AND status = 'issued' "
            "AND superseded_by IS NULL AND revoked_on IS NULL RETURNING serial", (serial, *args, serial))]
        for old in older:
            register.log(old, "superseded", serial)
        return True, sorted(older, key=_order)


def void(register: Register, serial: str, reason: str) -> None:
    """A reserved number whose document could not be made: kept in the ledger, never reused."""
    with register.write() as conn:
        conn.execute("UPDATE certificates SET status = 'void' WHERE serial = ? AND status = 'pending'",
                     (serial,))
        register.log(serial, "void", reason)


def _order(serial: str) -> tuple[int, int]:
    year, number = serial.rsplit("-", 2)[1:]
    return int(year), int(number)
