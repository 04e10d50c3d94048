"""Settings for the whole test run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# the key that checks returned evaluation forms (formkey.py): one per test run, never the user's own
# (subprocesses started by tests inherit it)
os.environ["CERI_FORM_KEY"] = str(Path(tempfile.mkdtemp(prefix="ceri-test-key-")) / "form.key")
