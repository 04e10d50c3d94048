"""The evaluation form filled in the browser by the company, as an alternative to the PDF.

The items are the PDF form's own (forms/evaluation-form.spec.yaml: labels, kinds, rating choices): every
field of the spec that the field map does not pre-fill is the company's to fill. What the company types
is written into the pre-filled form (the same fill as any PDF form) and that PDF is read back by
`ceri evaluation read`'s read-back, with its limits and messages; the PDF then goes into review exactly
as an uploaded one does. One path for both: nothing the browser sends is trusted more than a PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.context import build_context
from pipeline.errors import CeriError
from pipeline.renderers import RenderRequest, render
from pipeline.renderers.form.fill import fill_acroform
from pipeline.renderers.form.limits import MAX_LINE, MAX_TEXT
from pipeline.renderers.form.mapping import load_map
from pipeline.renderers.form.readback import FREE_TEXT, ReadBack
from pipeline.renderers.form.spec import load_spec
from pipeline.renderers.form.typed import text
from pipeline.resources import FORMS
from pipeline.web import evaluation
from pipeline.web.i18n import _

NAME = "evaluation-form"


@dataclass(frozen=True)
class Item:
    name: str
    kind: str  # text | multiline | radio
    number: str  # the item's number on the form ('' for none)
    label: dict[str, str]  # the row's label, with the field's own where it has one
    options: tuple[str, ...] = ()

    @property
    def limit(self) -> int:
        return MAX_TEXT if self.name in FREE_TEXT else MAX_LINE


@cache
def items() -> tuple[Item, ...]:
    """The fields the company fills, in the order of the form."""
    spec = load_spec(FORMS / f"{NAME}.spec.yaml")
    prefilled = set(load_map(FORMS / f"{NAME}.map.yaml").fields) | set(spec.data.get("hidden") or {})
    out = []
    for row in spec.data["rows"]:
        for f in row.get("fields") or ():
            if f["name"] in prefilled:
                continue
            own = f.get("label") or {}
            label = {lang: " — ".join(x for x in (row["label"].get(lang), own.get(lang)) if x) if own else
                     row["label"].get(lang, "") for lang in ("ja", "en")}
            out.append(Item(f["name"], f.get("kind", "text"), str(row.get("item") or ""), label,
                            tuple(str(o["value"]) for o in f.get("options") or ())))
    return tuple(out)


def source_name() -> str:
    return _("the form")


def read(records, internship: str, typed: dict[str, str], as_of) -> tuple[ReadBack | None, bytes, dict[str, list[str]]]:
    """(what the read-back found, the filled PDF, messages by field name ('' for the form as a whole))."""
    source = source_name()
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for item in items():
        value = typed.get(item.name, "")
        try:  # the read-back's own check, first: a huge text is refused before anything is drawn
            values[item.name] = text(value, item.name, source, item.limit)
        except CeriError as exc:
            _place(exc, errors)
        if item.options and values.get(item.name) and values[item.name] not in item.options:
            errors.setdefault(item.name, []).append(_("choose one of {choices}").format(choices=", ".join(item.options)))
    if errors:
        return None, b"", errors
    i = records.internships[internship]
    context = build_context(records, i.student, internship, as_of=as_of)
    blank = render(RenderRequest(doc=NAME, lang="ja+en", fmt="pdf", context=context))
    try:
        pdf = fill_acroform(blank, values, source=source)
        rb, _diff = evaluation.read(records, internship, pdf, source, as_of, replace=True)
    except CeriError as exc:
        _place(exc, errors)
        return None, b"", errors
    return rb, pdf, errors


def _place(exc: CeriError, errors: dict[str, list[str]]) -> None:
    """The read-back's messages at their fields, the others for the whole form."""
    names = {i.name for i in items()}
    # the messages name the form's field ('FILE: field NAME …', 'FILE: 項目 NAME …') in either language
    named = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)")
    prefix = source_name() + ": "
    for message in exc.messages():
        for line in str(message).splitlines():
            m = named.search(line)
            field = getattr(exc, "field", None) or (m.group(1) if m else "")
            errors.setdefault(field if field in names else "", []).append(line.removeprefix(prefix))
