"""Reference tables for places: the 47 prefectures, their immigration bureaus, ISO country codes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from babel import Locale

# Babel's territory list mixes countries with regions and pseudo-codes; these are not nationalities.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}


@dataclass(frozen=True)
class Bureau:
    key: str
    ja: str
    en: str
    head_ja: str = ""  # 申請先: 東京出入国在留管理局長 (a branch's applications go to its regional bureau's head)
    head_en: str = ""


def _data(name: str) -> dict:
    return yaml.safe_load(resources.files("pipeline.data").joinpath(name).read_text("utf-8"))


@cache
def prefectures() -> dict[str, str]:
    """English name → Japanese name, for all 47 prefectures."""
    return _data("prefectures.yaml")


@cache
def _bureau_of() -> dict[str, Bureau]:
    table = {}
    for key, b in _data("bureaus.yaml").items():
        for pref in b["prefectures"]:
            table[pref] = Bureau(key, b["ja"], b["en"], b.get("head_ja", ""), b.get("head_en", ""))
    return table


def bureau_for(prefecture: str) -> Bureau:
    """The regional immigration bureau (or branch) that serves residents of a prefecture."""
    return _bureau_of()[prefecture]


@cache
def country_codes() -> frozenset[str]:
    return frozenset(
        code for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def country_name(code: str, lang: str) -> str:
    return Locale(lang).territories[code]


def suggest(value: str, choices: list[str] | set[str] | frozenset[str]) -> str:
    """' (did you mean 'Tokyo'?)' for a near miss, else ''."""
    by_fold = {c.casefold(): c for c in choices}
    if value.casefold() in by_fold:
        return f" (did you mean '{by_fold[value.casefold()]}'?)"
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
