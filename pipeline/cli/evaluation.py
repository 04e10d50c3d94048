"""`ceri evaluation read FILLED.pdf [-o FILE] [--merge RECORD.yaml]`: the company's evaluation, back as YAML."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.base import as_of_option, main, reports_errors, today
from pipeline.errors import CeriError
from pipeline.fileio import write_atomic
from pipeline.renderers.form.readback import evaluation_yaml, merge_into, read_evaluation


@main.group("evaluation")
def evaluation_group() -> None:
    """The company's evaluation form (評価書)."""


@evaluation_group.command("read")
@click.argument("filled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the YAML block here.")
@click.option("--merge", "merge", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Write the block into the internship record in this file (comments and order kept).")
@as_of_option
@reports_errors
def read_command(filled: Path, output: Path | None, merge: Path | None, as_of) -> None:
    """Read a returned evaluation form (filled in any viewer) into the record's evaluation: block.

    received_on is --as-of (default: today).
    """
    rb = read_evaluation(filled.read_bytes(), received_on=today(as_of), source=str(filled))
    text = f"# {rb.internship} (student {rb.student}): read from {filled.name}\n" + evaluation_yaml(rb)
    if merge is not None:
        try:
            original = merge.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CeriError(f"{merge}: cannot read ({exc})") from None
        write_atomic(merge, merge_into(original, rb, str(merge)).encode("utf-8"), mode=merge.stat().st_mode & 0o777)
        click.echo(f"merged the evaluation of {rb.internship} into {merge}")
    if output is not None:
        write_atomic(output, text.encode("utf-8"))
        click.echo(f"wrote {output}")
    elif merge is None:
        click.echo(text, nl=False)
