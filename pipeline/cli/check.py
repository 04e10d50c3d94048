"""`ceri check`: every internship against the programme's rules, as a table or JSON."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable
from datetime import date

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.context.formatting import person_name
from pipeline.errors import CeriError
from pipeline.i18n import _, ui_lang
from pipeline.records import Records
from pipeline.records.load import student_hint
from pipeline.rules import SEVERITIES, Finding, check
from pipeline.rules.catalog import term

COLOURS = {"error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}, "info": {"fg": "cyan"}}


def findings_for(records: Records, as_of: date, students: Iterable[str] = ()) -> list[Finding]:
    """check(), limited to some students; an id that no record mentions is bad input."""
    wanted = set(students)
    known = set(records.students) | {i.student for i in records.internships.values()}
    unknown = sorted(wanted - known)
    if unknown:
        raise CeriError("\n".join(_("--student {student}: no such student in the records").format(student=s)
                                  + student_hint(s, records.students) for s in unknown))
    found = check(records, as_of)
    return [f for f in found if f.student in wanted] if wanted else found


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.severity == "error" for f in findings) else 0


def as_json(findings: list[Finding]) -> str:
    return json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2)


def _width(text: str) -> int:
    """Columns a string takes on a terminal (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def as_text(findings: list[Finding], records: Records, lang: str, students: Iterable[str] = (),
            colour: bool = False) -> str:
    """A table grouped by student: severity, internship, code, message (in lang)."""
    ids = sorted(set(students) or (set(records.students) | {f.student for f in findings}))
    sev = {s: term("severity", s, lang) for s in SEVERITIES}
    whole = term("student_level", None, lang)
    w_sev = max(map(_width, sev.values()))
    w_int = max([_width(f.internship or whole) for f in findings] + [1])
    w_code = max([len(f.code) for f in findings] + [1])
    lines = []
    for sid in ids:
        student = records.students.get(sid)
        name = person_name(student.name, lang) if student else "?"
        lines.append(click.style(f"{sid}  {name}", bold=True) if colour else f"{sid}  {name}")
        # Within an internship, errors first: the order of check() (by code) is kept otherwise.
        mine = sorted((f for f in findings if f.student == sid),
                      key=lambda f: (f.internship or "", SEVERITIES.index(f.severity)))
        if not mine:
            lines.append(f"  {term('none', None, lang)}")
        for f in mine:
            label = _pad(sev[f.severity], w_sev)
            if colour:
                label = click.style(label, **COLOURS[f.severity])
            lines.append(f"  {label}  {_pad(f.internship or whole, w_int)}  {f.code:<{w_code}}  "
                         f"{f.message(lang)}")
        lines.append("")
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    lines.append(term("summary", None, lang).format(students=len(ids), **counts))
    return "\n".join(lines)


@main.command("check")
@paths_argument
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--student", "students", multiple=True, metavar="ID", help="Only this student (repeatable).")
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None,
              help="Language of the findings in the text output (default: the language of messages, "
                   "see --lang-ui; JSON always has both).")
@reports_errors
def check_command(paths: tuple[str, ...], as_of: date | None, fmt: str, students: tuple[str, ...],
                  lang: str) -> None:
    """Check internships against the programme's rules. Exit 1 when any finding is an error."""
    # Unknown students become findings here, so the loader's warning would only repeat them.
    records = load_records(paths, warn=False)
    found = findings_for(records, today(as_of), students)
    if fmt == "json":
        click.echo(as_json(found))
    else:
        click.echo(as_text(found, records, lang or ui_lang(), students, colour=sys.stdout.isatty()))
    sys.exit(exit_code(found))
