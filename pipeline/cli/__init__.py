"""The command line: a thin layer of click commands over functions tests call directly.

Each module in this package adds its commands to `main`; they are imported here in a fixed order.
"""

import gc
import importlib
import pkgutil

from pipeline.cli.base import main

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _mod != "base":
        importlib.import_module(f"{__name__}.{_mod}")



def ceri(args: list[str] | None = None) -> None:
    """The `ceri` command: main, in a process that ends with it. Freezing the heap on the way out spares
    the interpreter's final collection a walk over every object a batch loaded (records, fonts), which
    takes a large run's last 0.4 s for nothing (tests call main, whose process goes on)."""
    try:
        main(args)
    finally:
        gc.freeze()


__all__ = ["ceri", "main"]
