"""`ceri templates variables DOC`: what a Word template for DOC can use, with an example value each."""

from __future__ import annotations

import click

from pipeline.cli.base import as_of_option, load_records, main, reports_errors, today
from pipeline.context import build_context
from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.renderers import RenderRequest, documents
from pipeline.resources import ROOT

EXAMPLE = ("22DA0101", "CERI-2026-003")  # examples/: a JSPS fellow whose host is `AT&T <Japan> 株式会社`


@main.group()
def templates() -> None:
    """Word (.docx) templates: what they can use."""


@templates.command("variables")
@click.argument("doc", type=click.Choice(list(documents())))
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--student", "student_id", help=f"Example student (default {EXAMPLE[0]} from examples/).")
@click.option("--internship", "internship_id", help="Example internship.")
@click.option("--lang", type=click.Choice(["ja", "en", "ja+en"]), default="ja", show_default=True)
@as_of_option
@reports_errors
def variables_command(doc, paths, student_id, internship_id, lang, as_of):
    """Print the variables and filters a template for DOC can use, with example values."""
    from pipeline.renderers.docx.context import docx_context
    from pipeline.renderers.docx.variables import filter_examples, variables

    if not paths:
        if not (ROOT / "examples").is_dir():
            raise CeriError(_("no examples/ folder here: give records PATH... and --student ID"))
        paths = (str(ROOT / "examples"),)
        if student_id is None:
            student_id, internship_id = EXAMPLE[0], internship_id or EXAMPLE[1]
    if student_id is None:
        raise CeriError(_("give --student ID (and --internship ID) for the example values"))
    records = load_records(paths, warn=False)
    context = build_context(records, student_id, internship_id, as_of=today(as_of))
    ctx = docx_context(RenderRequest(doc=doc, lang=lang, fmt="docx", context=context))
    rows, filters = variables(ctx), filter_examples(ctx)
    width = max(len(r[0]) for r in rows + filters) + 2
    if context["internship"]:
        heading = _("# Variables for {doc} templates (write {{{{ name }}}}), example: student {student}, "
                    "internship {internship}").format(doc=doc, student=student_id,
                                                      internship=context["internship"].id)
    else:
        heading = _("# Variables for {doc} templates (write {{{{ name }}}}), example: student {student}").format(
            doc=doc, student=student_id)
    click.echo(heading)
    for expr, value in rows:
        click.echo(f"{expr:<{width}}{value}")
    click.echo("\n" + _("# Filters (write {{ value | filter }})"))
    for expr, value in filters:
        click.echo(f"{expr:<{width}}{value}")
