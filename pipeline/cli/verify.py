"""`ceri verify FILE.pdf [--register DB]`: is this certificate one we issued, unaltered?"""

from __future__ import annotations

import sys

import click

from pipeline.cli.base import main, reports_errors
from pipeline.register import Register, read_pdf, resolve_path, verify

register_option = click.option(
    "--register", "register_path", type=click.Path(dir_okay=False), metavar="DB",
    help="The register (default: $CERI_REGISTER, else register.sqlite here).")


@main.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
@register_option
@reports_errors
def verify_command(file, register_path):
    """Check FILE against the register: genuine (exit 0), or revoked, altered, unknown (exit 1)."""
    data = read_pdf(file)
    with Register(resolve_path(register_path, None), create=False) as register:
        verdict = verify(register, data)
    click.echo(verdict.message)
    sys.exit(0 if verdict.genuine else 1)
