"""Serial numbers: reserved and completed in BEGIN IMMEDIATE transactions, so parallel issuers never
share a number, never fill a gap, and never issue one document twice.

A certificate's row goes pending → issued once its file has landed where it was going, or → void
(with the reason) when it never does: a failed render, a failed or killed pack. Rendering happens
between the transactions, outside the lock, so `--jobs N` workers render in parallel. Every row
records the run that took it (runs.py): a pending row of a run that has ended is settled by sweep().
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.register.db import Register
from pipeline.register.runs import alive, current_run

SERIAL_DIGITS = 5
KINDS = ("certificate", "editable", "report")  # sealed PDF · Word file (bytes not sealed) · report, not certified


@dataclass(frozen=True)
class Key:
    """What a certificate is: the same key with other inputs supersedes the earlier certificate."""

    doc: str
    lang: str
    student: str
    internship: str  # '' when the document is about no single internship
    kind: str = "certificate"

    def where(self) -> tuple[str, tuple[str, ...]]:
        return ("doc = ? AND lang = ? AND student = ? AND internship = ? AND kind = ?",
                (self.doc, self.lang, self.student, self.internship, self.kind))


def format_serial(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year:04d}-{number:0{SERIAL_DIGITS}d}"


def serial_pattern(prefixes: list[str]) -> re.Pattern[str]:
    """Finds serials of the given prefixes in a document's text."""
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)) or r"(?!)"
    return re.compile(rf"(?<![A-Za-z0-9_-])(?:{alternatives})-\d{{4}}-\d{{{SERIAL_DIGITS},}}(?!\d)")


ROW_FIELDS = ("serial", "kind", "doc", "lang", "student", "student_name", "internship", "issued_on",
              "inputs_hash", "sha256", "bytes", "signer", "stated")


def row_check(row: sqlite3.Row | dict) -> str:
    """A checksum over what a row says a certificate is: a flipped digit in the row is found, not
    mistaken for an altered certificate."""
    text = "\x1f".join("" if row[f] is None else str(row[f]) for f in ROW_FIELDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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

    Returns (serial, created). `new=True` skips the reuse (the renderer's output changed). A pending
    reservation of a run that was killed is taken over: its number is used, not left as a gap.
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
            "internship, issued_on, inputs_hash, kind, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (serial, prefix, year, number, key.doc, key.lang, key.student, student_name, key.internship,
             issued_on.isoformat(), inputs_hash, key.kind, current_run()))
        return serial, True


def complete(register: Register, serial: str, sha256: str, size: int, *, durable: bool = True,
             signer: str | None = None, stated: str | None = None) -> bool:
    """Record the rendered file's hash; the row stays pending until its file lands (landed()).

    False when the serial cannot carry this file: it already holds a different one (the renderer's
    output changed) or it was voided meanwhile (its run was taken for dead). The document then needs
    a serial of its own. durable=False: synced to disk by the next durable commit.
    """
    with register.write(durable=durable) as conn:
        row = conn.execute("SELECT * FROM certificates WHERE serial = ?", (serial,)).fetchone()
        if row["status"] == "void" or row["sha256"] is not None and row["sha256"] != sha256:
            return False
        if row["sha256"] is None:
            data = {**dict(row), "sha256": sha256, "bytes": size, "signer": signer, "stated": stated}
            conn.execute("UPDATE certificates SET sha256 = ?, bytes = ?, signer = ?, stated = ?, row_check = ? "
                         "WHERE serial = ?", (sha256, size, signer, stated, row_check(data), serial))
        return True


def expect(register: Register, items: Iterable[tuple[str, Path]]) -> None:
    """Note where each pending certificate's file is being put, before it is put there: a run killed
    between placing a file and landed() leaves a row that sweep() can settle by looking there."""
    with register.write(durable=False) as conn:
        for serial, path in items:
            conn.execute("UPDATE certificates SET path = ? WHERE serial = ? AND status = 'pending'",
                         (str(Path(path).absolute()), serial))


