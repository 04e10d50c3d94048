"""Settings for the whole test run."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# the key that checks returned evaluation forms (formkey.py): one per test run, never the user's own
# (subprocesses started by tests inherit it)
_KEY_DIR = tempfile.mkdtemp(prefix="ceri-test-key-")
os.environ["CERI_FORM_KEY"] = str(Path(_KEY_DIR) / "form.key")
_PARENT = os.getpid()
atexit.register(lambda: os.getpid() == _PARENT and shutil.rmtree(_KEY_DIR, ignore_errors=True))
