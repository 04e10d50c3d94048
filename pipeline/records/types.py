"""Field types of the records format. Values arrive as strings; each type converts and explains."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from pipeline.i18n import _
from pipeline.records.places import country_codes, prefectures, suggest

ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAME_PUNCT = set(" -'.")


def fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise fail("not_text", "expected a single value here, not a list or mapping")
    return value


def parse_id(value: object) -> str:
    text = _text(value)
    if not ID_RE.fullmatch(text):
        raise fail("id", f"invalid id '{text}': use 1 to 32 letters, digits, '_' or '-'")
    return text


DATE_YEARS = (1900, 2200)


def parse_date(value: object) -> date:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not DATE_RE.fullmatch(text):
        raise fail("date_format", f"'{text}' is not a date: write dates as YYYY-MM-DD, e.g. 2026-07-01")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise fail("date_impossible", f"'{text}' is not a real date (no such day in that month)") from None
    if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:  # 9999-12-31 + a day, or 0001 in the era calendar, fail later
        raise fail("date_range", _("'{value}' is outside the years {first}–{last} that records can hold; check the "
                                   "year").format(value=text, first=DATE_YEARS[0], last=DATE_YEARS[1]))
    return day


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text not in ("true", "false"):
        raise fail("bool", f"'{text}' is not a boolean: write true or false")
    return text == "true"


def parse_whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _text(value)
    if not re.fullmatch(r"\d+", text):
        raise fail("whole", f"'{text}' is not a whole number ≥ 0 (digits only, no commas or signs)")
    return int(text)


def parse_number(value: object) -> Decimal:
    text = str(value) if isinstance(value, int | float | Decimal) else _text(value)
    try:
        number = Decimal(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None
    except InvalidOperation:
        number = None
    if number is None:
        raise fail("number", f"'{text}' is not a number ≥ 0 (e.g. 38.75)")
    return number


def parse_country(value: object) -> str:
    text = _text(value)
    if text not in country_codes():
        raise fail("country", f"'{text}' is not an ISO 3166-1 alpha-2 country code{suggest(text, country_codes())}"
                   " (e.g. VN, JP, NO)")
    return text


def parse_prefecture(value: object) -> str:
    text = _text(value)
    names = prefectures()
    if text not in names:
        raise fail("prefecture", f"'{text}' is not one of the 47 prefectures{suggest(text, list(names))}")
    return text


def roman_name(value: str) -> str:
    """Names as in the passport: Latin letters (diacritics allowed), spaces, hyphens, apostrophes."""
    for ch in value:
        if ch in NAME_PUNCT or (ch.isalpha() and "LATIN" in unicodedata.name(ch, "")):
            continue
        raise fail("roman", f"'{value}' must be written in roman letters as in the passport "
                            f"(found {ch!r}, U+{ord(ch):04X}); put Japanese in the *_ja fields")
    return value


def pattern(regex: str, what: str):
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise fail("pattern", f"'{value}' is not a valid {what}")
        return value

    return AfterValidator(check)


Id = Annotated[str, BeforeValidator(parse_id), Field(json_schema_extra={"pattern": f"^{ID_RE.pattern}$"})]
Day = Annotated[date, BeforeValidator(parse_date)]
Flag = Annotated[bool, BeforeValidator(parse_bool)]
Whole = Annotated[int, BeforeValidator(parse_whole), Field(ge=0)]
Number = Annotated[Decimal, BeforeValidator(parse_number), Field(ge=0)]
Country = Annotated[str, BeforeValidator(parse_country), Field(json_schema_extra={"pattern": "^[A-Z]{2}$"})]
Prefecture = Annotated[str, BeforeValidator(parse_prefecture), Field(json_schema_extra={"enum": list(prefectures())})]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
Roman = Annotated[str, BeforeValidator(_text), AfterValidator(roman_name)]
Email = Annotated[str, BeforeValidator(_text), pattern(r"[^@\s]+@[^@\s]+\.[^@\s]+", "email address")]
Phone = Annotated[str, BeforeValidator(_text), pattern(r"\+?[0-9][0-9 ()-]{5,20}", "phone number")]
PostalCode = Annotated[str, BeforeValidator(_text), pattern(r"\d{3}-\d{4}", "postal code (NNN-NNNN)")]
CardNumber = Annotated[str, BeforeValidator(_text),
                       pattern(r"[A-Z]{2}\d{8}[A-Z]{2}", "residence card number (two letters, eight digits, two letters)")]
