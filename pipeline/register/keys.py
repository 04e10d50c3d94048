"""The institution's signing key (PAdES): made for trying out (`ceri keys init`), or the one the university's
CA issued (`ceri keys import FILE.p12`). Kept as one PKCS#12 file, 0600, encrypted with a passphrase from
$CERI_KEY_PASSPHRASE or a prompt; its certificate beside it (.pem) is what others are given to check with."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from pipeline.errors import CeriError
from pipeline.fileio import make_private_dir, write_atomic
from pipeline.i18n import _
from pipeline.register.place import data_dir

PASSPHRASE_ENV = "CERI_KEY_PASSPHRASE"
KEY_NAME = "signing.p12"
DEMO_MARK = "DEMO KEY"  # in a demo key's common name: the visible signature says so on the certificate
MAX_P12 = 1024 * 1024


def keys_dir() -> Path:
    return data_dir() / "keys"


def trust_dir() -> Path:
    """Certificates ceri verify trusts as signers (the institution's own are put here by init/import)."""
    return data_dir() / "trust"


@dataclass(frozen=True)
class KeyFiles:
    key: Path  # the PKCS#12 file (key and certificate)
    cert: Path  # the certificate alone (PEM), to give to whoever checks
    fingerprint: str  # sha256 of the certificate (DER)
    subject: str


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _write_pair(folder: Path, key, cert: x509.Certificate, passphrase: bytes, chain=()) -> KeyFiles:
    make_private_dir(folder)
    target = folder / KEY_NAME
    if target.exists():
        raise CeriError(_("{path} already exists: a signing key is never overwritten (move it away first)").format(
            path=target))
    name = cert.subject.rfc4514_string().encode("utf-8")
    data = pkcs12.serialize_key_and_certificates(name, key, cert, list(chain) or None,
                                                 serialization.BestAvailableEncryption(passphrase))
    write_atomic(target, data, mode=0o600)
    pem = folder / "signing-cert.pem"
    write_atomic(pem, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)  # public: given to checkers
    return KeyFiles(target, pem, fingerprint(cert), cert.subject.rfc4514_string())


def trust(cert_pem: Path) -> Path:
    """Add a certificate to ceri verify's trusted signers (and timestamp servers)."""
    folder = trust_dir()
    try:
        if cert_pem.stat().st_size > MAX_P12:
            raise CeriError(_("{path}: too large for a certificate").format(path=cert_pem))
        data = cert_pem.read_bytes()
    except OSError as exc:
        raise CeriError(_("{path}: cannot read ({error})").format(path=cert_pem, error=exc.strerror or exc)) from None
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise CeriError(_("{path}: not a certificate in PEM form (-----BEGIN CERTIFICATE-----)").format(
            path=cert_pem)) from None
    make_private_dir(folder)
    target = folder / f"{fingerprint(cert)[:16]}.pem"
    write_atomic(target, data, mode=0o644)
    return target


def init_key(folder: Path, passphrase: bytes, *, organisation: str, signatory: str, demo: bool = False,
             now: datetime | None = None) -> KeyFiles:
    """A new RSA 3072 key and a self-signed certificate (for trying out; the real one comes from a CA)."""
    now = now or datetime.now(UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    common = f"{DEMO_MARK} - {signatory}" if demo else signatory
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common[:64]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64])])
    start = datetime(now.year - 1, 1, 1, tzinfo=UTC)  # certificates issued --as-of earlier dates still fall inside
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(now + timedelta(days=5 * 365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return _write_pair(folder, key, cert, passphrase)


def import_p12(source: Path, folder: Path, passphrase: bytes) -> KeyFiles:
    """Take a PKCS#12 file (key, certificate, CA chain) as the institution's signing key."""
    key, cert, chain = read_p12(source, passphrase)
    return _write_pair(folder, key, cert, passphrase, chain)


def read_p12(path: Path, passphrase: bytes | None):
    """(key, certificate, chain) of a PKCS#12 file; one clear message for every way it can be wrong."""
    try:
        if path.stat().st_size > MAX_P12:
            raise CeriError(_("{path}: too large for a key file").format(path=path))
        data = path.read_bytes()
    except OSError as exc:
        raise CeriError(_("{path}: cannot read the signing key ({error})").format(
            path=path, error=exc.strerror or exc)) from None
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        raise CeriError(_("{path}: wrong passphrase, or not a PKCS#12 (.p12) key file (set {env} or type it when "
                          "asked)").format(path=path, env=PASSPHRASE_ENV)) from None
    if key is None or cert is None:
        raise CeriError(_("{path}: the file holds no private key and certificate").format(path=path))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CeriError(_("{path}: ceri signs with RSA keys; this key is {kind}").format(
            path=path, kind=type(key).__name__))
    return key, cert, chain


def passphrase_from_env() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode("utf-8") if value else None


@cache
def certificate_of(path: str) -> x509.Certificate:
    """The certificate of a signing key file (for doctor and verify), passphrase from the environment."""
    return read_p12(Path(path), passphrase_from_env())[1]
