"""PAdES B-T: with a timestamp server configured, each signature carries an RFC 3161 token. The server here is
a real one on a local port (http.server answering timestamp requests with a key and certificate made for
the test), so the whole path runs: ceri's HTTP client, pyHanko's signer, and the readers a company uses
(pdfsig, `pyhanko sign validate`) and `ceri verify`. An unreachable or broken server stops the run with one
message: no certificate is issued unsigned, nor signed without the timestamp that was asked for."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.helpers import invoke as ceri
from tests.helpers import signing_key  # noqa: F401  (the `key` fixture)

ROOT = Path(__file__).resolve().parent.parent
RENDER = ["render", "internship-certificate", str(ROOT / "examples"), "--student", "23DB0012", "--as-of", "2026-06-01"]
PYHANKO = Path(sys.executable).with_name("pyhanko")



def _tsa_identity(folder: Path):
    """A timestamp authority's key and self-signed certificate (critical EKU timeStamping, as RFC 3161 asks)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ceri tests")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    pem = folder / "tsa-cert.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            asn1_keys.PrivateKeyInfo.load(der_key), pem)


class TSA:
    """An RFC 3161 server on 127.0.0.1: POST /tsa answers with a token; /garbage with bytes that are none;
    /html with a web page; /flaky with a token the first time, then HTTP 503."""

    def __init__(self, folder: Path):
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        cert, key, self.cert_pem = _tsa_identity(folder)
        stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests += 1
                kind, reply = "application/timestamp-reply", b"\x30\x03garbage"
                if self.path == "/flaky" and outer.requests > 1:  # answers the first request only
                    self.send_error(503)
                    return
                if self.path in ("/tsa", "/flaky"):
                    reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                elif self.path == "/html":
                    kind, reply = "text/html", b"<html>login</html>"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def tsa(tmp_path, monkeypatch):
    monkeypatch.setenv("CERI_TIMESTAMP_URL", "")  # restored (unset) after the test, whatever ceri puts there
    server = TSA(tmp_path)
    yield server
    server.close()



def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens there once the socket is closed


def test_a_timestamped_certificate_validates_everywhere(tsa, key, tmp_path):
    out = tmp_path / "cert.pdf"
    result = ceri(*RENDER, "--sign", key, "--timestamp-url", tsa.url, "-o", out)
    assert result.exit_code == 0, result.output
    assert tsa.requests >= 2  # once asked before any serial is taken, then for the signature itself
    # poppler reads it as a valid signature over the whole file
    report = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature is Valid." in report and "Total document signed" in report, report
    # pyHanko's own CLI, trusting the institution's and the timestamp server's certificates
    checked = subprocess.run([str(PYHANKO), "sign", "validate", "--trust", str(key.with_name("signing-cert.pem")),
                              "--trust", str(tsa.cert_pem), "--no-revocation-check", "--pretty-print", str(out)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "The signature is judged VALID" in checked.stdout
    assert "Test TSA" in checked.stdout  # its report names the timestamp authority
    terse = subprocess.run([str(PYHANKO), "sign", "validate", "--trust", str(key.with_name("signing-cert.pem")),
                            "--trust", str(tsa.cert_pem), "--no-revocation-check", str(out)],
                           capture_output=True, text=True, timeout=120)
    assert ":INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,UNTOUCHED" in terse.stdout, terse.stdout
    # pyHanko's API: the token is there, intact, for this signature, by the test's TSA
    from asn1crypto import pem
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(pem.unarmor(p.read_bytes())[2])
             for p in (key.with_name("signing-cert.pem"), tsa.cert_pem)]
    with open(out, "rb") as f:
        sig = PdfFileReader(f).embedded_signatures[0]
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False,
                                                               revocation_mode="soft-fail"))
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    assert abs(stamp.timestamp - datetime.now(UTC)) < timedelta(minutes=10)  # the server's time, not --as-of
    assert "Test TSA" in stamp.signing_cert.subject.human_friendly
    # ceri verify reports the time and the server
    verified = ceri("verify", out, "--trust", tsa.cert_pem, "--format", "json")
    assert verified.exit_code == 0, verified.output
    answer = json.loads(verified.stdout)
    assert answer["status"] == "genuine" and answer["signature"]["level"] == "B-T"
    assert answer["signature"]["timestamp"]["valid"] and answer["signature"]["timestamp"]["trusted_root"]
    assert "Test TSA" in answer["signature"]["timestamp"]["tsa"]
    line = ceri("verify", out, "--trust", tsa.cert_pem).stdout
    assert line.startswith("genuine: ") and "; timestamped 20" in line and "Common Name: Test TSA" in line, line
    untrusted = ceri("verify", out).stdout  # the TSA's certificate not given: said, still genuine
    assert untrusted.startswith("genuine: ") and "does not trust" in untrusted
    # the office trusts the university's timestamp server once, for every later check
    garbage = tmp_path / "not-a-cert.pem"
    garbage.write_text("hello\n")
    refused = ceri("keys", "trust", garbage)
    assert refused.exit_code == 2 and "not a certificate in PEM form" in refused.stderr, refused.output
    assert ceri("keys", "trust", tsa.cert_pem).exit_code == 0
    trusted = ceri("verify", out).stdout
    assert "; timestamped 20" in trusted and "does not trust" not in trusted, trusted


