"""`ceri status`: one row per internship — the step reached, the next action, its owner and due date."""

from __future__ import annotations

import shutil
import sys
import unicodedata
from datetime import date
from pathlib import Path

import click

from pipeline.cli.base import as_of_option, load_records, main, paths_argument, reports_errors, today
from pipeline.desk import board as sheets
from pipeline.desk.cases import COMPLETE, column, owners, step_name
from pipeline.desk.status import CaseRow, counts, rows
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


def as_text(board: list[CaseRow], lang: str, colour: bool = False, width: int = 120) -> str:
    """A table that fits `width` columns: the next action wraps in the room the other columns leave."""
    yes = column("overdue_mark", lang)
    table = []
    for r in board:
        c = sheets.cells(r, lang)
        table.append({"student": r.student, "internship": r.internship,
                      "step": f"{c['step']}" + (" ✓" if r.step == COMPLETE else ""),
                      "next_action": c["next_action"], "owner": c["owner"],
                      "due": (c["due"].isoformat() if c["due"] else "-") + (f" {yes}" if r.overdue else ""),
                      "findings": list(dict.fromkeys(f.code for f in r.findings)) or ["-"],
                      "_overdue": r.overdue})
    heads = {k: column(k, lang) for k in TEXT_COLUMNS}
    def cells_of(k: str) -> list[str]:
        return [c for t in table for c in t[k]] if k == "findings" else [t[k] for t in table]
    widths = {k: max(map(_width, [heads[k], *cells_of(k)])) for k in TEXT_COLUMNS}
    fixed = sum(w for k, w in widths.items() if k != "next_action") + 2 * (len(TEXT_COLUMNS) - 1)
    widths["next_action"] = max(12, min(widths["next_action"], width - fixed))
    lines = ["  ".join(_pad(heads[k], widths[k]) for k in TEXT_COLUMNS).rstrip()]
    lines.append("  ".join("-" * widths[k] for k in TEXT_COLUMNS))
    for t in table:
        wrapped = {k: _wrap(t[k], widths[k]) if k == "next_action" else t[k] if k == "findings" else [t[k]]
                   for k in TEXT_COLUMNS}  # one finding code a line
        for n in range(max(len(v) for v in wrapped.values())):
            line = "  ".join(_pad(wrapped[k][n] if n < len(wrapped[k]) else "", widths[k])
                             for k in TEXT_COLUMNS).rstrip()
            if colour and t["_overdue"]:
                line = click.style(line, fg="red", bold=True)
            lines.append(line)
    lines.append("")
    lines.append(column("per_step", lang))
    for number, n in counts(board).items():
        label = step_name(number, lang)
        lines.append(f"  {'' if number == COMPLETE else number:>2}  {_pad(label, 40)}  {n:>6}")
    return "\n".join(lines) + "\n"


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
    board = rows(records, today(as_of), students=students, step=step, owner=owner, overdue=overdue)
    if fmt == "json":
        data = sheets.as_json(board).encode("utf-8")
    elif fmt == "csv":
        data = sheets.as_csv(board, lang)
    elif fmt == "xlsx":
        data = sheets.as_xlsx(board, lang)
    else:
        tty = out is None and sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if tty else 120
        data = as_text(board, lang, colour=tty, width=width).encode("utf-8")
    if out is None:
        click.echo(data.decode("utf-8-sig"), nl=False)
    else:
        try:
            write_atomic(out, data)
        except OSError as exc:
            raise CeriError(_("cannot write {path}: {reason}").format(path=out, reason=exc.strerror)) from None
