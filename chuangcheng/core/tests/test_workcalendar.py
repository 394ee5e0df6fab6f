"""The working calendar: library holidays, 调休 days, the office's overrides and deadlines in working time."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from chuangcheng.core.choices import TimeUnit
from chuangcheng.core.models import HolidayOverride
from chuangcheng.core.workcalendar import (
    CalendarUnknown,
    add_working_time,
    calendar_gaps,
    calendar_notices,
    calendar_warnings,
    elapsed_fraction,
    is_workday,
    known_years,
    provisional_between,
    subtract_working_time,
    working_seconds_between,
)
from chuangcheng.settings import env_time_ranges

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS, DAYS, NATURAL = TimeUnit.WORK_HOURS, TimeUnit.WORK_DAYS, TimeUnit.NATURAL_HOURS
PROVISIONAL_2027 = (
    "2027 年节假日按暂定安排计算（法定节日按惯例放假，不含调休上班），"
    "跨入该年的处置期限标为“暂定”；请在国务院公布后录入，期限将自动重算。"
)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --- which days are working days ------------------------------------------------------------


def test_national_day_2026_is_a_holiday_and_its_make_up_saturday_a_working_day():
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert is_workday(date(2026, 10, 10))  # Saturday, 国庆调休上班
    assert is_workday(date(2026, 9, 20))  # Sunday, 国庆调休上班
    assert not is_workday(date(2026, 11, 21))  # an ordinary Saturday


def test_an_override_beats_the_library():
    HolidayOverride.objects.create(date=date(2026, 11, 23), is_workday=False, name="临时放假")
    HolidayOverride.objects.create(date=date(2026, 11, 21), is_workday=True, name="创城迎检加班")

    assert not is_workday(date(2026, 11, 23))
    assert is_workday(date(2026, 11, 21))


def test_deleting_an_override_gives_the_day_back_to_the_library():
    override = HolidayOverride.objects.create(date=date(2026, 11, 23), is_workday=False)
    assert not is_workday(date(2026, 11, 23))

    override.delete()

    assert is_workday(date(2026, 11, 23))


def test_a_year_the_provisional_schedule_does_not_serve_is_refused_with_a_chinese_message():
    with pytest.raises(CalendarUnknown) as caught:
        is_workday(date(2101, 1, 4))

    assert caught.value.message == "2101 年的法定节假日尚未录入，请创建办在节假日表中补录"
    assert caught.value.year == 2101


def test_a_year_filled_by_the_office_has_weekdays_as_working_days_except_its_overrides():
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")

    assert not is_workday(date(2027, 1, 1))  # Friday, declared holiday
    assert not is_workday(date(2027, 1, 2))  # Saturday
    assert is_workday(date(2027, 1, 4))  # Monday


def test_is_workday_refuses_a_datetime_whose_date_depends_on_the_time_zone():
    with pytest.raises(TypeError):
        is_workday(at(2026, 11, 23, 9))


# --- deadlines --------------------------------------------------------------------------------


def test_a_deadline_skips_national_day_and_lands_on_the_make_up_saturday():
    # 30 Sep: 6.5 h; 1–7 Oct holiday; 8 and 9 Oct: 7 h each; 10 Oct (调休 Saturday): the last 0.5 h.
    assert add_working_time(at(2026, 9, 30, 9), 3, DAYS) == at(2026, 10, 10, 9)


def test_work_hours_continue_on_the_make_up_saturday():
    assert add_working_time(at(2026, 10, 9, 17), 2, HOURS) == at(2026, 10, 10, 9, 30)


def test_work_hours_skip_the_lunch_break():
    assert add_working_time(at(2026, 11, 23, 11), 2, HOURS) == at(2026, 11, 23, 15, 30)


def test_a_limit_that_fills_a_period_ends_at_its_end_not_after_lunch():
    assert add_working_time(at(2026, 11, 23, 8, 30), 3.5, HOURS) == at(2026, 11, 23, 12)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 11, 23, 20), at(2026, 11, 24, 9, 30)),  # evening → next morning
        (at(2026, 11, 23, 6), at(2026, 11, 23, 9, 30)),  # before work
        (at(2026, 11, 23, 12, 30), at(2026, 11, 23, 15, 30)),  # lunch
        (at(2026, 11, 21, 10), at(2026, 11, 23, 9, 30)),  # Saturday → Monday
    ],
)
def test_a_start_outside_working_hours_counts_from_the_next_period(start, expected):
    assert add_working_time(start, 1, HOURS) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 11, 23, 9), at(2026, 11, 24, 9)),  # Monday 09:00 → Tuesday 09:00
        (at(2026, 11, 27, 17), at(2026, 11, 30, 17)),  # Friday 17:00 → Monday 17:00
        (at(2026, 11, 27, 20), at(2026, 11, 30, 18)),  # Friday evening → end of Monday
    ],
)
def test_a_working_day_is_a_full_day_of_working_hours(start, expected):
    assert add_working_time(start, 1, DAYS) == expected


def test_working_days_follow_the_configured_hours(settings):
    settings.WORKING_HOURS = [(time(9), time(17))]

    assert add_working_time(at(2026, 11, 23, 9), 1, DAYS) == at(2026, 11, 23, 17)


def test_natural_hours_run_through_holidays():
    assert add_working_time(at(2026, 9, 30, 22), 48, NATURAL) == at(2026, 10, 2, 22)


def test_a_deadline_into_2027_is_counted_on_the_provisional_schedule_and_says_so():
    start = at(2026, 12, 31, 17)

    # 31 Dec: 1 h; 1 Jan 元旦 (provisional); 2–3 Jan weekend; 4 Jan: the other 6 h.
    deadline = add_working_time(start, 1, DAYS)

    assert deadline == at(2027, 1, 4, 17)
    assert provisional_between(start, deadline, DAYS)
    assert not provisional_between(start, deadline, NATURAL)  # natural hours need no calendar
    assert not provisional_between(at(2026, 12, 1, 9), at(2026, 12, 8, 9), DAYS)


def test_a_deadline_into_2027_is_official_once_the_office_fills_the_year():
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")

    deadline = add_working_time(at(2026, 12, 31, 17), 1, DAYS)

    assert deadline == at(2027, 1, 4, 17)
    assert not provisional_between(at(2026, 12, 31, 17), deadline, DAYS)


def test_one_office_entry_makes_the_whole_year_the_offices_so_its_unlisted_festivals_are_working_days():
    assert not is_workday(date(2027, 2, 8))  # 春节 (provisional)

    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")

    assert is_workday(date(2027, 2, 8))  # the office's year: Monday, and not listed


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_time(datetime(2026, 11, 23, 9), 1, HOURS)


# --- measuring elapsed time ----------------------------------------------------------------


def test_adding_then_measuring_gives_back_the_amount():
    rng = random.Random(2026)
    for _ in range(200):
        start = at(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 330 * 24 * 60))
        hours = rng.randrange(0, 80 * 60) / 60

        deadline = add_working_time(start, hours, HOURS)

        assert working_seconds_between(start, deadline) == pytest.approx(hours * 3600, abs=1e-6), start


def test_working_seconds_between_counts_only_working_periods():
    assert working_seconds_between(at(2026, 9, 30, 17), at(2026, 10, 8, 9)) == 1.5 * 3600
    assert working_seconds_between(at(2026, 10, 8, 9), at(2026, 9, 30, 17)) == 0


def test_elapsed_fraction_excludes_paused_time():
    start, now = at(2026, 11, 23, 8, 30), at(2026, 11, 23, 14, 30)

    assert elapsed_fraction(start, now, 1, DAYS) == pytest.approx(0.5)
    assert elapsed_fraction(start, now, 1, DAYS, paused_seconds=1800) == pytest.approx(3 / 7)
    assert elapsed_fraction(start, now, 2, HOURS) == pytest.approx(1.75)
    assert elapsed_fraction(start, at(2026, 11, 23, 20, 30), 24, NATURAL) == pytest.approx(0.5)


# --- counting back from a deadline -----------------------------------------------------------


def test_counting_back_crosses_the_weekend():
    # Monday 08:30–09:00 gives 0.5 h; Saturday and Sunday give none; Friday afternoon the rest.
    assert subtract_working_time(at(2026, 11, 23, 9), 2, HOURS) == at(2026, 11, 20, 16, 30)


def test_counting_back_skips_national_day():
    # 8 Oct 08:30–09:00: 0.5 h; 1–7 Oct holiday; 30 Sep: the other 6.5 h, from 09:00.
    assert subtract_working_time(at(2026, 10, 8, 9), 1, DAYS) == at(2026, 9, 30, 9)


def test_counting_back_uses_the_make_up_saturday():
    # Monday 12 Oct 08:30–09:00: 0.5 h; Sunday 11 Oct off; 调休 Saturday 10 Oct works: 6.5 h from 09:00.
    assert subtract_working_time(at(2026, 10, 12, 9), 1, DAYS) == at(2026, 10, 10, 9)


def test_counting_back_natural_hours_runs_through_holidays():
    assert subtract_working_time(at(2026, 10, 2, 22), 48, NATURAL) == at(2026, 9, 30, 22)


def test_counting_back_lands_on_the_earliest_moment_with_that_much_left():
    # From 12:00 to 14:30 (lunch) the same half hour is left before 15:00: the moment is 12:00.
    assert subtract_working_time(at(2026, 11, 23, 15), 0.5, HOURS) == at(2026, 11, 23, 12)
    assert subtract_working_time(at(2026, 11, 23, 15), 0, HOURS) == at(2026, 11, 23, 15)


def test_counting_back_leaves_exactly_the_amount_before_the_end():
    rng = random.Random(1949)
    for _ in range(200):
        end = at(2026, 1, 5) + timedelta(minutes=rng.randrange(0, 330 * 24 * 60))
        hours = rng.randrange(1, 80 * 60) / 60

        start = subtract_working_time(end, hours, HOURS)

        assert working_seconds_between(start, end) == pytest.approx(hours * 3600, abs=1e-6), end
        assert working_seconds_between(start - timedelta(seconds=1), end) > hours * 3600, end


def test_counting_back_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        subtract_working_time(datetime(2026, 11, 23, 9), 1, HOURS)


# --- warning the office ---------------------------------------------------------------------


def test_the_office_is_told_next_year_is_provisional_until_it_fills_it_and_nothing_is_an_error():
    assert calendar_notices(date(2026, 11, 25)) == [PROVISIONAL_2027]
    assert calendar_warnings(date(2026, 11, 25)) == []

    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")

    assert calendar_notices(date(2026, 11, 25)) == []


def test_only_a_year_past_the_provisional_range_is_a_warning():
    assert calendar_warnings(date(2100, 3, 1)) == ["2101 年的法定节假日尚未录入，请创建办在节假日表中补录"]


def test_the_calendar_reports_its_gaps_and_known_years():
    assert calendar_gaps(date(2026, 12, 1), date(2028, 1, 1)) == [2027, 2028]
    assert known_years(2025, 2027) == [2025, 2026]
    assert len(calendar_notices(date(2027, 3, 1))) == 2


# --- prefilling the table ------------------------------------------------------------------


def test_prefill_copies_the_library_year_in_chinese_and_only_once():
    first, second = StringIO(), StringIO()
    call_command("holidays_prefill", year=2026, stdout=first)
    call_command("holidays_prefill", year=2026, stdout=second)

    assert "导入 39 天" in first.getvalue()
    assert "导入 0 天，已有 39 天保持不变" in second.getvalue()

    national_day = HolidayOverride.objects.get(date=date(2026, 10, 1))
    make_up = HolidayOverride.objects.get(date=date(2026, 10, 10))
    assert (national_day.name, national_day.is_workday) == ("国庆节", False)
    assert (make_up.name, make_up.is_workday) == ("国庆节调休上班", True)
    assert HolidayOverride.objects.filter(date__year=2026).count() == 39
    assert is_workday(date(2026, 10, 10)) and not is_workday(date(2026, 10, 1))


def test_prefill_refuses_a_year_the_library_does_not_know():
    with pytest.raises(CommandError, match="2027"):
        call_command("holidays_prefill", year=2027)

    assert not HolidayOverride.objects.exists()


# --- settings ------------------------------------------------------------------------------


def test_working_hours_are_parsed_in_order(monkeypatch):
    monkeypatch.setenv("WORKING_HOURS", "8:00-12:00, 13:00-17:30")

    assert env_time_ranges("WORKING_HOURS", "") == [(time(8), time(12)), (time(13), time(17, 30))]


@pytest.mark.parametrize("raw", ["08:30-12:00,11:00-18:00", "14:30-18:00,08:30-12:00", "12:00-08:30", "all day", ""])
def test_malformed_working_hours_stop_start_up(monkeypatch, raw):
    monkeypatch.setenv("WORKING_HOURS", raw)

    with pytest.raises(ImproperlyConfigured, match="WORKING_HOURS"):
        env_time_ranges("WORKING_HOURS", "08:30-12:00,14:30-18:00")


def test_time_units_have_chinese_labels():
    assert [label for _, label in TimeUnit.choices] == ["工作时", "工作日", "自然小时"]
