"""Word files, same input, same bytes: fixed core properties and a zip with fixed entry order and dates."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from pipeline.pdf.zips import ZIP_MODE, zip_bytes

AUTHOR = "ceri"
FIRST = ("[Content_Types].xml", "_rels/.rels")  # where Word and zip sniffers expect them
# Entries are private regular files once unpacked (unix mode 0600), as in every zip ceri writes:
# `ceri pack` keeps these bytes as they are, so `ceri render` and `ceri pack` give the same .docx.
MODE = ZIP_MODE


def set_core_properties(props, *, issued: date, title: str) -> None:
    """Core properties (python-docx's CoreProperties) that depend on the input only: created = modified =
    the issue date."""
    when = datetime(issued.year, issued.month, issued.day)
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.created = when
    props.modified = when
    props.revision = 1
    props.title = title
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""
    props.identifier = ""


def save_deterministic(document) -> bytes:
    """python-docx saves with the wall-clock time on every entry; rewrite the zip without it."""
    raw = io.BytesIO()
    document.save(raw)
    return normalize_zip(raw.getvalue())


def normalize_zip(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return write_zip({info.filename: src.read(info) for info in src.infolist()})


def write_zip(entries: dict[str, bytes]) -> bytes:
    """The parts in a fixed order with fixed dates and modes: the final bytes, which `ceri pack` keeps too."""
    return zip_bytes(entries, first=FIRST, compresslevel=6)
