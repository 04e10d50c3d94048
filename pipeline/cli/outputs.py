"""No output ever replaces an input: every command that writes checks its output paths (symlinks
followed) against the files and folders it reads before it writes anything."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.i18n import _


def _real(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(path))


def check_output(output: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse output (a file, or a folder ceri fills) when it resolves to one of the inputs or lies
    inside a folder of inputs (symlinks followed)."""
    if output.is_symlink() and not output.exists():
        raise CeriError(_("{file}: a symlink pointing nowhere ({target}); remove it or give another path")
                        .format(file=output, target=os.readlink(output)))
    out = _real(output)
    for given in inputs:
        real = _real(given)
        if out == real or (out.exists() and real.is_file() and os.path.samefile(out, real)):  # a hard link
            raise CeriError(_("{file}: this is one of the inputs ({input}); write the output elsewhere")
                            .format(file=output, input=given))
        if Path(given).is_dir() and real in out.parents:
            raise CeriError(_("{file}: inside the records folder {input}, which this command reads; write the "
                              "output elsewhere").format(file=output, input=given))
