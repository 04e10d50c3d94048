"""A register that cannot be trusted is never used: a serial printed on a certificate must never be given
again, so an empty, foreign or damaged file is refused (exit 2) and never re-created in place.

On every open: the file is a SQLite file with content, it is ceri's (PRAGMA application_id, or the tables
of a ceri register from before the id), PRAGMA quick_check passes, and no row its counters say was issued
is missing. `ceri register check` and `ceri doctor` add the full integrity check and the rows' checksums.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import CeriError
from pipeline.i18n import _

if TYPE_CHECKING:
    from pipeline.register.db import Register

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x43455249  # 'CERI'
OURS = {"certificates", "sequences", "events"}
RESTORE = "restore it from a backup (ceri register backup) or ask whoever keeps it; it is not re-created"


class DamagedRegister(CeriError):
    """The register exists but cannot be trusted."""


def _refuse(path: Path, why: str) -> DamagedRegister:
    return DamagedRegister(_("{path}: {why}: {restore}").format(path=path, why=why, restore=_(RESTORE)))


def refuse_unusable_file(path: Path) -> None:
    """Before SQLite sees it: a file that exists but is empty, or is not SQLite at all."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CeriError(_("{path}: cannot read the register ({error})").format(
            path=path, error=exc.strerror or exc)) from None
    if not head:
        raise _refuse(path, _("the register is empty (0 bytes), so its serials are lost"))
    if head != SQLITE_HEADER:
        raise _refuse(path, _("not a register (not an SQLite file)"))


def recognise(register: Register, *, quick_check: bool = True) -> None:
    """Is this SQLite file ceri's? Decided before anything is written to it."""
    conn, path = register.conn, register.path
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} - {"sqlite_sequence"}
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app == APPLICATION_ID:
        pass
    elif app != 0 or not tables <= OURS or (tables and "certificates" not in tables) or (version == 0 and tables):
        raise CeriError(_("{path}: this SQLite file is not a ceri register (it belongs to another program); "
                          "give the register's own path").format(path=path))
    if not quick_check:
        return
    found = conn.execute("PRAGMA quick_check").fetchall()
    if [tuple(r) for r in found] != [("ok",)]:
        raise _refuse(path, _("the register is damaged ({problem})").format(problem=found[0][0]))


def missing_rows(conn: sqlite3.Connection) -> list[str]:
    """'PREFIX-YEAR: N of M' for each counter whose numbers are not all in the ledger (rows are never
    deleted: a number counted but absent was lost)."""
    out = []
    for prefix, year, last, count, top in conn.execute(
            "SELECT s.prefix, s.year, s.last, count(c.serial), coalesce(max(c.number), 0) FROM sequences s "
            "LEFT JOIN certificates c ON c.prefix = s.prefix AND c.year = s.year GROUP BY s.prefix, s.year"):
        if count != last or top != last:
            out.append(_("{prefix}-{year}: {count} rows for {last} numbers issued").format(
                prefix=prefix, year=year, count=count, last=last))
    return out


def refuse_missing_rows(register: Register) -> None:
    lost = missing_rows(register.conn)
    if lost:
        raise _refuse(register.path, _("rows its counters say were issued are missing ({lost})").format(
            lost="; ".join(lost)))


def full_check(register: Register) -> list[str]:
    """Every problem the full check finds ([] when the register is sound): SQLite's integrity_check and
    foreign keys, the counters, and each row against its checksum."""
    from pipeline.register.serials import row_check

    conn = register.conn
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [_("event {id} names a serial not in the register").format(id=r[1])
                 for r in conn.execute("PRAGMA foreign_key_check")]
    problems += missing_rows(conn)
    for row in conn.execute("SELECT * FROM certificates NOT INDEXED WHERE row_check IS NOT NULL"):
        if row_check(row) != row["row_check"]:
            problems.append(_("{serial}: the row was changed or damaged (its checksum does not match)").format(
                serial=row["serial"]))
    return problems
