"""The command line: a thin layer of click commands over functions tests call directly.

Each module in this package adds its commands to `main`; they are imported here in a fixed order.
"""

import importlib
import pkgutil

from pipeline.cli.base import main

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _mod != "base":
        importlib.import_module(f"{__name__}.{_mod}")

__all__ = ["main"]
