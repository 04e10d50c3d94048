"""The variables a Word template can use, each with an example value (for `ceri templates variables`)."""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any

from pydantic import BaseModel

from pipeline.context.filters import FILTERS
from pipeline.records.models import PersonName
from pipeline.renderers.docx.context import available_names, docx_environment

ABSENT = "(absent in this example)"


def variables(context: dict[str, Any]) -> list[tuple[str, str]]:
    """[(expression, example value)] for every name in the context, models walked field by field."""
    rows: list[tuple[str, str]] = []
    for name in available_names():
        _walk(name, context.get(name), None, rows, context)
    return rows


def filter_examples(context: dict[str, Any]) -> list[tuple[str, str]]:
    """[('{{ x | f }}', value)] for the filters, applied to values of the example."""
    env = docx_environment()
    student = context["student"]
    samples = {"date": "student.birth_date", "date_ja": "student.birth_date", "date_era": "student.birth_date",
               "date_en": "student.birth_date", "iso": "student.birth_date", "yen": "300000",
               "yen_en": "300000", "name_ja": "student.name", "name_en": "student.name",
               "name_family_first": "student.name", "nationality_ja": "student.nationality",
               "nationality_en": "student.nationality", "prefecture_ja": "student.address.prefecture",
               "bureau_ja": "student.address.prefecture", "bureau_en": "student.address.prefecture",
               "bureau_head_ja": "student.address.prefecture", "bureau_head_en": "student.address.prefecture",
               "birth_date": "student"}
    calls = {"permission_kind": "internship | permission_kind(student)"}  # filters that take an argument
    rows = []
    for name in ["date", "birth_date", *FILTERS]:
        expr = calls.get(name) or f"{samples.get(name, 'student.id')} | {name}"
        value = env.from_string("{{ " + expr + " }}").render(context) if student else ""
        rows.append((f"{{{{ {expr} }}}}", value))
    return rows


def _walk(path: str, value: Any, annotation: Any, rows: list[tuple[str, str]], ctx: dict[str, Any]) -> None:
    model = value.__class__ if isinstance(value, BaseModel) else _model_in(annotation)
    if path == "internships":
        rows.append((path, f"list of {len(value)} internships, each with the fields of internship "
                           "({% for i in internships %}…{{ i.id }}…{% endfor %})"))
    elif isinstance(value, list) or _is_list(annotation):
        items = value or []
        rows.append((path, f"list of {len(items)}" + ("" if items else f" {ABSENT}")))
        item_model = _model_in(annotation)
        if items or item_model is not None:
            _walk(f"{path}[0]", items[0] if items else None, item_model, rows, ctx)
    elif model is PersonName and value is not None:
        rows.append((path, f"| name_ja → {FILTERS['name_ja'](value)}; | name_en → {FILTERS['name_en'](value)}"))
        _fields(path, value, model, rows, ctx)
    elif model is not None:
        if value is None:
            rows.append((path, ABSENT))
        _fields(path, value, model, rows, ctx)
    elif isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if key.isidentifier() else f"{path}['{key}']"
            _walk(sub, item, None, rows, ctx)
    elif isinstance(value, date):
        env = docx_environment()
        shown = env.from_string("{{ d | date }}").render({**ctx, "d": value})
        rows.append((path, f"{value.isoformat()} (| date → {shown})"))
    else:
        rows.append((path, ABSENT if value is None else str(value)))


def _fields(path: str, value: Any, model: type[BaseModel], rows, ctx) -> None:
    for field, info in model.model_fields.items():
        sub = getattr(value, field) if value is not None else None
        _walk(f"{path}.{field}", sub, info.annotation, rows, ctx)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as `Evaluation | None` or `list[Payment] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return False
