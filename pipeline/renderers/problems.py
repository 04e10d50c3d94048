"""What the documents would refuse in a set of records, found without rendering them: for `validate`.

With rows that grow, documents that flow onto further pages and the continuation sheet (別紙) of forms,
a value is refused only when no layout can hold it: a character no installed font has, or a value so long
that it would fill more pages than a document may have (pdf.layout.MAX_PAGES in the narrowest column a
record value is drawn in). Each problem is located at the value (FILE:LINE:COLUMN).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from pipeline import fonts
from pipeline.errors import Problem, RenderError
from pipeline.i18n import _
from pipeline.records import Records
from pipeline.renderers.pdf.layout import FRAME, MAX_PAGES, NARROWEST, VALUE_MIN
from pipeline.renderers.pdf.text import LEADING, wrap

STYLES = ("mincho", "gothic")  # documents are drawn in Mincho, forms in Gothic
# below this many characters a value cannot fill MAX_PAGES - 1 pages even in the narrowest column
# (at 9 pt at least 13 characters a line, 65 lines a page): only longer values are measured
QUICK = 15000


def strings(model: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, value) of every text value of a record, nested models and lists included."""
    for name in type(model).model_fields:
        value: Any = getattr(model, name)
        yield from _walk((*path, name), value)


def _walk(path: tuple, value: Any) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from strings(value, path)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk((*path, i), item)


def value_problem(value: str) -> str | None:
    """Why no document can show value, or None."""
    for style in STYLES:
        chars = _chars(style)
        missing = next((c for c in value if ord(c) not in chars and c not in "\r\n"), None) if chars else None
        if chars is None:  # no TrueType font: the full check (reportlab's CID fallback)
            try:
                fonts.check(value.replace("\r", " ").replace("\n", " "), style)
            except RenderError:
                missing = next(c for c in value if c not in "\r\n" and not _drawable(c, style))
        if missing is not None:
            return _("no installed font has the character {ch!r} (U+{code:04X}); install a font with it "
                     "(see `ceri doctor`) or change the value").format(ch=missing, code=ord(missing))
    if len(value) > QUICK:
        lines = wrap(value, NARROWEST, VALUE_MIN)
        if len(lines) * VALUE_MIN * LEADING > (MAX_PAGES - 1) * FRAME:
            return _("the value has {n} characters: more than a document can hold ({pages} pages); "
                     "shorten it").format(n=len(value), pages=MAX_PAGES - 1)
    return None


@cache
def _chars(style: str) -> frozenset[int] | None:
    """Every character the fonts of style's chain have, read from their character maps alone (the fonts
    themselves are not loaded: validate stays quick); None without the style's TrueType font."""
    faces = [fonts.face(role) for role in fonts.STYLES[style]]
    if faces[0] is None:
        return None
    return frozenset({ord(" ")}).union(*(f.chars for f in faces if f is not None))


def _drawable(ch: str, style: str) -> bool:
    try:
        fonts.check(ch, style)
    except RenderError:
        return False
    return True


def layout_problems(records: Records) -> list[Problem]:
    """One Problem per record value that render or pack would refuse whatever the document, located at the
    value (FILE:LINE:COLUMN) and naming the record and field."""
    out: list[Problem] = []
    items: list[tuple[str, str, BaseModel]] = [("student", k, v) for k, v in records.students.items()]
    items += [("internship", k, v) for k, v in records.internships.items()]
    for kind, rid, record in items:
        for path, value in strings(record):
            why = value_problem(value) if value else None
            if why is None:
                continue
            field = ".".join(str(p) for p in path)
            try:
                at = records.locate(kind, rid, *path)
            except (KeyError, IndexError, ValueError):
                at = Problem(kind, 0, 0, "")
            out.append(Problem(at.file, at.line, at.column, _("{kind} {id}: {field}: {why}").format(
                kind=kind, id=rid, field=field, why=why)))
    return sorted(out)
