"""Every test runs with its own certificate register and data folder: none ever writes to the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_register(tmp_path_factory, monkeypatch):
    """$CERI_REGISTER and the user's data folder (XDG_DATA_HOME, read by platformdirs) point into a fresh
    temporary folder; tests of how the register is found unset CERI_REGISTER themselves. Subprocesses
    inherit both."""
    home = tmp_path_factory.mktemp("ceri-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("CERI_REGISTER", str(home / "register.sqlite"))
    return home / "register.sqlite"
