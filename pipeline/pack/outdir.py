"""An output folder owned by one run at a time, cleared of what killed runs left behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.fileio import TMP_PREFIX as TMP
from pipeline.fileio import is_own_temporary, make_private_dir
from pipeline.i18n import _

WAIT = 5.0  # seconds to wait for the lock of a run that is ending (or was just killed)

try:
    import fcntl
except ImportError:  # Windows: no flock; runs must not share a folder
    fcntl = None


def _lock(fd: int, out_dir: Path, wait: float) -> None:
    # a run killed a moment ago may still be dying: give it a few seconds to let go
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise CeriError(f"{out_dir}: another ceri run is writing there; wait for it to end") from None
            time.sleep(0.05)


@contextlib.contextmanager
def owned(out_dir: Path) -> Iterator[None]:
    """Create out_dir (0700), lock it for this run, and remove every .tmp-* entry in it.

    The lock (flock on the folder itself) dies with the process that holds it, even on kill -9, so
    whatever .tmp-* entries a run finds under its lock were left by a dead run: checking process ids
    instead would keep those of killed workers that are not reaped yet."""
    try:
        make_private_dir(out_dir)
        fd = os.open(out_dir, os.O_RDONLY)
    except OSError as exc:
        raise CeriError(_("{folder}: cannot create or open the output folder ({error})")
                        .format(folder=out_dir, error=exc.strerror or exc)) from None
    try:
        if fcntl is not None:
            _lock(fd, out_dir, WAIT)
        for entry in out_dir.glob(f"{TMP}*"):
            if not is_own_temporary(entry.name):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)
