"""`ceri check`: every internship against the programme's rules, as a table or JSON."""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.context.formatting import person_name
from pipeline.errors import CeriError
from pipeline.records import Records
from pipeline.rules import SEVERITIES, Finding, FindingIndex, check, check_each
from pipeline.rules.catalog import term

COLOURS = {"error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}, "info": {"fg": "cyan"}}


def known_students(records: Records, students: Iterable[str]) -> list[str]:
    """The asked-for students, sorted; an id that no record mentions is bad input."""
    wanted = set(students)
    unknown = wanted - set(records.students)
    if unknown:  # an internship may name a student whose record is not loaded: check reports that
        unknown -= {i.student for i in records.internships.values()}
    if unknown:
        raise CeriError("\n".join(f"--student {s}: no such student in the records" for s in sorted(unknown)))
    return sorted(wanted)


def findings_for(records: Records, as_of: date, students: Iterable[str] = ()) -> list[Finding]:
    """check(), limited to some students; an id that no record mentions is bad input."""
    wanted = known_students(records, students)
    return check(records, as_of, wanted or None)


def exit_code(findings: Iterable[Finding]) -> int:
    return 1 if any(f.severity == "error" for f in findings) else 0


def as_json(findings: Iterable[Finding]) -> str:
    """json.dumps of the findings (indent 2, Japanese as is), the same bytes as json_chunks give."""
    return "".join(json_chunks(findings))


def json_chunks(findings: Iterable[Finding]) -> Iterator[str]:
    """The findings as one JSON array, a finding at a time: a batch's findings need not be held, nor the
    whole text (about 2 KB a student). Byte for byte what json.dumps(list, indent=2) writes: an element
    is its own dump indented one level (JSON strings hold no raw line breaks)."""
    first = True
    for f in findings:
        item = json.dumps(f.to_json(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + item
        first = False
    yield "[]" if first else "\n]"


def _width(text: str) -> int:
    """Columns a string takes on a terminal (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def as_text(findings: Iterable[Finding], records: Records, lang: str, students: Iterable[str] = (),
            colour: bool = False) -> str:
    """A table grouped by student: severity, internship, code, message (in lang)."""
    return "\n".join(text_blocks(findings, records, lang, students, colour))


def text_blocks(findings: Iterable[Finding], records: Records, lang: str, students: Iterable[str] = (),
                colour: bool = False) -> Iterator[str]:
    """as_text a student at a time (their heading, findings and blank line, then the summary): the
    findings are indexed by student once, so the cost is linear in students plus findings."""
    index = FindingIndex(findings)
    ids = sorted(set(students) or (set(records.students) | set(index.students())))
    sev = {s: term("severity", s, lang) for s in SEVERITIES}
    whole = term("student_level", None, lang)
    none = f"  {term('none', None, lang)}"
    w_sev = max(map(_width, sev.values()))
    w_int = w_code = 1
    for sid in index.students():
        for f in index.of(sid):
            w_int = max(w_int, _width(f.internship or whole))
            w_code = max(w_code, len(f.code))
    rank = {s: n for n, s in enumerate(SEVERITIES)}
    for sid in ids:
        student = records.students.get(sid)
        name = person_name(student.name, lang) if student else "?"
        lines = [click.style(f"{sid}  {name}", bold=True) if colour else f"{sid}  {name}"]
        # Within an internship, errors first: the order of check() (by code) is kept otherwise.
        mine = sorted(index.of(sid), key=lambda f: (f.internship or "", rank[f.severity]))
        if not mine:
            lines.append(none)
        for f in mine:
            label = _pad(sev[f.severity], w_sev)
            if colour:
                label = click.style(label, **COLOURS[f.severity])
            lines.append(f"  {label}  {_pad(f.internship or whole, w_int)}  {f.code:<{w_code}}  "
                         f"{f.message(lang)}")
        lines.append("")
        yield "\n".join(lines)
    yield term("summary", None, lang).format(students=len(ids), **index.counts)


_NO_DATA: dict = {}


def _shown(f: Finding, lang: str) -> Finding:
    """What the table shows of a finding: the message in its language, without the other one and the
    data (the table holds every finding of the batch until it knows its columns' widths: this is a
    quarter of their memory)."""
    if lang == "ja":
        return dataclasses.replace(f, message_en="", clause="", data=_NO_DATA)
    return dataclasses.replace(f, message_ja="", clause="", data=_NO_DATA)


def _tally(findings: Iterable[Finding], counts: dict[str, int]) -> Iterator[Finding]:
    """The findings as they go by, counted by severity (the exit code is known once all are written)."""
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
        yield f


def _echo_all(chunks: Iterable[str], sep: str = "") -> None:
    """Write what click.echo(sep.join(chunks)) writes, some 64 KiB at a time."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        if size > 1 << 16:
            click.echo(sep.join(batch) + sep, nl=False)
            batch, size = [], 0
        batch.append(chunk)
        size += len(chunk)
    click.echo(sep.join(batch))


@main.command("check")
@paths_argument
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--student", "students", multiple=True, metavar="ID", help="Only this student (repeatable).")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True,
              help="Language of the text output (JSON always has both).")
@reports_errors
def check_command(paths: tuple[str, ...], as_of: date | None, fmt: str, students: tuple[str, ...],
                  lang: str) -> None:
    """Check internships against the programme's rules. Exit 1 when any finding is an error."""
    # Unknown students become findings here, so the loader's warning would only repeat them.
    records = load_records(paths, warn=False)
    wanted = known_students(records, students)
    counts: dict[str, int] = {}
    if fmt == "json":  # a student's findings at a time: the batch's are never all held
        each = check_each(records, today(as_of), wanted or None)
        _echo_all(json_chunks(_tally((f for _, mine in each for f in mine), counts)))
    else:  # the table's columns are as wide as its widest finding: all are made first, and kept slim
        each = check_each(records, today(as_of), wanted or None)
        found = [_shown(f, lang) for f in _tally((f for _, mine in each for f in mine), counts)]
        _echo_all(text_blocks(found, records, lang, wanted, colour=sys.stdout.isatty()), "\n")
    sys.exit(1 if counts.get("error") else 0)
