"""Worker processes: records reach them by fork where the platform has it (or are reloaded from the
paths), fonts are loaded once per worker, results come back in the order of the items."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from pipeline import fonts, renderers
from pipeline.records import Records, load

STATE: dict[str, Any] = {}  # this process's records and options (set before forking, or by _init)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """End this worker when its parent dies, even by kill -9: on Linux the kernel sends SIGKILL (prctl
    PR_SET_PDEATHSIG), elsewhere a thread watches the parent id. A worker left behind would keep placing
    packs and hold the output folder's lock (inherited with the fork) for ever; killed, the kernel
    releases the lock, and the next run removes the temporary files it left."""
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    else:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="ceri-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _init(parent: int, paths: tuple[str, ...], options: Any, rehearse: Callable[[], Any] | None) -> None:
    die_with_parent(parent)
    if "records" not in STATE:  # spawned, not forked: load what the parent had
        STATE.update(records=load(paths), options=options)
    for style in fonts.STYLES:  # once per worker, not once per pack
        fonts.faces(style)
    renderers.documents()
    if rehearse is not None:
        rehearse()


def _ready() -> None:
    """A task that does nothing: submitting it makes the pool start its processes."""


def worker_count(jobs: int | None) -> int:
    """How many processes --jobs asks for (None: one per CPU)."""
    return jobs or os.cpu_count() or 1


class Pool:
    """The processes of one batch, started as soon as it is created: they load fonts while the parent is
    still planning. With one worker (or one item at most) nothing is started and map() runs in process.

    Use as a context manager: the records and everything loaded so far live for the whole batch, so
    they are frozen out of the garbage collector, whose full collections would otherwise walk them again
    and again (and, in forked workers, touch every inherited page, so each worker ends up with a private
    copy of the heap)."""

    def __init__(self, *, records: Records, paths: tuple[str, ...], options: Any, jobs: int | None,
                 most: int, rehearse: Callable[[], Any] | None = None) -> None:
        """rehearse: what each worker process runs once it has its fonts, before its first item (a
        module-level function: it travels by name where processes are spawned)."""
        self.workers = max(1, min(worker_count(jobs), most))
        STATE.update(records=records, options=options)
        # no gc.collect() first: loading made no cyclic garbage (it found none in 1000 students' records,
        # and took 0.2 s before the workers could start)
        gc.freeze()
        self._executor: ProcessPoolExecutor | None = None
        if self.workers > 1:
            ctx = multiprocessing.get_context("fork") if sys.platform == "linux" else None
            self._executor = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init,
                                                 initargs=(os.getpid(), tuple(paths), options, rehearse))
            self._executor.submit(_ready)  # forked now (a fork pool starts all its processes at once)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.close()
        finally:
            gc.unfreeze()

    def close(self) -> None:
        """Wait for the worker processes to end (map() runs in process afterwards)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(cancel_futures=True)

    def map(self, fn: Callable[[Any, str], Any], items: Iterable, arg: str, *,
            crashed: Callable[[Any, BaseException], Any] | None = None,
            progress: Callable[[int], Any] | None = None, weight: Callable[[Any], int] | None = None) -> list:
        """[fn(item, arg) for item in items], in the worker processes if there are any (results in item
        order). Each item goes to a worker as soon as `items` yields it, so a generator may still be
        preparing later items while the first are built. fn catches its own errors; a worker process
        that dies outright gives `crashed(item, exc)`. progress(weight(item)) is called as each item
        finishes (weight: 1 by default)."""
        weight = weight or (lambda _: 1)
        results: list = []
        if self._executor is None:
            gc.freeze()  # what this process made since the pool was (the plan) lives as long as the batch
            for item in items:
                results.append(fn(item, arg))
                if progress:
                    progress(weight(item))
            return results
        futures: dict[Future, tuple[int, Any]] = {}
        for n, item in enumerate(items):
            futures[self._executor.submit(fn, item, arg)] = n, item
        results = [None] * len(futures)
        for fut in as_completed(futures):
            n, item = futures[fut]
            try:
                results[n] = fut.result()
            except Exception as exc:  # the worker process itself died
                if crashed is None:
                    raise
                results[n] = crashed(item, exc)
            if progress:
                progress(weight(item))
        return results
