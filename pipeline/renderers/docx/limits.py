"""A .docx template is a zip: checked before it is opened (a small file may unpack to gigabytes).

The sizes checked are those the zip's directory declares; Python's zipfile never unpacks a member beyond
its declared size, so they bound what reading the template costs."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.i18n import _

MAX_MEMBERS = 1_000  # a Word file has a few dozen parts
MAX_UNPACKED = 100 * 1024 * 1024  # bytes, every member together
MAX_RATIO = 200  # unpacked / packed of one member larger than 1 MiB (XML packs about 10:1)


def check_docx(path: Path) -> None:
    """Refuse a template whose members are too many, too large together, or too compressed."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise CeriError(_("{file}: not a Word .docx file ({error})").format(file=path, error=exc)) from None
    if len(infos) > MAX_MEMBERS:
        raise CeriError(_("{file}: refused: {count} parts in the .docx, more than {limit}")
                        .format(file=path, count=len(infos), limit=MAX_MEMBERS))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise CeriError(_("{file}: refused: the .docx unpacks to {size} bytes, more than {limit}")
                        .format(file=path, size=total, limit=MAX_UNPACKED))
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise CeriError(_("{file}: refused: its part {part} unpacks {ratio:.0f} times larger than it is stored "
                              "(at most {limit})").format(file=path, part=i.filename,
                                                          ratio=i.file_size / max(i.compress_size, 1),
                                                          limit=MAX_RATIO))
