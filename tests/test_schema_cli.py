"""`ceri schema`, `ceri doctor`, and the schema describing the examples."""

from __future__ import annotations

import json
import re
import sys
from datetime import date

import jsonschema
import yaml

from helpers import EXAMPLES, ceri, ceri_process


def test_schema_is_json_and_draft_2020_12():
    result = ceri("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core booleans (true/false only), as yaml-language-server reads files: NO stays 'NO'."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                       re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list(_first))


def _as_editor_sees(value):
    """The examples as a YAML editor's JSON view: dates as ISO text."""
    if isinstance(value, dict):
        return {k: _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_schema_validates_the_examples():
    schema = json.loads(ceri("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    count = 0
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for doc in yaml.load_all(path.read_text("utf-8"), Loader=Yaml12Loader):
            errors = list(validator.iter_errors(_as_editor_sees(doc)))
            assert not errors, (path, [e.message for e in errors][:3])
            count += 1
    assert count >= 21


def test_schema_rejects_unknown_keys():
    schema = json.loads(ceri("schema").stdout)
    bad = {"kind": "institution", "colour": "blue"}
    assert not jsonschema.Draft202012Validator(schema).is_valid(bad)


def test_doctor_lists_fonts_and_tools():
    result = ceri("doctor")
    assert result.returncode == 0
    assert "ipaexm.ttf" in result.stdout and "ipaexg.ttf" in result.stdout
    assert "pdftotext" in result.stdout
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in result.stdout


def test_module_entry_point_in_a_new_process(tmp_path):
    assert ceri_process("--version").stdout.startswith("ceri, version")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: student\nid: x y\n")
    result = ceri_process("validate", bad)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{bad}:2:5: invalid id 'x y'" in result.stderr
