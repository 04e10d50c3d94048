"""Is this PDF a certificate we issued, unaltered? Its sha256 decides; the serial printed on it explains."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.register.db import Register
from pipeline.register.ledger import describe, get
from pipeline.register.serials import serial_pattern


@dataclass(frozen=True)
class Verdict:
    status: str  # genuine | revoked | altered | unknown
    serial: str | None
    message: str

    @property
    def genuine(self) -> bool:
        return self.status == "genuine"


def read_pdf(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; CeriError (exit 2) if it cannot be read or is no PDF at all."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CeriError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"%PDF-" not in data[:1024]:
        raise CeriError(f"{path}: not a PDF file")
    return data


def verify(register: Register, data: bytes) -> Verdict:
    sha = hashlib.sha256(data).hexdigest()
    row = register.conn.execute("SELECT * FROM certificates WHERE sha256 = ? AND status = 'issued' "
                                "ORDER BY year, number LIMIT 1", (sha,)).fetchone()
    if row is not None:
        if row["revoked_on"]:
            return Verdict("revoked", row["serial"], f"revoked: {describe(row)}; revoked on "
                           f"{row['revoked_on']}: {row['revoked_reason']}")
        note = f"; superseded by {row['superseded_by']}" if row["superseded_by"] else ""
        return Verdict("genuine", row["serial"], f"genuine: {describe(row)}{note}")
    for serial in printed_serials(register, data):
        row = get(register, serial)
        if row is not None:
            return Verdict("altered", serial, f"altered: does not match serial {serial} "
                           f"(the file differs from the one {describe(row)})")
    return Verdict("unknown", None, "unknown: not issued by this register")


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
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            try:
                yield page.extract_text() or ""
            except Exception:  # noqa: BLE001 - a damaged page must not stop the others
                continue
        yield " ".join(str(v) for v in (reader.metadata or {}).values())
    except Exception:  # noqa: BLE001 - an unparseable file may still carry the serial in plain bytes
        pass
    yield data.decode("latin-1")
