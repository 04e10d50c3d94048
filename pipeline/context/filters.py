"""Filters that templates and field maps use: {{ student.birth_date | date_en }}, {{ pay | yen }}."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pipeline.context import formatting as f
from pipeline.rules.permits import permission


def _permission_kind(internship, student) -> str:
    """comprehensive | individual: the work permit the internship needs ('' if none is needed)."""
    need = permission(student, internship) if internship is not None else None
    return need.kind if need else ""


FILTERS: dict[str, Callable] = {
    "date_ja": lambda d: f.date_ja(d) if d else "",  # 2026年7月1日
    "date_era": lambda d: f.date_era(d) if d else "",  # 令和8年7月1日
    "date_en": lambda d: f.date_en(d) if d else "",  # July 1, 2026
    "iso": lambda d: d.isoformat() if isinstance(d, date) else (d or ""),
    "yen": lambda n: f.yen(n, "ja"),  # 300,000円
    "yen_en": lambda n: f.yen(n, "en"),  # ¥300,000
    "name_ja": f.name_ja,  # 髙橋 﨑子 / NGUYEN Thi Lan
    "name_en": f.name_roman,  # NGUYEN Thi Lan: as in the passport
    "name_family_first": f.name_roman,  # NGUYEN Thi Lan (the same roman name)
    "nationality_ja": lambda c: f.nationality(c, "ja"),
    "nationality_en": lambda c: f.nationality(c, "en"),
    "prefecture_ja": lambda p: f.prefecture(p, "ja"),
    "bureau_ja": lambda p: f.bureau(p, "ja"),
    "bureau_en": lambda p: f.bureau(p, "en"),
    "bureau_head_ja": lambda p: f.bureau_head(p, "ja"),  # 東京出入国在留管理局長 (申請先)
    "bureau_head_en": lambda p: f.bureau_head(p, "en"),
    "permission_kind": _permission_kind,  # {{ internship | permission_kind(student) }}
}
