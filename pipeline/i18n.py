"""Plain values in Japanese and English (Babel): the amounts and dates that rule messages and documents
both print, declared once here so that a finding and a certificate never disagree on how 300,000円 looks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_date
from babel.numbers import format_currency, format_decimal


@lru_cache(maxsize=4096)  # babel takes ~0.1 ms an amount, and a batch's pay amounts repeat
def yen(amount: int | Decimal | None, lang: str) -> str:
    """300,000円 in Japanese, ¥300,000 in English ('' for no amount)."""
    if amount is None:
        return ""
    if lang == "en":
        return format_currency(amount, "JPY", locale="en")
    return f"{format_decimal(amount, locale='ja')}円"


def date_en(d: date) -> str:
    """July 1, 2026"""
    return babel_date(d, "MMMM d, y", locale="en")


def date_ja(d: date) -> str:
    """2026年7月1日"""
    return babel_date(d, "y年M月d日", locale="ja")
