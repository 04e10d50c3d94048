"""The browser desk's own words: catalogue `web` (pipeline/web/locale), then ceri's (the messages it shares
with the command line). The language is the request's (pipeline.i18n.ui_language)."""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pipeline.i18n import _ as ceri_gettext
from pipeline.i18n import ui_lang

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    """web.po compiled in memory (a few hundred messages: milliseconds, once)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "web.po"
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    text = _catalog(ui_lang()).gettext(message)
    return text if text != message else ceri_gettext(message)
