"""Reading the register (list) and the one change made by hand (revoke)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date
from typing import Any

from pipeline.errors import CeriError
from pipeline.register.db import Register

COLUMNS = ("serial", "issued_on", "doc", "lang", "student", "student_name", "internship", "status",
           "superseded_by", "revoked_on", "revoked_reason", "sha256", "bytes", "inputs_hash")


def status_of(row: sqlite3.Row) -> str:
    """current | superseded | revoked | pending | void, as a person reads the ledger."""
    if row["revoked_on"]:
        return "revoked"
    if row["status"] != "issued":
        return row["status"]
    return "superseded" if row["superseded_by"] else "current"


def describe(row: sqlite3.Row) -> str:
    """'serial X, issued on D to NAME (ID) (doc, lang[, internship I])' for verify's messages."""
    what = f"{row['doc']}, {row['lang']}" + (f", internship {row['internship']}" if row["internship"] else "")
    return (f"serial {row['serial']}, issued on {row['issued_on']} to {row['student_name']} "
            f"({row['student']}) ({what})")


def get(register: Register, serial: str) -> sqlite3.Row | None:
    return register.conn.execute("SELECT * FROM certificates WHERE serial = ?", (serial,)).fetchone()


def entries(register: Register, *, year: int | None = None, student: str | None = None) -> list[dict[str, Any]]:
    """Every certificate, in serial order, as plain dicts (status as status_of says)."""
    sql, args = "SELECT * FROM certificates WHERE 1 = 1", []
    if year is not None:
        sql, args = sql + " AND year = ?", [*args, year]
    if student is not None:
        sql, args = sql + " AND student = ?", [*args, student]
    rows = register.conn.execute(sql + " ORDER BY prefix, year, number", args).fetchall()
    return [{c: (status_of(r) if c == "status" else r[c]) for c in COLUMNS} for r in rows]


def render_entries(items: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(items)
        return out.getvalue()
    shown = ("serial", "issued_on", "doc", "lang", "student", "internship", "status")
    table = [list(shown)] + [[_cell(item, c) for c in shown] for item in items]
    widths = [max(len(row[i]) for row in table) for i in range(len(shown))]
    return "".join("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n"
                   for row in table)


def _cell(item: dict[str, Any], column: str) -> str:
    if column == "status" and item["status"] == "superseded":
        return f"superseded by {item['superseded_by']}"
    if column == "status" and item["status"] == "revoked":
        return f"revoked {item['revoked_on']}"
    return str(item[column] or "-")


def revoke(register: Register, serial: str, reason: str, on: date) -> sqlite3.Row:
    """Mark a certificate revoked: verify then reports it as such. Revocation is final."""
    if not reason.strip():
        raise CeriError("give the reason for revoking (--reason)")
    with register.write() as conn:
        row = get(register, serial)
        if row is None:
            raise CeriError(f"no certificate {serial} in {register.path}")
        if row["revoked_on"]:
            raise CeriError(f"{serial} was already revoked on {row['revoked_on']}: {row['revoked_reason']}")
        conn.execute("UPDATE certificates SET revoked_on = ?, revoked_reason = ? WHERE serial = ?",
                     (on.isoformat(), reason.strip(), serial))
        register.log(serial, "revoked", reason.strip())
    return get(register, serial)
