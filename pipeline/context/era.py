"""The Japanese era calendar (和暦). Babel has no era names for dates, so this small table is ours."""

from __future__ import annotations

from datetime import date

# (first day, name, Western year of its year 1): year 1 runs from the first day to Dec 31 of that year.
ERAS: tuple[tuple[date, str, int], ...] = (
    (date(2019, 5, 1), "令和", 2019),
    (date(1989, 1, 8), "平成", 1989),
    (date(1926, 12, 25), "昭和", 1926),
    (date(1912, 7, 30), "大正", 1912),
    (date(1873, 1, 1), "明治", 1868),  # Gregorian dates start on Meiji 6-01-01; Meiji 1 was 1868
)


def era_year(d: date) -> tuple[str, int]:
    """('令和', 8) for 2026-07-01."""
    for start, name, first_year in ERAS:
        if d >= start:
            return name, d.year - first_year + 1
    raise ValueError(f"{d} is before the Gregorian calendar was adopted in Japan (1873)")


def format_era(d: date) -> str:
    """令和8年7月1日; the first year of an era is 元年 (令和元年5月1日)."""
    name, year = era_year(d)
    return f"{name}{'元' if year == 1 else year}年{d.month}月{d.day}日"
