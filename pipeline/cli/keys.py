"""`ceri keys init | ceri keys import FILE.p12`: the institution's signing key (PAdES), and the `--sign`
option of the commands that issue certificates."""

from __future__ import annotations

import os
from pathlib import Path

import click

from pipeline.cli.base import load_records, main, reports_errors
from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.register.keys import PASSPHRASE_ENV, import_p12, init_key, keys_dir, trust
from pipeline.register.timestamp import TIMESTAMP_ENV

_sign = click.option(
    "--sign", "sign_path", type=click.Path(dir_okay=False, path_type=Path), metavar="KEY.p12",
    help=_("Sign every PDF certificate (PAdES) with this key (default: the institution record's signing: key)."))
_timestamp = click.option(
    "--timestamp-url", "timestamp_url", metavar="URL",
    help=_("Timestamp every signature (PAdES B-T) at this RFC 3161 server (default: $CERI_TIMESTAMP_URL, else "
           "the institution record's signing: timestamp_url)."))


def sign_option(command):
    """--sign KEY.p12 and --timestamp-url URL, on the commands that issue certificates."""
    return _sign(_timestamp(command))


def signing_key(sign_path: Path | None, records) -> Path | None:
    """--sign, else the institution record's `signing: {key: PATH}` (relative to that record's file)."""
    if sign_path is not None:
        return sign_path
    signing = records.institution.signing if records is not None else None
    if signing is None:
        return None
    source = records.docs.get(("institution", ""))
    base = Path(source.file).parent if source is not None else Path(".")
    return base / signing.key


def ask_passphrase(key: Path | None, *, confirm: bool = False) -> bytes | None:
    """$CERI_KEY_PASSPHRASE, else asked once (hidden) and kept in this run's environment, where the worker
    processes find it."""
    if key is None:
        return None
    value = os.environ.get(PASSPHRASE_ENV)
    if not value:
        value = click.prompt(_("Passphrase of the signing key {path}").format(path=key), hide_input=True,
                             confirmation_prompt=confirm, err=True)
        os.environ[PASSPHRASE_ENV] = value
    return value.encode("utf-8")


def timestamp_url(option: str | None, records) -> tuple[str | None, str]:
    """(the timestamp server, where that came from): --timestamp-url, else $CERI_TIMESTAMP_URL, else the
    institution record's `signing: {timestamp_url: URL}`; None: signatures are PAdES B-B."""
    if option:
        return option, "--timestamp-url"
    if os.environ.get(TIMESTAMP_ENV):
        return os.environ[TIMESTAMP_ENV], f"${TIMESTAMP_ENV}"
    signing = records.institution.signing if records is not None else None
    if signing is not None and signing.timestamp_url:
        return signing.timestamp_url, _("the institution record")
    return None, ""


def ready_to_sign(sign_path: Path | None, records, timestamp: str | None = None) -> str | None:
    """The key to sign with, loaded once here, and the timestamp server asked once, so that a wrong
    passphrase or an unreachable server stops the run before any number is taken; None when no key is
    configured. The server goes into this run's environment, where pack's worker processes find it."""
    from pipeline.register.seal import check_timestamp_server, sealer_for

    key = signing_key(sign_path, records)
    if key is None:
        if timestamp:
            raise click.UsageError(_("--timestamp-url goes with a signing key (--sign, or the institution record's "
                                     "signing: key)"))
        return None
    url, source = timestamp_url(timestamp, records)
    if url:
        from pydantic import TypeAdapter, ValidationError

        from pipeline.records.models import TimestampUrl

        try:
            TypeAdapter(TimestampUrl).validate_python(url)
        except ValidationError as exc:
            raise CeriError(f"{source}: {exc.errors()[0]['msg']}") from None
        os.environ[TIMESTAMP_ENV] = url
    ask_passphrase(key)
    check_timestamp_server(sealer_for(str(key)))
    return str(key)


@main.group("keys")
def keys_group() -> None:
    """The institution's signing key for PAdES signatures of certificates."""


@keys_group.command("init")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Folder for signing.p12 and signing-cert.pem (default: keys/ in ceri's data folder)."))
@click.option("--records", "records_paths", multiple=True, type=click.Path(exists=True), metavar="PATH",
              help=_("Records whose institution record names the organisation and signatory."))
@click.option("--demo", is_flag=True, help=_("A demo key: every signature made with it says DEMO KEY."))
@reports_errors
def init_command(folder, records_paths, demo):
    """Create a signing key and a self-signed certificate for trying signatures out (a real one comes from
    the university's CA: ceri keys import). The key file is 0600, encrypted with a passphrase."""
    records = load_records(records_paths, warn=False) if records_paths else None
    inst = records.institution if records is not None else None
    from pipeline.records.models import Institution

    inst = inst or Institution()
    signatory = ", ".join(p for p in (inst.signatory_name_en, inst.signatory_title_en) if p) or inst.name_en
    passphrase = ask_passphrase(Path("(new)"), confirm=True)
    made = init_key(folder or keys_dir(), passphrase, organisation=inst.name_en, signatory=signatory, demo=demo)
    if not demo:
        trust(made.cert)
    _report(made, demo)


@keys_group.command("import")
@click.argument("p12", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Folder for signing.p12 and signing-cert.pem (default: keys/ in ceri's data folder)."))
@reports_errors
def import_command(p12, folder):
    """Take FILE.p12 (key and certificate from the university's CA) as the institution's signing key."""
    passphrase = ask_passphrase(p12)
    made = import_p12(p12, folder or keys_dir(), passphrase)
    trust(made.cert)
    _report(made, False)


@keys_group.command("trust")
@click.argument("cert", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@reports_errors
def trust_command(cert):
    """Make ceri verify trust CERT.pem: a timestamp server's certificate, or a signing certificate of the
    institution's issued before the current one (it goes into ceri's trust folder)."""
    click.echo(_("verify now trusts {path}").format(path=trust(cert)))


def _report(made, demo: bool) -> None:
    click.echo(_("signing key: {path} (0600)").format(path=made.key))
    click.echo(_("certificate: {path} (give it to whoever checks signatures)").format(path=made.cert))
    click.echo(_("signer: {subject}; sha256 {fp}").format(subject=made.subject, fp=made.fingerprint))
    if demo:
        click.echo(_("this is a DEMO key: certificates signed with it say so"))
    click.echo(_("to sign, put in the institution record:  signing: {{key: {path}}}  (or give --sign)").format(
        path=made.key))


__all__ = ["CeriError", "ask_passphrase", "ready_to_sign", "sign_option", "signing_key", "timestamp_url"]
