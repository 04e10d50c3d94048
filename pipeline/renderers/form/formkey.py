"""The check ceri puts on the evaluation forms it issues, so that a returned form's hidden identifiers
(which student, which internship) are verified rather than believed.

`ceri_check` = HMAC-SHA256 of the form id, the student and the internship under a secret key kept by
the office: `$CERI_FORM_KEY` (a file), else `form.key` in ceri's data folder, created (0600) the first
time a form is issued. A company can read the identifiers but cannot make a check for other ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pipeline.errors import CeriError
from pipeline.fileio import make_private_dir
from pipeline.i18n import _

ENV_VAR = "CERI_FORM_KEY"
FIELD = "ceri_check"
KEY_BYTES = 32


def key_path() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    import platformdirs

    return Path(platformdirs.user_data_dir("ceri")) / "form.key"


def _read(path: Path) -> bytes | None:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CeriError(_("{file}: cannot read the form key ({error})").format(file=path, error=exc.strerror)) from None
    if len(key) < 16:
        raise CeriError(_("{file}: the form key is damaged (shorter than 16 bytes)").format(file=path))
    return key


def load_key(*, create: bool) -> bytes | None:
    """The office's key; with create, made on first use. Written whole to a temporary file and then
    linked into place, so that workers issuing forms at the same moment all read the one key."""
    path = key_path()
    key = _read(path)
    if key is not None or not create:
        return key
    make_private_dir(path.parent)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if another process was first: its key is the one
        except FileExistsError:
            pass
    except OSError as exc:
        raise CeriError(_("{file}: cannot create the form key ({error})").format(file=path,
                                                                               error=exc.strerror)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def form_check(key: bytes, form_id: str, student: str, internship: str) -> str:
    message = "\0".join((form_id, student, internship)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def verify(key: bytes, form_id: str, student: str, internship: str, check: str) -> bool:
    return hmac.compare_digest(form_check(key, form_id, student, internship), check)
