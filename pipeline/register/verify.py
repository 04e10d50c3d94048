"""Is this file a certificate we issued, unaltered? Its sha256 decides for a sealed PDF; the serial printed
on it explains. Every value quoted from the register is escaped (ledger.safe)."""

from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.register.db import Register
from pipeline.register.editable import differences, docx_paragraphs
from pipeline.register.ledger import describe, get, safe, status_of
from pipeline.register.seal import JST, Signature, inspect
from pipeline.register.serials import row_check, serial_pattern

MAX_FILE = 50 * 1024 * 1024  # a certificate is a few hundred KB; a larger file is not one of ours


@dataclass(frozen=True)
class Verdict:
    # genuine | superseded (genuine, replaced since) | matches (a Word certificate's text is as issued) |
    # revoked | altered | unknown | void | pending | damaged
    status: str
    serial: str | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def genuine(self) -> bool:
        return self.status in ("genuine", "superseded", "matches")

    @property
    def exit_code(self) -> int:
        return 0 if self.genuine else 2 if self.status == "damaged" else 1


def read_file(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, bounded; CeriError (exit 2) if it cannot be read."""
    p = Path(path)
    try:
        if p.is_file() and p.stat().st_size > MAX_FILE:
            raise CeriError(_("{path}: {size} bytes is too large for a certificate").format(
                path=path, size=p.stat().st_size))
        if not p.is_file():
            raise CeriError(_("{path}: cannot read (not a regular file)").format(path=path))
        with open(p, "rb") as f:
            return f.read(MAX_FILE + 1)
    except OSError as exc:
        raise CeriError(_("{path}: cannot read ({error})").format(path=path, error=exc.strerror or exc)) from None


def read_pdf(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; CeriError (exit 2) if it cannot be read or is neither a PDF nor a Word file."""
    data = read_file(path)
    if b"%PDF-" not in data[:1024] and data[:4] != b"PK\x03\x04":
        raise CeriError(_("{path}: not a PDF file").format(path=path))
    return data


def verify(register: Register, data: bytes, trust_roots: list[bytes] | None = None) -> Verdict:
    """The register's answer, and the signature's, for a file whose bytes were sealed at issue (a PDF
    certificate). A signed file is checked whole: its signature must be intact, cover every byte of the
    file, and be made by the key the register recorded (or one the trust roots vouch for)."""
    sig = inspect(data, trust_roots or []) if b"/ByteRange" in data else Signature(False)
    verdict = _verify(register, data, sig)
    return replace(verdict, details={**verdict.details, "signature": _signature_details(sig)})


def _signature_details(sig: Signature) -> dict[str, Any]:
    if not sig.present:
        return {"present": False}
    stamp = sig.timestamp
    return {"present": True, "intact": sig.intact and sig.valid, "whole_file": sig.whole_file,
            "signer": sig.signer, "signer_sha256": sig.fingerprint, "trusted_root": sig.trusted,
            "level": "B-T" if stamp is not None else "B-B",
            "timestamp": None if stamp is None else {"time": stamp.time.isoformat(), "tsa": stamp.tsa,
                                                     "valid": stamp.valid, "trusted_root": stamp.trusted}}


def _timestamp_note(sig: Signature) -> str:
    """'; timestamped … by …' for a signature that carries a timestamp."""
    stamp = sig.timestamp
    if stamp is None:
        return ""
    when = stamp.time.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S JST")
    note = _("; timestamped {time} by {tsa}").format(time=when, tsa=safe(stamp.tsa))
    return note if stamp.trusted else note + _(" (a timestamp server verify does not trust: add its certificate "
                                               "with --trust)")


def _verify(register: Register, data: bytes, sig: Signature) -> Verdict:
    sha = hashlib.sha256(data).hexdigest()
    # NOT INDEXED: a damaged index must not make a genuine certificate look altered
    row = register.conn.execute("SELECT * FROM certificates NOT INDEXED WHERE sha256 = ? "
                                "ORDER BY status = 'issued' DESC, year, number LIMIT 1", (sha,)).fetchone()
    if row is not None:
        verdict = by_row(row)
        if row["signer"] and sig.present and verdict.genuine:
            return replace(verdict, message=verdict.message + _("; signed by {signer}").format(
                signer=safe(sig.signer or "?")) + _timestamp_note(sig))
        return verdict
    for serial in printed_serials(register, data):
        row = get(register, serial)
        if row is None:
            continue
        tampered = _tampering(row, sig)
        if tampered is not None:
            return Verdict("altered", serial, _("altered: {how} (serial {serial})").format(
                how=tampered, serial=safe(serial)))
        if row["row_check"] and row_check(row) != row["row_check"]:
            return Verdict("damaged", serial, _("damaged register: the row of serial {serial} does not match its "
                                                "checksum, so this file cannot be checked against it; restore the "
                                                "register from a backup (ceri register check)").format(
                                                    serial=safe(serial)))
        if row["kind"] == "editable":  # a PDF made from a Word certificate: its text decides
            return by_text(row, "\n".join(_pdf_text(data)))
        return Verdict("altered", serial, _("altered: does not match serial {serial} (the file differs from the one "
                                            "{what})").format(serial=safe(serial), what=describe(row)))
    return Verdict("unknown", None, _("unknown: not issued by this register"))


def _tampering(row, sig: Signature) -> str | None:
    """How a signed certificate was tampered with, as its signature shows (None: nothing to say)."""
    if sig.present and not (sig.intact and sig.valid):
        return _("the signature does not match the content: the file was changed after it was signed")
    if sig.present and sig.timestamp is not None and not sig.timestamp.valid:
        return _("its timestamp does not match the signature: the file was changed after it was signed")
    if sig.present and not sig.whole_file:
        return _("the file was modified after it was signed (an update was appended to the signed file)")
    if sig.present and row["signer"] and sig.fingerprint != row["signer"] and not sig.trusted:
        return _("signed by another key ({signer}), not the one that issued it").format(signer=safe(sig.signer))
    if not sig.present and row["signer"]:
        return _("its signature was removed: the certificate was issued signed")
    return None


def verify_docx(register: Register, data: bytes) -> Verdict:
    """A Word certificate: found by the serial it prints, compared by the values it states."""
    text = "\n".join(docx_paragraphs(data))
    prefixes = [r[0] for r in register.conn.execute("SELECT DISTINCT prefix FROM certificates")]
    for serial in dict.fromkeys(serial_pattern(prefixes).findall(text)):
        row = get(register, serial)
        if row is not None:
            if row["kind"] != "editable":
                return Verdict("altered", serial, _("altered: serial {serial} was issued as a PDF, not as this Word "
                                                    "file").format(serial=safe(serial)))
            return by_text(row, text)
    return Verdict("unknown", None, _("unknown: not issued by this register"))


def by_text(row, text: str) -> Verdict:
    """An editable certificate's answer: its state in the register, and whether the text shown still states
    every value it was issued with. Its bytes prove nothing: anyone can edit a Word file."""
    serial = row["serial"]
    if row["row_check"] and row_check(row) != row["row_check"]:
        return by_row(row)
    if row["status"] != "issued" or row["revoked_on"]:
        return by_row(row)
    missing = differences(row["stated"] or "[]", text)
    note = _("a Word file's bytes are not sealed: anyone can edit one; ask for the signed PDF when it matters")
    if missing:
        shown = "; ".join(safe(m[:60]) for m in missing[:3])
        return Verdict("altered", serial, _("altered: the text differs from what serial {serial} stated ({values}); "
                                            "{note}").format(serial=safe(serial), values=shown, note=note),
                       {"differs": missing})
    verdict = by_row(row)
    return Verdict("matches", serial, _("matches: {what} — its text states what was issued; {note}").format(
        what=verdict.message.split(": ", 1)[1], note=note), {**verdict.details, "sealed": False})


def by_row(row) -> Verdict:
    """The answer for a file that is exactly the one this row recorded."""
    serial = row["serial"]
    details = {"register": status_of(row), "issued_on": row["issued_on"], "student": row["student"],
               "doc": row["doc"], "lang": row["lang"], "internship": row["internship"] or None}
    if row["row_check"] and row_check(row) != row["row_check"]:
        return Verdict("damaged", serial, _("damaged register: the row of serial {serial} does not match its "
                                            "checksum; restore the register from a backup").format(serial=safe(serial)),
                       details)
    if row["status"] == "void":
        return Verdict("void", serial, _("void: serial {serial} was never issued ({reason})").format(
            serial=safe(serial), reason=safe(row["void_reason"] or "-")), details)
    if row["status"] == "pending":
        return Verdict("pending", serial, _("not issued yet: serial {serial} is being issued right now").format(
            serial=safe(serial)), details)
    if row["revoked_on"]:
        details |= {"revoked_on": row["revoked_on"], "revoked_reason": row["revoked_reason"]}
        return Verdict("revoked", serial, _("revoked: {what}; revoked on {date}: {reason}").format(
            what=describe(row), date=safe(row["revoked_on"]), reason=safe(row["revoked_reason"])), details)
    if row["kind"] == "report":
        return Verdict("matches", serial, _("recorded: {what}; a report logged in the register, it certifies "
                                            "nothing").format(what=describe(row)), details)
    if row["superseded_by"]:
        details["superseded_by"] = row["superseded_by"]
        return Verdict("superseded", serial, _("genuine: {what}; superseded by {newer}").format(
            what=describe(row), newer=safe(row["superseded_by"])), details)
    return Verdict("genuine", serial, _("genuine: {what}").format(what=describe(row)), details)


def printed_serials(register: Register, data: bytes) -> list[str]:
    """Serials of this register's prefixes found in the PDF: its text (pypdf), metadata, raw bytes.

    An altered file may be damaged, so every source is tried and none is allowed to fail the check.
    """
    prefixes = [r[0] for r in register.conn.execute("SELECT DISTINCT prefix FROM certificates")]
    pattern = serial_pattern(prefixes)
    found: list[str] = []
    for text in _texts(data):
        for serial in pattern.findall(text):
            if serial not in found:
                found.append(serial)
    return found


def _texts(data: bytes):
    """The text of the file, then of each earlier revision (an update appended after signing may draw over
    the page), then its raw bytes with PDF string escapes undone."""
    ends = [m.end() for m in re.finditer(rb"%%EOF", data)][:8]
    for end in [len(data), *reversed(ends[:-1])]:
        yield from _pdf_text(data[:end])
    yield re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), data.decode("latin-1"))


def _pdf_text(data: bytes):
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages[:20]:
            try:
                yield page.extract_text() or ""
            except Exception:  # noqa: BLE001 - a damaged page must not stop the others
                continue
        yield " ".join(str(v) for v in (reader.metadata or {}).values())
    except Exception:  # noqa: BLE001 - an unparseable file may still carry the serial in plain bytes
        return
