"""`ceri register list|revoke|check|backup`: read the certificate register, revoke one certificate, check
the file, copy it safely."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, main, reports_errors, today
from pipeline.cli.verify import records_option, register_option, register_place
from pipeline.i18n import _
from pipeline.register import Register
from pipeline.register.backup import backup
from pipeline.register.integrity import full_check
from pipeline.register.ledger import describe, entries, render_entries, revoke
from pipeline.register.serials import sweep


@main.group("register")
def register_group() -> None:
    """The certificate register (証明書発行台帳): every serial ceri has issued."""


@register_group.command("list")
@register_option
@records_option
@click.option("--year", type=int, help=_("Only certificates numbered in this year."))
@click.option("--student", help=_("Only this student's certificates."))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@reports_errors
def list_command(register_path, records_paths, year, student, fmt):
    """List certificates in serial order, with their status (current, superseded, revoked, void and why)."""
    with Register(register_place(register_path, records_paths).path, create=False) as register:
        sweep(register)  # numbers of runs that were killed end void (or issued, if their file is there)
        items = entries(register, year=year, student=student)
    click.echo(render_entries(items, fmt), nl=False)


@register_group.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True, help=_("Why, in one line (kept in the register and shown by verify)."))
@register_option
@records_option
@as_of_option
@reports_errors
def revoke_command(serial, reason, register_path, records_paths, as_of):
    """Revoke certificate SERIAL: from now on `ceri verify` reports it as revoked."""
    with Register(register_place(register_path, records_paths).path, create=False) as register:
        row = revoke(register, serial, reason, today(as_of))
    click.echo(_("revoked: {what}").format(what=describe(row)))


@register_group.command("check")
@register_option
@records_option
@reports_errors
def check_command(register_path, records_paths):
    """Check the whole register file: SQLite's full integrity check, the counters, every row's checksum.
    Exit 0 when sound, 2 when damaged (restore it from a backup)."""
    place = register_place(register_path, records_paths)
    with Register(place.path, create=False) as register:
        problems = full_check(register)
        count = register.conn.execute("SELECT count(*) FROM certificates").fetchone()[0]
    if problems:
        for problem in problems:
            click.echo(_("{path}: damaged: {problem}").format(path=place.path, problem=problem), err=True)
        sys.exit(2)
    click.echo(_("{path}: sound ({n} serials)").format(path=place.path, n=count))


@register_group.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@register_option
@records_option
@reports_errors
def backup_command(destination, register_path, records_paths):
    """Write a consistent copy of the register to DESTINATION (SQLite's backup API: safe while other ceri
    runs are writing). DESTINATION must not exist yet."""
    place = register_place(register_path, records_paths)
    count = backup(place.path, destination)
    click.echo(_("backed up {path} to {destination} ({n} serials)").format(
        path=place.path, destination=destination, n=count))
