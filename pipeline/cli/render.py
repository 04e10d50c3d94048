"""`ceri render DOC PATH... --student ID -o FILE`: one document for one student."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.cli.outputs import check_output
from pipeline.context import build_context, require_internship
from pipeline.fileio import write_atomic
from pipeline.register import Register, inputs_hash_for, issue, resolve_path
from pipeline.renderers import LANGS, RenderRequest, documents, is_certificate, render, renderer


@main.command("render")
@click.argument("doc", type=click.Choice(list(documents())))
@paths_argument
@click.option("--student", "student_id", required=True, help="Student id.")
@click.option("--internship", "internship_id", help="Internship id (needed when the student has several).")
@click.option("--lang", type=click.Choice(LANGS), default="ja+en", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default="pdf", show_default=True)
@click.option("--year", type=int, help="Calendar year (jsps-report).")
@as_of_option
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your own .docx template (with --format docx).")
@click.option("--pdf", "also_pdf", is_flag=True, help="With --format docx: also convert to PDF with LibreOffice.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--register", "register_path", type=click.Path(dir_okay=False, path_type=Path), metavar="DB",
              help="Certificate register (default: $CERI_REGISTER, else register.sqlite beside FILE).")
@click.option("--allow-estimated", is_flag=True,
              help="jsps-report: issue a report for a year not yet over (its amounts estimated).")
@reports_errors
def render_command(doc, paths, student_id, internship_id, lang, fmt, year, as_of, template, also_pdf, output,
                   register_path, allow_estimated):
    """Render one document (DOC) for one student to FILE."""
    check_output(output, [*paths, *([template] if template else [])])
    if also_pdf:
        check_output(output.with_suffix(".pdf"), [*paths, *([template] if template else [])])
    records = load_records(paths)
    context = build_context(records, student_id, internship_id, as_of=today(as_of), year=year)
    if documents()[doc].internship:
        require_internship(context, doc)
    request = RenderRequest(doc=doc, lang=lang, fmt=fmt, context=context, template=template,
                            options={"allow_estimated": True} if allow_estimated else {})
    if also_pdf and fmt != "docx":
        raise click.UsageError("--pdf goes with --format docx")
    if is_certificate(request):
        data = _issue(request, resolve_path(register_path, output.parent))
    else:
        data = render(request)
    pdf_data = None
    if also_pdf:  # converted before anything is written: a failure leaves no half result
        from pipeline.renderers.office import docx_to_pdf

        pdf_data = docx_to_pdf(data)
    write_atomic(output, data)
    click.echo(f"wrote {output}")
    if pdf_data is not None:
        pdf = output.with_suffix(".pdf")
        write_atomic(pdf, pdf_data)
        click.echo(f"wrote {pdf}")


def _issue(request: RenderRequest, register_path: Path) -> bytes:
    """A certificate gets its serial from the register (the same one again for the same inputs)."""
    renderer(request.doc, request.fmt)  # cannot be rendered: say so before creating a register
    existed = register_path.exists()
    try:
        with Register(register_path) as register:
            issued = issue(register, request, inputs_hash_for(request.context, request.doc, request.lang))
    except BaseException:
        if not existed:  # a first certificate that fails leaves no register behind (nothing written)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{register_path}{suffix}").unlink(missing_ok=True)
        raise
    again = " (already issued for these inputs)" if issued.reused else ""
    click.echo(f"serial {issued.serial}{again} in {register_path}")
    if issued.superseded:
        click.echo(f"supersedes {issued.superseded}")
    return issued.data
