"""Atomic, private file writing: a crash leaves no half file, personal data is created 0600."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
# every temporary entry ceri makes in an output folder starts so (.tmp-<pid>-<what>): a later run that
# owns the folder removes what a killed run left behind (pipeline.pack.outdir)
TMP_PREFIX = ".tmp-"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
ZIP_MODE = 0o100600  # every zip entry ceri writes is a private regular file once unpacked


def make_private_dir(path: Path) -> None:
    """Create a directory (and parents) that only the owner can read."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def write_atomic(path: str | os.PathLike[str], data: bytes, mode: int = FILE_MODE) -> Path:
    """Write data to a temporary file beside path, fsync it, then rename it into place."""
    target = Path(path)
    if not target.parent.exists():
        make_private_dir(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_new_private(path: Path, data: bytes) -> None:
    """Create a new file (never an existing one) readable by its owner only, flushed to disk: for
    files inside a private folder that is itself renamed into place when complete."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def zip_bytes(entries: Mapping[str, bytes], *, first: tuple[str, ...] = (), compresslevel: int = 9) -> bytes:
    """A deterministic zip (Word files, workbooks, a student's packs): the entries named in `first` first,
    as readers of Office files expect, then the rest by name; fixed dates, unix mode 0600."""
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode is honoured
            info.external_attr = ZIP_MODE << 16
            zf.writestr(info, entries[name], compresslevel=compresslevel)
    return out.getvalue()
