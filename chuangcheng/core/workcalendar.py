"""The working calendar: which days are working days, and deadlines counted in working time.

Which days are working days, in order of precedence:

1. The office's override table (``HolidayOverride``) decides any date it lists.
2. For a year the ``chinese-calendar`` library knows, the library decides (statutory holidays
   and 调休 make-up working days).
3. For a year the library does not know, the year counts as *filled by the office* as soon as
   the override table has at least one entry in it; then Monday–Friday are working days and
   Saturday–Sunday are not, except for the listed dates. (The office fills a year by pasting the
   State Council's notice on the holiday page: ``core.holiday_notice``.)
4. Otherwise the year is *provisional* (暂定): weekends and the usual statutory holidays are off
   (``core.provisional_holidays``: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆, computed with a lunar
   calendar; no 调休 make-up day is guessed). The loop never stops for want of a table: a
   deadline counted through a provisional year is still computed, and the cases app marks it
   暂定 (``provisional_between``) and recomputes it once the year becomes official (rules 2–3),
   told through ``core.registry.calendar_changed`` and its own tick job.
5. Only a year outside the provisional schedule's range (``FIRST_YEAR``–``LAST_YEAR``, the
   years the holiday table accepts) raises ``CalendarUnknown``. ``calendar_notices()`` tells the
   office ahead of time that next year is provisional; ``calendar_warnings()`` that a year is unknown.

Time limits (``TimeUnit``):

* 工作时 (work_hours): counted only inside the working periods (``settings.WORKING_HOURS``,
  e.g. 08:30–12:00 and 14:30–18:00) of working days; a start outside them starts counting at
  the next period.
* 工作日 (work_days): N working days = N × the length of a working day (7 h by default) of
  working time, counted like 工作时. This is the digital city management convention and keeps
  the status light a simple fraction: reported Monday 09:00 with 1 working day is due Tuesday
  09:00; reported Friday 17:00 is due the next working day at 17:00; reported outside working
  hours, it is due at the end of the Nth working day.
* 自然小时 (natural_hours): wall-clock hours, holidays included.

All datetimes must be timezone-aware; periods are laid out in ``settings.TIME_ZONE``.
"""

from __future__ import annotations

import time as monotonic_clock
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from chuangcheng.core import provisional_holidays
from chuangcheng.core.choices import TimeUnit
from chuangcheng.core.errors import DomainError
from chuangcheng.core.models import HolidayOverride

# Other processes learn of an override edit within this many seconds; this one at once (signals).
OVERRIDES_TTL_SECONDS = 60.0
# A deadline search that finds no working period within ten years means a broken table.
MAX_DAYS_SCANNED = 3660
_DECISIONS_MAX = 10_000


class CalendarUnknown(DomainError):
    """A date falls in a year that neither the library, the office's table nor the provisional schedule covers."""

    def __init__(self, year: int) -> None:
        message = gettext("%(year)d 年的法定节假日尚未录入，请创建办在节假日表中补录") % {"year": year}
        super().__init__(message, code="calendar_unknown")
        self.year = year


# --- which days are working days -------------------------------------------------------------


@dataclass
class _Cache:
    """The override table held in memory, and the per-date decisions derived from it."""

    overrides: dict[date, bool] | None = None
    office_years: frozenset[int] = frozenset()
    loaded_at: float = 0.0
    decisions: dict[date, bool] = field(default_factory=dict)

    def clear(self) -> None:
        self.overrides, self.office_years, self.loaded_at = None, frozenset(), 0.0
        self.decisions = {}


_cache = _Cache()


def invalidate_cache() -> None:
    """Forget the override table; call after writing it without signals (bulk_create, update)."""
    _cache.clear()


@receiver(post_save, sender=HolidayOverride, dispatch_uid="workcalendar_saved")
@receiver(post_delete, sender=HolidayOverride, dispatch_uid="workcalendar_deleted")
def _override_changed(**kwargs: object) -> None:
    invalidate_cache()


def _overrides() -> dict[date, bool]:
    """The whole table (a few dozen rows a year), reloaded when older than the TTL."""
    now = monotonic_clock.monotonic()
    rows = _cache.overrides
    if rows is None or now - _cache.loaded_at > OVERRIDES_TTL_SECONDS:
        rows = dict(HolidayOverride.objects.values_list("date", "is_workday"))
        _cache.decisions = {}
        _cache.overrides, _cache.office_years = rows, frozenset(d.year for d in rows)
        _cache.loaded_at = now
    return rows  # a local: another thread may clear the cache meanwhile


