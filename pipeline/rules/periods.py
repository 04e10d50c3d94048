"""STAND-IN for the rules issue (replaced at merge): JSPS months of a fellow's internships."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal


def _plus_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, min(d.day, calendar.monthrange(d.year + y, m + 1)[1]))


def _months(start: date, end: date) -> Decimal:
    whole = 0
    while _plus_months(start, whole + 1) - timedelta(days=1) <= end:
        whole += 1
    left = (end - _plus_months(start, whole)).days + 1
    return Decimal(whole) + Decimal(left) / Decimal(30)


def jsps_months_total(internships) -> Decimal:
    return sum((_months(i.period.start, i.period.end) for i in internships), Decimal(0))
