"""`ceri pack PATH... -o DIR`: every internship's documents, findings and manifest, in one folder each."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.cli.keys import ready_to_sign, sign_option
from pipeline.cli.outputs import check_output
from pipeline.errors import InputError
from pipeline.i18n import _, ui_lang
from pipeline.pack import PackOptions, run
from pipeline.pack.select import LANG_CHOICES, languages
from pipeline.records.load import orphans
from pipeline.register import resolve_path

jobs_option = click.option("--jobs", type=click.IntRange(min=1), default=None,
                           help="Worker processes (default: the number of CPUs); 1 runs in this process.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
register_option = click.option("--register", "register_path", type=click.Path(dir_okay=False, path_type=Path),
                               metavar="DB", help="Certificate register (default: $CERI_REGISTER, else the institution "
                               "record's register:, else the user's data folder; `ceri doctor` shows which).")


@contextlib.contextmanager
def progress_bar(total: int, quiet: bool, label: str):
    """A progress callback: a bar on stderr when it is a terminal, nothing otherwise."""
    if quiet or total == 0 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@main.command("pack")
@paths_argument
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the packs: DIR/<student>/<internship>/.")
@click.option("--student", "students", multiple=True, metavar="ID", help="Only this student (repeatable).")
@click.option("--lang", type=click.Choice(LANG_CHOICES), default="ja+en", show_default=True,
              help="Language of the documents; 'all' makes ja, en and ja+en.")
@as_of_option
@jobs_option
@click.option("--zip", "make_zip", is_flag=True, help="Also write one zip per recipient: DIR/<student>/<internship>.immigration.zip (what the student takes to the bureau) and .company.zip (the company's form and letter).")
@click.option("--force", is_flag=True, help="Rebuild packs that are up to date.")
@click.option("--strict", is_flag=True, help="Refuse to build packs whose records have error findings.")
@quiet_option
@register_option
@sign_option
@reports_errors
def pack_command(paths, out_dir, students, lang, as_of, jobs, make_zip, force, strict, quiet,
                 register_path, sign_path, timestamp_url):
    """Build the pack of documents of every internship (or of --student ones) into DIR."""
    check_output(out_dir, paths)
    records = load_records(paths, warn=False)
    # an internship whose student id is mistyped would be left out without a word ("0 built", exit 0)
    lost = orphans(records, near=students or None)
    if lost:
        raise InputError(lost)
    options = PackOptions(as_of=today(as_of), langs=languages(lang), register=str(resolve_path(register_path, records)),
                          signing=ready_to_sign(sign_path, records, timestamp_url))
    total = sum(len(records.internships_of(s)) for s in (students or records.students))
    with progress_bar(total, quiet, "packs") as progress:
        summary = run(records, paths, out_dir, options, students=students, jobs=jobs or os.cpu_count(),
                      force=force, strict=strict, make_zip=make_zip, progress=progress)
    for job in summary.jobs:
        for f in job.errors:
            click.echo(_("{student}/{internship}: error {code}: {message}").format(
                student=job.student, internship=job.internship, code=f["code"],
                message=f["message_ja"] if ui_lang() == "ja" else f["message_en"]), err=True)
    for r in summary.results:
        if r.status == "failed":
            click.echo(_("{student}/{internship}: FAILED: {message}").format(
                student=r.student, internship=r.internship, message=r.message), err=True)
        elif r.status == "refused":
            click.echo(_("{student}/{internship}: refused: {message}").format(
                student=r.student, internship=r.internship, message=r.message), err=True)
    for message in summary.failures:
        click.echo(message, err=True)
    missing = sorted({d for r in summary.results for d in r.missing})
    if missing and not quiet:
        click.echo(_("not available yet (listed as missing in the manifests): {documents}").format(
            documents=", ".join(missing)), err=True)
    click.echo(f"{summary.line()} → {out_dir}")
    sys.exit(summary.exit_code)