def test_reissuing_keeps_the_timestamped_file_and_its_serial(tsa, key, tmp_path, monkeypatch):
    out = tmp_path / "cert.pdf"
    assert ceri(*RENDER, "--sign", key, "--timestamp-url", tsa.url, "-o", out).exit_code == 0
    first = out.read_bytes()
    monkeypatch.setenv("CERI_TIMESTAMP_URL", tsa.url)  # the same server, named by the environment this time
    asked = tsa.requests
    again = ceri(*RENDER, "--sign", key, "-o", tmp_path / "again.pdf")
    # no new signature, so no new timestamp (the check before any serial was answered earlier in this process)
    assert tsa.requests == asked
    assert again.exit_code == 0 and "already issued for these inputs" in again.stdout, again.output
    assert (tmp_path / "again.pdf").read_bytes() == first  # the issued file, not a new timestamp
    out.unlink()  # the issued file gone: signed anew, which is another file, so another serial
    third = ceri(*RENDER, "--sign", key, "--timestamp-url", tsa.url, "-o", tmp_path / "third.pdf")
    assert third.exit_code == 0 and "supersedes CERI-2026-00001" in third.stdout, third.output
    assert ceri("verify", tmp_path / "again.pdf").stdout.startswith("genuine: ")


def test_the_institution_record_names_the_timestamp_server_and_a_pack_records_the_signature(tsa, key, tmp_path):
    records = tmp_path / "records"
    shutil.copytree(ROOT / "examples", records)
    inst = records / "institution.yaml"
    inst.write_text(inst.read_text("utf-8") + f"signing:\n  key: {key}\n  timestamp_url: {tsa.url}\n", "utf-8")
    doctor = ceri("doctor", "--records", records)
    assert f"timestamp server {tsa.url} (from the institution record; PAdES B-T): answers" in doctor.stdout
    out = tmp_path / "packs"
    result = ceri("pack", records, "-o", out, "--student", "23DB0012", "--as-of", "2026-06-01", "--jobs", "2", "-q")
    assert " 0 failed" in result.stdout, result.output
    manifest = json.loads((out / "23DB0012" / "CERI-2026-001" / "manifest.json").read_text())
    signed = [d for d in manifest["documents"] if "signature" in d]
    assert signed and all(d["signature"]["level"] == "B-T" for d in signed)
    for d in signed:
        path = out / "23DB0012" / "CERI-2026-001" / d["file"]
        verdict = json.loads(ceri("verify", path, "--format", "json").stdout)
        assert verdict["status"] == "genuine" and verdict["signature"]["level"] == "B-T", verdict
        assert len(d["signature"]["sha256"]) == 64
    # rebuilt: the certificates already issued are kept as they are (same serials, same signatures)
    again = ceri("pack", records, "-o", out, "--student", "23DB0012", "--as-of", "2026-06-01", "--jobs", "1", "-q",
                 "--force")
    assert " 0 failed" in again.stdout, again.output
    rebuilt = json.loads((out / "23DB0012" / "CERI-2026-001" / "manifest.json").read_text())
    assert [d for d in rebuilt["documents"] if "signature" in d] == signed