@cache
def library_knows(year: int) -> bool:
    """Whether the installed chinese-calendar has the State Council's schedule for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def office_filled_years() -> frozenset[int]:
    """Years with at least one override row: the office has taken charge of them."""
    _overrides()
    return _cache.office_years


def is_known_year(year: int) -> bool:
    """Whether ``year``'s working days are official: the library's or the office's (not provisional)."""
    return library_knows(year) or year in office_filled_years()


def is_provisional_year(year: int) -> bool:
    """Whether ``year`` is counted on the provisional schedule (rule 4 of the module docstring)."""
    return not is_known_year(year) and provisional_holidays.supports(year)


def known_years(start: int = 2000, end: int | None = None) -> list[int]:
    """The years between ``start`` and ``end`` (default: next year) whose working days are official."""
    last = end if end is not None else timezone.localdate().year + 1
    return [year for year in range(start, last + 1) if is_known_year(year)]


def calendar_gaps(start: date, end: date) -> list[int]:
    """The years touched by ``start``…``end`` whose working days are not official (provisional or unknown)."""
    return [year for year in range(start.year, end.year + 1) if not is_known_year(year)]


def provisional_between(start: datetime, end: datetime, unit: str = TimeUnit.WORK_DAYS) -> bool:
    """Whether time counted in ``unit`` between two moments (either order) went through a provisional year.

    Natural hours never consult the calendar. A deadline for which this is true is 暂定: it may
    move once the State Council's schedule for that year is entered.
    """
    if unit == TimeUnit.NATURAL_HOURS:
        return False
    first, last = sorted((timezone.localdate(start, _zone()), timezone.localdate(end, _zone())))
    return any(is_provisional_year(year) for year in range(first.year, last.year + 1))


def provisional_days(year: int) -> list[tuple[date, str]]:
    """The provisional schedule's days off in ``year`` (weekends inside a holiday included)."""
    return list(provisional_holidays.holidays(year).items()) if provisional_holidays.supports(year) else []


def calendar_warnings(today: date | None = None) -> list[str]:
    """Chinese warnings for the office: this year or next unknown, so deadlines into it are refused."""
    year = (today or timezone.localdate()).year
    return [
        CalendarUnknown(y).message
        for y in (year, year + 1)
        if not is_known_year(y) and not provisional_holidays.supports(y)
    ]


def calendar_notices(today: date | None = None) -> list[str]:
    """Chinese notices for the office: this year or next is provisional until the official schedule is entered."""
    year = (today or timezone.localdate()).year
    text = gettext(
        "%(year)d 年节假日按暂定安排计算（法定节日按惯例放假，不含调休上班），"
        "跨入该年的处置期限标为“暂定”；请在国务院公布后录入，期限将自动重算。"
    )
    return [text % {"year": y} for y in (year, year + 1) if is_provisional_year(y)]


def _decide(day: date) -> bool:
    overrides = _overrides()
    if day in overrides:
        return overrides[day]
    if library_knows(day.year):
        return bool(chinese_calendar.is_workday(day))
    if day.year in _cache.office_years:
        return day.weekday() < 5
    if provisional_holidays.supports(day.year):
        return day.weekday() < 5 and not provisional_holidays.is_holiday(day)
    raise CalendarUnknown(day.year)


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day (rules in the module docstring); CalendarUnknown outside 2000–2100."""
    if isinstance(day, datetime):
        raise TypeError("is_workday() takes a date; convert a datetime with timezone.localdate()")
    _overrides()  # expires the decisions together with a stale table
    decision = _cache.decisions.get(day)
    if decision is None:
        decision = _decide(day)
        if len(_cache.decisions) >= _DECISIONS_MAX:
            _cache.decisions = {}
        _cache.decisions[day] = decision
    return decision


# --- working periods ----------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def workday_seconds() -> float:
    """The length of one working day (7 h with the default WORKING_HOURS)."""
    anchor = date(2000, 1, 3)
    return sum(
        (datetime.combine(anchor, end) - datetime.combine(anchor, start)).total_seconds()
        for start, end in settings.WORKING_HOURS
    )


def _periods_of(day: date) -> list[tuple[datetime, datetime]]:
    if not is_workday(day):
        return []
    zone = _zone()
    return [
        (datetime.combine(day, start, tzinfo=zone), datetime.combine(day, end, tzinfo=zone))
        for start, end in settings.WORKING_HOURS
    ]


def _periods_from(moment: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working periods from ``moment`` on, the first one clipped to start at ``moment``."""
    local = timezone.localtime(moment, _zone())
    day = local.date()
    for _ in range(MAX_DAYS_SCANNED):
        for start, end in _periods_of(day):
            if end > local:
                yield max(start, local), end
        day += timedelta(days=1)
    raise DomainError(gettext("十年内没有任何工作日，请检查节假日表"), code="calendar_empty")


