"""The words of a PDF document in its language(s), and values formatted the way each language writes them.

Every helper returns a tuple of paragraphs: one for 'ja' or 'en', the Japanese and the English one for
'ja+en' (the layout draws them one under the other, so '氏名' sits above 'Name').
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pipeline.context import formatting as fmt
from pipeline.context.labels import document_text, label
from pipeline.errors import CeriError
from pipeline.records.models import Institution, Pay, Period

Paras = tuple[str, ...]


def langs(lang: str) -> tuple[str, ...]:
    return ("ja", "en") if lang == "ja+en" else (lang,)


def both(ja: str, en: str, lang: str) -> Paras:
    """The value in lang; for ja+en both, once when they are the same."""
    if lang == "ja":
        return (ja,)
    if lang == "en":
        return (en,)
    return (ja,) if ja == en else (ja, en)


class Words:
    """Fixed text of one document (templates/<doc>.<lang>.yaml) and shared labels (templates/labels.yaml)."""

    def __init__(self, doc: str, lang: str):
        self.doc = doc
        self.lang = lang
        self.texts = {lg: document_text(doc, lg) for lg in langs(lang)}

    def _one(self, key: str, lg: str, **values: object) -> str:
        text = self.texts[lg].get(key)
        if text is None:
            raise CeriError(f"templates/{self.doc}.{lg}.yaml: no text '{key}' (add it to that file)")
        try:
            return str(text).format(**values) if values else str(text)
        except (KeyError, IndexError) as exc:
            raise CeriError(f"templates/{self.doc}.{lg}.yaml: text '{key}' uses an unknown "
                            f"placeholder {exc} (known: {', '.join(values)})") from None

    def t(self, key: str, **values: object) -> Paras:
        """A document text in every language of the document ({placeholders} filled per language)."""
        return tuple(self._one(key, lg, **{k: _pick(v, lg) for k, v in values.items()})
                     for lg in langs(self.lang))

    def one(self, key: str, lg: str, **values: object) -> str:
        return self._one(key, lg, **values)

    def label(self, key: str) -> Paras:
        return tuple(label(key, lg) for lg in langs(self.lang))

    def joined(self, paras: Paras) -> str:
        """Paragraphs on one line: '氏名 / Name'."""
        return " / ".join(paras)


def _pick(value: object, lg: str) -> object:
    """Placeholders may be given per language as {'ja': …, 'en': …}."""
    return value[lg] if isinstance(value, dict) else value


class Values:
    """Record values formatted for a document in lang, with the institution's date style."""

    def __init__(self, lang: str, institution: Institution):
        self.lang = lang
        self.style = institution.date_style

    def date1(self, d: date | None, lg: str) -> str:
        return fmt.format_date(d, lg, self.style)

    def date(self, d: date | None) -> Paras:
        """One line even in ja+en: 令和8年7月1日（July 1, 2026）."""
        if d is None:
            return ("—",)
        if self.lang == "ja+en":
            return (f"{self.date1(d, 'ja')}（{self.date1(d, 'en')}）",)
        return (self.date1(d, self.lang),)

    def period(self, p: Period) -> Paras:
        return tuple(self.period1(p, lg) for lg in langs(self.lang))

    def period1(self, p: Period, lg: str) -> str:
        sep = " 〜 " if lg == "ja" else " – "
        return f"{self.date1(p.start, lg)}{sep}{self.date1(p.end, lg)}"

    def yen(self, amount: int) -> Paras:
        return tuple(fmt.yen(amount, lg) for lg in langs(self.lang))

    def pay(self, pay: Pay | None) -> Paras:
        if pay is None:
            return ("—",)
        out = []
        for lg in langs(self.lang):
            per = label(f"pay_per_{pay.per}", lg)
            out.append(f"{per} {fmt.yen(pay.amount, lg)}" if lg == "ja" else f"{fmt.yen(pay.amount, lg)} {per}")
        return tuple(out)

    def hours(self, h: Decimal | int) -> Paras:
        """38.75時間 / 38.75 hours (one line in ja+en: they are short)."""
        out = []
        for lg in langs(self.lang):
            n = fmt.number(h, lg)
            out.append(f"{n}{label('hours', 'ja')}" if lg == "ja" else f"{n} {label('hours', 'en')}")
        return (" / ".join(out),)

    def pick(self, obj: object, field: str) -> Paras:
        return both(fmt.pick(obj, field, "ja"), fmt.pick(obj, field, "en"), self.lang)
