"""Word certificates: editable files whose bytes cannot be sealed. They carry their serial and are registered
as `editable`, with the values they state (their paragraphs' text); verify answers by the serial and by
comparing those values with the text of the file shown (a .docx, or a PDF made from it)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from xml.etree import ElementTree

from pipeline.errors import CeriError
from pipeline.i18n import _

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML = 20 * 1024 * 1024  # a certificate's document.xml is tens of KB
PARTS = ("word/document.xml",)


def is_docx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph (table cells included) of a .docx, in order; CeriError if it is not one.
    Sizes are checked before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_XML:
                raise CeriError(_("the Word file's text is too large for a certificate"))
            xml = archive.read(info)
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        raise CeriError(_("not a Word (.docx) file that can be read")) from None
    out = []
    for p in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if text.strip():
            out.append(" ".join(text.split()))
    return out


def stated(data: bytes) -> str:
    """What a Word certificate states, as kept in the register (JSON list of its paragraphs)."""
    return json.dumps(docx_paragraphs(data), ensure_ascii=False)


def _squeeze(text: str) -> str:
    """Text compared without any white space: a PDF made from the Word file breaks lines elsewhere."""
    return re.sub(r"\s+", "", text)


def differences(recorded: str, text: str) -> list[str]:
    """The recorded values that the text shown does not state (empty: every value is there as issued)."""
    shown = _squeeze(text)
    return [value for value in json.loads(recorded) if _squeeze(value) not in shown]
