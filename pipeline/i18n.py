"""Plain values in Japanese and English (Babel): the amounts and dates that rule messages and documents
both print, declared once here so that a finding and a certificate never disagree on how 300,000円 looks."""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

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


# ---- messages for people (gettext) ------------------------------------------------------------------
# Every user-facing message is written in English inside _() with str.format placeholders
# (`_("'{value}' is not a date").format(value=v)`), so that `pybabel extract` finds it; the Japanese
# catalogue lives in pipeline/locale/ja/LC_MESSAGES/ceri.po. The language is --lang-ui, else the locale.

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
UI_LANGS = ("ja", "en")
_ui_lang: str | None = None
# the browser desk answers several people at once, each in their own language: one per request (thread)
_request_lang: ContextVar[str | None] = ContextVar("ceri_ui_lang", default=None)


def ui_lang() -> str:
    """The language of messages: the request's (browser desk), else --lang-ui, else the first of
    LANGUAGE/LC_ALL/LC_MESSAGES/LANG."""
    lang = _request_lang.get() or _ui_lang
    if lang:
        return lang
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def set_ui_lang(lang: str | None) -> None:
    global _ui_lang
    _ui_lang = lang


@contextmanager
def ui_language(lang: str) -> Iterator[None]:
    """Messages in `lang` within the block, in this thread or task only (the browser desk's requests)."""
    token = _request_lang.set(lang)
    try:
        yield
    finally:
        _request_lang.reset(token)


@lru_cache(maxsize=8)
def _catalog(lang: str, domain: str = "ceri") -> gettext.NullTranslations:
    """ceri's catalogue; domain 'click' holds the translations of click's own messages (usage errors,
    help headings)."""
    return catalog(LOCALE_DIR, lang, domain)


def catalog(locale_dir: Path, lang: str, domain: str) -> gettext.NullTranslations:
    """The compiled catalogue (DOMAIN.mo, made by `make messages` or at install); where it is missing or
    older than its DOMAIN.po (a fresh clone, a catalogue just edited), the .po compiled in memory by babel."""
    folder = locale_dir / lang / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    if po.is_file():
        from io import BytesIO

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def _(message: str) -> str:
    """The message in the language of messages (English where no translation exists)."""
    return _catalog(ui_lang()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(ui_lang()).ngettext(singular, plural, n)


def click_gettext(message: str) -> str:
    """click's own message in the language of messages (see cli/base.py, which hands it to click); a
    message click computes (its 'required') is in ceri's catalogue."""
    text = _catalog(ui_lang(), "click").gettext(message)
    return text if text != message else _catalog(ui_lang()).gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(ui_lang(), "click").ngettext(singular, plural, n)
