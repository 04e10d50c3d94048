"""PAdES: certificates signed at issue validate with poppler's pdfsig and pyHanko's own CLI against the
exported certificate, as a company or a bureau would check them; every tampering is caught by both and by
`ceri verify` (an update appended after signing, a flipped byte, the signature removed, another key)."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from tests.helpers import invoke as ceri
from tests.helpers import signing_key  # noqa: F401  (the `key` fixture)
from tests.pdf_helpers import font_rows, text_of

ROOT = Path(__file__).resolve().parent.parent
RENDER = ["render", "internship-certificate", str(ROOT / "examples"), "--student", "23DB0012", "--as-of", "2026-06-01"]
PYHANKO = Path(sys.executable).with_name("pyhanko")




@pytest.fixture
def signed(key, tmp_path):
    out = tmp_path / "cert.pdf"
    result = ceri(*RENDER, "--sign", key, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def _crop(page, box) -> list[str]:
    """pdftotext's -x -y -W -H (pixels at 72 dpi, from the top left) for a box in PDF points."""
    x1, y1, x2, y2 = box
    top = float(page.mediabox.height) - y2
    return ["-r", "72", "-x", str(int(x1)), "-y", str(int(top)), "-W", str(int(x2 - x1) + 1), "-H", str(int(y2 - y1) + 1)]


