"""A returned evaluation checked against the internship record it is merged into: the right student,
dates that fit the internship, and no existing evaluation replaced unless asked (--replace)."""

from __future__ import annotations

from typing import Any

from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.records.models import Evaluation, Internship
from pipeline.renderers.form.readback import ReadBack


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): data}


def changes(old: Evaluation, new: Evaluation) -> list[str]:
    """One line per value that differs: `ratings.research: 4 → 5`."""
    a, b = _flat(old.model_dump(exclude_none=True)), _flat(new.model_dump(exclude_none=True))
    lines = []
    for key in [*a, *(k for k in b if k not in a)]:
        if a.get(key) != b.get(key):
            before = "—" if key not in a else repr(str(a[key]))[:60]
            after = "—" if key not in b else repr(str(b[key]))[:60]
            lines.append(f"  {key}: {before} → {after}")
    return lines


def check_against(rb: ReadBack, internship: Internship, file: str, *, replace: bool) -> list[str]:
    """Problems raise; returns the changes to an existing evaluation (empty when there is none)."""
    e = rb.evaluation
    if internship.student != rb.student:
        raise CeriError(_("{file}: internship {internship} belongs to student {owner}, but the form was issued "
                          "for student {student}").format(file=file, internship=internship.id,
                                                          owner=internship.student, student=rb.student))
    start = internship.period.start
    for what, day in (("evaluation_date", e.evaluated_on), ("received_on (--as-of)", e.received_on)):
        if day is not None and day < start:
            raise CeriError(_("{file}: internship {internship}: {field} {date} is before the internship started "
                              "({start})").format(file=file, internship=internship.id, field=what, date=day,
                                                  start=start))
    old = internship.evaluation
    if old is None:
        return []
    if e.received_on < old.received_on:
        raise CeriError(_("{file}: internship {internship}: received_on {date} is earlier than the {existing} "
                          "already recorded; give --as-of on or after it")
                        .format(file=file, internship=internship.id, date=e.received_on, existing=old.received_on))
    diff = changes(old, e)
    if diff and not replace:
        raise CeriError(_("{file}: internship {internship} already has an evaluation; these values would "
                          "change (add --replace to replace it):").format(file=file, internship=internship.id)
                        + "\n" + "\n".join(diff))
    return diff
