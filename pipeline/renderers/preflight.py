"""What `render` and `pack` would refuse, found by `validate` before anything is rendered: a character no
installed font can draw, and (from the layout) a value that cannot be laid out even on a continuation
sheet. Each problem stands at the value's FILE:LINE:COLUMN and names the field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

from pydantic import BaseModel

from pipeline import fonts
from pipeline.errors import Problem
from pipeline.i18n import _
from pipeline.records import Records
from pipeline.records.chars import describe

Path = tuple[str | int, ...]


def _values(model: BaseModel, path: Path = ()) -> Iterator[tuple[Path, str, str]]:
    """(path, field name, text) of every text value of a record, keys as written in the file."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        key = info.alias or name
        if isinstance(value, str):
            yield (*path, key), key, value
        elif isinstance(value, BaseModel):
            yield from _values(value, (*path, key))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _values(item, (*path, key, n))


@cache
def _drawable() -> frozenset[int]:
    """Code points every document style can draw: a value may go into a mincho or a gothic document."""
    return frozenset.intersection(*map(fonts.coverage, fonts.STYLES)) | {ord(" "), ord("\n")}


def undrawable(records: Records) -> list[Problem]:
    """A problem for each value holding a character that no installed font has (which render would
    refuse with 'no installed font has the character'), naming the character and its code point."""
    drawable = _drawable()
    found = []
    for (kind, record_id), source in records.docs.items():
        record = records.institution if kind == "institution" else (
            records.students if kind == "student" else records.internships)[record_id]
        for path, field, text in _values(record):
            if drawable.issuperset(map(ord, text)):
                continue
            ch = next(c for c in text if ord(c) not in drawable)
            found.append(source.problem(path, _(
                "'{field}' holds {char}, which no installed font can draw: install a font that has it "
                "(see `ceri doctor`) or write the value without it").format(field=field, char=describe(ch))))
    return found


# ---- the layout's check: values too long even for a continuation sheet (別紙) -------------------------
# Each check returns, for the loaded records, a Problem for each value that cannot be laid out even on a
# continuation sheet, located with records.locate(kind, id, *path) and naming the record and the field.
LayoutCheck = Callable[[Records], list[Problem]]


def _layout(records: Records) -> list[Problem]:
    from pipeline.renderers import layout_problems  # renderers/problems.py, by the layout

    return layout_problems(records)


LAYOUT_CHECKS: list[LayoutCheck] = [_layout]


def unlayoutable(records: Records) -> list[Problem]:
    return [p for check in LAYOUT_CHECKS for p in check(records)]


def problems(records: Records) -> list[Problem]:
    """Everything validate adds to the loader's checks: unknown students, undrawable characters, values
    that cannot be laid out. The layout's check finds undrawable characters too: at a value already
    reported, its message would say the same again."""
    found = set(records.warnings) | set(undrawable(records))
    places = {(p.file, p.line, p.column) for p in found}
    return sorted(found | {p for p in unlayoutable(records) if (p.file, p.line, p.column) not in places})
