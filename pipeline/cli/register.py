"""`ceri register list|revoke`: read the certificate register, or revoke one certificate."""

from __future__ import annotations

import click

from pipeline.cli.base import as_of_option, main, reports_errors, today
from pipeline.cli.verify import records_option, register_option, register_place
from pipeline.register import Register
from pipeline.register.ledger import describe, entries, render_entries, revoke


@main.group("register")
def register_group() -> None:
    """The certificate register (証明書発行台帳): every serial ceri has issued."""


@register_group.command("list")
@register_option
@records_option
@click.option("--year", type=int, help="Only certificates numbered in this year.")
@click.option("--student", help="Only this student's certificates.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@reports_errors
def list_command(register_path, records_paths, year, student, fmt):
    """List certificates in serial order, with their status (current, superseded, revoked, void)."""
    with Register(register_place(register_path, records_paths).path, create=False) as register:
        items = entries(register, year=year, student=student)
    click.echo(render_entries(items, fmt), nl=False)


@register_group.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True, help="Why (kept in the register and shown by verify).")
@register_option
@records_option
@as_of_option
@reports_errors
def revoke_command(serial, reason, register_path, records_paths, as_of):
    """Revoke certificate SERIAL: from now on `ceri verify` reports it as revoked."""
    with Register(register_place(register_path, records_paths).path, create=False) as register:
        row = revoke(register, serial, reason, today(as_of))
    click.echo(f"revoked: {describe(row)}")
