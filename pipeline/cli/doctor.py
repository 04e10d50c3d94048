"""`ceri doctor`: what ceri found on this machine."""

from __future__ import annotations

import platform
import shutil
from importlib.metadata import PackageNotFoundError, version

import click

from pipeline import __version__, fonts
from pipeline.cli.base import main, reports_errors
from pipeline.cli.verify import records_option, register_option, register_place
from pipeline.i18n import _

LIBRARIES = ("pypdf", "reportlab", "rl-accel", "docxtpl", "python-docx", "pydantic", "babel", "click", "PyYAML", "Jinja2",
             "zxing-cpp", "openpyxl")
TOOLS = ("pdftotext", "pdffonts", "qpdf", "soffice")


@main.command()
@register_option
@records_option
@reports_errors
def doctor(register_path, records_paths) -> None:
    """Show versions, fonts, external tools, and the certificate register in use."""
    click.echo(_("ceri {version} on Python {python} ({system})").format(
        version=__version__, python=platform.python_version(), system=platform.system()))
    click.echo(_("libraries:"))
    for lib in LIBRARIES:
        try:
            v = version(lib)
        except PackageNotFoundError:
            v = _("MISSING")
        click.echo(f"  {lib:12} {v}")
    click.echo(_("fonts:"))
    for role, path in fonts.report():
        click.echo(f"  {role:12} {path}")
    if fonts.find("mincho") is None or fonts.find("gothic") is None:
        click.echo(_("  Japanese TTF missing: documents use HeiseiMin-W3 / HeiseiKakuGo-W5, NOT embedded;\n"
                     "  install IPAex fonts (apt-get install fonts-ipaexfont-mincho fonts-ipaexfont-gothic)\n"
                     "  or point $CERI_FONTS at a folder holding ipaexm.ttf and ipaexg.ttf."))
    else:
        click.echo(_("  Japanese fonts are embedded as subsets."))
    click.echo(_("tools:"))
    for tool in TOOLS:
        click.echo(f"  {tool:12} {shutil.which(tool) or _('not found')}")
    _signing(records_paths)
    place = register_place(register_path, records_paths)
    click.echo(_("register:"))
    state = _("exists") if place.path.exists() else _("not created yet (the first certificate creates it)")
    click.echo(_("  {path} (from {source}; {state})").format(path=place.path, source=place.source, state=state))
    if place.path.exists():
        click.echo("  " + _register_health(place.path))


def _signing(records_paths) -> None:
    """Which key signs certificates (the institution record's), and which certificates verify trusts."""
    from pipeline.cli.base import load_records
    from pipeline.cli.keys import signing_key
    from pipeline.register.keys import trust_dir

    records = load_records(records_paths, warn=False) if records_paths else None
    key = signing_key(None, records)
    click.echo(_("signing:"))
    if key is None:
        click.echo(_("  no signing key configured: certificates are not signed (institution record "
                     "signing: {key: PATH}, or --sign; see ceri keys init)"))
    else:
        cert = key.with_name("signing-cert.pem")
        state = _("exists") if key.is_file() else _("MISSING")
        click.echo(_("  key {path} ({state}), from the institution record").format(path=key, state=state))
        if cert.is_file():
            from cryptography import x509

            subject = x509.load_pem_x509_certificate(cert.read_bytes()).subject.rfc4514_string()
            demo = _(" — a DEMO key") if "DEMO KEY" in subject else ""
            click.echo(_("  signer {subject}{demo}").format(subject=subject, demo=demo))
    _timestamp(records)
    from pipeline.register.stamp import japanese_font

    font = japanese_font()
    if font is not None:
        click.echo(_("  the visible signature names the signatory in Japanese and English ({font})").format(font=font))
    else:
        click.echo(_("  no Japanese font: the visible signature is in English only (install the IPAex fonts)"))
    roots = sorted(trust_dir().glob("*.pem")) if trust_dir().is_dir() else []
    click.echo(_("  verify trusts {n} certificate(s) in {folder}").format(n=len(roots), folder=trust_dir()))


def _timestamp(records) -> None:
    """The timestamp server signatures ask (PAdES B-T), and whether it answers now."""
    from pipeline.cli.keys import timestamp_url
    from pipeline.errors import CeriError
    from pipeline.register.timestamp import probe, timestamper

    url, source = timestamp_url(None, records)
    if url is None:
        click.echo(_("  no timestamp server: signatures are PAdES B-B, dated the issue date (institution record "
                     "signing: {timestamp_url: URL}, $CERI_TIMESTAMP_URL or --timestamp-url for B-T)"))
        return
    try:
        probe(timestamper(url))
        state = _("answers")
    except CeriError as exc:
        state = _("NOT ANSWERING: {error}").format(error=exc)
    click.echo(_("  timestamp server {url} (from {source}; PAdES B-T): {state}").format(
        url=url, source=source, state=state))


def _register_health(path) -> str:
    """The full check's verdict in one line (doctor never stops on a bad register: it reports it)."""
    from pipeline.errors import CeriError
    from pipeline.register import Register
    from pipeline.register.integrity import full_check

    try:
        with Register(path, create=False) as register:
            problems = full_check(register)
            count = register.conn.execute("SELECT count(*) FROM certificates").fetchone()[0]
    except CeriError as exc:
        return _("DAMAGED: {error}").format(error=exc)
    if problems:
        return _("DAMAGED: {problems}").format(problems="; ".join(problems))
    return _("sound: full integrity check passed ({n} serials)").format(n=count)
