"""PAdES signatures of certificates (pyHanko): signed at issue, B-B, with a visible signature in the seal area
naming the signatory and the serial; checked by `ceri verify` (integrity, signer, coverage of the whole file).

Signing is deterministic for the same key and inputs: RSA PKCS#1 v1.5 signatures are, the signing time
is fixed to the issue date (the --as-of date, 00:00 in Japan) instead of the clock, and the stamp's font
subset is named from what is signed. With a timestamp server (PAdES B-T, timestamp.py) it cannot be: the
server's token holds the time it answered and a random nonce, so each signing gives other bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.pdf import incremental_writer
from pipeline.register.keys import DEMO_MARK, fingerprint, passphrase_from_env, read_p12
from pipeline.register.stamp import FONT_SIZE, LEADING, MARGIN, Signatory, font_engine, stamp_for
from pipeline.register.timestamp import TimestampError, probe, timestamp_url_from_env, timestamper

JST = timezone(timedelta(hours=9))
FIELD = "CeriSignature"
logging.getLogger("pyhanko").setLevel(logging.ERROR)  # its warnings are ours to report, as messages
# pyHanko imports cryptography's DSA support, which warns on import: nothing a user can act on
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko.*")


@dataclass(frozen=True)
class Sealer:
    """A loaded signing key (one per process)."""

    path: str
    signer: object  # pyhanko SimpleSigner
    fingerprint: str
    subject: str
    demo: bool
    timestamp_url: str | None = None  # PAdES B-T: the timestamp server asked at each signing
    timestamper: object | None = None  # its pyHanko client


def sealer_for(path: str) -> Sealer:
    """The key at path, passphrase from $CERI_KEY_PASSPHRASE, timestamp server from $CERI_TIMESTAMP_URL (the
    CLI sets both before any worker starts)."""
    return _sealer(path, timestamp_url_from_env())


@cache
def _sealer(path: str, timestamp_url: str | None) -> Sealer:
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, cert, chain = read_p12(Path(path), passphrase_from_env())
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]))
    subject = cert.subject.rfc4514_string()
    return Sealer(path, signer, fingerprint(cert), subject, DEMO_MARK in subject, timestamp_url,
                  timestamper(timestamp_url) if timestamp_url else None)


def check_timestamp_server(sealer: Sealer) -> None:
    """Ask the timestamp server once, before any serial is taken (CeriError when it gives no timestamp)."""
    if sealer.timestamper is not None:
        probe(sealer.timestamper)


def seal_pdf(data: bytes, sealer: Sealer, *, serial: str, signatory: str | Signatory, issued_on: date,
             box: tuple[float, float, float, float] | None) -> bytes:
    """The PDF signed PAdES B-B (B-T with a timestamp server) as an incremental update, the visible
    signature at box (x1, y1, x2, y2 on the first page; None: invisible)."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.api import FontSubsetCollection
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    who = signatory if isinstance(signatory, Signatory) else Signatory(signatory)
    stamp = stamp_for(who, serial, sealer.demo, box)

    when = datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=JST)

    class FixedTime(signers.PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = when  # not the clock: the same certificate signs to the same bytes
            return session

    meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=f"Certificate {serial}")
    text_style = {"font_size": FONT_SIZE, "leading": LEADING,
                  "box_layout_rule": layout.SimpleBoxLayoutRule(
                      x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
                      margins=layout.Margins.uniform(MARGIN))}
    if stamp.font is not None:
        text_style["font"] = font_engine(stamp.font, stamp.text)
    style = TextStampStyle(stamp_text=stamp.text, timestamp_format="%Y-%m-%d", border_width=1,
                           text_box_style=TextBoxStyle(**text_style),
                           inner_content_layout=layout.SimpleBoxLayoutRule(
                               x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID))
    spec = fields.SigFieldSpec(FIELD, on_page=0, box=box) if box else fields.SigFieldSpec(FIELD)
    pdf_signer = FixedTime(meta, signer=sealer.signer, stamp_style=style, new_field_spec=spec,
                           timestamper=sealer.timestamper)

    class Subsets(FontSubsetCollection):
        def add_subset(self) -> str:  # named from what is signed, not at random: the same bytes again
            seed = hashlib.sha256(f"{self.base_postscript_name}/{serial}/{len(self.subsets)}".encode()).digest()
            return "".join(chr(ord("A") + b % 26) for b in seed[:6])

    try:
        # the file's second ID (a random one otherwise) derived from what is signed: same input, same bytes
        writer = incremental_writer(io.BytesIO(data), when, hashlib.sha256(data + serial.encode()).digest()[:16],
                                    subsets=lambda found: Subsets(found.base_postscript_name, found.subsets))
        return pdf_signer.sign_pdf(writer).getvalue()
    except Exception as exc:  # pyHanko's errors: one message, the certificate not issued
        error = _timestamp_failure(exc) or " ".join(str(exc).split()) or type(exc).__name__
        raise CeriError(_("cannot sign certificate {serial}: {error}").format(serial=serial, error=error)) from None


