"""Reading the register (list) and the one change made by hand (revoke).

Every value printed from the register goes through safe(): a name, a reason or a path holding a line
break or a terminal control sequence is shown escaped, so it can never forge a line of ceri's output.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata
from datetime import date
from typing import Any

from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.register.db import Register

COLUMNS = ("serial", "issued_on", "kind", "doc", "lang", "student", "student_name", "internship", "status",
           "superseded_by", "revoked_on", "revoked_reason", "void_reason", "sha256", "bytes", "inputs_hash")
MAX_REASON = 500


def safe(value: object) -> str:
    """value as one printable line: control and format characters (line breaks, ESC, U+2028, bidi
    overrides …) become \\n, \\x1b, \\u2028 escapes; a backslash is doubled so escapes stay unambiguous."""
    out = []
    for ch in str(value):
        if ch == "\\":
            out.append("\\\\")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or
                       (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"))
        else:
            out.append(ch)
    return "".join(out)


def status_of(row: sqlite3.Row) -> str:
    """current | superseded | revoked | pending | void, as a person reads the ledger."""
    if row["revoked_on"]:
        return "revoked"
    if row["status"] != "issued":
        return row["status"]
    return "superseded" if row["superseded_by"] else "current"


def describe(row: sqlite3.Row) -> str:
    """'serial X, issued on D to NAME (ID) (doc, lang[, internship I])' for verify's messages (escaped)."""
    what = f"{safe(row['doc'])}, {safe(row['lang'])}" + (
        f", internship {safe(row['internship'])}" if row["internship"] else "")
    return _("serial {serial}, issued on {date} to {name} ({student}) ({what})").format(
        serial=safe(row["serial"]), date=safe(row["issued_on"]), name=safe(row["student_name"]),
        student=safe(row["student"]), what=what)


def get(register: Register, serial: str) -> sqlite3.Row | None:
    # NOT INDEXED: a damaged index must not hide a row (the table itself is what was written)
    return register.conn.execute("SELECT * FROM certificates NOT INDEXED WHERE serial = ?", (serial,)).fetchone()


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
    if fmt == "json":  # JSON escapes control characters itself
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":  # quoted fields keep a line break as data; a spreadsheet shows it in the cell
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _no_formula(v) for k, v in item.items()} for item in items)
        return out.getvalue()
    shown = ("serial", "issued_on", "doc", "lang", "student", "internship", "status")
    table = [list(shown)] + [[_cell(item, c) for c in shown] for item in items]
    widths = [max(len(row[i]) for row in table) for i in range(len(shown))]
    return "".join("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n"
                   for row in table)


def _no_formula(value: object) -> object:
    """A text starting with = + - @ is a formula to Excel: quote it so the cell shows the text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _cell(item: dict[str, Any], column: str) -> str:
    if column == "status" and item["status"] == "superseded":
        return f"superseded by {safe(item['superseded_by'])}"
    if column == "status" and item["status"] == "revoked":
        return f"revoked {safe(item['revoked_on'])}: {safe(item['revoked_reason'])}"
    if column == "status" and item["status"] == "void":
        return f"void: {safe(item['void_reason'] or '-')}"
    if column == "doc" and item["kind"] != "certificate":
        return f"{safe(item['doc'])} ({safe(item['kind'])})"
    return safe(item[column] or "-")


def check_reason(reason: str) -> str:
    """A revocation's reason: one line of text, at most MAX_REASON characters."""
    reason = reason.strip()
    if not reason:
        raise CeriError(_("give the reason for revoking (--reason)"))
    bad = next((ch for ch in reason if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise CeriError(_("the reason must be one line of text: it holds U+{code:04X} (a line break or control "
                          "character)").format(code=ord(bad)))
    if len(reason) > MAX_REASON:
        raise CeriError(_("the reason is {n} characters long; keep it to {limit}").format(n=len(reason),
                                                                                        limit=MAX_REASON))
    return reason


def revoke(register: Register, serial: str, reason: str, on: date) -> sqlite3.Row:
    """Mark a certificate revoked: verify then reports it as such. Revocation is final; it cannot be dated
    before the certificate was issued."""
    reason = check_reason(reason)
    with register.write() as conn:
        row = get(register, serial)
        if row is None:
            raise CeriError(_("no certificate {serial} in {path}").format(serial=safe(serial), path=register.path))
        if row["revoked_on"]:
            raise CeriError(_("{serial} was already revoked on {date}: {reason}").format(
                serial=safe(serial), date=safe(row["revoked_on"]), reason=safe(row["revoked_reason"])))
        if row["status"] != "issued":
            raise CeriError(_("{serial} was never issued (it is {status}): there is nothing to revoke").format(
                serial=safe(serial), status=safe(status_of(row))))
        if on.isoformat() < row["issued_on"]:
            raise CeriError(_("{serial} was issued on {issued}: it cannot be revoked on {date}, before that "
                              "(check --as-of)").format(serial=safe(serial), issued=safe(row["issued_on"]),
                                                       date=on.isoformat()))
        conn.execute("UPDATE certificates SET revoked_on = ?, revoked_reason = ? WHERE serial = ?",
                     (on.isoformat(), reason, serial))
        register.log(serial, "revoked", reason)
    return get(register, serial)
