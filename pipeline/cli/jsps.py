"""`ceri jsps-report PATH... --year Y -o DIR`: 様式5-3 for every fellow paid in Y, plus summary.csv/xlsx."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.cli.outputs import check_output
from pipeline.cli.pack import jobs_option, progress_bar, quiet_option, register_option
from pipeline.pack.jsps import JspsOptions, months, run
from pipeline.register import resolve_path
from pipeline.renderers import LANGS


@main.command("jsps-report")
@paths_argument
@click.option("--year", type=int, required=True, help="Calendar year of the remuneration.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGS), default="ja", show_default=True)
@as_of_option
@jobs_option
@quiet_option
@register_option
@reports_errors
def jsps_report_command(paths, year, out_dir, lang, as_of, jobs, quiet, register_path):
    """Reports on remuneration received (報酬受給報告書〈様式5-3〉) of JSPS fellows paid in YEAR."""
    check_output(out_dir, paths)
    records = load_records(paths)
    options = JspsOptions(as_of=today(as_of), year=year, langs=(lang,), register=str(resolve_path(register_path, records)))
    with progress_bar(len(records.students), quiet, "reports") as progress:
        summary = run(records, paths, out_dir, options, jobs=jobs or os.cpu_count(), progress=progress)
    for r in summary.rows:
        if r.over_limit:
            click.echo(f"{r.student}: internships total {months(r.months_total)} months, over the JSPS limit "
                       "of 6 (flagged in summary.xlsx)", err=True)
    for message in summary.failures:
        click.echo(message, err=True)
    if summary.missing:
        click.echo(summary.missing, err=True)
    click.echo(f"jsps-report {year}: {len(summary.rows)} fellows paid, {len(summary.written)} files → {out_dir}")
    sys.exit(summary.exit_code)