def _timestamp_failure(exc: BaseException) -> str | None:
    """The timestamp server's failure behind exc, however pyHanko wrapped it."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, TimestampError):
            return str(exc)
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


# id-aa-signatureTimeStampToken (1.2.840.113549.1.9.16.2.14), DER-encoded: a B-T signature carries it
TIMESTAMP_TOKEN_OID = bytes.fromhex("060b2a864886f70d010910020e")


def signature_summary(data: bytes) -> dict[str, str]:
    """{"sha256": of the PDF's last signature (its CMS object without the padding), "level": "B-B" or
    "B-T"} for a manifest: a timestamped signature signs to other bytes each time, so the manifest says
    which signature the file carries. {} for a file without a signature."""
    found = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))
    if not found:
        return {}
    start, length, after = (int(found[-1].group(i)) for i in (1, 2, 3))
    hexed = data[start + length:after].strip().lstrip(b"<").rstrip(b">")
    try:
        blob = bytes.fromhex(hexed.decode("ascii")).rstrip(b"\0")
    except (UnicodeDecodeError, ValueError):
        return {}
    return {"sha256": hashlib.sha256(blob).hexdigest(), "level": "B-T" if TIMESTAMP_TOKEN_OID in blob else "B-B"}


def signature_box(box: tuple[float, float, float, float] | None) -> tuple[float, float, float, float] | None:
    """The visible signature's rectangle, as the renderer left it (options["signature_box"]: below the
    issuer's seal area); None makes the signature invisible."""
    return tuple(box) if box else None


@dataclass(frozen=True)
class Signature:
    """What a PDF's signature says, checked."""

    present: bool
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the cryptographic signature is correct
    whole_file: bool = False  # it covers every byte of the file (nothing appended after signing)
    fingerprint: str | None = None  # sha256 of the signer's certificate
    signer: str | None = None  # its subject
    trusted: bool = False  # the signer chains to a configured trust root
    error: str | None = None
    timestamp: Timestamp | None = None  # PAdES B-T: the timestamp server's token on the signature


@dataclass(frozen=True)
class Timestamp:
    """A signature's timestamp token, checked."""

    time: datetime  # when the timestamp server saw the signature
    tsa: str  # the server's certificate subject
    valid: bool  # the token is intact and signed by that certificate, for this very signature
    trusted: bool  # that certificate chains to a configured trust root


def inspect(data: bytes, trust_roots: list[bytes]) -> Signature:
    """The first signature of the PDF, validated against trust_roots (PEM or DER certificates)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - a damaged file: no signature can be read from it
        return Signature(False, error=str(exc))
    if not signatures:
        return Signature(False)
    roots = []
    for blob in trust_roots:
        der = pem.unarmor(blob)[2] if pem.detect(blob) else blob
        roots.append(asn1_x509.Certificate.load(der))
    sig = signatures[-1]
    try:
        cert = sig.signer_cert
        fp = hashlib.sha256(cert.dump()).hexdigest()
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(sig, context, skip_diff=True)
    except Exception as exc:  # noqa: BLE001 - a mangled signature is a failed one
        return Signature(True, error=str(exc))
    stamp = status.timestamp_validity
    timestamp = None if stamp is None else Timestamp(
        stamp.timestamp, stamp.signing_cert.subject.human_friendly if stamp.signing_cert else "?",
        bool(stamp.intact and stamp.valid), bool(stamp.trusted))
    return Signature(True, intact=bool(status.intact), valid=bool(status.valid),
                     whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1,
                     fingerprint=fp, signer=cert.subject.human_friendly, trusted=bool(status.trusted),
                     timestamp=timestamp)
