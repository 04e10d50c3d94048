"""STAND-IN for the rules issue (replaced at merge): remuneration of an internship in a calendar year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Remuneration:
    amount: int
    estimated: bool
    payments: tuple


def remuneration(internship, year: int) -> Remuneration:
    if internship.payments:
        paid = tuple(p for p in internship.payments if p.paid_on.year == year)
        return Remuneration(sum(p.amount for p in paid), False, paid)
    if internship.pay is None:
        return Remuneration(0, False, ())
    start = max(internship.period.start, date(year, 1, 1))
    end = min(internship.period.end, date(year, 12, 31))
    days = max((end - start).days + 1, 0)
    pay = internship.pay
    per_day = {"month": pay.amount * 12 / 365, "week": pay.amount / 7, "day": pay.amount * 5 / 7,
               "hour": pay.amount * float(internship.hours_per_week) / 7}[pay.per]
    return Remuneration(round(per_day * days), True, ())
