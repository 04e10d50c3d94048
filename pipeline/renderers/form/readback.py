"""Read a returned evaluation form back into the internship record's `evaluation:` block.

Values are read from the fields' /V (a viewer, or a script, may have set them without appearances).
The form must be ceri's own (hidden field ceri_form = ceri:evaluation-form:vN).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from pipeline.errors import CeriError
from pipeline.records.load import convert
from pipeline.records.models import Evaluation
from pipeline.records.yamlstrict import read_documents
from pipeline.renderers.form.fields import _plain, fields, state_label
from pipeline.renderers.form.fill import open_pdf

FORM_ID = re.compile(r"^ceri:evaluation-form:v(\d+)$")
SUPPORTED = {1}
RATINGS = ("research", "problem_solving", "practical", "communication", "initiative")
# evaluation block key → form field, for messages
FIELD_OF = {**{f"ratings.{r}": f"rating_{r}" for r in RATINGS}, "attendance_days": "attendance_days",
            "hours_total": "hours_total", "evaluator": "evaluator_name", "strengths": "strengths",
            "improvements": "improvements", "comment": "comment", "evaluated_on": "evaluation_date"}
# what people write for a date on a paper-like form, read as YYYY-MM-DD: 2026/10/1, 2026.10.1, 2026年10月1日
WRITTEN_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass
class ReadBack:
    student: str
    internship: str
    evaluation: Evaluation


def _value(form: dict, name: str) -> str:
    f = form.get(name)
    if f is None:
        return ""
    v = _plain(f.attr("/V"))
    if v is None and f.kind in ("checkbox", "radio"):  # some viewers only switch the widgets' /AS
        on = [str(w.annot.get("/AS")) for w in f.widgets if w.annot.get("/AS") not in (None, "/Off")]
        v = on[0] if on else None
    if f.kind in ("checkbox", "radio") and v is not None:  # a script may store the state as text '/4'
        v = state_label(v if v.startswith("/") else "/" + v)
    if v is None or v == "Off":
        return ""
    return v.replace("\r\n", "\n").replace("\r", "\n").strip()


def _lang_key(base: str, text: str) -> dict[str, str]:
    """Japanese text goes to NAME_ja, Latin text to NAME_en."""
    if not text:
        return {}
    return {f"{base}_{'en' if text.isascii() else 'ja'}": text}


def read_evaluation(data: bytes, *, received_on: date, source: str = "form") -> ReadBack:
    form = fields(open_pdf(data, source))
    form_id = _value(form, "ceri_form")
    m = FORM_ID.match(form_id)
    if not m:
        raise CeriError(f"{source}: not a ceri evaluation form (its ceri_form field is "
                        f"{form_id or 'missing'!r}); fill the form made by `ceri render evaluation-form`")
    if int(m.group(1)) not in SUPPORTED:
        raise CeriError(f"{source}: evaluation form version {m.group(1)} is newer than this ceri reads")
    student, internship = _value(form, "ceri_student"), _value(form, "ceri_internship")
    if not internship:
        raise CeriError(f"{source}: the form does not say which internship it is about (ceri_internship is empty)")
    problems = [f"{source}: field {FIELD_OF[f'ratings.{r}']} is empty (a rating 1–5 is needed)"
                for r in RATINGS if not _value(form, f"rating_{r}")]
    problems += [f"{source}: field {name} is empty" for name in ("attendance_days", "hours_total", "evaluator_name")
                 if not _value(form, name)]
    if problems:
        raise CeriError("\n".join(problems))
    block: dict[str, Any] = {
        "received_on": received_on,
        "evaluated_on": _written_date(_value(form, "evaluation_date")),
        "evaluator": {**_lang_key("name", _value(form, "evaluator_name")),
                      **_lang_key("title", _value(form, "evaluator_title"))},
        "ratings": {r: _value(form, f"rating_{r}") for r in RATINGS},
        "attendance_days": _value(form, "attendance_days").removesuffix("日").strip(),
        "hours_total": _value(form, "hours_total").removesuffix("時間").strip(),
    }
    for key in ("strengths", "improvements", "comment"):
        if _value(form, key):
            block[key] = _value(form, key)
    try:
        evaluation = Evaluation.model_validate(block)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"])
            name = FIELD_OF.get(key, FIELD_OF.get(key.split(".")[0], key))
            lines.append(f"{source}: field {name}: {err['msg']} (got {err.get('input')!r})")
        raise CeriError("\n".join(lines)) from None
    if evaluation.evaluated_on is not None and evaluation.evaluated_on > received_on:
        raise CeriError(f"{source}: field evaluation_date: {evaluation.evaluated_on} is after {received_on}, the day "
                        "the form is read (--as-of); check the date the evaluator wrote")
    return ReadBack(student, internship, evaluation)


def _written_date(text: str) -> str | None:
    """The form's date as YYYY-MM-DD (None when left empty); anything else goes to the schema as written,
    which names the field and the value."""
    m = WRITTEN_DATE.fullmatch(text)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else (text or None)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, s: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


def _decimal(dumper: yaml.SafeDumper, d: Decimal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:int" if d == d.to_integral() else "tag:yaml.org,2002:float",
                                   str(d.normalize() if d == d.to_integral() else d))


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Decimal, _decimal)


def evaluation_yaml(rb: ReadBack) -> str:
    """The `evaluation:` block, ready to paste into the internship record."""
    data = {"evaluation": rb.evaluation.model_dump(exclude_none=True)}
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def _documents(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the YAML documents of a file."""
    cuts = [i for i, line in enumerate(lines) if re.match(r"^(---|\.\.\.)(\s|$)", line)]
    bounds = [-1, *cuts, len(lines)]
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]


def merge_into(text: str, rb: ReadBack, file: str) -> str:
    """text with the internship's evaluation: block replaced (or added), comments and order kept."""
    lines = text.splitlines(keepends=True)
    block = evaluation_yaml(rb)
    for start, end in _documents(lines):
        body = "".join(lines[start:end])
        if not (re.search(r"^kind:\s*internship\s*(#.*)?$", body, re.M)
                and re.search(rf"^id:\s*['\"]?{re.escape(rb.internship)}['\"]?\s*(#.*)?$", body, re.M)):
            continue
        at = next((i for i in range(start, end) if re.match(r"^evaluation\s*:", lines[i])), None)
        if at is None:
            last = max((i for i in range(start, end) if lines[i].strip()), default=start - 1)
            if last >= start and not lines[last].endswith("\n"):
                lines[last] += "\n"
            lines[last + 1:last + 1] = [block]
        else:
            stop = at + 1
            while stop < end and (not lines[stop].strip() or lines[stop][0] in " \t"):
                stop += 1
            while stop - 1 > at and not lines[stop - 1].strip():  # keep blank lines before the next key
                stop -= 1
            lines[at:stop] = [block]
        merged = "".join(lines)
        docs, problems = read_documents(file, merged.encode("utf-8"))
        problems += [p for d in docs for p in convert(d)[1]]
        if problems:
            raise CeriError("the merged record would not load: " + "; ".join(map(str, problems)))
        return merged
    raise CeriError(f"{file}: no internship record with id {rb.internship}")
