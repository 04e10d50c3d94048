"""Reference tables for places: the 47 prefectures, their immigration bureaus, ISO country codes."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from babel import Locale
from babel.core import get_global

from pipeline.i18n import _

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


def _plain(text: str) -> str:
    """What was meant, whatever the keyboard: full-width letters and digits made half-width (NFKC),
    case folded, surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _unaccented(text: str) -> str:
    """Tōkyō → tokyo: the macrons of Hepburn romanisation dropped."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def suggest(value: str, choices: list[str] | set[str] | frozenset[str]) -> str:
    """' (did you mean 'Tokyo'?)' for a near miss (other case, full-width letters, a typo), else ''."""
    found = closest(value, choices)
    return _(" (did you mean '{choice}'?)").format(choice=found) if found else ""


def closest(value: str, choices: list[str] | set[str] | frozenset[str]) -> str | None:
    by_plain = {_plain(c): c for c in choices}
    plain = _plain(value)
    if plain in by_plain:
        return by_plain[plain]
    close = difflib.get_close_matches(plain, list(by_plain), n=1, cutoff=0.6)
    return by_plain[close[0]] if close else None


@cache
def _country_by_name() -> dict[str, str]:
    """Country names in English and Japanese (Japan, 日本, Viet Nam, ベトナム) and ISO alpha-3 codes
    (JPN, VNM) → alpha-2 code."""
    codes = country_codes()
    table: dict[str, str] = {"uk": "GB"}  # the United Kingdom's everyday code is not ISO's
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in codes:
            table[alias.casefold()] = targets[0]
    for lang in ("en", "ja"):
        for code, name in Locale(lang).territories.items():
            if code in codes:
                table.setdefault(_plain(name), code)
    return table


def suggest_country(value: str) -> str:
    """The alpha-2 code a mistaken nationality most likely means: JPN → JP, Japan/日本 → JP, vn → VN."""
    plain = _plain(value)
    code = plain.upper() if plain.upper() in country_codes() else _country_by_name().get(plain)
    if code is None and len(plain) > 3:  # a name with a typo (Vietnm); short codes have no near misses
        close = difflib.get_close_matches(plain, list(_country_by_name()), n=1, cutoff=0.8)
        code = _country_by_name()[close[0]] if close else None
    return _(" (did you mean '{choice}'?)").format(choice=code) if code else ""


_SUFFIXES_JA = ("都", "府", "県")
_SUFFIXES_EN = ("-ken", " ken", " prefecture", "-to", " to", "-fu", " fu", " metropolis")


@cache
def _prefecture_by_name() -> dict[str, str]:
    """Japanese names with and without 都/府/県 (茨城県, 茨城, 東京都, 北海道), romanised ones with macrons,
    long vowels or a suffix (Tōkyō, Toukyou, Ibaraki-ken) → the English name records use."""
    table: dict[str, str] = {}
    for en, ja in prefectures().items():
        table[ja] = en
        if ja.endswith(_SUFFIXES_JA) and ja != "北海道":
            table[ja[:-1]] = en
        table[en.casefold()] = en
    return table


def suggest_prefecture(value: str) -> str:
    plain = _unaccented(_plain(value))
    for suffix in _SUFFIXES_EN:
        if plain.endswith(suffix) and len(plain) > len(suffix) + 2:
            plain = plain.removesuffix(suffix)
            break
    table = _prefecture_by_name()
    found = table.get(plain) or table.get(plain.replace("ou", "o").replace("oo", "o"))
    if found:
        return _(" (did you mean '{choice}'?)").format(choice=found)
    return suggest(plain, list(prefectures()))
