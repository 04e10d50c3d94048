"""`ceri jsps-report PATH... --year Y -o DIR`: 様式5-3 for every fellow paid in Y, plus summary.csv/xlsx."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.cli.outputs import check_output
from pipeline.cli.pack import jobs_option, progress_bar, quiet_option, register_option
from pipeline.i18n import _
from pipeline.pack.jsps import JspsOptions, months, run
from pipeline.register import resolve_path
from pipeline.renderers import LANGS
from pipeline.renderers.pdf.jsps import check_report_date, in_submission_window


@main.command("jsps-report")
@paths_argument
@click.option("--year", type=int, required=True, help="Calendar year of the remuneration.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGS), default="ja", show_default=True)
@as_of_option
@jobs_option
@quiet_option
@register_option
@click.option("--allow-estimated", is_flag=True,
              help="Issue reports whose amounts are estimated (no payments recorded), or for a year not yet over.")
@reports_errors
def jsps_report_command(paths, year, out_dir, lang, as_of, jobs, quiet, register_path, allow_estimated):
    """Reports on remuneration received (報酬受給報告書〈様式5-3〉) of JSPS fellows paid in YEAR."""
    day = today(as_of)
    check_report_date(year, day, allow_estimated)  # before anything is read or written
    check_output(out_dir, paths)
    records = load_records(paths)
    options = JspsOptions(as_of=day, year=year, langs=(lang,), register=str(resolve_path(register_path, records)),
                          allow_estimated=allow_estimated)
    with progress_bar(len(records.students), quiet, "reports") as progress:
        summary = run(records, paths, out_dir, options, jobs=jobs or os.cpu_count(), progress=progress)
    for r in summary.rows:
        if r.over_limit:
            click.echo(_("{student}: internships total {months} months, over the JSPS limit of 6 (flagged in "
                         "summary.xlsx)").format(student=r.student, months=months(r.months_total)), err=True)
    for message in summary.failures:
        click.echo(message, err=True)
    if summary.missing:
        click.echo(summary.missing, err=True)
    estimated = [r for r in summary.rows if r.estimated]
    if not allow_estimated:
        for r in estimated:
            click.echo(_("warning: {student}: the {year} amount is estimated (no payments recorded): record the "
                         "payments before submitting the report, or give --allow-estimated")
                       .format(student=r.student, year=year), err=True)
    click.echo(_("jsps-report {year}: {fellows} fellows paid, {files} files → {folder}").format(
        year=year, fellows=len(summary.rows), files=len(summary.written), folder=out_dir))
    # at submission time (from April 1 of the next year) an estimated amount must not go out unnoticed
    held = bool(estimated) and not allow_estimated and in_submission_window(year, day)
    sys.exit(summary.exit_code or (1 if held else 0))
