"""PAdES signatures of certificates (pyHanko): signed at issue, B-B, with a visible signature in the seal area
naming the signatory and the serial; checked by `ceri verify` (integrity, signer, coverage of the whole file).

Signing is deterministic for the same key and inputs: RSA PKCS#1 v1.5 signatures are, and the signing time
is fixed to the issue date (the --as-of date, 00:00 in Japan) instead of the clock.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.pdf import incremental_writer
from pipeline.register.keys import DEMO_MARK, fingerprint, passphrase_from_env, read_p12

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


@cache
def sealer_for(path: str) -> Sealer:
    """The key at path, passphrase from $CERI_KEY_PASSPHRASE (the CLI asks and sets it before any worker starts)."""
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
    return Sealer(path, signer, fingerprint(cert), subject, DEMO_MARK in subject)


def _ascii(text: str) -> str:
    """The visible signature uses a standard PDF font: Latin letters without accents (the Japanese name
    is printed on the certificate itself)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def stamp_text(sealer: Sealer, *, serial: str, signatory: str) -> str:
    lines = [f"Digitally signed by {_ascii(signatory) or 'the institution'}", f"Serial {serial}",
             "Date %(ts)s"]
    if sealer.demo:
        lines.insert(0, "DEMO KEY - NOT AN OFFICIAL SIGNATURE")
    return "\n".join(lines)


def seal_pdf(data: bytes, sealer: Sealer, *, serial: str, signatory: str, issued_on: date,
             box: tuple[float, float, float, float] | None) -> bytes:
    """The PDF signed PAdES B-B as an incremental update, the visible signature at box (x1, y1, x2, y2 on
    the first page; None: invisible)."""
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    when = datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=JST)

    class FixedTime(signers.PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = when  # not the clock: the same certificate signs to the same bytes
            return session

    meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=f"Certificate {serial}")
    style = TextStampStyle(stamp_text=stamp_text(sealer, serial=serial, signatory=signatory),
                           timestamp_format="%Y-%m-%d", border_width=1,
                           text_box_style=TextBoxStyle(font_size=9, leading=10))
    spec = fields.SigFieldSpec(FIELD, on_page=0, box=box) if box else fields.SigFieldSpec(FIELD)
    pdf_signer = FixedTime(meta, signer=sealer.signer, stamp_style=style, new_field_spec=spec)

    try:
        # the file's second ID (a random one otherwise) derived from what is signed: same input, same bytes
        writer = incremental_writer(io.BytesIO(data), when, hashlib.sha256(data + serial.encode()).digest()[:16])
        return pdf_signer.sign_pdf(writer).getvalue()
    except Exception as exc:  # pyHanko's errors: one message, the certificate not issued
        raise CeriError(_("cannot sign certificate {serial}: {error}").format(serial=serial, error=exc)) from None


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
    return Signature(True, intact=bool(status.intact), valid=bool(status.valid),
                     whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1,
                     fingerprint=fp, signer=cert.subject.human_friendly, trusted=bool(status.trusted))
