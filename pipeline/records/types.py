"""Field types of the records format. Values arrive as strings; each type converts and explains."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from pipeline.i18n import _
from pipeline.records.chars import describe
from pipeline.records.places import country_codes, prefectures, suggest_country, suggest_prefecture

ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
WHOLE_RE = re.compile(r"\d+", re.ASCII)
NUMBER_RE = re.compile(r"\d+(\.\d+)?", re.ASCII)
NAME_PUNCT = set(" -'.")


def fail(kind: str, message: str, **context: object) -> PydanticCustomError:
    """A conversion error; context goes to load's messages (which know the field's name)."""
    return PydanticCustomError(kind, "{message}", {"message": message, **context})


def halfwidth_hint(text: str, valid: Callable[[str], object]) -> str:
    """' (full-width characters: did you mean '2026-07-01'?)' where half-width input would be valid."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain != text and valid(plain):
        return _(" (full-width characters: did you mean '{value}'?)").format(value=plain)
    return ""


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise fail("not_text", _("expected a single value here, not a list or mapping"))
    return value


# ---- text: one line, or a paragraph --------------------------------------------------------------
# Line breaks are content where a document shows a paragraph or a multi-line field (Paragraph); everywhere
# else a value is one line (Text). docs/records.md lists which fields are which.
LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")  # \r\n and \r (Windows, old Mac, PDF readers) read as \n


def _before(text: str, at: int) -> str:
    """Up to 15 characters before position at, on their line: where a problem is, for the message."""
    start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    return text[max(start, at - 15):at]


def _no_controls(text: str, allowed: str = "") -> str:
    for at, ch in enumerate(text):
        if ch not in allowed and unicodedata.category(ch) == "Cc":
            raise fail("control_character", _("{char} is a control character, which no document can print: "
                                              "remove it").format(char=describe(ch)),
                       char=describe(ch), before=_before(text, at))
    return text


def one_line(value: object) -> str:
    """A value that documents show on one line (a name, a title, an address): no line break in it."""
    text = _text(value)
    found = LINE_BREAKS.search(text)
    if found:
        raise fail("line_break", _("a line break in a one-line value: write it on one line"),
                   before=_before(text, found.start()))
    return _no_controls(text)


def paragraph(value: object) -> str:
    """A value that documents show as a paragraph or in a multi-line field: its line breaks are kept as
    \n (a final one, which YAML's `|` adds, is dropped); other control characters are refused."""
    text = LINE_BREAKS.sub("\n", _text(value)).rstrip("\n")
    return _no_controls(text, allowed="\n")


def parse_id(value: object) -> str:
    text = _text(value)
    if not ID_RE.fullmatch(text):
        raise fail("id", _("invalid id '{value}': use 1 to 32 letters, digits, '_' or '-'").format(value=text)
                   + halfwidth_hint(text, ID_RE.fullmatch))
    return text


DATE_YEARS = (1900, 2200)


def parse_date(value: object) -> date:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not DATE_RE.fullmatch(text):
        raise fail("date_format", _("'{value}' is not a date: write dates as YYYY-MM-DD, e.g. 2026-07-01").format(
            value=text) + halfwidth_hint(text, DATE_RE.fullmatch))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise fail("date_impossible", _("'{value}' is not a real date (no such day in that month)").format(
            value=text)) from None
    if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:  # 9999-12-31 + a day, or 0001 in the era calendar, fail later
        raise fail("date_range", _("'{value}' is outside the years {first}–{last} that records can hold; check the "
                                   "year").format(value=text, first=DATE_YEARS[0], last=DATE_YEARS[1]))
    return day


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text not in ("true", "false"):
        raise fail("bool", _("'{value}' is not a boolean: write true or false").format(value=text)
                   + halfwidth_hint(text, lambda t: t in ("true", "false")))
    return text == "true"


def parse_whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _text(value)
    if not WHOLE_RE.fullmatch(text):
        raise fail("whole", _("'{value}' is not a whole number ≥ 0 (digits only, no commas or signs)").format(
            value=text) + halfwidth_hint(text, WHOLE_RE.fullmatch))
    return int(text)


