"""`ceri status`: one row per internship — the step reached, the next action, its owner and due date."""

from __future__ import annotations

import codecs
import itertools
import json
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.desk import board as sheets
from pipeline.desk.cases import COMPLETE, column, owners, step_name
from pipeline.desk.status import CaseRow, counts, each_row
from pipeline.errors import CeriError
from pipeline.fileio import write_atomic
from pipeline.fonts.linebreak import _tokens as tokens
from pipeline.i18n import _, ui_lang
from pipeline.records import Records

TEXT_COLUMNS = ("student", "internship", "step", "next_action", "owner", "due", "findings")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most width terminal columns, broken where the documents break lines (between words,
    between Japanese characters, never before closing punctuation); a longer token is cut."""
    lines, line = [], ""
    for token in tokens(text):
        if _width(line + token.rstrip()) > width and line.strip():
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
        while _width(line) > width:
            cut = len(line)
            while _width(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line.rstrip())
    return [x for x in lines if x.strip()] or [""]


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def as_text(board: Iterable[CaseRow], lang: str, colour: bool = False, width: int = 120) -> str:
    """A table that fits `width` columns: the next action wraps in the room the other columns leave."""
    return "".join(text_chunks(board, lang, colour, width))


def text_chunks(board: Iterable[CaseRow], lang: str, colour: bool = False, width: int = 120) -> Iterator[str]:
    """as_text a line at a time. The columns are as wide as their widest cell, known once every row has
    been made: the rows' cells wait in an unnamed temporary file (private to this process, gone when it
    ends), not in memory, so the board of 50,000 students costs no more memory than a row."""
    yes = column("overdue_mark", lang)
    heads = {k: column(k, lang) for k in TEXT_COLUMNS}
    widths = {k: _width(heads[k]) for k in TEXT_COLUMNS}
    tally = counts(())
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for r in board:
            c = sheets.cells(r, lang)
            t = {"student": r.student, "internship": r.internship,
                 "step": f"{c['step']}" + (" ✓" if r.step == COMPLETE else ""),
                 "next_action": c["next_action"], "owner": c["owner"],
                 "due": (c["due"].isoformat() if c["due"] else "-") + (f" {yes}" if r.overdue else ""),
                 "findings": list(dict.fromkeys(f.code for f in r.findings)) or ["-"]}
            for k in TEXT_COLUMNS:
                widths[k] = max(widths[k], *map(_width, t[k] if k == "findings" else [t[k]]))
            tally[r.step] += 1
            spool.write(json.dumps([[t[k] for k in TEXT_COLUMNS], r.overdue], ensure_ascii=False) + "\n")
        fixed = sum(w for k, w in widths.items() if k != "next_action") + 2 * (len(TEXT_COLUMNS) - 1)
        widths["next_action"] = max(12, min(widths["next_action"], width - fixed))
        yield "  ".join(_pad(heads[k], widths[k]) for k in TEXT_COLUMNS).rstrip() + "\n"
        yield "  ".join("-" * widths[k] for k in TEXT_COLUMNS) + "\n"
        spool.seek(0)
        for line in spool:
            values, late = json.loads(line)
            t = dict(zip(TEXT_COLUMNS, values, strict=True))
            wrapped = {k: _wrap(t[k], widths[k]) if k == "next_action" else t[k] if k == "findings" else [t[k]]
                       for k in TEXT_COLUMNS}  # one finding code a line
            lines = []
            for n in range(max(len(v) for v in wrapped.values())):
                text = "  ".join(_pad(wrapped[k][n] if n < len(wrapped[k]) else "", widths[k])
                                 for k in TEXT_COLUMNS).rstrip()
                lines.append(click.style(text, fg="red", bold=True) if colour and late else text)
            yield "\n".join(lines) + "\n"
    yield "\n" + column("per_step", lang) + "\n"
    for number, n in tally.items():
        label = step_name(number, lang)
        yield f"  {'' if number == COMPLETE else number:>2}  {_pad(label, 40)}  {n:>6}\n"


def _refuse_replacing_an_input(out: Path, records: Records) -> None:
    target = out.resolve()
    if any(target == f.resolve() for f in records.files):
        raise CeriError(_("-o {path}: that is one of the input files; choose another name").format(path=out))


@main.command("status")
@paths_argument
@as_of_option
@click.option("--student", "students", multiple=True, metavar="ID", help="Only this student (repeatable).")
@click.option("--step", type=click.IntRange(1, 12), default=None, help="Only the cases at this step (1–12).")
@click.option("--owner", type=click.Choice(sorted(owners())), default=None,
              help="Only the cases where this owner has something to do.")
@click.option("--overdue", is_flag=True, help="Only the cases whose next action is past its due date.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "xlsx"]), default="text",
              show_default=True)
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None,
              help="Language of the table (default: the language of messages); JSON always has both.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (required for xlsx) instead of the screen.")
@reports_errors
def status_command(paths: tuple[str, ...], as_of: date | None, students: tuple[str, ...], step: int | None,
                   owner: str | None, overdue: bool, fmt: str, lang: str | None, out: Path | None) -> None:
    """Where every internship stands: its step (1–12), the next action, who owns it, by when."""
    lang = lang or ui_lang()
    records = load_records(paths)
    known = set(records.students) | {i.student for i in records.internships.values()}
    unknown = sorted(set(students) - known)
    if unknown:
        raise CeriError("\n".join(_("--student {id}: no such student in the records").format(id=s) for s in unknown))
    if fmt == "xlsx" and out is None:
        raise CeriError(_("--format xlsx needs -o FILE.xlsx (a workbook is not shown on the screen)"))
    if out is not None:
        _refuse_replacing_an_input(out, records)
    board = each_row(records, today(as_of), students=students, step=step, owner=owner, overdue=overdue)
    if fmt == "json":
        chunks = sheets.json_chunks(board)
    elif fmt == "csv":
        chunks = sheets.csv_chunks(board, lang)
    elif fmt == "xlsx":
        chunks = iter([sheets.as_xlsx(board, lang)])
    else:
        tty = out is None and sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if tty else 120
        chunks = text_chunks(board, lang, colour=tty, width=width)
    if out is None:
        _echo_all(chunks)
        return
    encoded = (c if isinstance(c, bytes) else c.encode("utf-8") for c in chunks)
    if fmt == "csv":  # a byte-order mark, so that Excel opens Japanese text as such
        encoded = itertools.chain([codecs.BOM_UTF8], encoded)
    try:
        write_atomic(out, encoded)
    except OSError as exc:
        raise CeriError(_("cannot write {path}: {reason}").format(path=out, reason=exc.strerror)) from None


def _echo_all(chunks: Iterable[str]) -> None:
    """click.echo of the chunks joined, some 64 KiB at a time."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size > 1 << 16:
            click.echo("".join(batch), nl=False)
            batch, size = [], 0
    click.echo("".join(batch), nl=False)
