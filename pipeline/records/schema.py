"""JSON Schema (draft 2020-12) of the records format, for editors (yaml-language-server)."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from pipeline.records.models import MODELS
from pipeline.records.reference import describe


def json_schema() -> dict[str, Any]:
    """One schema for any record: a document is a student, an internship or an institution."""
    refs, top = models_json_schema([(m, "validation") for m in MODELS.values()],
                                   ref_template="#/$defs/{model}")
    defs = top["$defs"]
    describe(defs)
    for model in MODELS.values():
        d = defs[model.__name__]
        d["required"] = ["kind", *[r for r in d.get("required", []) if r != "kind"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/sokendai/ceri/records-v1.schema.json",
        "title": "ceri records v1",
        "description": "A student, internship or institution record (shared/DESIGN.md, records format v1).",
        "oneOf": [refs[(m, "validation")] for m in MODELS.values()],
        "$defs": defs,
    }
