"""Fuzzing the PDF layer (hypothesis): random values drawn from what the installed fonts can draw —
combining marks, characters beyond U+FFFF, long text — through fill, flatten, merge and a document.
Every output passes `qpdf --check`, reads back exactly (pypdf's /V; pdftotext's text), and is the same
bytes twice. A failure prints hypothesis' seed and the example (print_blob), to reproduce it."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pipeline import fonts
from pipeline.pdf.merging import merge
from pipeline.renderers.form.fill import fill_acroform
from pipeline.resources import FORMS
from tests.pdf_helpers import context, make

pytestmark = pytest.mark.skipif(not fonts.embedded(), reason="IPAex fonts not installed")
FUZZ = settings(max_examples=6, deadline=None, print_blob=True, derandomize=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@cache
def _alphabet(style: str) -> list[str]:
    """Characters the style's font chain draws, sampled so that every script shows up."""
    chars: set[int] = set()
    for face in fonts.faces(style):
        chars |= face.chars
    # right-to-left scripts are left out: reportlab draws no bidi, and poppler wraps them in embedding marks
    drawable = sorted(c for c in chars if (unicodedata.category(chr(c))[0] in "LNPS" or chr(c) == " ")
                      and unicodedata.bidirectional(chr(c)) not in ("R", "AL", "AN"))
    pick = drawable[:: max(1, len(drawable) // 3000)]
    extra = [0x20BB7, 0x2000B, 0x0301, 0x0323, 0x3099]  # 𠮷, 𠀋, combining acute/dot below, dakuten
    return [chr(c) for c in sorted(set(pick) | {c for c in extra if c in chars or c < 0x10000})]


def _value(max_size: int, style: str) -> st.SearchStrategy[str]:
    letters = st.sampled_from(_alphabet(style))
    word = st.text(alphabet=letters, min_size=1, max_size=8)
    words = st.lists(word, min_size=1, max_size=max_size).map(" ".join)
    # a combining mark never starts a value (it would have nothing to combine with)
    return words.map(lambda s: s.lstrip("\u0301\u0323\u3099")).filter(lambda s: s.strip() != "")


def _squash(text: str) -> str:
    """Text compared without layout: NFC (readers may compose), no whitespace (wrapping moves it)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _qpdf_ok(path: Path) -> None:
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf not installed")
@FUZZ
@given(comment=_value(20, "gothic"), name=_value(2, "gothic"))
def test_fill_flatten_merge_read_back_exactly(tmp_path, comment, name):
    form = (FORMS / "evaluation-form.pdf").read_bytes()
    values = {"comment": comment, "evaluator_name": name}
    filled = fill_acroform(form, values, style="gothic")
    assert fill_acroform(form, values, style="gothic") == filled  # deterministic
    (tmp_path / "filled.pdf").write_bytes(filled)
    _qpdf_ok(tmp_path / "filled.pdf")
    got = {k: v.get("/V") for k, v in PdfReader(tmp_path / "filled.pdf").get_fields().items()}
    assert got["comment"] == comment and got["evaluator_name"] == name

    flat = fill_acroform(form, values, style="gothic", flatten_out=True)
    (tmp_path / "flat.pdf").write_bytes(flat)
    _qpdf_ok(tmp_path / "flat.pdf")
    text = _squash(_pdftotext(tmp_path / "flat.pdf"))
    assert _squash(comment) in text and _squash(name) in text

    merged = merge([("form", "A-", flat), ("filled", "B-", filled)])
    assert merge([("form", "A-", flat), ("filled", "B-", filled)]) == merged
    (tmp_path / "merged.pdf").write_bytes(merged)
    _qpdf_ok(tmp_path / "merged.pdf")
    assert _squash(comment) in _squash(_pdftotext(tmp_path / "merged.pdf"))


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf not installed")
@FUZZ
@given(family=_value(2, "mincho"), duties=_value(30, "mincho"))
def test_documents_draw_any_drawable_value(tmp_path, family, duties):
    ctx = context("23DB0012", "CERI-2026-001")
    ctx["internship"] = ctx["internship"].model_copy(update={"duties_en": duties, "duties_ja": duties})
    ctx["student"] = ctx["student"].model_copy(
        update={"name": ctx["student"].name.model_copy(update={"family_ja": family})})
    pdf = make("internship-certificate", "ja+en", "23DB0012", "CERI-2026-001", ctx=ctx)
    assert make("internship-certificate", "ja+en", "23DB0012", "CERI-2026-001", ctx=ctx) == pdf
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    _qpdf_ok(path)
    text = _squash(_pdftotext(path))
    assert _squash(duties) in text and _squash(family) in text


WILD = Path(__file__).resolve().parent.parent.parent / "shared" / "forms-wild"
WILD_FORMS = sorted(p.name for p in WILD.glob("*.pdf")) if WILD.is_dir() else []


def _roomy_text_fields(data: bytes) -> list[str]:
    """Up to three text fields whose first widget is large enough for a short value (no length limit:
    a value longer than /MaxLen is rightly refused)."""
    from pipeline.renderers.form.fields import fields

    names = []
    for name, f in fields(PdfReader(BytesIO(data))).items():
        if f.kind == "text" and f.widgets and f.attr("/MaxLen") is None:
            x0, y0, x1, y1 = f.widgets[0].rect
            if x1 - x0 >= 120 and y1 - y0 >= 12:
                names.append(name)
    return names[:3]


@pytest.mark.skipif(not WILD.is_dir() or not shutil.which("qpdf"), reason="../shared/forms-wild/ or qpdf missing")
@pytest.mark.parametrize("name", WILD_FORMS)
@settings(max_examples=3, deadline=None, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=_value(2, "gothic"))
def test_third_party_forms_fill_and_merge(tmp_path, name, value):
    data = (WILD / name).read_bytes()
    targets = _roomy_text_fields(data)
    values = dict.fromkeys(targets, value)
    filled = fill_acroform(data, values)
    flat = fill_acroform(data, values, flatten_out=True)
    merged = merge([("form", "A-", flat), ("filled", "B-", filled)])
    for label, pdf in (("filled", filled), ("flat", flat), ("merged", merged)):
        (tmp_path / f"{label}.pdf").write_bytes(pdf)
        _qpdf_ok(tmp_path / f"{label}.pdf")
    got = PdfReader(tmp_path / "filled.pdf").get_fields() or {}
    for target in targets:
        assert got[target].get("/V") == value
    assert fill_acroform(data, values, flatten_out=True) == flat
