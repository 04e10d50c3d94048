"""The sandboxed Jinja environment that templates and field maps are evaluated in."""

from __future__ import annotations

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from pipeline.context.filters import FILTERS


def environment(*, autoescape: bool = False) -> SandboxedEnvironment:
    """A sandbox (no attribute escapes to Python internals) that fails on unknown names."""
    env = SandboxedEnvironment(autoescape=autoescape, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env
