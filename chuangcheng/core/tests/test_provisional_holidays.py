"""The provisional schedule of a year nobody has published yet, checked against the years chinese-calendar knows.

The library's 2025 and 2026 data are the State Council's own schedules under the rules in force
since 2025: every provisional day off must be an official day off there (a wrong lunar date or
solar term would put a festival on a working day).
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from chuangcheng.core import provisional_holidays as provisional
from chuangcheng.core.workcalendar import is_workday, provisional_days

pytestmark = pytest.mark.django_db


def official_days_off(year: int) -> set[date]:
    return {day for day in chinese_calendar.holidays if day.year == year}


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_provisional_days_of_2025_and_2026_are_all_official_days_off(year):
    days = set(provisional.holidays(year))

    assert days <= official_days_off(year)
    # What is left out is only 调休 (a borrowed weekday, e.g. 8 Oct 2025) or a weekend day.
    assert len(official_days_off(year) - days) <= 3


@pytest.mark.parametrize("year", range(2008, 2027))
def test_the_lunar_festivals_and_qingming_fall_on_the_librarys_holidays_since_2008(year):
    for day in (
        provisional.spring_festival(year),
        provisional.qingming(year),
        provisional.dragon_boat(year),
        provisional.mid_autumn(year),
    ):
        assert not chinese_calendar.is_workday(day), day
        # The library lists the holiday itself (it leaves out a weekend day inside one, now and then).
        assert any(day + timedelta(days=n) in chinese_calendar.holidays for n in (-1, 0, 1)), day


def test_2027_keeps_weekends_and_the_usual_holidays_without_make_up_days():
    days_off = [
        date(2027, 1, 1),  # 元旦, a Friday: with the weekend, 1–3 January
        date(2027, 2, 5),  # 除夕
        date(2027, 2, 6),  # 正月初一, a Saturday
        date(2027, 2, 12),  # 正月初七
        date(2027, 4, 5),  # 清明 (Monday; 3–5 April with the weekend)
        date(2027, 5, 4),  # 劳动节 1–5 May
        date(2027, 6, 9),  # 端午, a Wednesday: one day
        date(2027, 9, 15),  # 中秋, a Wednesday: one day
        date(2027, 10, 7),  # 国庆节 1–7 October
        date(2027, 2, 20),  # an ordinary Saturday: no 调休 is guessed
    ]
    working = [date(2027, 1, 4), date(2027, 2, 4), date(2027, 2, 15), date(2027, 4, 6), date(2027, 10, 8)]

    assert [day for day in days_off if is_workday(day)] == []
    assert [day for day in working if not is_workday(day)] == []
    assert dict(provisional_days(2027))[date(2027, 2, 5)] == "春节"


@pytest.mark.parametrize(
    ("festival", "weekday", "expected"),
    [
        (date(2025, 4, 4), "Friday", [date(2025, 4, 4), date(2025, 4, 5), date(2025, 4, 6)]),
        (date(2026, 4, 5), "Sunday", [date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)]),
        (date(2024, 9, 17), "Tuesday", [date(2024, 9, 15), date(2024, 9, 16), date(2024, 9, 17)]),
        (date(2024, 4, 4), "Thursday", [date(2024, 4, 4), date(2024, 4, 5), date(2024, 4, 6)]),
        (date(2027, 6, 9), "Wednesday", [date(2027, 6, 9)]),
    ],
)
def test_a_one_day_festival_takes_the_weekend_next_to_it(festival, weekday, expected):
    assert f"{festival:%A}" == weekday

    days = [day for day, name in provisional_days(festival.year) if abs((day - festival).days) <= 2]

    assert days == expected


def test_mid_autumn_next_to_national_day_joins_it():
    # 2025: 中秋 on Monday 6 October, inside 1–7 October.
    names = dict(provisional_days(2025))

    assert names[date(2025, 10, 6)] == "国庆节、中秋节"
    assert date(2025, 10, 4) in names and date(2025, 10, 8) not in names


def test_next_years_new_year_holiday_may_begin_in_december():
    # 1 January 2030 is a Tuesday: 30 and 31 December 2029 are off with it.
    assert dict(provisional_days(2029))[date(2029, 12, 31)] == "元旦"
    assert not is_workday(date(2029, 12, 31))
