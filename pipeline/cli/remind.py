"""`ceri remind PATH... --as-of D [--days 14] -o DIR`: e-mail drafts and calendar.ics; nothing is sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors
from pipeline.desk.ical import calendar
from pipeline.desk.remind import drafts
from pipeline.desk.status import FindingIndex, rows
from pipeline.errors import CeriError
from pipeline.fileio import make_private_dir, write_atomic
from pipeline.i18n import _
from pipeline.rules import check


@main.command("remind")
@paths_argument
@as_of_option
@click.option("--days", type=click.IntRange(0, 366), default=14, show_default=True,
              help="Remind everyone who must act within this many days (overdue actions included).")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the .eml drafts and calendar.ics (created if missing).")
@reports_errors
def remind_command(paths: tuple[str, ...], as_of: date | None, days: int, out_dir: Path) -> None:
    """E-mail drafts (.eml, ja and en) for everyone who must act soon, and calendar.ics. Nothing is sent."""
    if as_of is None:
        raise CeriError(_("--as-of YYYY-MM-DD is required: the reminders are for the days after it"))
    records = load_records(paths)
    if any(out_dir.resolve() == f.resolve() for f in records.files):
        raise CeriError(_("-o {path}: that is one of the input files; choose another name").format(path=out_dir))
    findings = check(records, as_of)
    board = rows(records, as_of, index=FindingIndex(findings))
    made = drafts(records, board, findings, as_of, days)
    files = {f"{d.key}.eml": d.eml(as_of, records.institution.secretariat_email) for d in made}
    files["calendar.ics"] = calendar(records, as_of)
    try:
        make_private_dir(out_dir)
        for name, data in files.items():
            write_atomic(out_dir / name, data)
    except OSError as exc:
        raise CeriError(_("cannot write {path}: {reason}").format(path=out_dir, reason=exc.strerror)) from None
    for d in made:
        if d.address is None:
            click.echo(_("{file}: no e-mail address recorded; fill in the recipient").format(file=f"{d.key}.eml"),
                       err=True)
    click.echo(_("{drafts} e-mail drafts and calendar.ics written to {folder} (nothing was sent)").format(
        drafts=len(made), folder=out_dir))
