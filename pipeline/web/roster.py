"""A roster workbook (or CSV) uploaded at the desk: `ceri import`'s preview, then its apply on a click.

The upload waits in the desk's data folder under a random name between the two; apply refuses when a
record file changed since the preview (pipeline.roster.apply checks), and writes nothing on any problem."""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.fileio import write_atomic
from pipeline.roster import Plan, apply, preview
from pipeline.web.i18n import _

SUFFIXES = (".xlsx", ".csv")
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _folder(data: Path, token: str) -> Path:
    if not TOKEN.fullmatch(token):
        raise CeriError(_("This upload is no longer here; upload the file again."))
    return data / "uploads" / token


def keep(data: Path, content: bytes, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise CeriError(_("{file}: a roster is an Excel workbook (.xlsx) or a CSV file").format(file=filename))
    token = secrets.token_urlsafe(24)
    folder = _folder(data, token)
    folder.mkdir(mode=0o700, parents=True)
    write_atomic(folder / f"roster{suffix}", content)
    return token


def plan(data: Path, token: str, records_dir: Path, name: str) -> tuple[Plan, list[str]]:
    """The import's plan and its problems as messages naming the uploaded file."""
    files = sorted(_folder(data, token).glob("roster.*")) if _folder(data, token).is_dir() else []
    if not files:
        raise CeriError(_("This upload is no longer here; upload the file again."))
    p = preview(files, records_dir)
    return p, [str(problem).replace(str(files[0]), name) for problem in p.problems]


def accept(data: Path, token: str, records_dir: Path, name: str) -> int:
    p, problems = plan(data, token, records_dir, name)
    if problems:
        raise CeriError("\n".join(problems))
    written = apply(p)
    shutil.rmtree(_folder(data, token), ignore_errors=True)
    return len(written)
