"""Which ceri run took a number, and whether that run is still going.

A run is named host:pid:start, where pid is the ceri process the user started and start its start time,
so that a pid the system reuses later is not taken for the same run. The name is taken when this module
is imported, so worker processes forked from the run carry it on. A run on another machine is never
judged: it counts as alive.
"""

from __future__ import annotations

import os
import socket


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux); '' where /proc does not tell."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _name() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


_RUN = _name()


def current_run() -> str:
    """This run's name (the same in its forked workers)."""
    return _RUN


def alive(run: str | None) -> bool:
    """False only when run is certainly over: this machine's, and its process gone (or another one now)."""
    if not run:
        return False  # rows from before runs were recorded: no run can still be writing them
    try:
        host, pid_text, start = run.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True
    if pid == os.getpid() or run == current_run():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    return not start or _start_time(pid) in ("", start)
