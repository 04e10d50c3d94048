"""Remuneration received in a calendar year: from recorded payments, or estimated from the pay terms.

The JSPS report (様式5-3) asks for remuneration *received* in a calendar year. Recorded `payments` are
authoritative (counted by `paid_on`); without them the amount is estimated from `pay`, assuming:
- pay for a month of work is received in that same month (the estimate is dated the 1st of the month);
- per month: the monthly amount, prorated by calendar days for partial months
  (days of the period in the month / days in the month);
- per week, day or hour: 5 working days a week, Monday to Friday, public holidays ignored; a working day
  is hours_per_week / 5 hours; so per day = amount × working days, per hour = amount × hours_per_week / 5
  × working days, per week = amount × working days / 5;
- each month's estimate is rounded to whole yen (half up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pipeline.records.models import Internship
from pipeline.rules.periods import month_days, months_touched

WORKDAYS_PER_WEEK = 5


@dataclass(frozen=True)
class Remuneration:
    amount: int
    estimated: bool
    payments: tuple[tuple[date, int], ...]  # payments counted, or (first of month, estimate) per month


def working_days(start: date, end: date) -> int:
    """Monday–Friday days in [start, end] inclusive."""
    if end < start:
        return 0
    total = (end - start).days + 1
    weeks, rest = divmod(total, 7)
    extra = sum(1 for k in range(rest) if (start + timedelta(days=k)).weekday() < 5)
    return weeks * WORKDAYS_PER_WEEK + extra


def month_estimate(internship: Internship, year: int, month: int) -> int:
    """Estimated pay for the days of the internship that fall in one calendar month."""
    pay, period = internship.pay, internship.period
    if pay is None:
        return 0
    first, last = date(year, month, 1), date(year, month, month_days(year, month))
    lo, hi = max(first, period.start), min(last, period.end)
    if hi < lo:
        return 0
    amount = Decimal(pay.amount)
    if pay.per == "month":
        value = amount * Decimal((hi - lo).days + 1) / Decimal(month_days(year, month))
    else:
        days = Decimal(working_days(lo, hi))
        hours_per_day = Decimal(internship.hours_per_week) / WORKDAYS_PER_WEEK
        value = {"day": amount * days,
                 "week": amount * days / WORKDAYS_PER_WEEK,
                 "hour": amount * hours_per_day * days}[pay.per]
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def estimated(internship: Internship) -> bool:
    """True when amounts come from `pay` because no payments are recorded."""
    return internship.payments is None


def remuneration(internship: Internship, year: int) -> Remuneration:
    """What the internship paid (or, estimated, will pay) in calendar year `year`."""
    if internship.payments is not None:
        counted = tuple(sorted((p.paid_on, p.amount) for p in internship.payments if p.paid_on.year == year))
        return Remuneration(sum(a for _, a in counted), False, counted)
    months = [(y, m) for y, m in months_touched(internship.period.start, internship.period.end) if y == year]
    est = tuple((date(y, m, 1), month_estimate(internship, y, m)) for y, m in months)
    est = tuple(e for e in est if e[1] > 0)
    return Remuneration(sum(a for _, a in est), True, est)


def years_paid(internship: Internship) -> list[int]:
    """Calendar years in which the internship pays something (recorded or estimated)."""
    if internship.payments is not None:
        years = {p.paid_on.year for p in internship.payments if p.amount > 0}
    else:
        years = set(range(internship.period.start.year, internship.period.end.year + 1))
    return sorted(y for y in years if remuneration(internship, y).amount > 0)


def total(internship: Internship) -> int:
    """Everything the internship pays, over all years."""
    return sum(remuneration(internship, y).amount for y in years_paid(internship))
