"""Label catalogues: templates/labels.yaml (shared labels) and templates/<doc>.<lang>.yaml (document text)."""

from __future__ import annotations

from functools import cache

import yaml

from pipeline.errors import CeriError
from pipeline.i18n import _
from pipeline.resources import TEMPLATES


@cache
def _labels() -> dict[str, dict[str, str]]:
    return yaml.safe_load((TEMPLATES / "labels.yaml").read_text("utf-8"))


def label(key: str, lang: str) -> str:
    """One label in 'ja' or 'en'; 'ja+en' gives '氏名 / Name'."""
    entry = _labels().get(key)
    if entry is None:
        raise KeyError(f"no label '{key}' in templates/labels.yaml")
    if lang == "ja+en":
        return f"{entry['ja']} / {entry['en']}"
    return entry[lang]


@cache
def document_text(doc: str, lang: str) -> dict[str, str]:
    """The fixed wording of one document in one language (templates/<doc>.<lang>.yaml)."""
    path = TEMPLATES / f"{doc}.{lang}.yaml"
    if not path.exists():
        raise CeriError(_("{path}: missing wording for document '{doc}' in language '{lang}'").format(
            path=path, doc=doc, lang=lang))
    return yaml.safe_load(path.read_text("utf-8"))
