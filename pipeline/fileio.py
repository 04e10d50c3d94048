"""Atomic, private file writing: a crash leaves no half file, personal data is created 0600."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.i18n import _

FILE_MODE = 0o600
DIR_MODE = 0o700
# every temporary entry ceri makes in an output folder starts so (.tmp-<pid>-<what>): a later run that
# owns the folder removes what a killed run left behind (pipeline.pack.outdir)
TMP_PREFIX = ".tmp-"
OWN_TMP = re.compile(r"\.tmp-\d+-.+")  # .tmp-<pid>-<what>: a user's own .tmp-notes.txt is not ceri's


def is_own_temporary(name: str) -> bool:
    return OWN_TMP.fullmatch(name) is not None


def make_private_dir(path: Path) -> None:
    """Create a directory (and the parents it needs) that only the owner can read, whatever the umask:
    mkdir(parents=True) makes the parents 0777 & ~umask, so under umask 000 they were world-writable."""
    path = Path(path)
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:  # made meanwhile by another process (a worker): theirs to set
            if not folder.is_dir():
                raise
            continue
        os.chmod(folder, DIR_MODE)  # the umask may have taken bits away too (umask 0700)


def write_atomic(path: str | os.PathLike[str], data: bytes | Iterable[bytes], mode: int = FILE_MODE) -> Path:
    """Write data (bytes, or chunks of them as they are made) to a temporary file beside path, fsync it,
    then rename it into place.

    Through a symlink, the file it points to is replaced (beside it), never the link itself."""
    target = Path(path)
    if target.is_symlink():
        real = Path(os.path.realpath(target))
        if not real.exists():
            raise CeriError(_("{file}: a symlink pointing nowhere ({target}); remove it or give another path")
                            .format(file=target, target=os.readlink(target)))
        target = real
    if not target.parent.exists():
        make_private_dir(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in (data,) if isinstance(data, bytes | bytearray) else data:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_new_private(folder: Path, files: Mapping[str, bytes]) -> None:
    """Create new files (never existing ones) in folder, readable by their owner only, without waiting for
    the disk: sync_files() waits for many packs' files at once."""
    for name, data in files.items():
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


SYNC_THREADS = 8  # fsyncs under way at once: the file system commits them together (its journal's group
# commit), so 200 files take about what one syncfs took (80 ms, against 300-700 ms one after the other)


def sync_files(paths: Sequence[Path]) -> None:
    """Wait until these files are on disk: an fsync of each, in one batch once all of them were written,
    several at once (the threads wait on the disk, not on the interpreter)."""
    if len(paths) < 2:
        for path in paths:
            fsync_path(path)
        return
    with ThreadPoolExecutor(min(SYNC_THREADS, len(paths))) as pool:
        for _ in pool.map(fsync_path, paths):  # an error of any file is raised here
            pass


def fsync_path(path: Path) -> None:
    """Wait until a file written earlier (by this process or another) is on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
