"""PDFs from outside (a form to fill, a returned evaluation form) are bounded before they are parsed:
each hostile file is refused or read with one message naming it and exit 2, never a traceback.
(Time and memory of each case: benchmarks/bench_hostile.py.)"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pipeline.pdf.objects import Edit, template
from tests import hostile_pdfs
from tests.helpers import ceri

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MAP = """form: form.pdf
mode: acroform
fields:
  name: "{{ student.id }}"
"""


def fill(tmp_path: Path, form: Path, *extra: str):
    (tmp_path / "map.yaml").write_text(MAP, "utf-8")
    return ceri("fill", form, EXAMPLES, "--map", tmp_path / "map.yaml", "--student", "23DB0012",
                "-o", tmp_path / "out.pdf", *extra)


def one_message(result, path: Path) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(path)), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("case", sorted(set(hostile_pdfs.CASES) - {"broken-objects"}))
@pytest.mark.parametrize("command", ["fill", "list-fields", "evaluation-read"])
def test_each_hostile_pdf_is_one_message_and_exit_2(tmp_path, case, command):
    form = tmp_path / "form.pdf"
    form.write_bytes(hostile_pdfs.CASES[case]())
    if command == "fill":
        result = fill(tmp_path, form)
    elif command == "list-fields":
        result = ceri("fill", "--list-fields", form)
    else:
        result = ceri("evaluation", "read", form)
    one_message(result, form)
    assert not (tmp_path / "out.pdf").exists()


def test_the_limits_say_what_they_refused(tmp_path):
    expect = {"huge-object-number": "numbers objects up to", "huge-xref-size": "numbers objects up to 999999999",
              "long-stream-length": "claims 2000000000 bytes", "deep-nesting": "nested more than 64 deep",
              "zip-bomb": "Limit reached while decompressing", "many-fields": "more than 3000 annotations",
              "many-objects": "60004 objects, more than the limit of 20000",
              "not-a-pdf": "not a PDF"}
    for case, words in expect.items():
        form = tmp_path / f"{case}.pdf"
        form.write_bytes(hostile_pdfs.CASES[case]())
        assert words in one_message(ceri("fill", "--list-fields", form), form)


def test_a_damaged_field_is_no_traceback(tmp_path):
    form = tmp_path / "form.pdf"
    form.write_bytes(hostile_pdfs.broken_objects())
    result = ceri("evaluation", "read", form)
    one_message(result, form)


def test_pdfout_writes_a_far_object_number_in_a_few_bytes():
    """Even past the limits (a parsed file, no prescan): the xref lists objects, not every number below."""
    reader = PdfReader(io.BytesIO(hostile_pdfs.huge_object_number()))
    out = Edit(template(reader)).write()
    assert len(out) < 4096
    again = PdfReader(io.BytesIO(out))
    assert again.trailer["/Root"]["/Extra"]["/Note"] == "far away"


def test_a_symlink_to_a_device_is_refused_before_reading(tmp_path):
    link = tmp_path / "returned.pdf"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in one_message(ceri("evaluation", "read", link), link)
    assert "not a regular file" in one_message(ceri("fill", "--list-fields", link), link)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "returned.pdf"
    os.mkfifo(fifo)
    assert "not a regular file" in one_message(ceri("evaluation", "read", fifo), fifo)


def test_a_dangling_symlink_is_a_clear_message(tmp_path):
    link = tmp_path / "returned.pdf"
    link.symlink_to(tmp_path / "gone.pdf")
    assert "no such file" in one_message(ceri("evaluation", "read", link), link)


def test_size_limit_and_max_size(tmp_path):
    big = tmp_path / "big.pdf"
    big.write_bytes(hostile_pdfs.form(tail=b"%" + b"x" * (21 * 1024 * 1024) + b"\n"))
    message = one_message(ceri("evaluation", "read", big), big)
    assert "more than the limit of 20971520 bytes" in message and "--max-size" in message
    small = tmp_path / "form.pdf"
    small.write_bytes(hostile_pdfs.form())
    assert "limit of 100 bytes" in one_message(fill(tmp_path, small, "--max-size", "100"), small)
    assert fill(tmp_path, small).returncode == 0  # the same form within the default limit fills


def test_a_fill_of_a_form_protected_by_an_owner_password_only(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(hostile_pdfs.form())))
    writer.encrypt(user_password="", owner_password="office-only", algorithm="AES-256")
    form = tmp_path / "form.pdf"
    writer.write(form)
    result = fill(tmp_path, form)
    assert result.returncode == 0, result.stderr
    filled = PdfReader(tmp_path / "out.pdf")
    assert filled.get_fields()["name"]["/V"] == "23DB0012"
    assert not filled.is_encrypted


def test_a_form_that_needs_a_password_to_open(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(hostile_pdfs.form())))
    writer.encrypt(user_password="secret", owner_password="office-only", algorithm="AES-256")
    form = tmp_path / "form.pdf"
    writer.write(form)
    assert "needs a password to open" in one_message(fill(tmp_path, form), form)
