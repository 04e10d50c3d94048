"""Formatting for documents: dates, yen, names, countries, bureaus, in Japanese and English.

Every function takes plain values and a language ('ja' or 'en'); Babel does the locale work.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

import yaml
from babel.dates import format_date as babel_date
from babel.numbers import format_decimal

from pipeline.context.era import format_era
from pipeline.i18n import date_en, date_ja
from pipeline.i18n import yen as yen  # documents format amounts through this module too
from pipeline.records.models import PersonName
from pipeline.records.places import bureau_for, country_name, prefectures

LANGS = ("ja", "en")


def date_era(d: date) -> str:
    """令和8年7月1日"""
    return format_era(d)


def format_date(d: date | None, lang: str, style: str = "era") -> str:
    """A date as a document in lang shows it: era or Western on Japanese documents, Western in English."""
    if d is None:
        return ""
    if lang == "en":
        return date_en(d)
    return date_era(d) if style == "era" else date_ja(d)


def birth_date(d: date, nationality: str, lang: str, style: str = "era") -> str:
    """A birth date as a document in lang shows it: a foreign national's in the Western calendar (as on
    the passport and at immigration), a Japanese national's in the institution's style."""
    return format_date(d, lang, style if nationality == "JP" else "western")


def month_en(d: date) -> str:
    """July 2026"""
    return babel_date(d, "MMMM y", locale="en")


def number(value: int | Decimal, lang: str) -> str:
    return format_decimal(value, locale=lang)


def name_roman(name: PersonName) -> str:
    """NGUYỄN Thị Lan: the roman name as the passport prints it, family name first in capitals. Every
    document that shows a roman name shows this one, so that it matches the passport at any counter."""
    return " ".join(x for x in (name.family.upper(), name.given) if x)


# the names templates and older code know it by: one roman name everywhere
name_western = name_roman
name_roman_family_first = name_roman


def name_ja(name: PersonName) -> str:
    """Family name first, in Japanese script where given (髙橋 﨑子), else the roman name family first."""
    if name.family_ja:
        return " ".join(x for x in (name.family_ja, name.given_ja) if x)
    return name_roman(name)


def person_name(name: PersonName, lang: str) -> str:
    return name_ja(name) if lang == "ja" else name_roman(name)


@cache
def _government_names() -> dict[str, dict[str, str]]:
    return yaml.safe_load(resources.files("pipeline.data").joinpath("countries.yaml").read_text("utf-8"))


def nationality(code: str, lang: str) -> str:
    """KR → 大韓民国 / Republic of Korea: the Japanese government's name where data/countries.yaml gives one,
    else Babel's (CLDR) territory name."""
    own = _government_names().get(code)
    return own[lang] if own else country_name(code, lang)


def prefecture(name_en: str, lang: str) -> str:
    return prefectures()[name_en] if lang == "ja" else name_en


def bureau(prefecture_en: str, lang: str) -> str:
    """The regional immigration bureau that serves a prefecture, in lang."""
    b = bureau_for(prefecture_en)
    return b.ja if lang == "ja" else b.en


def bureau_head(prefecture_en: str, lang: str) -> str:
    """To whom a permit application filed there is addressed (申請先): 東京出入国在留管理局長 /
    Director General of the Tokyo Regional Immigration Services Bureau."""
    b = bureau_for(prefecture_en)
    return b.head_ja if lang == "ja" else b.head_en


def pick(obj: object, field: str, lang: str) -> str:
    """obj.field_ja or obj.field_en, falling back to the other language when one is absent."""
    first, other = (f"{field}_{lang}", f"{field}_{'en' if lang == 'ja' else 'ja'}")
    return getattr(obj, first, None) or getattr(obj, other, None) or ""
