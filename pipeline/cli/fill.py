"""`ceri fill FORM.pdf PATH... --map MAP.yaml --student ID -o OUT.pdf` and `ceri fill --list-fields FORM.pdf`."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, max_size_option, reports_errors, today
from pipeline.cli.outputs import check_output
from pipeline.context import build_context
from pipeline.errors import CeriError
from pipeline.fileio import write_atomic
from pipeline.renderers.form.fields import fields
from pipeline.renderers.form.fill import open_pdf
from pipeline.renderers.form.limits import MAX_SIZE, parsing, read_untrusted
from pipeline.renderers.form.mapping import fill_with_map, load_map


def list_fields(form: Path, max_size: int = MAX_SIZE) -> list[str]:
    """One line per field: name, kind, pages, flags, max length, on-states, rectangles, value."""
    lines = []
    reader = open_pdf(read_untrusted(form, max_size), str(form))
    with parsing(str(form)):  # pypdf parses lazily: values are read in the loop
        for f in fields(reader).values():
            d = f.describe()
            bits = [f"{d['name']}", d["kind"], "pages " + ",".join(map(str, d["pages"]))]
            if d["flags"]:
                bits.append("flags " + ",".join(d["flags"]))
            if d["maxlen"] is not None:
                bits.append(f"maxlen {d['maxlen']}")
            if d["states"]:
                bits.append("on-states " + " ".join(d["states"]))
            bits.append("rects " + " ".join("[" + " ".join(f"{c:g}" for c in r) + "]" for r in d["rects"]))
            if d["value"]:
                bits.append(f"value {d['value']!r}")
            lines.append("\t".join(bits))
    return lines


@main.command("fill")
@click.argument("form", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--list-fields", "list_only", is_flag=True, help="List the form's fields (to write a map) and exit.")
@click.option("--map", "map_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Field map (forms/*.map.yaml).")
@click.option("--student", "student_id", help="Student id.")
@click.option("--internship", "internship_id", help="Internship id (needed when the student has several).")
@click.option("--flatten", is_flag=True, help="Burn the values into the pages and remove the fields.")
@as_of_option
@max_size_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@reports_errors
def fill_command(form, paths, list_only, map_path, student_id, internship_id, flatten, as_of, max_size, output):
    """Fill FORM.pdf (any AcroForm, or any PDF with an overlay map) from the records in PATH..."""
    if list_only:
        lines = list_fields(form, max_size)
        click.echo("\n".join(lines) if lines else f"{form}: no fields (fill it with an overlay map)")
        return
    missing = [name for name, v in (("PATH", paths), ("--map", map_path), ("--student", student_id),
                                    ("-o", output)) if not v]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)} (or use --list-fields FORM.pdf)")
    check_output(output, [form, map_path, *paths])
    pdf = read_untrusted(form, max_size)
    fmap = load_map(map_path)
    records = load_records(paths)
    context = build_context(records, student_id, internship_id, as_of=today(as_of))
    if flatten and fmap.mode == "overlay":
        raise CeriError("--flatten applies to acroform maps; an overlay is already part of the page")
    with parsing(str(form)):
        data = fill_with_map(fmap, context, pdf, flatten=flatten, source=str(form))
    write_atomic(output, data)
    click.echo(f"wrote {output}")
