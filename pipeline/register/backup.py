"""`ceri register backup`: a consistent copy with SQLite's online backup API, written whole or not at all."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.fileio import fsync_path, make_private_dir
from pipeline.i18n import _
from pipeline.register.db import Register
from pipeline.register.integrity import full_check


def backup(source: Path, destination: Path) -> int:
    """Copy the register at source to destination (which must not exist), checked: the copy passes the full
    check before it is given its name. Returns the number of serials copied."""
    if destination.exists() or destination.is_symlink():
        raise CeriError(_("{path} already exists: give a new file name for the backup").format(path=destination))
    with Register(source, create=False) as register:
        make_private_dir(destination.parent if str(destination.parent) else Path("."))
        tmp = destination.with_name(f".{destination.name}.tmp-{os.getpid()}")
        try:
            os.close(os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600))
            target = sqlite3.connect(tmp)
            try:
                register.conn.backup(target)
            finally:
                target.close()
            with Register(tmp, create=False) as copy:
                problems = full_check(copy)
                count = copy.conn.execute("SELECT count(*) FROM certificates").fetchone()[0]
            if problems:
                raise CeriError(_("{path}: the copy failed its check ({problem}); the register itself may be "
                                  "damaged: run ceri register check").format(path=destination, problem=problems[0]))
            fsync_path(tmp)
            os.link(tmp, destination)  # never over an existing file
        except FileExistsError:
            raise CeriError(_("{path} already exists: give a new file name for the backup").format(
                path=destination)) from None
        except (OSError, sqlite3.Error) as exc:
            raise CeriError(_("{path}: cannot write the backup ({error})").format(
                path=destination, error=getattr(exc, "strerror", None) or exc)) from None
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with suppress(OSError):
                    os.unlink(f"{tmp}{suffix}")
    return count
