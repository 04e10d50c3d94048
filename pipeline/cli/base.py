"""The click group and the helpers every command shares (error handling, loading, dates)."""

from __future__ import annotations

import functools
import importlib
import sys
from datetime import date

import click

from pipeline import __version__
from pipeline.cli import helptexts
from pipeline.errors import CeriError
from pipeline.i18n import UI_LANGS, _, click_gettext, click_ngettext, set_ui_lang
from pipeline.records import Records, load

# commands of the stage above the command line, loaded by name only when called (web imports cli, not back)
LAZY = {"serve": "pipeline.web.command:serve"}

def _click_speaks_our_language() -> None:
    """click's own messages (`Usage:`, `Error: Missing option '--student'.`, `Options`) come from the
    catalogue pipeline/locale/*/LC_MESSAGES/click.po in the language of messages: each click module took
    gettext's functions by name at import, so they are replaced there."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types
    import click.utils

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types, click.utils):
        if hasattr(module, "_"):
            module._ = click_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext


_click_speaks_our_language()
helptexts.install()



class Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY and name not in self.commands:
            module, attr = LAZY[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ceri")
@click.option("--lang-ui", type=click.Choice(UI_LANGS), default=None, is_eager=True,
              # eager and set at once, so that `ceri --lang-ui ja --help` prints its page in Japanese
              callback=lambda _ctx, _param, value: set_ui_lang(value) or value,
              help="Language of messages, ja or en (default: from the locale, LANG=ja_JP.UTF-8 gives ja).")
def main(lang_ui: str | None) -> None:
    """ceri: paperwork for SOKENDAI's research internships (ジョブ型研究インターンシップ)."""
    set_ui_lang(lang_ui)


def reports_errors(fn):
    """Turn CeriError into its messages on stderr and exit code 2 — never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CeriError as exc:
            for line in exc.messages():
                click.echo(line, err=True)
            sys.exit(2)

    return wrapper


def load_records(paths: tuple[str, ...], *, warn: bool = True) -> Records:
    records = load(paths)
    if warn:
        for w in records.warnings:
            click.echo(_("{problem} (warning)").format(problem=w), err=True)
    return records


def parse_day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("'{value}' is not a date YYYY-MM-DD").format(value=value)) from None


as_of_option = click.option("--as-of", "as_of", callback=parse_day, metavar="YYYY-MM-DD",
                            help="Date rules and documents are judged and issued on (default: today).")
paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path())


def today(as_of: date | None) -> date:
    return as_of or date.today()


def max_size_option(fn):
    """--max-size BYTES for commands that read a PDF from outside (limits in docs/limits.md)."""
    from pipeline.renderers.form.limits import MAX_SIZE

    return click.option("--max-size", "max_size", type=click.IntRange(min=1), default=MAX_SIZE, show_default=True,
                        metavar="BYTES", help="Largest PDF from outside that is read.")(fn)
