"""Fuzzing the read-back: mutated copies of a real returned form, and anything typed into its fields,
give exit 0 or 2 and never a traceback. Bounded examples per run; hypothesis prints the seed and the
failing example (`--hypothesis-seed=N` repeats a run; CERI_FUZZ_EXAMPLES=N for a longer run)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from tests.helpers import ceri
from tests.test_form_untrusted import COMPANY, ROOT

EXAMPLES = int(os.environ.get("CERI_FUZZ_EXAMPLES", 40))  # more for a long run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, print_blob=True, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class Form(bytes):
    """The form's bytes, shown briefly in hypothesis's report of a failing example."""

    def __repr__(self) -> str:
        return f"<returned form, {len(self)} bytes>"


@pytest.fixture(scope="module")
def form(tmp_path_factory) -> Form:
    """A real returned form, written without object streams or compression so mutations hit its syntax."""
    d = tmp_path_factory.mktemp("fuzz")
    r = ceri("render", "evaluation-form", ROOT / "examples", "--student", "23DB0012", "--as-of", "2026-09-01",
             "-o", d / "sent.pdf")
    assert r.returncode == 0, r.stderr
    w = PdfWriter(clone_from=PdfReader(d / "sent.pdf"))
    for page in w.pages:
        w.update_page_form_field_values(page, COMPANY, auto_regenerate=False)
    buf = io.BytesIO()
    w.write(buf)
    return Form(buf.getvalue())


def run(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "returned.pdf"
    path.write_bytes(data)
    result = ceri("evaluation", "read", path, "--as-of", "2026-10-05")  # an exception fails the test
    assert result.returncode in (0, 2), (result.returncode, result.stderr)
    if result.returncode == 2:
        assert result.stderr.strip() and "Traceback" not in result.stderr


mutation = st.tuples(st.sampled_from(["flip", "insert", "delete", "digit", "truncate"]),
                     st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8))


def mutate(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    out = bytearray(data)
    for op, where, junk in ops:
        at = int(where * len(out)) if out else 0
        if op == "flip" and out:
            out[at] ^= junk[0] or 1
        elif op == "insert":
            out[at:at] = junk
        elif op == "delete":
            del out[at:at + len(junk)]
        elif op == "digit":  # numbers are what a parser allocates by: make one huge
            out[at:at] = b"9" * (len(junk) * 3)
        elif op == "truncate":
            del out[max(at, 16):]
    return bytes(out)


@SETTINGS
@given(ops=st.lists(mutation, min_size=1, max_size=6))
def test_mutated_returned_forms(tmp_path, form, ops):
    run(tmp_path, mutate(form, ops))


@SETTINGS
@given(field=st.sampled_from(sorted(COMPANY)), text=st.text(max_size=300))
def test_anything_typed_into_a_field(tmp_path, form, field, text):
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(form)))
    for page in w.pages:
        w.update_page_form_field_values(page, {field: text}, auto_regenerate=False)
    buf = io.BytesIO()
    w.write(buf)
    run(tmp_path, buf.getvalue())


def test_every_part_of_the_form_damaged_in_turn(tmp_path, form):
    """One byte inverted at 64 places spread over the file: header, objects, streams, xref, trailer."""
    for i in range(64):
        broken = bytearray(form)
        broken[i * len(form) // 64] ^= 0xFF
        run(tmp_path, bytes(broken))
