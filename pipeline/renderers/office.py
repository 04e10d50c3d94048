"""Word → PDF through LibreOffice (`soffice --headless --convert-to pdf`), an independent renderer.

Each call uses its own temporary LibreOffice profile (-env:UserInstallation), so conversions running in
parallel (pack --jobs, pytest -n) do not fight over ~/.config/libreoffice's lock.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.i18n import _

TIMEOUT = 180  # seconds for one soffice run; a first start with a fresh profile takes a few
CANDIDATES = ("soffice", "libreoffice")


def soffice() -> str:
    """The LibreOffice executable ($CERI_SOFFICE, else soffice/libreoffice on PATH)."""
    found = os.environ.get("CERI_SOFFICE") or next(filter(None, map(shutil.which, CANDIDATES)), None)
    if not found or not shutil.which(found):
        raise CeriError(_("LibreOffice is needed to convert .docx to PDF (--pdf) but `soffice` was not found: "
                          "install it (apt-get install libreoffice-writer-nogui) or set $CERI_SOFFICE; "
                          "the .docx itself does not need it"))
    return found


def docx_to_pdf(data: bytes, *, timeout: float = TIMEOUT) -> bytes:
    """One .docx (bytes) as PDF bytes."""
    return docx_to_pdf_many({"document": data}, timeout=timeout)["document"]


def docx_to_pdf_many(files: dict[str, bytes], *, timeout: float = TIMEOUT) -> dict[str, bytes]:
    """Several .docx at once (one LibreOffice start): {name: docx bytes} → {name: pdf bytes}."""
    exe = soffice()
    for name, data in files.items():  # LibreOffice happily "converts" anything into a blank page
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise CeriError(_("{name}: not a .docx file, nothing to convert").format(name=name))
    with tempfile.TemporaryDirectory(prefix="ceri-office-") as tmp:
        root = Path(tmp)
        src, out = root / "in", root / "out"
        src.mkdir()
        out.mkdir()
        for name, data in files.items():
            (src / f"{name}.docx").write_bytes(data)
        cmd = [exe, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out),
               *(str(src / f"{n}.docx") for n in files)]
        _run(cmd, timeout)
        result = {}
        for name in files:
            pdf = out / f"{name}.pdf"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                raise CeriError(_("LibreOffice did not convert {name}.docx to PDF (is the file a valid .docx?)").format(
                    name=name))
            result[name] = pdf.read_bytes()
        return result


def _run(cmd: list[str], timeout: float) -> None:
    # A session of its own, so a timeout kills soffice.bin too, not only the soffice wrapper script.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise CeriError(_("LibreOffice did not finish converting to PDF within {seconds} s").format(
            seconds=f"{timeout:g}")) from None
    if proc.returncode != 0:
        raise CeriError(_("LibreOffice failed (exit {code}): {error}").format(
            code=proc.returncode, error=err.decode(errors="replace").strip()))
