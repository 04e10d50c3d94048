"""`ceri validate` and `ceri schema`."""

from __future__ import annotations

import json

import click

from pipeline.cli.base import load_records, main, paths_argument, reports_errors
from pipeline.records.schema import json_schema


@main.command()
@paths_argument
@reports_errors
def validate(paths: tuple[str, ...]) -> None:
    """Check records files and folders; print a summary, or every problem with FILE:LINE:COLUMN."""
    records = load_records(paths)
    click.echo(f"ok: {len(records.students)} students, {len(records.internships)} internships "
               f"in {len(records.files)} files")


@main.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the records format, for editors."""
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
