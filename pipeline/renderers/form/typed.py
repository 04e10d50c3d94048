"""What people type into a returned form, made into values: line breaks as `\\n`, numbers and dates
through NFKC (full-width digits, `．`, full-width spaces from a Japanese IME), 和暦 dates, and control
characters refused naming the field. Free text is otherwise kept exactly as typed."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pipeline.context.era import ERAS
from pipeline.errors import CeriError
from pipeline.i18n import _

# \u2028, \u2029 and NEL are line breaks too (some viewers insert them for Enter)
BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085]")
# what people write for a date on a paper-like form, read as YYYY-MM-DD: 2026/10/1, 2026.10.1, 2026年10月1日
WRITTEN_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}
ERA_DATE = re.compile(r"(令和|平成|昭和|大正|明治|[RHSTM])\s*(元|\d{1,2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?",
                      re.IGNORECASE)


def text(value: str, field: str, source: str, limit: int) -> str:
    """Free text: line breaks made `\\n`, surrounding blanks dropped, nothing else changed."""
    value = BREAKS.sub("\n", value).strip()
    bad = next((c for c in value if c != "\n" and unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        raise CeriError(_("{file}: field {field}: the control character U+{code:04X} is not allowed "
                          "(only line breaks are)").format(file=source, field=field, code=ord(bad)))
    if len(value) > limit:
        raise CeriError(_("{file}: field {field}: {count} characters is more than the {limit} this field "
                          "may hold").format(file=source, field=field, count=len(value), limit=limit))
    return value


def plain(value: str) -> str:
    """A number or a date as typed with an IME, in ASCII: ２０２６年１０月１日 → 2026年10月1日, ４６５．５ → 465.5."""
    value = unicodedata.normalize("NFKC", value)
    return re.sub(r"\s+", " ", value).strip()


def number(value: str, unit: str) -> str:
    """40, ４０日, 1,234.5 時間 → the number alone (the schema checks it)."""
    value = plain(value).removesuffix(unit).strip()
    return value.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", value) else value


def written_date(value: str) -> str | None:
    """The date as YYYY-MM-DD (None when empty); anything else goes to the schema as written, which names
    the field and the value."""
    value = plain(value)
    if not value:
        return None
    m = WRITTEN_DATE.fullmatch(value)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = ERA_DATE.fullmatch(value)
    if m:
        name = ERA_LETTERS.get(m.group(1).upper(), m.group(1))
        start, _name, first_year = next(e for e in ERAS if e[1] == name)
        year = first_year + (1 if m.group(2) == "元" else int(m.group(2))) - 1
        try:
            day = date(year, int(m.group(3)), int(m.group(4)))
        except ValueError:
            return value
        if day < start:  # 令和1年4月1日 was still 平成
            return value
        nxt = next((e[0] for e in reversed(ERAS) if e[0] > start), None)
        return value if nxt is not None and day >= nxt else day.isoformat()
    return value