def parse_number(value: object) -> Decimal:
    text = str(value) if isinstance(value, int | float | Decimal) else _text(value)
    try:
        number = Decimal(text) if NUMBER_RE.fullmatch(text) else None
    except InvalidOperation:
        number = None
    if number is None:
        raise fail("number", _("'{value}' is not a number ≥ 0 (e.g. 38.75)").format(value=text)
                   + halfwidth_hint(text, NUMBER_RE.fullmatch))
    return number


def parse_country(value: object) -> str:
    text = _text(value)
    if text not in country_codes():
        raise fail("country", _("'{value}' is not an ISO 3166-1 alpha-2 country code").format(value=text)
                   + (suggest_country(text) or _(" (e.g. VN, JP, NO)")))
    return text


def parse_prefecture(value: object) -> str:
    text = _text(value)
    names = prefectures()
    if text not in names:
        raise fail("prefecture", _("'{value}' is not one of the 47 prefectures").format(value=text)
                   + (suggest_prefecture(text) or _(" (write the English name, e.g. Kanagawa)")))
    return text


def roman_name(value: str) -> str:
    """Names as in the passport: Latin letters (diacritics allowed), spaces, hyphens, apostrophes."""
    for ch in value:
        if ch in NAME_PUNCT or (ch.isalpha() and "LATIN" in unicodedata.name(ch, "")):
            continue
        raise fail("roman", _("'{value}' must be written in roman letters as in the passport (found {char}); "
                              "put Japanese in the *_ja fields").format(value=value, char=describe(ch)))
    return value


def pattern(regex: str, what: Callable[[], str]):
    """A text that must match regex (ASCII digits only); what() names it in the language of messages."""
    compiled = re.compile(regex, re.ASCII)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise fail("pattern", _("'{value}' is not a valid {what}").format(value=value, what=what())
                       + halfwidth_hint(value, compiled.fullmatch))
        return value

    return AfterValidator(check)


Id = Annotated[str, BeforeValidator(parse_id), Field(json_schema_extra={"pattern": f"^{ID_RE.pattern}$"})]
Day = Annotated[date, BeforeValidator(parse_date)]
Flag = Annotated[bool, BeforeValidator(parse_bool)]
Whole = Annotated[int, BeforeValidator(parse_whole), Field(ge=0)]
Number = Annotated[Decimal, BeforeValidator(parse_number), Field(ge=0)]
Country = Annotated[str, BeforeValidator(parse_country), Field(json_schema_extra={"pattern": "^[A-Z]{2}$"})]
Prefecture = Annotated[str, BeforeValidator(parse_prefecture), Field(json_schema_extra={"enum": list(prefectures())})]
# the schema tells editors too: a one-line value holds no line break; a paragraph is marked for the reference
Text = Annotated[str, BeforeValidator(one_line), Field(min_length=1, json_schema_extra={"pattern": "^[^\r\n]*$"})]
Paragraph = Annotated[str, BeforeValidator(paragraph), Field(min_length=1, json_schema_extra={"x-paragraph": True})]
Roman = Annotated[str, BeforeValidator(one_line), AfterValidator(roman_name)]
Email = Annotated[str, BeforeValidator(one_line), pattern(r"[^@\s\u3000]+@[^@\s\u3000]+\.[^@\s\u3000]+", lambda: _("email address"))]
Phone = Annotated[str, BeforeValidator(one_line), pattern(r"\+?[0-9][0-9 ()-]{5,20}", lambda: _("phone number"))]
PostalCode = Annotated[str, BeforeValidator(one_line), pattern(r"\d{3}-\d{4}", lambda: _("postal code (NNN-NNNN)"))]
CardNumber = Annotated[str, BeforeValidator(one_line),
                       pattern(r"[A-Z]{2}\d{8}[A-Z]{2}",
                               lambda: _("residence card number (two letters, eight digits, two letters)"))]
