"""Limits on PDFs that come from outside (a company's returned form, a third-party form to fill).

A file is checked before any parser sees it: a regular file (never a device, a FIFO or a symlink to
one), read with a size cap, then scanned for the numbers a hostile file uses to make a parser allocate
(object numbers, xref sizes, stream lengths, nesting). pypdf then runs with lower decompression and
element limits, and whatever it raises becomes one message naming the file (exit 2, no traceback).
The limits are documented in docs/limits.md.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from pypdf import PasswordType, PdfReader, apply_configuration

from pipeline.errors import CeriError
from pipeline.i18n import _

MAX_SIZE = 20 * 1024 * 1024  # bytes of a PDF read from outside (--max-size changes it)
MAX_OBJECT = 1_000_000  # highest object number and xref size (a 20 MB file cannot hold more objects)
MAX_OBJECTS = 20_000  # objects in the file (pypdf checks each one's header on opening: about 0.1 ms each)
MAX_NESTING = 64  # arrays and dictionaries opened one inside the other
MAX_DECODED = 16 * 1024 * 1024  # bytes one stream may decompress to (fonts and forms need far less)
MAX_WIDGETS = 3_000  # annotations walked looking for form fields (a long official form has a few hundred)
MAX_FIELDS = 1_000  # form fields
MAX_TEXT = 2_000  # characters of a free-text answer (about a full page of the certificate)
MAX_LINE = 200  # characters of a one-line answer (a name, a number, a date)

_OBJ = re.compile(rb"(\d{1,20})\s+\d{1,10}\s+obj\b")
_XREF_SUB = re.compile(rb"xref\s+\d{1,20}\s+(\d{1,20})\s")
_SIZE = re.compile(rb"/Size\s+(\d{1,20})")
_INDEX = re.compile(rb"/Index\s*\[([\d\s]{0,400})\]")
_LENGTH = re.compile(rb"/Length\s+(\d{1,20})(?![\d\s]*R)")  # a number, not a reference N G R
_DEEP = re.compile(rb"(?:(?:\[|<<)\s*){%d}" % MAX_NESTING)
_PYPDF_LIMITS = {
    "zlib_maximum_output_length": MAX_DECODED, "lzw_maximum_output_length": MAX_DECODED,
    "run_length_maximum_output_length": MAX_DECODED, "brotli_maximum_output_length": MAX_DECODED,
    "jbig2_maximum_output_length": MAX_DECODED, "array_based_stream_maximum_output_length": MAX_DECODED,
    "image_maximum_buffer_size": MAX_DECODED, "maximum_declared_stream_length": MAX_SIZE,
    "stream_decoding_work_maximum_length": 4 * MAX_DECODED, "array_maximum_element_count": 20_000,
    "dictionary_maximum_element_count": 20_000, "form_fields_maximum_entries": MAX_FIELDS,
    "form_fields_maximum_depth": 32, "page_tree_maximum_entries": 10_000, "page_tree_maximum_depth": 32,
    "page_tree_maximum_page_entries": 100_000,
}


def read_untrusted(path: Path, max_size: int = MAX_SIZE) -> bytes:
    """The bytes of a file from outside: a regular file (symlinks followed) of at most max_size bytes.

    Opened without blocking (a FIFO would wait for a writer) and checked on the open descriptor, so
    the file cannot be swapped for a device between the check and the read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise CeriError(_("{file}: no such file (a symlink pointing nowhere?)").format(file=path)) from None
    except OSError as exc:
        raise CeriError(_("{file}: cannot read ({error})").format(file=path, error=exc.strerror)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CeriError(_("{file}: not a regular file (a device, a pipe or a folder); give the PDF itself")
                            .format(file=path))
        if st.st_size > max_size:
            raise CeriError(_("{file}: {size} bytes is more than the limit of {limit} bytes for a PDF "
                              "from outside (--max-size to change it)")
                            .format(file=path, size=st.st_size, limit=max_size))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_size + 1)
    finally:
        os.close(fd)
    if len(data) > max_size:  # grew while being read
        raise CeriError(_("{file}: more than the limit of {limit} bytes for a PDF from outside "
                          "(--max-size to change it)").format(file=path, limit=max_size))
    return data