@pytest.mark.parametrize("where, said", [
    ("closed", "gave no timestamp: Cannot connect to host"),
    ("/garbage", "its answer is not an RFC 3161 timestamp"),
    ("/html", "it answered text/html, not a timestamp"),
    ("ftp", "--timestamp-url: 'ftp://127.0.0.1/tsa' is not a valid timestamp server address"),
])
def test_a_timestamp_server_that_gives_no_timestamp_stops_the_run(tsa, key, tmp_path, private_register, where, said):
    url = {"closed": f"http://127.0.0.1:{closed_port()}/tsa", "ftp": "ftp://127.0.0.1/tsa"}.get(where,
                                                                                             tsa.base + where)
    out = tmp_path / "cert.pdf"
    result = ceri(*RENDER, "--sign", key, "--timestamp-url", url, "-o", out)
    assert result.exit_code == 2, result.output
    assert said in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line
    assert not out.exists()  # never a certificate unsigned or without its timestamp
    if private_register.exists():  # asked before any serial: none taken
        with sqlite3.connect(private_register) as conn:
            assert conn.execute("SELECT count(*) FROM certificates").fetchone()[0] == 0


def test_a_server_gone_after_the_first_check_fails_the_signing_with_one_message(tsa, key, tmp_path, monkeypatch):
    """The server answered when the run started (ready_to_sign), then went away: the certificate being
    signed fails with the server's failure as its one message (render: exit 2; pack: that pack fails)."""
    from pipeline.errors import CeriError
    from pipeline.register.seal import seal_pdf, sealer_for

    assert ceri(*RENDER, "-o", tmp_path / "plain.pdf").exit_code == 0
    monkeypatch.setenv("CERI_TIMESTAMP_URL", tsa.url)
    sealer = sealer_for(str(key))
    assert sealer.timestamper is not None and sealer.timestamp_url == tsa.url
    tsa.close()
    with pytest.raises(CeriError, match=r"^cannot sign certificate X-1: the timestamp server .* gave no timestamp: "):
        seal_pdf((tmp_path / "plain.pdf").read_bytes(), sealer, serial="X-1", signatory="A",
                 issued_on=date(2026, 6, 1), box=None)


def test_a_changed_timestamp_is_caught(tsa, key, tmp_path):
    """The token is outside what the signer's own signature covers: a time changed inside it is caught by
    the timestamp authority's signature over it."""
    out = tmp_path / "cert.pdf"
    assert ceri(*RENDER, "--sign", key, "--timestamp-url", tsa.url, "-o", out).exit_code == 0
    data = out.read_bytes()
    year = datetime.now(UTC).strftime("%Y").encode().hex().upper().encode()
    gen_time = list(re.finditer(rb"18[0-9A-F]{2}" + year, data))[-1]  # a GeneralizedTime: the token's genTime
    at = gen_time.start() + 4 + 7  # the hex digit of the year's last character
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(data[:at] + (b"8" if data[at:at + 1] != b"8" else b"9") + data[at + 1:])
    assert "Signature is Valid." in subprocess.run(["pdfsig", str(forged)], capture_output=True, text=True,
                                                   timeout=60).stdout  # the signer's own signature still holds
    verified = ceri("verify", forged, "--trust", tsa.cert_pem)
    assert verified.exit_code == 1, verified.output
    assert verified.stdout.startswith("altered: its timestamp does not match the signature"), verified.stdout


def test_a_timestamp_server_without_a_key_is_a_usage_error(tsa, tmp_path):
    result = ceri(*RENDER, "--timestamp-url", tsa.url, "-o", tmp_path / "cert.pdf")
    assert result.exit_code == 2 and "--timestamp-url goes with a signing key" in result.stderr, result.output
    assert not (tmp_path / "cert.pdf").exists() and tsa.requests == 0


def test_a_server_failing_during_a_pack_fails_the_pack_and_voids_its_serials(tsa, key, tmp_path, private_register):
    out = tmp_path / "packs"
    result = ceri("pack", ROOT / "examples", "-o", out, "--student", "23DB0012", "--as-of", "2026-06-01", "--jobs", "1",
                  "-q", "--sign", key, "--timestamp-url", tsa.base + "/flaky")
    assert result.exit_code != 0 and " 1 failed" in result.stdout, result.output
    assert "gave no timestamp: it answered HTTP 503" in result.stderr and "Traceback" not in result.stderr
    assert not (out / "23DB0012" / "CERI-2026-001").exists()  # no pack, so no certificate unsigned
    with sqlite3.connect(private_register) as conn:
        states = conn.execute("SELECT status, void_reason FROM certificates").fetchall()
    assert states and all(status == "void" for status, _reason in states), states