def landed(register: Register, items: Iterable[tuple[str, Path]], *, durable: bool = True) -> dict[str, list[str]]:
    """The files are in place: their rows become issued, and each supersedes its key's earlier
    certificates. Returns serial → the serials it superseded (oldest first)."""
    out: dict[str, list[str]] = {}
    with register.write(durable=durable) as conn:
        for serial, path in items:
            out[serial] = _land(register, conn, serial, path)
    return out


def _land(register: Register, conn: sqlite3.Connection, serial: str, path: Path | None) -> list[str]:
    row = conn.execute("SELECT * FROM certificates WHERE serial = ?", (serial,)).fetchone()
    if row is None or row["status"] == "void":
        return []
    if row["status"] != "issued":
        conn.execute("UPDATE certificates SET status = 'issued', path = coalesce(?, path) WHERE serial = ?",
                     (str(Path(path).absolute()) if path else None, serial))
        register.log(serial, "issued", row["sha256"] or "")
    key = Key(row["doc"], row["lang"], row["student"], row["internship"], row["kind"])
    where, args = key.where()
    older = [r["serial"] for r in conn.execute(
        f"UPDATE certificates SET superseded_by = ? WHERE {where} AND serial != ? AND status = 'issued' "
        "AND superseded_by IS NULL AND revoked_on IS NULL AND (year < ? OR year = ? AND number < ?) "
        "RETURNING serial", (serial, *args, serial, row["year"], row["year"], row["number"]))]
    for old in older:
        register.log(old, "superseded", serial)
    return sorted(older, key=_order)


def void(register: Register, serial: str, reason: str) -> None:
    """A reserved number whose document never landed: kept in the ledger with the reason, never reused."""
    void_where(register, "serial = ?", (serial,), reason)


def void_where(register: Register, where: str, args: tuple, reason: str) -> list[str]:
    """Void the pending rows matching where (an SQL condition on certificates), each with the reason."""
    reason = " ".join(reason.split())[:500]  # one line in the ledger and in `register list`
    with register.write() as conn:
        serials = [r["serial"] for r in conn.execute(
            f"UPDATE certificates SET status = 'void', void_reason = ? WHERE status = 'pending' AND ({where}) "
            "RETURNING serial", (reason, *args))]
        for serial in serials:
            register.log(serial, "void", reason)
    return sorted(serials, key=_order)


def void_pack(register: Register, student: str, internship: str, reason: str) -> list[str]:
    """This run's pending certificates of one pack that failed: none of its files landed."""
    return void_where(register, "run = ? AND student = ? AND internship = ?",
                      (current_run(), student, internship), reason)


def end_run(register: Register, reason: str) -> list[str]:
    """This run is ending: whatever it reserved and did not land is settled (a pack never reached, a
    worker that died after or before putting its pack in place). Returns the serials voided."""
    rows = register.conn.execute("SELECT serial, run, path, sha256 FROM certificates WHERE status = 'pending' "
                                 "AND run = ?", (current_run(),)).fetchall()
    return _settle(register, rows, reason)


def sweep(register: Register) -> list[str]:
    """Settle the pending rows of runs that have ended (killed). Rows of live runs, here or on another
    machine, are left alone. Returns the serials voided."""
    rows = register.conn.execute("SELECT serial, run, path, sha256 FROM certificates WHERE status = 'pending'"
                                 ).fetchall()
    dead = [r for r in rows if not alive(r["run"])]
    return _settle(register, dead, "the run that took this number ended before its file was written")


def _settle(register: Register, rows: list[sqlite3.Row], reason: str) -> list[str]:
    """A file found where it was going, with the hash recorded, has landed; anything else is void."""
    done = [(r["serial"], Path(r["path"])) for r in rows
            if r["path"] and r["sha256"] and _holds(r["path"], r["sha256"])]
    if done:
        landed(register, done)
    voided: list[str] = []
    finished = {s for s, _ in done}
    for r in rows:
        if r["serial"] not in finished:
            voided += void_where(register, "serial = ? AND run IS ?", (r["serial"], r["run"]),
                                 f"{reason} ({r['run'] or 'unknown run'})")
    return voided


def _holds(path: str, sha256: str) -> bool:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _order(serial: str) -> tuple[int, int]:
    year, number = serial.rsplit("-", 2)[1:]
    return int(year), int(number)
