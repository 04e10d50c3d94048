"""ceri on machines with fewer fonts: only DejaVu, or no TrueType font at all (CERI_FONT_SEARCH=env-only
limits the search to $CERI_FONTS). Every document renders or says why; none ends in a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DEJAVU = "/usr/share/fonts/truetype/dejavu"

# Renders every document of every example internship in every language, in one process, and prints a JSON
# line per attempt: exit code and the last line of what the command said.
SCRIPT = r"""
import contextlib, io, json, sys
from pipeline.cli import main
from pipeline.records import load
records = load([sys.argv[1]])
out = sys.argv[2]
docs = ["enrollment-certificate", "internship-certificate", "permit-checklist", "permit-application",
        "evaluation-form", "evaluation-certificate"]
for internship in sorted(records.internships.values(), key=lambda i: i.id):
    for doc in docs:
        for lang in ("ja", "en", "ja+en"):
            err = io.StringIO()
            args = ["render", doc, sys.argv[1], "--student", internship.student, "--internship", internship.id,
                    "--lang", lang, "--as-of", "2026-12-01", "-o", f"{out}/{internship.id}-{doc}-{lang}.pdf"]
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                try:
                    main(args)
                    code = 0
                except SystemExit as exc:
                    code = exc.code
                except BaseException as exc:  # a traceback: reported, the test fails on it
                    code, err = "traceback", io.StringIO(repr(exc))
            said = [line for line in err.getvalue().splitlines() if "NOT embedded" not in line]
            print(json.dumps({"what": f"{internship.id} {doc} {lang}", "code": code,
                              "said": said[-1] if said else ""}))
"""


def _run_all(tmp_path: Path, fonts: str) -> list[dict]:
    env = dict(os.environ, CERI_FONT_SEARCH="env-only", CERI_FONTS=fonts,
               CERI_REGISTER=str(tmp_path / "register.sqlite"))
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(EXAMPLES), str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    return [json.loads(line) for line in run.stdout.splitlines()]


def _judge(results: list[dict]) -> None:
    assert results
    for r in results:
        assert r["code"] in (0, 2), r  # never a traceback
        if r["code"] == 2:
            assert r["said"] and "Traceback" not in r["said"], r


def test_without_any_truetype_font_every_document_renders_or_says_why(tmp_path):
    results = _run_all(tmp_path, str(tmp_path / "no-fonts-here"))
    _judge(results)
    rendered = {r["what"] for r in results if r["code"] == 0}
    # the README's promise: a Japanese national's bilingual certificates render with the CID fallback,
    # ceri's own "–" separator included (drawn by a standard font)
    assert "CERI-2026-008 internship-certificate ja+en" in rendered
    assert "CERI-2026-008 enrollment-certificate ja+en" in rendered
    text = PdfReader(tmp_path / "CERI-2026-008-internship-certificate-ja+en.pdf").pages[0].extract_text()
    assert "January 4, 2027" in text and "March 31, 2027" in text and "–" in text
    # a character neither the CID font nor the standard fonts have is a clear message
    refused = [r for r in results if r["code"] == 2 and "no installed font" in r["said"]]
    assert any("U+015F" in r["said"] for r in refused)  # ş of Ayşe


def test_with_only_dejavu_latin_documents_embed_every_font(tmp_path):
    results = _run_all(tmp_path, DEJAVU)
    _judge(results)
    cert = tmp_path / "CERI-2026-005-internship-certificate-en.pdf"  # a Norwegian student, in English
    assert cert.exists()
    out = subprocess.run(["pdffonts", str(cert)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    assert rows and all("DejaVu" in row[0] for row in rows), out
    assert all(row[-5] == "yes" for row in rows), out  # emb column
    # Vietnamese names, which reportlab's CID fonts lack, are drawn by DejaVu
    assert any(r["code"] == 0 and r["what"] == "CERI-2026-001 internship-certificate en" for r in results)
