"""Period arithmetic of the programme: calendar months with clamped month ends (shared/DESIGN.md).

Periods are inclusive of both ends. A "calendar month" from a start date runs to the day before the same
day of the next month; when that day does not exist the month end clamps (Jan 31 + 1 month = Feb 28/29).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pipeline.records.models import Internship

DAYS_PER_MONTH = 30  # JSPS: leftover days of all internships count 30 to a month


def add_months(d: date, n: int) -> date:
    """d plus n calendar months, clamping to the last day of a shorter month."""
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def long_enough(start: date, end: date) -> bool:
    """At least 2 months: end >= start + 2 calendar months - 1 day (Jul 1–Aug 31 is exactly 2 months)."""
    return end >= add_months(start, 2) - timedelta(days=1)


def months_and_days(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months counted from start, plus the days left over, in [start, end] inclusive."""
    if end < start:
        return 0, 0
    # Each month is counted from start itself (not chained), so clamping never accumulates.
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    while months > 0 and add_months(start, months) - timedelta(days=1) > end:
        months -= 1
    covered_to = add_months(start, months) - timedelta(days=1)
    return months, (end - covered_to).days


def months_days_total(internships: Iterable[Internship]) -> tuple[int, int]:
    """Sum of months and leftover days of several internships, every 30 leftover days carried to a month."""
    months = days = 0
    for i in internships:
        m, d = months_and_days(i.period.start, i.period.end)
        months, days = months + m, days + d
    carry, days = divmod(days, DAYS_PER_MONTH)
    return months + carry, days


def jsps_months_total(internships: Iterable[Internship]) -> Decimal:
    """JSPS "6 months in total": whole months plus leftover days / 30, to 2 decimals (3 months 15 days = 3.50)."""
    months, days = months_days_total(internships)
    total = Decimal(months) + Decimal(days) / Decimal(DAYS_PER_MONTH)
    # One leftover day is 0.03: rounding never hides a day that crosses the limit.
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def months_touched(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) of every calendar month that has at least one day in [start, end]."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def full_months(start: date, end: date) -> list[str]:
    """'YYYY-MM' of every calendar month lying entirely inside [start, end]."""
    return [f"{y:04d}-{m:02d}" for y, m in months_touched(start, end)
            if date(y, m, 1) >= start and date(y, m, month_days(y, m)) <= end]


def overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> tuple[date, date] | None:
    """The common days of two inclusive periods, or None."""
    lo, hi = max(a_start, b_start), min(a_end, b_end)
    return (lo, hi) if lo <= hi else None
