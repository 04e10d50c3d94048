"""`ceri export`: records back into the office's roster workbook."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.base import load_records, main, paths_argument, reports_errors
from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.roster import export


@main.command("export")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@paths_argument
@reports_errors
def export_command(workbook: Path, paths: tuple[str, ...]) -> None:
    """Write the records under PATH... into WORKBOOK (.xlsx), one row per internship, in the layout of
    `ceri import --template`: `ceri import` of it gives the same records back."""
    if workbook.suffix.lower() != ".xlsx":
        raise CeriError(_("{file}: the roster is written as an .xlsx workbook").format(file=workbook))
    records = load_records(paths)
    if workbook.resolve() in {f.resolve() for f in records.files}:
        raise CeriError(_("{file} is an input: choose another file name").format(file=workbook))
    export(records, workbook)
    click.echo(_("wrote {file}: {students} students, {internships} internships").format(
        file=workbook, students=len(records.students), internships=len(records.internships)))
