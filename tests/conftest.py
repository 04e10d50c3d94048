"""Settings for the whole test run: no test ever writes to the user's own register, keys or data folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# the key that checks returned evaluation forms (formkey.py): one per test run, never the user's own
# (subprocesses started by tests inherit it)
_KEY_DIR = tempfile.mkdtemp(prefix="ceri-test-key-")
os.environ["CERI_FORM_KEY"] = str(Path(_KEY_DIR) / "form.key")
_PARENT = os.getpid()
atexit.register(lambda: os.getpid() == _PARENT and shutil.rmtree(_KEY_DIR, ignore_errors=True))


@pytest.fixture(autouse=True)
def private_register(tmp_path_factory, monkeypatch):
    """$CERI_REGISTER and the user's data folder (XDG_DATA_HOME, read by platformdirs) point into a fresh
    temporary folder; tests of how the register is found unset CERI_REGISTER themselves. Subprocesses
    inherit both."""
    home = tmp_path_factory.mktemp("ceri-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("CERI_REGISTER", str(home / "register.sqlite"))
    return home / "register.sqlite"
