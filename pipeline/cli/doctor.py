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
    click.echo(f"ceri {__version__} on Python {platform.python_version()} ({platform.system()})")
    click.echo("libraries:")
    for lib in LIBRARIES:
        try:
            v = version(lib)
        except PackageNotFoundError:
            v = "MISSING"
        click.echo(f"  {lib:12} {v}")
    click.echo("fonts:")
    for role, path in fonts.report():
        click.echo(f"  {role:12} {path}")
    if fonts.find("mincho") is None or fonts.find("gothic") is None:
        click.echo("  Japanese TTF missing: documents use HeiseiMin-W3 / HeiseiKakuGo-W5, NOT embedded;\n"
                   "  install IPAex fonts (apt-get install fonts-ipaexfont-mincho fonts-ipaexfont-gothic)\n"
                   "  or point $CERI_FONTS at a folder holding ipaexm.ttf and ipaexg.ttf.")
    else:
        click.echo("  Japanese fonts are embedded as subsets.")
    click.echo("tools:")
    for tool in TOOLS:
        click.echo(f"  {tool:12} {shutil.which(tool) or 'not found'}")
    place = register_place(register_path, records_paths)
    click.echo(_("register:"))
    state = _("exists") if place.path.exists() else _("not created yet (the first certificate creates it)")
    click.echo(_("  {path} (from {source}; {state})").format(path=place.path, source=place.source, state=state))
    if place.path.exists():
        click.echo("  " + _register_health(place.path))


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