def _periods_before(moment: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working periods up to ``moment``, latest first, the first one clipped to end at ``moment``."""
    local = timezone.localtime(moment, _zone())
    day = local.date()
    for _ in range(MAX_DAYS_SCANNED):
        for start, end in reversed(_periods_of(day)):
            if start < local:
                yield start, min(end, local)
        day -= timedelta(days=1)
    raise DomainError(gettext("十年内没有任何工作日，请检查节假日表"), code="calendar_empty")


def _require_aware(*moments: datetime) -> None:
    if any(timezone.is_naive(moment) for moment in moments):
        raise ValueError("workcalendar needs timezone-aware datetimes")


# --- deadlines and elapsed time ------------------------------------------------------------


def limit_seconds(amount: float, unit: str) -> float:
    """A time limit in the seconds of its own clock (working seconds, or natural ones)."""
    if unit == TimeUnit.WORK_DAYS:
        return amount * workday_seconds()
    if unit in (TimeUnit.WORK_HOURS, TimeUnit.NATURAL_HOURS):
        return amount * 3600.0
    raise ValueError(f"unknown time unit {unit!r}")


def _add_working_seconds(start: datetime, seconds: float) -> datetime:
    if seconds <= 0:
        return start
    remaining = timedelta(seconds=seconds)
    for period_start, period_end in _periods_from(start):
        if remaining <= period_end - period_start:
            return period_start + remaining
        remaining -= period_end - period_start
    raise AssertionError("unreachable: _periods_from raises when it runs out")


def add_working_time(start: datetime, amount: float, unit: str) -> datetime:
    """The deadline for a limit of ``amount`` ``unit`` starting at ``start`` (aware, in TIME_ZONE)."""
    _require_aware(start)
    seconds = limit_seconds(amount, unit)
    if unit == TimeUnit.NATURAL_HOURS:
        return timezone.localtime(start + timedelta(seconds=seconds), _zone())
    return _add_working_seconds(start, seconds)


def _subtract_working_seconds(end: datetime, seconds: float) -> datetime:
    # Strictly less: when the amount uses up a period exactly, the earliest moment with that much
    # left is the end of the period before it (the break between them uses no working time).
    remaining = timedelta(seconds=seconds)
    for period_start, period_end in _periods_before(end):
        if remaining < period_end - period_start:
            return period_end - remaining
        remaining -= period_end - period_start
    raise AssertionError("unreachable: _periods_before raises when it runs out")


def subtract_working_time(end: datetime, amount: float, unit: str) -> datetime:
    """The earliest moment with ``amount`` ``unit`` of time left before ``end``: add_working_time backwards.

    The status light turns yellow there: counted back from the deadline, as ``elapsed_seconds``
    measures what is left, so a case is yellow from this moment on and not a second earlier.
    """
    _require_aware(end)
    seconds = limit_seconds(amount, unit)
    if unit == TimeUnit.NATURAL_HOURS:
        return timezone.localtime(end - timedelta(seconds=seconds), _zone())
    if seconds <= 0:
        return end
    return _subtract_working_seconds(end, seconds)


def working_seconds_between(start: datetime, end: datetime) -> float:
    """Working seconds inside ``start``…``end``; 0 when ``end`` is not after ``start``."""
    _require_aware(start, end)
    total = 0.0
    if end <= start:
        return total
    for period_start, period_end in _periods_from(start):
        if period_start >= end:
            break
        total += (min(period_end, end) - period_start).total_seconds()
    return total


def elapsed_seconds(start: datetime, now: datetime, unit: str) -> float:
    """Time used since ``start`` in the clock of ``unit`` (working or natural seconds)."""
    if unit == TimeUnit.NATURAL_HOURS:
        return max((now - start).total_seconds(), 0.0)
    return working_seconds_between(start, now)


def elapsed_fraction(start: datetime, now: datetime, amount: float, unit: str, paused_seconds: float = 0) -> float:
    """The share of the limit used (0.8 = yellow, >1 = overdue) for the status light.

    ``paused_seconds`` is suspended time (挂账) measured in the same clock as ``unit``: working
    seconds for 工作时/工作日 (``working_seconds_between(suspended_at, resumed_at)``), natural
    seconds for 自然小时.
    """
    limit = limit_seconds(amount, unit)
    if limit <= 0:
        raise ValueError("a time limit must be positive")
    used = max(elapsed_seconds(start, now, unit) - paused_seconds, 0.0)
    return used / limit
