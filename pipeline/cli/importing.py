"""`ceri import`: the office's Excel or CSV roster into YAML records; `--template` writes the empty roster."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.base import main, reports_errors
from pipeline.errors import CeriError, InputError
from pipeline.i18n import _
from pipeline.roster import apply, preview, write_template


@main.command("import")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the YAML records to create or update (one file per student).")
@click.option("--template", "template", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the empty roster workbook (.xlsx) the office fills, and stop.")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@reports_errors
def import_command(files: tuple[Path, ...], out_dir: Path | None, template: Path | None, dry_run: bool) -> None:
    """Turn roster workbooks (.xlsx) or CSV files into YAML records in -o DIR, one file per student.

    A re-import updates the values that changed and keeps each file's comments and order. Any mistake in
    the roster is reported at its cell (FILE:SHEET!CELL, or FILE:LINE:COLUMN for a CSV) and nothing is
    written."""
    if template is not None:
        if files or out_dir:
            raise CeriError(_("--template writes an empty roster: give no roster files and no -o"))
        if template.exists():
            raise CeriError(_("{file} already exists: the template never replaces a file").format(file=template))
        write_template(template)
        click.echo(_("wrote {file}").format(file=template))
        return
    if not files or out_dir is None:
        raise click.UsageError(_("give the roster files and -o DIR (or --template FILE.xlsx)"))
    plan = preview(files, out_dir)
    if plan.problems:
        raise InputError(list(plan.problems))
    said = {"create": _("create"), "update": _("update")}
    for change in plan.files:
        if change.action != "unchanged":
            click.echo(_("{action}: {file} ({count} values)").format(
                action=said[change.action], file=change.path, count=len(change.fields)))
    if not dry_run:
        apply(plan)
    counts = {a: sum(1 for c in plan.files if c.action == a) for a in ("create", "update", "unchanged")}
    click.echo(_("rows read {rows}: students {students}, internships {internships}; files created {create}, "
                 "updated {update}, unchanged {unchanged}{dry}").format(
        rows=plan.rows, students=plan.students, internships=plan.internships, **counts,
        dry=_(" (dry run: nothing written)") if dry_run else ""))
