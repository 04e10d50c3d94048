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
from pipeline.i18n import _
from pipeline.records.load import convert
from pipeline.records.models import Evaluation
from pipeline.records.types import ID_RE
from pipeline.records.yamlstrict import read_documents
from pipeline.renderers.form import formkey, typed
from pipeline.renderers.form.fields import _plain, fields, state_label
from pipeline.renderers.form.fill import open_pdf
from pipeline.renderers.form.limits import MAX_FIELDS, MAX_LINE, MAX_TEXT, parsing

FORM_ID = re.compile(r"^ceri:evaluation-form:v(\d+)$")
SUPPORTED = {1}
RATINGS = ("research", "problem_solving", "practical", "communication", "initiative")
# evaluation block key → form field, for messages
FIELD_OF = {**{f"ratings.{r}": f"rating_{r}" for r in RATINGS}, "attendance_days": "attendance_days",
            "hours_total": "hours_total", "evaluator": "evaluator_name", "strengths": "strengths",
            "improvements": "improvements", "comment": "comment", "evaluated_on": "evaluation_date"}
FREE_TEXT = ("strengths", "improvements", "comment")


def form_id(version: int = max(SUPPORTED)) -> str:
    return f"ceri:evaluation-form:v{version}"


@dataclass
class ReadBack:
    student: str
    internship: str
    evaluation: Evaluation
    checked: bool = True  # the identifiers carry the office's check (False: --accept-unchecked)


def _value(form: dict, name: str, source: str) -> str:
    """The field's value as typed: line breaks as \\n, control characters refused, length bounded."""
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
    return typed.text(v, name, source, MAX_TEXT if name in FREE_TEXT else MAX_LINE)


def _lang_key(base: str, text: str) -> dict[str, str]:
    """Japanese text goes to NAME_ja, Latin text to NAME_en."""
    if not text:
        return {}
    return {f"{base}_{'en' if text.isascii() else 'ja'}": text}


def _identifiers(form: dict, source: str, accept_unchecked: bool) -> tuple[str, str, bool]:
    """(student, internship, checked): ids in the records' format, verified by the office's key."""
    student, internship = _value(form, "ceri_student", source), _value(form, "ceri_internship", source)
    if not internship:
        raise CeriError(_("{file}: the form does not say which internship it is about (ceri_internship is empty)")
                        .format(file=source))
    for name, value in (("ceri_student", student), ("ceri_internship", internship)):
        if not ID_RE.fullmatch(value):
            raise CeriError(_("{file}: field {field}: {value!r} is not a record id; this form was altered")
                            .format(file=source, field=name, value=value[:40]))
    if formkey.FIELD not in form:  # issued before forms carried a check
        if accept_unchecked:
            return student, internship, False
        raise CeriError(_("{file}: the form carries no check of its identifiers (issued by an older ceri); "
                          "issue a new one with `ceri render evaluation-form`, or read it with "
                          "--accept-unchecked after checking by hand that it is the right internship")
                        .format(file=source))
    key = formkey.load_key(create=False)
    if key is None:
        raise CeriError(_("{file}: cannot check the form: no form key at {key} (the key of the computer "
                          "that issued the form; set CERI_FORM_KEY to it)").format(file=source,
                                                                                 key=formkey.key_path()))
    if not formkey.verify(key, form_id(), student, internship, _value(form, formkey.FIELD, source)):
        raise CeriError(_("{file}: the form's identifiers (student {student}, internship {internship}) do not "
                          "match the check ceri put on it: it was altered, or issued with another key")
                        .format(file=source, student=student, internship=internship))
    return student, internship, True


def read_evaluation(data: bytes, *, received_on: date, source: str = "form",
                    accept_unchecked: bool = False) -> ReadBack:
    reader = open_pdf(data, source)
    with parsing(source):
        return _read(reader, received_on, source, accept_unchecked)


def _read(reader, received_on: date, source: str, accept_unchecked: bool) -> ReadBack:
    form = fields(reader)
    if len(form) > MAX_FIELDS:
        raise CeriError(_("{file}: refused: {count} form fields, more than the limit of {limit}")
                        .format(file=source, count=len(form), limit=MAX_FIELDS))
    fid = _value(form, "ceri_form", source)
    m = FORM_ID.match(fid)
    if not m:
        raise CeriError(_("{file}: not a ceri evaluation form (its ceri_form field is {value}); fill the form "
                          "made by `ceri render evaluation-form`").format(file=source, value=repr(fid or "missing")))
    if int(m.group(1)) not in SUPPORTED:
        raise CeriError(_("{file}: evaluation form version {version} is newer than this ceri reads")
                        .format(file=source, version=m.group(1)))
    student, internship, checked = _identifiers(form, source, accept_unchecked)
    problems = [_("{file}: field {field} is empty (a rating 1–5 is needed)").format(file=source, field=f"rating_{r}")
                for r in RATINGS if not _value(form, f"rating_{r}", source)]
    problems += [_("{file}: field {field} is empty").format(file=source, field=name)
                 for name in ("attendance_days", "hours_total", "evaluator_name") if not _value(form, name, source)]
    if problems:
        raise CeriError("\n".join(problems))
    block: dict[str, Any] = {
        "received_on": received_on,
        "evaluated_on": typed.written_date(_value(form, "evaluation_date", source)),
        "evaluator": {**_lang_key("name", _value(form, "evaluator_name", source)),
                      **_lang_key("title", _value(form, "evaluator_title", source))},
        "ratings": {r: typed.plain(_value(form, f"rating_{r}", source)) for r in RATINGS},
        "attendance_days": typed.number(_value(form, "attendance_days", source), "日"),
        "hours_total": typed.number(_value(form, "hours_total", source), "時間"),
    }
    for key in FREE_TEXT:
        if _value(form, key, source):
            block[key] = _value(form, key, source)
    try:
        evaluation = Evaluation.model_validate(block)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"])
            name = FIELD_OF.get(key, FIELD_OF.get(key.split(".")[0], key))
            lines.append(_("{file}: field {field}: {error} (got {value})").format(
                file=source, field=name, error=err["msg"], value=repr(err.get("input"))[:80]))
        raise CeriError("\n".join(lines)) from None
    if evaluation.evaluated_on is not None and evaluation.evaluated_on > received_on:
        raise CeriError(_("{file}: field evaluation_date: {date} is after {received}, the day the form is read "
                          "(--as-of); check the date the evaluator wrote")
                        .format(file=source, date=evaluation.evaluated_on, received=received_on))
    return ReadBack(student, internship, evaluation, checked)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, s: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


def _decimal(dumper: yaml.SafeDumper, d: Decimal) -> yaml.Node:
    """A plain decimal, never exponent notation (Decimal('320').normalize() prints as 3.2E+2)."""
    if d == d.to_integral():
        return dumper.represent_scalar("tag:yaml.org,2002:int", str(int(d)))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(d.normalize(), "f"))


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
