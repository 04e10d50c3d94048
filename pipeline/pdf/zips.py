"""ceri's one zip writer: deterministic zips (Word files, workbooks, a student's packs) with zipfile.

Same entries, same bytes: a fixed order (the entries named in `first` first, as readers of Office files
expect, then the rest by name), every entry dated 1 January 1980 00:00 (the earliest a zip can say) and
made by unix with mode 0600, so it is a private regular file once unpacked.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

ZIP_MODE = 0o100600  # a regular file (S_IFREG), readable by its owner only
EPOCH = (1980, 1, 1, 0, 0, 0)
UNIX = 3  # ZipInfo.create_system: the mode in external_attr is honoured by unzip


def zip_bytes(entries: Mapping[str, bytes], *, first: tuple[str, ...] = (), compresslevel: int = 9) -> bytes:
    """The entries deflated into a zip, in the order above, with fixed dates and modes."""
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:  # a seekable buffer: no data descriptors, sizes in the headers
        for name in order:
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.create_system = UNIX
            info.external_attr = ZIP_MODE << 16
            z.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
    return out.getvalue()