def stamp_text(path: Path, page, box) -> str:
    """The text poppler finds inside the visible signature's rectangle on page 1."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", *_crop(page, box), str(path), "-"],
                         capture_output=True, text=True, timeout=60).stdout
    return "\n".join(line for line in out.splitlines() if line.strip())


def word_heights(path: Path, box) -> list[float]:
    """Heights of the words poppler finds inside box (pdftotext -bbox): the font size they are drawn at."""
    x1, y1, x2, y2 = box
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                         timeout=60).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    heights = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', out):
        wx1, wy1, wx2, wy2 = (float(v) for v in m.groups())
        if x1 <= wx1 and wx2 <= x2 and y1 <= height - wy2 and height - wy1 <= y2:
            heights.append(wy2 - wy1)
    assert heights
    return heights


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def pyhanko(path: Path, cert: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PYHANKO), "sign", "validate", "--trust", str(cert), "--no-revocation-check", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_keys_init_and_import(key, tmp_path, monkeypatch):
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    cert = key.with_name("signing-cert.pem")
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    again = ceri("keys", "init", "-o", key.parent)
    assert again.exit_code == 2 and "never overwritten" in again.stderr
    imported = ceri("keys", "import", key, "-o", tmp_path / "imported")
    assert imported.exit_code == 0 and (tmp_path / "imported" / "signing.p12").is_file(), imported.output
    monkeypatch.setenv("CERI_KEY_PASSPHRASE", "wrong")
    bad = ceri(*RENDER, "--sign", key, "-o", tmp_path / "x.pdf")
    assert bad.exit_code == 2 and "wrong passphrase" in bad.stderr and not (tmp_path / "x.pdf").exists()
    assert "Traceback" not in bad.stderr


def test_a_signed_certificate_validates_with_pdfsig_pyhanko_and_ceri(signed, key, tmp_path):
    cert = key.with_name("signing-cert.pem")
    report = pdfsig(signed)
    assert "Signature is Valid." in report and "Total document signed" in report
    assert "Taro SOKEN, President" in report
    # a self-signed certificate is no trust root of pdfsig's own (NSS) store: said as such, nothing worse
    assert "Certificate issuer isn't Trusted." in report
    checked = pyhanko(signed, cert)
    assert checked.returncode == 0 and ":INTACT:TRUSTED,UNTOUCHED" in checked.stdout, checked.stdout + checked.stderr
    verified = ceri("verify", signed, "--format", "json")
    assert verified.exit_code == 0, verified.output
    answer = json.loads(verified.stdout)
    assert answer["status"] == "genuine" and answer["signature"]["intact"] and answer["signature"]["whole_file"]
    assert answer["signature"]["trusted_root"]  # keys init put the institution's own certificate in the trust folder
    # the printed content is all there, and the visible signature names the signatory and the serial
    text = text_of(signed)
    assert "NGUYỄN Thị Lan" in text and "CERI-2026-00001" in text
    page = PdfReader(signed).pages[0]
    widgets = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert len(widgets) == 1
    x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
    assert 0 < x1 < x2 <= float(page.mediabox.width) and 0 < y1 < y2 < 400  # in the lower part, by the seal
    # the stamp alone, as poppler reads it: the signatory in Japanese and English, the serial, the date
    stamp = stamp_text(signed, page, (x1, y1, x2, y2))
    assert stamp.splitlines() == ["電子署名 / Digitally signed", "国立大学法人 総合研究大学院大学　学長　総研 太郎",
                                  "by Taro SOKEN, President", "証明書番号 No. CERI-2026-00001　2026-06-01"], stamp
    assert min(word_heights(signed, (x1, y1, x2, y2))) >= 8.9  # drawn at 9 pt: nothing shrunk to fit
    fonts = {row[0] for row in font_rows(signed)}
    assert any(f.endswith("+IPAexMincho") for f in fonts), fonts  # embedded, as a subset
    # same inputs, same key: the same bytes again
    again = tmp_path / "again.pdf"
    assert ceri(*RENDER, "--sign", key, "-o", again).exit_code == 0
    assert again.read_bytes() == signed.read_bytes()


def _incremental_name_change(signed: Path, out: Path) -> None:
    """An update appended after the signature, drawing another name over the page (as an editor saving
    incrementally would)."""
    writer = PdfWriter(signed, incremental=True)
    page = writer.pages[0]
    stream = StreamObject()
    stream.set_data(b"q 1 1 1 rg 200 700 200 20 re f Q BT /F1 12 Tf 210 705 Td (Mallory EVIL) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.write(out)


def test_an_update_appended_after_signing_is_modified_for_all_three(signed, key, tmp_path):
    forged = tmp_path / "forged.pdf"
    _incremental_name_change(signed, forged)
    assert forged.read_bytes().startswith(signed.read_bytes())
    assert "Not total document signed" in pdfsig(forged)
    checked = pyhanko(forged, key.with_name("signing-cert.pem"))
    assert "UNTOUCHED" not in checked.stdout
    verified = ceri("verify", forged)
    assert verified.exit_code == 1
    assert verified.stdout.startswith("altered: the file was modified after it was signed"), verified.stdout


def test_a_flipped_byte_breaks_the_signature_for_all_three(signed, key, tmp_path):
    data = bytearray(signed.read_bytes())
    at = data.index(b"/ByteRange") // 2  # inside the first signed range (the certificate's own content)
    data[at] ^= 0x01
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    report = pdfsig(flipped)
    assert "Signature is Valid." not in report
    checked = pyhanko(flipped, key.with_name("signing-cert.pem"))
    assert checked.returncode != 0 or ":INTACT:" not in checked.stdout
    verified = ceri("verify", flipped)
    assert verified.exit_code == 1 and verified.stdout.startswith("altered: the signature does not match the content")


def test_a_removed_signature_is_caught(signed, tmp_path):
    data = signed.read_bytes()
    first = data[:data.index(b"%%EOF") + len(b"%%EOF\n")]  # the revision before the signature
    stripped = tmp_path / "stripped.pdf"
    stripped.write_bytes(first)
    assert "CERI-2026-00001" in text_of(stripped) and not pdfsig(stripped).count("Signature #")
    verified = ceri("verify", stripped)
    assert verified.exit_code == 1 and verified.stdout.startswith("altered: its signature was removed")


def test_a_certificate_signed_with_another_key_is_caught(signed, key, tmp_path, monkeypatch):
    from pipeline.register.keys import init_key
    from pipeline.register.seal import seal_pdf, sealer_for

    other = init_key(tmp_path / "other", b"correct horse", organisation="Forgers Ltd", signatory="Taro SOKEN, President")
    data = signed.read_bytes()
    first = data[:data.index(b"%%EOF") + len(b"%%EOF\n")]
    resigned = tmp_path / "resigned.pdf"
    resigned.write_bytes(seal_pdf(first, sealer_for(str(other.key)), serial="CERI-2026-00001",
                                  signatory="Taro SOKEN, President", issued_on=date(2026, 6, 1), box=None))
    assert "Signature is Valid." in pdfsig(resigned)  # well formed: only the signer tells it apart
    checked = pyhanko(resigned, key.with_name("signing-cert.pem"))
    assert ":TRUSTED" not in checked.stdout
    verified = ceri("verify", resigned)
    assert verified.exit_code == 1 and verified.stdout.startswith("altered: signed by another key"), verified.stdout


def test_revoked_is_reported_even_when_the_signature_is_valid(signed):
    assert ceri("register", "revoke", "CERI-2026-00001", "--reason", "issued in error", "--as-of", "2026-06-02"
                ).exit_code == 0
    verified = ceri("verify", signed)
    assert verified.exit_code == 1 and verified.stdout.startswith("revoked: serial CERI-2026-00001")


def test_a_pack_signs_every_pdf_certificate_and_keeps_the_files(key, tmp_path):
    out = tmp_path / "packs"
    result = ceri("pack", ROOT / "examples", "-o", out, "--student", "23DB0012", "--as-of", "2026-06-01", "--jobs", "1",
                  "-q", "--sign", key)
    assert result.exit_code in (0, 1) and " 0 failed" in result.stdout, result.output
    pack = out / "23DB0012" / "CERI-2026-001"
    manifest = json.loads((pack / "manifest.json").read_text())
    certificates = [d for d in manifest["documents"] if "serial" in d]
    assert certificates
    for d in certificates:
        path = pack / d["file"]
        assert "Signature is Valid." in pdfsig(path) and ceri("verify", path).exit_code == 0
    assert os.path.getsize(pack / "pack.pdf") > 0
    attached = PdfReader(pack / "pack.pdf").attachments
    for d in certificates:  # pack.pdf carries the signed files, byte for byte, as attachments
        assert attached[d["file"]][0] == (pack / d["file"]).read_bytes()
    assert io.BytesIO  # noqa: B018 - imported for symmetry with the other read-back tests


def _ceri_process(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def test_signing_gives_the_same_bytes_in_another_process(key, tmp_path):
    """The stamp's font subset is named from what is signed, not at random, and fontTools does not date it:
    two runs (other hash seeds, other processes) sign the same certificate to the same bytes."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}.pdf"
        run = _ceri_process(*RENDER, "--sign", key, "-o", out, env={"PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_without_a_japanese_font_the_stamp_is_in_english_and_doctor_says_so(key, tmp_path):
    env = {"CERI_FONT_SEARCH": "env-only", "CERI_FONTS": "/usr/share/fonts/truetype/dejavu"}
    out = tmp_path / "cert.pdf"
    run = _ceri_process(*RENDER, "--sign", key, "-o", out, env=env)
    assert run.returncode == 0, run.stderr
    assert "Signature is Valid." in pdfsig(out)
    page = PdfReader(out).pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    box = tuple(float(v) for v in widget["/Rect"])
    assert stamp_text(out, page, box).splitlines() == ["Digitally signed by Taro SOKEN, President",
                                                       "Serial CERI-2026-00001", "Date 2026-06-01"]
    assert min(word_heights(out, box)) >= 7.0  # Courier's ascent + descent is 0.786 em: 9 pt (7.5 pt gives 5.9)
    doctor = _ceri_process("doctor", env=env)
    assert "no Japanese font: the visible signature is in English only" in doctor.stdout, doctor.stdout
    assert "the visible signature names the signatory in Japanese and English" in _ceri_process("doctor", env={}).stdout


def test_a_demo_key_says_so_on_the_stamp(tmp_path, monkeypatch):
    monkeypatch.setenv("CERI_KEY_PASSPHRASE", "correct horse")
    assert ceri("keys", "init", "--demo", "-o", tmp_path / "demo", "--records", ROOT / "examples").exit_code == 0
    out = tmp_path / "cert.pdf"
    assert ceri(*RENDER, "--sign", tmp_path / "demo" / "signing.p12", "-o", out).exit_code == 0
    page = PdfReader(out).pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    box = tuple(float(v) for v in widget["/Rect"])
    assert stamp_text(out, page, box).splitlines() == [
        "DEMO KEY - NOT AN OFFICIAL SIGNATURE", "国立大学法人 総合研究大学院大学　学長　総研 太郎",
        "by Taro SOKEN, President", "証明書番号 No. CERI-2026-00001　2026-06-01"]
    assert min(word_heights(out, box)) >= 8.9


def test_a_long_japanese_line_is_split_not_shrunk():
    from pipeline.register.stamp import Signatory, stamp_for

    who = Signatory("Hanako YAMADA, President", "国立大学法人 総合研究大学院大学 先端学術院　学長　山田 花子")
    stamp = stamp_for(who, "CERI-2026-00001", False, (0.0, 0.0, 250.0, 50.0))
    assert stamp.fits and stamp.font is not None
    assert stamp.text.splitlines() == ["国立大学法人 総合研究大学院大学 先端学術院", "学長　山田 花子",
                                       "by Hanako YAMADA, President", "証明書番号 No. CERI-2026-00001　%(ts)s"]
    demo = stamp_for(who, "CERI-2026-00001", True, (0.0, 0.0, 250.0, 50.0))  # five lines would not fit
    assert demo.fits and demo.font is None and demo.text.startswith("DEMO KEY - NOT AN OFFICIAL SIGNATURE\n")


def test_a_signatory_beyond_ipaex_is_drawn_in_ipamj(key, tmp_path):
    """𠮷 (U+20BB7) is not in IPAex: the stamp takes IPAmj Mincho, as the certificate's own text does."""
    import shutil

    records = tmp_path / "records"
    shutil.copytree(ROOT / "examples", records)
    inst = records / "institution.yaml"
    inst.write_text(inst.read_text("utf-8").replace("総研 太郎", "𠮷田 太郎"), "utf-8")
    out = tmp_path / "cert.pdf"
    result = ceri("render", "internship-certificate", records, "--student", "23DB0012", "--as-of", "2026-06-01",
                  "--sign", key, "-o", out)
    assert result.exit_code == 0, result.output
    page = PdfReader(out).pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    box = tuple(float(v) for v in widget["/Rect"])
    assert stamp_text(out, page, box).splitlines()[1] == "国立大学法人 総合研究大学院大学　学長　𠮷田 太郎"
    assert min(word_heights(out, box)) >= 8.9
    assert any(row[0].endswith("+IPAmjMincho-Identity-H") for row in font_rows(out))
    assert "Signature is Valid." in pdfsig(out)


def test_a_short_box_in_the_footer_takes_three_lines_at_9_pt():
    """Where the issuer block ends too low, the renderer puts the signature in the footer (42 pt high)."""
    from pipeline.register.stamp import Signatory, stamp_for

    who = Signatory("Taro SOKEN, President", "国立大学法人 総合研究大学院大学　学長　総研 太郎")
    short = (56.0, 12.0, 306.0, 54.0)
    stamp = stamp_for(who, "CERI-2026-00001", False, short)
    assert stamp.fits and stamp.text.splitlines() == ["国立大学法人 総合研究大学院大学　学長　総研 太郎",
                                                      "by Taro SOKEN, President", "証明書番号 No. CERI-2026-00001　%(ts)s"]
    demo = stamp_for(who, "CERI-2026-00001", True, short)
    assert demo.fits and demo.text.splitlines() == ["DEMO KEY - NOT AN OFFICIAL SIGNATURE",
                                                    "Digitally signed by Taro SOKEN, President",
                                                    "Serial CERI-2026-00001  Date %(ts)s"]
