"""Remuneration an internship paid in one calendar year (JSPS 様式5-3 and the summary).

Minimal version for the PDF branch; the rules issue owns this module and its version wins at merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.records.models import Internship


@dataclass(frozen=True)
class Remuneration:
    amount: int
    estimated: bool
    payments: tuple[tuple[date, int], ...]


def remuneration(internship: Internship, year: int) -> Remuneration:
    """From `payments` paid in that calendar year, else estimated from `pay` over the days worked in it."""
    if internship.payments:
        paid = tuple((p.paid_on, p.amount) for p in internship.payments if p.paid_on.year == year)
        return Remuneration(sum(a for _, a in paid), False, paid)
    pay = internship.pay
    start = max(internship.period.start, date(year, 1, 1))
    end = min(internship.period.end, date(year, 12, 31))
    if pay is None or pay.amount == 0 or end < start:
        return Remuneration(0, False, ())
    days = (end - start).days + 1
    weekdays = sum(1 for i in range(days) if (start + timedelta(i)).weekday() < 5)
    weeks = days / 7
    if pay.per == "month":
        amount = pay.amount * days / 30
    elif pay.per == "week":
        amount = pay.amount * weeks
    elif pay.per == "day":
        amount = pay.amount * weekdays
    else:
        amount = pay.amount * float(internship.hours_per_week) * weeks
    return Remuneration(int(round(amount)), True, ())
