"""A returned evaluation form uploaded at the desk: read with `ceri evaluation read`'s read-back (its
limits on size, objects and time), shown as a preview, merged into the internship record on a click.

Between the preview and the merge the upload waits in the desk's data folder (readable by the owner
only) under a random name; the merge reads it again and refuses when the record changed meanwhile."""

from __future__ import annotations

import os
import re
import secrets
from datetime import date
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.fileio import write_atomic
from pipeline.records import Records
from pipeline.renderers.form.evalcheck import check_against
from pipeline.renderers.form.limits import MAX_SIZE
from pipeline.renderers.form.readback import ReadBack, evaluation_yaml, merge_into, read_evaluation
from pipeline.web.edit import version_of
from pipeline.web.i18n import _

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _uploads(data: Path) -> Path:
    folder = data / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def read(records: Records, internship: str, pdf: bytes, name: str, as_of: date, *, replace: bool
         ) -> tuple[ReadBack, list[str]]:
    """The form's values and the changes to an evaluation already recorded; CeriError when the form is not
    one of ours, is for another internship, or cannot be read within the limits."""
    if len(pdf) > MAX_SIZE:
        raise CeriError(_("{file}: larger than {size} bytes").format(file=name, size=MAX_SIZE))
    if not pdf.startswith(b"%PDF-"):
        raise CeriError(_("{file}: not a PDF file").format(file=name))
    rb = read_evaluation(pdf, received_on=as_of, source=name)
    if rb.internship != internship:
        raise CeriError(_("{file}: this form is the evaluation of internship {other}, not of {internship}")
                        .format(file=name, other=rb.internship, internship=internship))
    diff = check_against(rb, records.internships[internship], name, replace=replace)
    return rb, diff


def keep(data: Path, pdf: bytes) -> str:
    token = secrets.token_urlsafe(24)
    write_atomic(_uploads(data) / f"{token}.pdf", pdf)
    return token


def kept(data: Path, token: str) -> bytes:
    if not TOKEN.fullmatch(token):
        raise CeriError(_("This upload is no longer here; upload the form again."))
    try:
        return (_uploads(data) / f"{token}.pdf").read_bytes()
    except OSError:
        raise CeriError(_("This upload is no longer here; upload the form again.")) from None


def merge(records: Records, internship: str, rb: ReadBack, version: str, data: Path, token: str) -> None:
    source = records.docs[("internship", internship)]
    path = Path(os.path.realpath(source.file))
    raw = path.read_bytes()
    if version_of(raw) != version:
        raise CeriError(_("The record was changed after the preview; upload the form again."))
    merged = merge_into(raw.decode("utf-8"), rb, path.name)
    write_atomic(path, merged.encode("utf-8"), mode=path.stat().st_mode & 0o777)
    (_uploads(data) / f"{token}.pdf").unlink(missing_ok=True)


__all__ = ["evaluation_yaml", "keep", "kept", "merge", "read"]
