"""`ceri verify FILE [--register DB]`: is this certificate one we issued, unaltered?"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.cli.base import load_records, main, reports_errors
from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.register import Place, Register, find, read_pdf, verify
from pipeline.register.editable import is_docx
from pipeline.register.keys import trust_dir
from pipeline.register.serials import sweep
from pipeline.register.verify import verify_docx

register_option = click.option(
    "--register", "register_path", type=click.Path(dir_okay=False), metavar="DB",
    help=_("The register (default: $CERI_REGISTER, else the user's data folder; `ceri doctor` shows which)."))
records_option = click.option(
    "--records", "records_paths", multiple=True, type=click.Path(exists=True), metavar="PATH",
    help=_("Records whose institution record names the register (register: PATH), when it is kept there."))


def register_place(register_path: str | None, records_paths: tuple[str, ...] = ()) -> Place:
    """The same register render, pack and jsps-report use, found without any flag."""
    records = load_records(records_paths, warn=False) if records_paths and not register_path else None
    return find(register_path, records)


def trust_roots(extra: tuple[Path, ...] = ()) -> list[bytes]:
    """The certificates whose signatures verify trusts: ceri's trust folder (the institution's own keys, put
    there by `ceri keys init|import`) and --trust."""
    folder = trust_dir()
    found = sorted(folder.glob("*.pem")) if folder.is_dir() else []
    return [p.read_bytes() for p in [*found, *extra]]


@main.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
@register_option
@records_option
@click.option("--trust", "trusted", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="CERT.pem", help=_("Also trust signatures by this certificate (besides ceri's trust folder)."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def verify_command(file, register_path, records_paths, trusted, fmt):
    """Check FILE (a PDF certificate, a Word certificate, or a PDF made from one) against the register and
    its signature: genuine (exit 0); revoked, altered, void, unknown (exit 1); unreadable file or damaged
    register (exit 2)."""
    data = read_pdf(file)
    with Register(register_place(register_path, records_paths).path, create=False) as register:
        sweep(register)
        if is_docx(data):
            try:
                verdict = verify_docx(register, data)
            except CeriError as exc:
                raise CeriError(f"{file}: {exc}") from None
        else:
            verdict = verify(register, data, trust_roots(trusted))
    if fmt == "json":
        click.echo(json.dumps({"file": str(file), "status": verdict.status, "genuine": verdict.genuine,
                               "serial": verdict.serial, "message": verdict.message, **verdict.details},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(verdict.message)
    sys.exit(verdict.exit_code)