def prescan(data: bytes, source: str) -> None:
    """Refuse what would make a parser allocate far more than the file holds, before parsing."""
    if b"%PDF-" not in data[:1024]:
        raise CeriError(_("{file}: not a PDF (it does not start with %PDF-)").format(file=source))
    numbers = [int(m.group(1)) for m in _OBJ.finditer(data)]
    if len(numbers) > MAX_OBJECTS:
        raise CeriError(_("{file}: refused: {count} objects, more than the limit of {limit} for a form "
                          "(a damaged or hostile PDF)").format(file=source, count=len(numbers), limit=MAX_OBJECTS))
    biggest = max(numbers, default=0)
    sizes = [int(m.group(1)) for m in _XREF_SUB.finditer(data)] + [int(m.group(1)) for m in _SIZE.finditer(data)]
    for m in _INDEX.finditer(data):
        nums = [int(n) for n in m.group(1).split()]
        sizes += [a + b for a, b in zip(nums[::2], nums[1::2], strict=False)]
    if max(biggest, *sizes, 0) > MAX_OBJECT:
        raise CeriError(_("{file}: refused: it numbers objects up to {number}, beyond the limit of {limit} "
                          "(a damaged or hostile PDF)").format(file=source, number=max(biggest, *sizes),
                                                                limit=MAX_OBJECT))
    longest = max((int(m.group(1)) for m in _LENGTH.finditer(data)), default=0)
    if longest > len(data):
        raise CeriError(_("{file}: refused: a stream claims {length} bytes, more than the whole file "
                          "(a damaged or hostile PDF)").format(file=source, length=longest))
    if _DEEP.search(data):
        raise CeriError(_("{file}: refused: arrays or dictionaries nested more than {limit} deep "
                          "(a damaged or hostile PDF)").format(file=source, limit=MAX_NESTING))


class LimitError(CeriError):
    """A limit reached deep in the parsing, where the file's name is not known: parsing() adds it."""


@contextlib.contextmanager
def parsing(source: str) -> Iterator[None]:
    """pypdf with the limits above, its errors (of any type: it parses lazily, so they surface anywhere
    a field or an object is touched) turned into one message naming the file."""
    try:
        with apply_configuration(**_PYPDF_LIMITS):
            yield
    except LimitError as exc:
        raise CeriError(f"{source}: {exc}") from None
    except CeriError:
        raise
    except MemoryError:
        raise CeriError(_("{file}: refused: reading it needs more memory than a form may "
                          "(a damaged or hostile PDF)").format(file=source)) from None
    except Exception as exc:  # noqa: BLE001 (pypdf raises many types for damaged files)
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise CeriError(_("{file}: not a readable PDF form ({error})").format(file=source, error=detail)) from None


def open_reader(data: bytes, source: str) -> PdfReader:
    """A parsed PDF: checked first, decrypted when only an owner password protects it."""
    prescan(data, source)
    with parsing(source):
        reader = PdfReader(io.BytesIO(data), root_object_recovery_limit=1_000,
                           xref_stream_maximum_entries=MAX_OBJECT)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise CeriError(_("{file}: the PDF needs a password to open; ask the sender for a copy "
                              "without one").format(file=source))
        len(reader.pages)
        biggest = max((n for table in reader.xref.values() for n in table), default=0)
        biggest = max(biggest, max(reader.xref_objStm, default=0))
        count = sum(len(table) for table in reader.xref.values()) + len(reader.xref_objStm)
        if count > MAX_OBJECTS:
            raise CeriError(_("{file}: refused: {count} objects, more than the limit of {limit} for a form "
                              "(a damaged or hostile PDF)").format(file=source, count=count, limit=MAX_OBJECTS))
        if biggest > MAX_OBJECT:
            raise CeriError(_("{file}: refused: it numbers objects up to {number}, beyond the limit of {limit} "
                              "(a damaged or hostile PDF)").format(file=source, number=biggest, limit=MAX_OBJECT))
    return reader

