"""The browser desk's own words: catalogue `web` (pipeline/web/locale), then ceri's (the messages it shares
with the command line). The language is the request's (pipeline.i18n.ui_language)."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from pipeline.i18n import _ as ceri_gettext
from pipeline.i18n import catalog, ui_lang

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    """web.po, as ceri's catalogues are read (compiled in memory where no web.mo is newer)."""
    return catalog(LOCALE_DIR, lang, "web")


def _(message: str) -> str:
    text = _catalog(ui_lang()).gettext(message)
    return text if text != message else ceri_gettext(message)
