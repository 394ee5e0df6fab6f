"""The provisional holidays (暂定安排) of a year whose official schedule is not known yet.

``workcalendar`` counts a year with these days off when neither chinese-calendar nor the
office's table covers it, so that a deadline reaching into next year is computed (and marked
暂定 on the case) instead of refused. They follow the arrangement in force since 2025
(《全国年节及纪念日放假办法》 as amended in 2024) in the shape the State Council's notices give it:

* 元旦, 清明节, 端午节, 中秋节: the festival day with the weekend next to it, three days in all —
  Friday to Sunday, or Saturday to Monday when it falls on a Saturday, Sunday or Monday; a
  Tuesday adds the Sunday and Monday before it, a Thursday the Friday and Saturday after it; a
  Wednesday stays one day. 清明 is the solar term's day, 端午 the 5th of the 5th lunar month,
  中秋 the 15th of the 8th.
* 春节: 除夕 to 正月初七, eight days (the 2025 notice's shape; in 2026 it began one day earlier,
  a Sunday).
* 劳动节: 1–5 May. 国庆节: 1–7 October, together with 中秋 when its three days touch them.

No 调休 make-up working day is guessed: which Saturday or Sunday the State Council turns into a
working day varies from year to year, and a wrong guess would count a day everyone is off. A
provisional year therefore has a few working days fewer around the long holidays than the
official one will have, so a provisional deadline tends to fall a little later; the cases app
recomputes it once the official schedule arrives.

The lunar dates and solar terms come from lunar-python (astronomical computation, years 1–9999);
the years served are the ones the holiday table accepts, ``FIRST_YEAR``–``LAST_YEAR``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from lunar_python import Lunar, Solar

# The years the office's holiday table accepts and this module serves (core.forms uses them too).
FIRST_YEAR, LAST_YEAR = 2000, 2100

NEW_YEAR, SPRING, TOMB_SWEEPING, LABOUR, DRAGON_BOAT, MID_AUTUMN, NATIONAL = (
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
)

# The days a one-day festival adds, by its weekday (Monday 0): it and the weekend next to it.
_AROUND = {0: (-2, -1, 0), 1: (-2, -1, 0), 2: (0,), 3: (0, 1, 2), 4: (0, 1, 2), 5: (0, 1, 2), 6: (-1, 0, 1)}


def supports(year: int) -> bool:
    """Whether a provisional schedule is computed for ``year``."""
    return FIRST_YEAR <= year <= LAST_YEAR


def _three_days_around(day: date) -> list[date]:
    return [day + timedelta(days=offset) for offset in _AROUND[day.weekday()]]


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _lunar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> date:
    """The day of the solar term 清明 (4 or 5 April)."""
    term = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    return date(term.getYear(), term.getMonth(), term.getDay())


def spring_festival(year: int) -> date:
    """正月初一 of the lunar year that begins in ``year``."""
    return _lunar(year, 1, 1)


def dragon_boat(year: int) -> date:
    return _lunar(year, 5, 5)


def mid_autumn(year: int) -> date:
    return _lunar(year, 8, 15)


def _festivals(year: int) -> list[tuple[str, list[date]]]:
    """Each festival's provisional days, in the order of the year (some may spill into December before)."""
    new_year_eve = spring_festival(year) - timedelta(days=1)
    autumn = _three_days_around(mid_autumn(year))
    national = _span(date(year, 10, 1), date(year, 10, 7))
    if autumn[-1] >= national[0] - timedelta(days=1) and autumn[0] <= national[-1] + timedelta(days=1):
        national = _span(min(autumn[0], national[0]), max(autumn[-1], national[-1]))
        autumn = []
    return [
        (NEW_YEAR, _three_days_around(date(year, 1, 1))),
        (SPRING, _span(new_year_eve, new_year_eve + timedelta(days=7))),
        (TOMB_SWEEPING, _three_days_around(qingming(year))),
        (LABOUR, _span(date(year, 5, 1), date(year, 5, 5))),
        (DRAGON_BOAT, _three_days_around(dragon_boat(year))),
        (MID_AUTUMN, autumn),
        (f"{NATIONAL}、{MID_AUTUMN}" if not autumn else NATIONAL, national),
    ]


@cache
def holidays(year: int) -> dict[date, str]:
    """The provisional days off of ``year`` (date → festival name), weekends inside them included.

    Next year's 元旦 may begin on 30 or 31 December: those days belong to this year's list.
    """
    if not supports(year):
        raise ValueError(f"no provisional schedule for {year}")
    found: dict[date, str] = {}
    for festival_year in (year, year + 1):
        for name, days in _festivals(festival_year):
            found.update((day, name) for day in days if day.year == year and day not in found)
    return dict(sorted(found.items()))


def is_holiday(day: date) -> bool:
    return day in holidays(day.year)


_DIGITS = "一二三四五六七八九十"
# How notices name the lunar months: 正月 (or 一月), 冬月 (十一月), 腊月 (十二月).
_MONTH_NAMES = {1: ("正", "一"), 11: ("冬", "十一"), 12: ("腊", "十二")}


def _lunar_day_names(n: int) -> tuple[str, ...]:
    if n <= 10:
        return (f"初{_DIGITS[n - 1]}",)
    if n < 20:
        return (f"十{_DIGITS[n - 11]}",)
    if n in (20, 30):
        return (f"{_DIGITS[n // 10 - 1]}十",)
    return (f"二十{_DIGITS[n - 21]}", f"廿{_DIGITS[n - 21]}")


def lunar_names(day: date) -> list[str]:
    """The ways a notice writes ``day``'s lunar date, the usual one first: 正月初七, 腊月二十八 (廿八), 除夕."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    month = abs(lunar.getMonth())
    months = _MONTH_NAMES.get(month, (_DIGITS[month - 1] if month <= 10 else "",))
    leap = "闰" if lunar.getMonth() < 0 else ""
    names = [f"{leap}{m}月{d}" for m in months for d in _lunar_day_names(lunar.getDay())]
    if spring_festival(day.year) - timedelta(days=1) == day:
        names.insert(0, "除夕")
    return names
