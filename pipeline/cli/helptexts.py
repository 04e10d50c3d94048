"""`--help` in the language of messages: the descriptions of commands and options are msgids of the
catalogue too. They are written as plain English in the click decorators and docstrings; `extract` hands
them to `pybabel extract` (babel.cfg names it), and `install` makes click show their translation."""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import click

from pipeline.i18n import _, click_gettext


def _cleaned(text: str | None) -> str:
    """A help text as click shows it: dedented, without what follows a form feed."""
    return inspect.cleandoc(text).partition("\f")[0] if text else ""


def _walk(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name])


def texts(root: click.Command) -> Iterator[str]:
    """Every help text of the command line: each command's help and short help, each option's help."""
    for command in _walk(root):
        for text in (command.help, command.short_help, command.epilog):
            if _cleaned(text):
                yield _cleaned(text)
        for param in command.params:
            if isinstance(param, click.Option) and param.help and param.name not in ("help", "version"):
                yield _cleaned(param.help)


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: dict) -> Iterator[tuple]:
    """A babel extraction method (babel.cfg: [pipeline.cli.helptexts:extract: cli/__init__.py]): the
    help texts of the whole command line, whatever file names them."""
    from pipeline.cli import main

    seen = set()
    for text in texts(main):
        if text not in seen:
            seen.add(text)
            yield 1, None, text, ["help text of the command line"]


def _computed_by_click() -> tuple[str, ...]:
    """Words click passes to gettext through a variable, so that no extraction of click finds them."""
    return (_("required"),)


def _translated(method: Callable, *attributes: str, gettext: Callable[[str], str] = _) -> Callable:
    """method, run with the object's help attributes replaced by their translation for the call."""

    def wrapper(self, *args, **kwargs):
        saved = {a: getattr(self, a) for a in attributes}
        try:
            for a, value in saved.items():
                if value:
                    setattr(self, a, gettext(_cleaned(value)))
            return method(self, *args, **kwargs)
        finally:
            for a, value in saved.items():
                setattr(self, a, value)

    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    return wrapper


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _short_help(method: Callable) -> Callable:
    """The command list's one line: click cuts English at its first sentence and at a word; a Japanese
    translation has no spaces, so it is cut at its first 。 and at the column limit."""
    translated = _translated(method, "help", "short_help")

    def wrapper(self, limit: int = 45) -> str:
        text = _(_cleaned(self.short_help or self.help))
        if text.isascii():
            return translated(self, limit)
        line = text.split("\n\n")[0].replace("\n", "").split("。")[0]
        if _width(line) <= limit:
            return line
        while _width(line) > limit - 3:
            line = line[:-1]
        return line + "..."

    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Help pages show the descriptions in the language of messages (once per process)."""
    if getattr(click.Command.format_help_text, "__wrapped__", None):
        return
    click.Command.format_help_text = _translated(click.Command.format_help_text, "help")
    click.Command.format_epilog = _translated(click.Command.format_epilog, "epilog")
    click.Command.get_short_help_str = _short_help(click.Command.get_short_help_str)
    # an option's help is ceri's or, for --help and --version (made when the group is declared, before
    # --lang-ui is read), click's own
    click.Option.get_help_record = _translated(click.Option.get_help_record, "help", gettext=click_gettext)
