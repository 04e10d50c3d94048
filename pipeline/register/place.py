"""Where the institution's one register lives: the same file for every command, whatever its output folder.

In order: --register PATH, $CERI_REGISTER, the institution record's `register:` (relative to the file that
record was read from), else register.sqlite in the user's data folder (platformdirs' user_data_dir("ceri")).
Never the output folder: a ledger per folder gave each command its own serial sequence.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from pipeline.i18n import _

if TYPE_CHECKING:
    from pipeline.records import Records

DEFAULT_NAME = "register.sqlite"
ENV_VAR = "CERI_REGISTER"


@dataclass(frozen=True)
class Place:
    path: Path
    source: str  # how it was found, for `ceri doctor` and messages

    def __fspath__(self) -> str:
        return str(self.path)


def data_dir() -> Path:
    """ceri's folder in the user's data folder (~/.local/share/ceri on Linux): the register, the keys."""
    return Path(platformdirs.user_data_dir("ceri", appauthor=False))


def find(explicit: str | os.PathLike[str] | None = None, records: Records | None = None) -> Place:
    """The register to use, and how it was found."""
    if explicit:
        return Place(Path(explicit), _("--register"))
    if os.environ.get(ENV_VAR):
        return Place(Path(os.environ[ENV_VAR]), _("${var}").format(var=ENV_VAR))
    if records is not None and records.institution.register_path:
        source = records.docs.get(("institution", ""))
        base = Path(source.file).parent if source is not None else Path(".")
        return Place(base / records.institution.register_path,
                     _("register: in {file}").format(file=source.file if source else "?"))
    return Place(data_dir() / DEFAULT_NAME, _("the user's data folder"))


def resolve_path(explicit: str | os.PathLike[str] | None = None, records: Records | None = None) -> Path:
    return find(explicit, records).path
