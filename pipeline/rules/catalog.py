"""The rule declarations of rules.yaml, and findings built from them (plain, JSON-ready data)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

import yaml

from pipeline import i18n

SEVERITIES = ("error", "warning", "info")
LANGS = ("en", "ja")


@dataclass(frozen=True, slots=True)  # slots: a batch of 50,000 students holds some 120,000 findings
class Finding:
    """One thing `ceri check` found about a student's internship (internship None: about the student)."""

    code: str
    severity: str  # error | warning | info
    student: str
    internship: str | None
    message_en: str
    message_ja: str
    clause: str
    data: dict  # what triggered it; JSON-serialisable (dates as ISO strings)

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "student": self.student,
                "internship": self.internship, "message_en": self.message_en,
                "message_ja": self.message_ja, "clause": self.clause, "data": self.data}

    def message(self, lang: str) -> str:
        return self.message_ja if lang == "ja" else self.message_en

    def sort_key(self) -> tuple:
        return (self.student, self.internship or "", self.code, _natural(self.data))


def _natural(data: dict) -> tuple:
    """data in the order its keys were written (year before amount), numbers compared as numbers."""
    def rank(v: object) -> tuple:
        if v is None:
            return (0, 0)
        if isinstance(v, bool | int | float):
            return (1, v)
        if isinstance(v, str):
            return (2, v)
        return (3, json.dumps(v, sort_keys=True))
    return tuple((k, rank(v)) for k, v in data.items())


@dataclass(frozen=True)
class Case:
    severity: str
    en: str
    ja: str


@dataclass(frozen=True)
class Declaration:
    """One rule as rules.yaml declares it; `extra` holds its own term tables (documents, phrases…)."""

    code: str
    clause: str
    cases: dict[str | None, Case]
    extra: dict = field(default_factory=dict)

    def phrase(self, key: str, lang: str, **params) -> str:
        return self.extra[key][lang].format_map({k: localised(v, lang) for k, v in params.items()})


@cache
def _yaml() -> dict:
    return yaml.safe_load(resources.files("pipeline.rules").joinpath("rules.yaml").read_text("utf-8"))


def _case(raw: dict, code: str) -> Case:
    if raw.get("severity") not in SEVERITIES:
        raise ValueError(f"rules.yaml: {code}: severity must be one of {SEVERITIES}")
    return Case(raw["severity"], raw["en"], raw["ja"])


@cache
def declarations() -> dict[str, Declaration]:
    out = {}
    for code, raw in _yaml().items():
        if code == "terms":
            continue
        if "cases" in raw:
            cases = {name: _case(c, code) for name, c in raw["cases"].items()}
        else:
            cases = {None: _case(raw, code)}
        extra = {k: v for k, v in raw.items() if k not in ("severity", "clause", "en", "ja", "cases")}
        out[code] = Declaration(code, raw["clause"], cases, extra)
    return out


def term(group: str, key: str | None, lang: str) -> str:
    """A shared term from rules.yaml `terms:` (per-unit names, severity labels, …)."""
    entry = _yaml()["terms"][group]
    return (entry[key] if key is not None else entry)[lang]


def yen(amount: int) -> dict[str, str]:
    """An amount in both languages: ¥300,000 / 300,000円."""
    return {lang: i18n.yen(amount, lang) for lang in LANGS}


def localised(value: object, lang: str) -> str:
    """A message parameter in one language: {'en','ja'} picks, lists join, numbers plain, dates as
    2026年8月31日 in Japanese and ISO 2026-08-31 in English (unambiguous in both)."""
    if isinstance(value, dict) and set(value) == set(LANGS):
        return str(value[lang])
    if isinstance(value, list | tuple):
        return term("list_separator", None, lang).join(localised(v, lang) for v in value)
    if isinstance(value, date):
        return i18n.date_ja(value) if lang == "ja" else value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def make_finding(code: str, student: str, internship: str | None, data: dict,
                 case: str | None = None, text: dict | None = None) -> Finding:
    """A finding with both messages filled from data plus text (message-only, per-language values)."""
    decl = declarations()[code]
    chosen = decl.cases[case]
    params = {**data, **(text or {})}
    messages = {lang: getattr(chosen, lang).format_map({k: localised(v, lang) for k, v in params.items()})
                for lang in LANGS}
    return Finding(code, chosen.severity, student, internship, messages["en"], messages["ja"],
                   decl.clause, jsonable(data))
