"""Period arithmetic and the remuneration helper (recorded payments, monthly prorating, hourly estimates)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipeline.rules.money import Remuneration, remuneration, working_days, years_paid
from pipeline.rules.periods import add_months, full_months, jsps_months_total, long_enough, months_and_days
from tests.rules_fixtures import write_records

D = date


@pytest.mark.parametrize(("d", "n", "expected"), [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),    # leap year
    (D(2026, 1, 31), 2, D(2026, 3, 31)),    # not chained through February
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2028, 2, 29), 12, D(2029, 2, 28)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 7, 15), 0, D(2026, 7, 15)),
])
def test_add_months_clamps_month_ends(d, n, expected):
    assert add_months(d, n) == expected


def test_long_enough_boundaries():
    assert long_enough(D(2026, 7, 1), D(2026, 8, 31))
    assert not long_enough(D(2026, 7, 1), D(2026, 8, 30))
    assert long_enough(D(2026, 1, 31), D(2026, 3, 30))
    assert not long_enough(D(2026, 1, 31), D(2026, 3, 29))
    assert long_enough(D(2027, 12, 31), D(2028, 2, 28))     # Dec 31 + 2 months = Feb 29 (leap)
    assert not long_enough(D(2026, 12, 31), D(2027, 2, 26))  # Dec 31 + 2 months = Feb 28 (common)
    assert long_enough(D(2026, 12, 31), D(2027, 2, 27))


@pytest.mark.parametrize(("start", "end", "expected"), [
    (D(2026, 7, 1), D(2026, 9, 30), (3, 0)),
    (D(2026, 7, 1), D(2026, 7, 1), (0, 1)),
    (D(2025, 10, 1), D(2025, 12, 15), (2, 15)),
    (D(2026, 8, 15), D(2026, 11, 14), (3, 0)),
    (D(2026, 1, 31), D(2026, 3, 30), (2, 0)),
    (D(2026, 1, 31), D(2026, 3, 29), (1, 30)),
    (D(2028, 2, 1), D(2028, 2, 29), (1, 0)),    # all of a leap February
    (D(2028, 2, 1), D(2028, 2, 28), (0, 28)),
])
def test_months_and_days(start, end, expected):
    assert months_and_days(start, end) == expected


def test_jsps_months_total_carries_30_days(tmp_path):
    records = write_records(tmp_path, {}, {"period": {"start": "2026-01-01", "end": "2026-03-20"}},
                            {"period": {"start": "2026-07-01", "end": "2026-10-10"}})
    assert jsps_months_total(records.internships_of("S1")) == Decimal("6.00")
    records = write_records(tmp_path, {}, {"period": {"start": "2026-01-01", "end": "2026-02-15"}})
    assert jsps_months_total(records.internships_of("S1")) == Decimal("1.50")
    assert jsps_months_total([]) == Decimal("0.00")


def test_full_months():
    assert full_months(D(2026, 8, 15), D(2026, 11, 14)) == ["2026-09", "2026-10"]
    assert full_months(D(2026, 7, 1), D(2026, 9, 30)) == ["2026-07", "2026-08", "2026-09"]
    assert full_months(D(2026, 12, 1), D(2027, 1, 31)) == ["2026-12", "2027-01"]
    assert full_months(D(2026, 7, 2), D(2026, 8, 30)) == []
    assert full_months(D(2028, 2, 1), D(2028, 2, 29)) == ["2028-02"]
    assert full_months(D(2028, 2, 1), D(2028, 2, 28)) == []


def test_working_days():
    assert working_days(D(2026, 9, 1), D(2026, 9, 30)) == 22   # Sep 1, 2026 is a Tuesday
    assert working_days(D(2026, 9, 5), D(2026, 9, 6)) == 0     # a weekend
    assert working_days(D(2026, 9, 7), D(2026, 9, 13)) == 5
    assert working_days(D(2026, 9, 7), D(2026, 9, 6)) == 0


def test_explicit_payments_are_counted_by_the_year_paid(tmp_path):
    records = write_records(tmp_path, {}, {
        "period": {"start": "2026-11-01", "end": "2027-01-31"},
        "payments": [{"paid_on": "2027-01-25", "amount": 310000}, {"paid_on": "2026-11-25", "amount": 300000},
                     {"paid_on": "2026-12-25", "amount": 300000}]})
    i = records.internships["I1"]
    assert remuneration(i, 2026) == Remuneration(600000, False, ((D(2026, 11, 25), 300000),
                                                                (D(2026, 12, 25), 300000)))
    assert remuneration(i, 2027) == Remuneration(310000, False, ((D(2027, 1, 25), 310000),))
    assert remuneration(i, 2025) == Remuneration(0, False, ())
    assert years_paid(i) == [2026, 2027]


def test_payments_paid_in_the_next_year_count_there(tmp_path):
    # December's pay received in January belongs to the next year's report, whatever the period says.
    records = write_records(tmp_path, {}, {"period": {"start": "2026-10-01", "end": "2026-12-31"},
                                           "payments": [{"paid_on": "2027-01-10", "amount": 200000}]})
    i = records.internships["I1"]
    assert remuneration(i, 2026).amount == 0 and remuneration(i, 2027).amount == 200000


def test_monthly_pay_is_prorated_by_days(tmp_path):
    records = write_records(tmp_path, {}, {"period": {"start": "2026-08-15", "end": "2026-11-14"},
                                           "pay": {"amount": 310000, "per": "month"}})
    r = remuneration(records.internships["I1"], 2026)
    # Aug: 17/31 days, Sep and Oct whole, Nov: 14/30 days (half up to the yen)
    assert r.estimated is True
    assert r.payments == ((D(2026, 8, 1), 170000), (D(2026, 9, 1), 310000), (D(2026, 10, 1), 310000),
                          (D(2026, 11, 1), 144667))
    assert r.amount == 170000 + 310000 + 310000 + 144667


def test_monthly_pay_in_a_leap_february(tmp_path):
    records = write_records(tmp_path, {}, {"period": {"start": "2028-01-01", "end": "2028-02-14"},
                                           "pay": {"amount": 290000, "per": "month"}})
    r = remuneration(records.internships["I1"], 2028)
    assert r.payments == ((D(2028, 1, 1), 290000), (D(2028, 2, 1), 140000))   # 14/29 of 290,000


def test_hourly_pay_from_hours_per_week(tmp_path):
    # 30 h/week = 6 h a working day; September 2026 has 22 weekdays, October 22, November 1–30: 21
    records = write_records(tmp_path, {}, {"period": {"start": "2026-09-01", "end": "2026-11-30"},
                                           "hours_per_week": "30", "pay": {"amount": 1800, "per": "hour"}})
    r = remuneration(records.internships["I1"], 2026)
    assert r.payments == ((D(2026, 9, 1), 237600), (D(2026, 10, 1), 237600), (D(2026, 11, 1), 226800))
    assert r.amount == 702000 and r.estimated


def test_fractional_hours_round_half_up(tmp_path):
    records = write_records(tmp_path, {}, {"period": {"start": "2026-09-07", "end": "2026-09-07"},
                                           "hours_per_week": "38.75", "pay": {"amount": 1001, "per": "hour"}})
    # 7.75 h × ¥1,001 = ¥7,757.75 → ¥7,758
    assert remuneration(records.internships["I1"], 2026).amount == 7758


def test_daily_and_weekly_pay(tmp_path):
    period = {"start": "2026-09-07", "end": "2026-09-20"}   # two Monday-to-Sunday weeks: 10 working days
    daily = write_records(tmp_path, {}, {"period": period, "pay": {"amount": 15000, "per": "day"}})
    assert remuneration(daily.internships["I1"], 2026).amount == 150000
    weekly = write_records(tmp_path, {}, {"period": period, "pay": {"amount": 70000, "per": "week"}})
    assert remuneration(weekly.internships["I1"], 2026).amount == 140000


def test_no_pay_and_no_payments_is_nothing(tmp_path):
    records = write_records(tmp_path, {}, {"pay": {"amount": 0}})
    i = records.internships["I1"]
    assert remuneration(i, 2026).amount == 0 and years_paid(i) == []
