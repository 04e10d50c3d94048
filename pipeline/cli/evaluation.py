"""`ceri evaluation read FILLED.pdf [-o FILE] [--merge RECORD.yaml]`: the company's evaluation, back as YAML."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, main, max_size_option, reports_errors, today
from pipeline.cli.outputs import check_output
from pipeline.errors import CeriError
from pipeline.fileio import write_atomic
from pipeline.i18n import _
from pipeline.records import load
from pipeline.renderers.form.evalcheck import check_against
from pipeline.renderers.form.limits import read_untrusted
from pipeline.renderers.form.readback import evaluation_yaml, merge_into, read_evaluation


@main.group("evaluation")
def evaluation_group() -> None:
    """The company's evaluation form (評価書)."""


def comment_safe(text: str) -> str:
    """text for a YAML comment: line breaks and other control or separator characters escaped."""
    return "".join(c if c == " " or unicodedata.category(c)[0] not in "CZ" else f"\\u{ord(c):04x}" for c in text)


@evaluation_group.command("read")
@click.argument("filled", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the YAML block here.")
@click.option("--merge", "merge", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Write the block into the internship record in this file (comments and order kept).")
@click.option("--replace", is_flag=True, help="With --merge: replace an evaluation the record already has.")
@click.option("--accept-unchecked", is_flag=True,
              help="Accept a form issued before forms carried a check of their identifiers.")
@max_size_option
@as_of_option
@reports_errors
def read_command(filled: Path, output: Path | None, merge: Path | None, replace: bool, accept_unchecked: bool,
                 max_size: int, as_of) -> None:
    """Read a returned evaluation form (filled in any viewer) into the record's evaluation: block.

    received_on is --as-of (default: today). The form must be one ceri issued: its hidden identifiers
    carry a check made with this office's key (CERI_FORM_KEY).
    """
    if output is not None:
        check_output(output, [filled, *([merge] if merge else [])])
    rb = read_evaluation(read_untrusted(filled, max_size), received_on=today(as_of), source=str(filled),
                         accept_unchecked=accept_unchecked)
    text = comment_safe(f"# {rb.internship} (student {rb.student}): read from {filled.name}") + "\n" \
        + evaluation_yaml(rb)
    if merge is not None:
        target = Path(os.path.realpath(merge))  # through a symlink: the record itself is updated
        try:
            original = target.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CeriError(_("{file}: cannot read ({error})").format(file=merge, error=exc)) from None
        internship = load([target]).internships.get(rb.internship)
        if internship is None:
            raise CeriError(_("{file}: no internship record with id {internship}").format(file=merge,
                                                                                        internship=rb.internship))
        diff = check_against(rb, internship, str(merge), replace=replace)
        merged = merge_into(original, rb, str(merge))
        if output is not None:
            write_atomic(output, text.encode("utf-8"))
            click.echo(_("wrote {file}").format(file=output))
        write_atomic(target, merged.encode("utf-8"), mode=target.stat().st_mode & 0o777)
        if diff:
            click.echo(_("replaced the evaluation of {internship}:").format(internship=rb.internship))
            click.echo("\n".join(diff))
        click.echo(_("merged the evaluation of {internship} into {file}").format(internship=rb.internship,
                                                                                 file=merge))
        return
    if output is not None:
        write_atomic(output, text.encode("utf-8"))
        click.echo(_("wrote {file}").format(file=output))
    else:
        click.echo(text, nl=False)
