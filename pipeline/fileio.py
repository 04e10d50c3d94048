"""Atomic, private file writing: a crash leaves no half file, personal data is created 0600."""

from __future__ import annotations

import ctypes
import os
import re
import struct
import sys
import tempfile
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
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
ZIP_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # every entry's date: 1 January 1980 (the earliest), 00:00
ZIP_MODE = 0o100600  # every zip entry ceri writes is a private regular file once unpacked


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
    """Create new files (never existing ones) in folder, readable by their owner only, and start writing
    them to disk without waiting for it: sync_files() waits for many packs' files at once."""
    for name, data in files.items():
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if hasattr(os, "posix_fadvise"):
                # Linux starts the writeback here, so the later sync finds little left to wait for
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def sync_files(paths: Sequence[Path]) -> None:
    """Wait until these files are on disk: on Linux one syncfs of their file system (one flush of the
    device for many files, written back meanwhile), elsewhere an fsync of each."""
    if not paths:
        return
    if _syncfs is not None:
        fd = os.open(paths[0], os.O_RDONLY)
        try:
            if _syncfs(fd) != 0:
                err = ctypes.get_errno()
                raise OSError(err, os.strerror(err), str(paths[0]))
        finally:
            os.close(fd)
        return
    for path in paths:
        fsync_path(path)


def fsync_path(path: Path) -> None:
    """Wait until a file written earlier (by this process or another) is on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _find_syncfs() -> Callable[[int], int] | None:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # glibc and musl have it; Python's os does not
    except (OSError, AttributeError):
        return None


_syncfs = _find_syncfs()


def zip_bytes(entries: Mapping[str, bytes], *, first: tuple[str, ...] = (), compresslevel: int = 9,
              repeated: Collection[str] = ()) -> bytes:
    """A deterministic zip (Word files, workbooks, a student's packs): the entries named in `first` first,
    as readers of Office files expect, then the rest by name; fixed dates, unix mode 0600.

    Written here rather than with zipfile (the bytes are those zipfile writes) so that the entries named
    in `repeated`, whose bytes come back call after call (a Word template's styles, theme and settings),
    are compressed once per process."""
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    local, central, at = [], [], 0
    for name in order:
        raw = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # the name is UTF-8
        crc, packed, size = _deflated(entries[name], compresslevel, name in repeated)
        fields = (20, 0, flags, 8, 0, ZIP_DOS_DATE, crc, len(packed), size, len(raw), 0)  # deflated
        local += [struct.pack("<4s2B4HL2L2H", b"PK\3\4", *fields), raw, packed]
        central += [struct.pack("<4s4B4HL2L5H2L", b"PK\1\2", 20, 3, *fields, 0, 0, 0, ZIP_MODE << 16, at),
                    raw]  # made by: unix (3), so the mode is honoured
        at += 30 + len(raw) + len(packed)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\5\6", 0, 0, len(order), len(order), len(directory), at, 0)
    return b"".join(local) + directory + end


_DEFLATED: dict[tuple[bytes, int], tuple[int, bytes, int]] = {}


def _deflated(data: bytes, level: int, remember: bool) -> tuple[int, bytes, int]:
    """(CRC-32, raw deflate stream, size) of data; with remember, kept for the next call with the same
    bytes (a bytes object hashes once: the template's parts are the same objects each time)."""
    hit = _DEFLATED.get((data, level)) if remember else None
    if hit is None:
        hit = (zlib.crc32(data), zlib.compress(data, level, wbits=-15), len(data))
        if remember:
            if len(_DEFLATED) >= 64:  # a few templates' parts; never grows with the batch
                _DEFLATED.clear()
            _DEFLATED[(data, level)] = hit
    return hit
