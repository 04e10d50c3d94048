"""Atomic, private file writing: a crash leaves no half file, personal data is created 0600."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create a directory (and parents) that only the owner can read."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def write_atomic(path: str | os.PathLike[str], data: bytes, mode: int = FILE_MODE) -> Path:
    """Write data to a temporary file beside path, fsync it, then rename it into place."""
    target = Path(path)
    if not target.parent.exists():
        make_private_dir(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
