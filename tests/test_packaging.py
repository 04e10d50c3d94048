"""The lock file covers pyproject.toml: every dependency pinned, at a version its specifier allows."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text("utf-8")
    return {canonicalize_name(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def test_every_dependency_is_pinned_in_the_lock_at_an_allowed_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = _pins()
    stale = []
    for spec in map(Requirement, wanted):
        version = pins.get(canonicalize_name(spec.name))
        if version is None or not spec.specifier.contains(version, prereleases=True):
            stale.append(f"{spec} (lock: {version})")
    assert stale == [], "requirements.lock is stale: run `make lock`"


def test_libraries_whose_internals_ceri_touches_have_an_upper_bound():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for spec in map(Requirement, project["dependencies"]):
        if canonicalize_name(spec.name) in {"pypdf", "reportlab", "docxtpl", "python-docx"}:
            assert any(s.operator == "<" for s in spec.specifier), spec
