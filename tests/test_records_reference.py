"""docs/records.md and the schema's descriptions come from the models and fields.yaml: they cannot drift."""

from __future__ import annotations

from pathlib import Path

from pipeline.records.reference import markdown
from pipeline.records.schema import json_schema

ROOT = Path(__file__).resolve().parent.parent


def test_docs_records_md_is_the_generated_reference():
    assert (ROOT / "docs" / "records.md").read_text("utf-8") == markdown(), (
        "docs/records.md is stale: run `python -m pipeline.records.reference > docs/records.md`")


def test_every_property_of_every_record_has_a_description():
    missing = [f"{name}.{prop}" for name, d in json_schema()["$defs"].items()
               for prop, schema in d.get("properties", {}).items() if not schema.get("description")]
    assert missing == [], "describe these in pipeline/records/fields.yaml"
    assert all(d.get("description") for d in json_schema()["$defs"].values() if "properties" in d)


def test_the_reference_names_every_kind_and_block():
    text = markdown()
    for heading in ("## Student", "## Internship", "## Institution", "## Steps", "## Evaluation", "## Agent"):
        assert heading in text
    assert "| `duties_ja` | text | yes |" in text
    assert "| `register` | text |  |" in text  # the alias, as written in records
