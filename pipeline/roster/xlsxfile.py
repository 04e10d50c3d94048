"""An openpyxl workbook saved as the same bytes for the same content, without holding it uncompressed.

openpyxl stamps the time of saving into a workbook twice: the document's dates (docProps/core.xml) and the
date of every zip entry. Re-packing the saved file fixes both but holds every part uncompressed: at 50,000
students the roster's sheet alone is some 240 MB of XML (`ceri export` peaked at 1 GiB). Here openpyxl's
own writer (ExcelWriter, as `Workbook.save` uses it, minus its clock) writes into a zip that takes the
small parts as they come and the sheets' XML as the temporary files openpyxl streamed them to (write-only
mode), and writes them compressed, one at a time, with fixed dates and mode, [Content_Types].xml first
(as Office writes it) and then by name."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from pipeline.pdf import ZIP_MODE

FIXED = datetime(2026, 1, 1)  # the document's created/modified dates: no clock in the bytes
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FIRST = "[Content_Types].xml"


class _FixedZip(zipfile.ZipFile):
    """A zip ExcelWriter writes into: each part held until close (bytes, or the sheet's XML as the file
    openpyxl wrote it, kept open: openpyxl removes its name once written, the open file stays readable),
    then written in a fixed order with fixed metadata."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._held: dict[str, bytes | BinaryIO] = {}

    def writestr(self, name, data, *args, **kwargs) -> None:  # type: ignore[override]
        name = name.filename if isinstance(name, zipfile.ZipInfo) else name
        self._held[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def write(self, filename, arcname=None, *args, **kwargs) -> None:  # type: ignore[override]
        self._held[arcname or os.fspath(filename)] = open(filename, "rb")  # closed in close()

    def namelist(self) -> list[str]:
        return [*super().namelist(), *self._held]

    def close(self) -> None:
        if self.fp is None:
            return
        held, self._held = self._held, {}
        try:
            for name in sorted(held, key=lambda n: (n != FIRST, n)):
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # unix, so that the mode below is read
                info.external_attr = ZIP_MODE << 16
                part = held[name]
                with self.open(info, "w") as out:
                    if isinstance(part, bytes):
                        out.write(part)
                    else:
                        shutil.copyfileobj(part, out, 1 << 20)
        finally:
            for part in held.values():
                if not isinstance(part, bytes):
                    part.close()
            super().close()


def workbook_bytes(wb: Workbook, creator: str = "ceri") -> bytes:
    """wb's .xlsx bytes, the same for the same content (dates and zip metadata fixed). Use a write-only
    workbook for many rows: its sheets are streamed to temporary files, never held."""
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = creator
    out = io.BytesIO()
    archive = _FixedZip(out)
    try:
        ExcelWriter(wb, archive).save()  # writes every part, then closes the archive
    finally:
        archive.close()
    return out.getvalue()
