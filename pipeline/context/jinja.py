"""The sandboxed Jinja environment that templates and field maps are evaluated in.

Bounded as well as sandboxed (a user's template or field map is untrusted): a render stops after
RENDER_SECONDS, its output after MAX_OUTPUT characters, and an operation that would build a huge value
in one step (`'a' * 300000000`, `2 ** 10000000`, `'a'.center(10**9)`) is refused before it runs. Each
refusal is a SecurityError (the message says the template line), which every caller reports with the
template's name."""

from __future__ import annotations

import contextlib
import operator
import re
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from pipeline.context.filters import FILTERS
from pipeline.i18n import _

MAX_OUTPUT = 10_000_000  # characters one render may produce (a Word body is ~100 KB of XML)
MAX_INT_BITS = 100_000  # an integer a template computes (about 30,000 digits)
RENDER_SECONDS = 10.0  # one render (a certificate's takes milliseconds)
WIDE_FORMAT = re.compile(r"%[-#0 +]*\d{7,}|\{[^}]*:[^}]*\d{7,}")  # '%0999999999d', '{:>999999999}'


class TemplateLimit(SecurityError):
    """A bound of the sandbox reached."""


def _line(frame: Any = None) -> str:
    """' (template line N)' for the innermost template frame on the stack, or ''."""
    f = frame or sys._getframe(1)
    while f is not None:
        tpl = f.f_globals.get("__jinja_template__")
        if tpl is not None:
            return _(" (template line {line})").format(line=tpl.get_corresponding_lineno(f.f_lineno))
        f = f.f_back
    return ""


def _limit(message: str) -> TemplateLimit:
    return TemplateLimit(message + _line())


def _check_size(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
        raise _limit(_("the number {value} is too large an argument (at most {limit})")
                     .format(value=value, limit=MAX_OUTPUT))
    if isinstance(value, str) and WIDE_FORMAT.search(value):
        raise _limit(_("a format wider than {limit} characters").format(limit=MAX_OUTPUT))


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


class BoundedTemplate(Template):
    """render() with a time limit and an output-size limit."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        out: list[str] = []
        total = 0
        try:
            with time_limit(RENDER_SECONDS):
                for piece in self.root_render_func(ctx):
                    total += len(piece)
                    if total > MAX_OUTPUT:
                        raise TemplateLimit(_("the template produced more than {limit} characters")
                                            .format(limit=MAX_OUTPUT) + _line())
                    out.append(piece)
        except Exception:
            self.environment.handle_exception()
        return "".join(out)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after seconds, raised as TemplateLimit in the template's frame (main thread only; an
    enclosing limit is left alone)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer") \
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def expired(_signum: int, frame: Any) -> None:
        raise TemplateLimit(_("the template ran for more than {seconds:g} seconds").format(seconds=seconds)
                            + _line(frame))

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class BoundedSandbox(SandboxedEnvironment):
    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "<<"})

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for seq, n in ((left, right), (right, left)):
                if _length(seq) is not None and isinstance(n, int) and _length(seq) * n > MAX_OUTPUT:
                    raise _limit(_("'* {count}' would make {size} items, more than {limit}")
                                 .format(count=n, size=_length(seq) * n, limit=MAX_OUTPUT))
            if isinstance(left, int) and isinstance(right, int) and \
                    abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
                raise _limit(_("a number too large to compute"))
        elif op in ("**", "<<") and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            bits = abs(left).bit_length() * right if op == "**" else abs(left).bit_length() + right
            if bits > MAX_INT_BITS:
                raise _limit(_("a number too large to compute"))
        elif op in ("**",) and isinstance(right, float | int) and abs(right) > MAX_INT_BITS:
            raise _limit(_("a number too large to compute"))
        elif op == "+" and _length(left) is not None and _length(right) is not None \
                and _length(left) + _length(right) > MAX_OUTPUT:
            raise _limit(_("the text would be longer than {limit} characters").format(limit=MAX_OUTPUT))
        elif op == "%" and isinstance(left, str):
            _check_size(left)
        return super().call_binop(context, op, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (as Jinja)
        for value in (*args, *kwargs.values()):
            _check_size(value)
        return super().call(__context, __obj, *args, **kwargs)


def _bounded_filter(fn: Any) -> Any:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in args if isinstance(a, str | int) and not isinstance(a, bool)]
        for value in (*values[1:], *kwargs.values()):  # the filtered value itself may be a big amount
            _check_size(value)
        if values and isinstance(values[0], str):
            _check_size(values[0])
        return fn(*args, **kwargs)

    for attr in ("jinja_pass_arg",):  # keep Jinja's context/environment markers
        if hasattr(fn, attr):
            setattr(bounded, attr, getattr(fn, attr))
    return bounded


def environment(*, autoescape: bool = False) -> SandboxedEnvironment:
    """A bounded sandbox (no attribute escapes to Python internals) that fails on unknown names."""
    env = BoundedSandbox(autoescape=autoescape, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    env.filters = {name: _bounded_filter(fn) for name, fn in env.filters.items()}
    env.binop_table = {**env.binop_table, "<<": operator.lshift}
    return env
