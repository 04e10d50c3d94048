"""`ceri validate` and `ceri schema`."""

from __future__ import annotations

import json

import click

from pipeline.cli.base import load_records, main, paths_argument, reports_errors
from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.records.schema import json_schema
from pipeline.renderers.preflight import problems


@main.command()
@paths_argument
@reports_errors
def validate(paths: tuple[str, ...]) -> None:
    """Check records files and folders; print a summary, or every problem with FILE:LINE:COLUMN.

    Besides the format, it refuses what render and pack would: an internship of an unknown student, a
    character no installed font can draw, a value that cannot be laid out."""
    records = load_records(paths, warn=False)
    found = problems(records)
    if found:
        raise InputError(found)
    click.echo(_("ok: {students} students, {internships} internships in {files} files").format(
        students=len(records.students), internships=len(records.internships), files=len(records.files)))


@main.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the records format, for editors."""
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
