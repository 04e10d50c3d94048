"""`ceri render DOC PATH... --student ID -o FILE`: one document for one student."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.cli.keys import ready_to_sign, sign_option
from pipeline.cli.outputs import check_output
from pipeline.context import build_context, require_internship
from pipeline.fileio import write_atomic
from pipeline.i18n import _
from pipeline.register import Issued, Register, inputs_hash_for, issue, resolve_path
from pipeline.register.seal import sealer_for
from pipeline.register.serials import expect, landed, void
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
              help="Certificate register (default: $CERI_REGISTER, else the institution record's register:, "
              "else the user's data folder; `ceri doctor` shows which).")
@sign_option
@click.option("--allow-estimated", is_flag=True,
              help="jsps-report: issue a report for a year not yet over (its amounts estimated).")
@reports_errors
def render_command(doc, paths, student_id, internship_id, lang, fmt, year, as_of, template, also_pdf, output,
                   register_path, sign_path, timestamp_url, allow_estimated):
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
        raise click.UsageError(_("--pdf goes with --format docx"))
    if not is_certificate(request):
        data = render(request)
        _write(output, data, also_pdf)
        return
    if also_pdf:  # no LibreOffice: say so before a number is taken or a register created
        from pipeline.renderers.office import soffice

        soffice()
    place = resolve_path(register_path, records)
    signing = ready_to_sign(sign_path, records, timestamp_url)
    existed = place.exists()
    try:
        with Register(place) as register:
            issued = _issue(register, request, place, signing)
            try:
                expect(register, [(issued.serial, output)])
                _write(output, issued.data, also_pdf)
            except BaseException as exc:
                void(register, issued.serial, f"the file was not written: {type(exc).__name__}: {exc}")
                raise
            older = landed(register, [(issued.serial, output)])[issued.serial]
    except BaseException:
        if not existed:  # a first certificate that fails leaves no register behind (nothing written)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{place}{suffix}").unlink(missing_ok=True)
        raise
    if older:
        click.echo(_("supersedes {serial}").format(serial=older[-1]))


def _write(output: Path, data: bytes, also_pdf: bool) -> None:
    pdf_data = None
    if also_pdf:  # converted before anything is written: a failure leaves no half result
        from pipeline.renderers.office import docx_to_pdf

        pdf_data = docx_to_pdf(data)
    write_atomic(output, data)
    click.echo(_("wrote {path}").format(path=output))
    if pdf_data is not None:
        pdf = output.with_suffix(".pdf")
        write_atomic(pdf, pdf_data)
        click.echo(_("wrote {path}").format(path=pdf))


def _issue(register: Register, request: RenderRequest, place: Path, signing: str | None) -> Issued:
    """A certificate gets its serial from the register (the same one again for the same inputs), and is
    signed when a key is configured."""
    renderer(request.doc, request.fmt)  # cannot be rendered: say so before taking a number
    issued = issue(register, request, inputs_hash_for(request.context, request.doc, request.lang), land=False,
                   sealer=sealer_for(signing) if signing else None)
    if issued.reused:
        click.echo(_("serial {serial} (already issued for these inputs) in {register}").format(
            serial=issued.serial, register=place))
    else:
        click.echo(_("serial {serial} in {register}").format(serial=issued.serial, register=place))
    return issued
