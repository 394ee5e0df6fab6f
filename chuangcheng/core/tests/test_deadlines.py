"""Deadlines as offices write them in a 任务分解表, and when an ongoing task's next report is due."""

from __future__ import annotations

import datetime as dt

import pytest

from chuangcheng.core.deadlines import MONTHLY, QUARTERLY, Deadline, next_due, parse_deadline, period_end, year_in

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026年6月30日前", D(2026, 6, 30)),
        ("2026年6月30日之前", D(2026, 6, 30)),
        ("2026年6月30日", D(2026, 6, 30)),
        ("6月底前", D(2026, 6, 30)),
        ("6月底", D(2026, 6, 30)),
        ("2月底前", D(2026, 2, 28)),
        ("6月30日前", D(2026, 6, 30)),
        ("2026年8月", D(2026, 8, 31)),
        ("2026年8月底前", D(2026, 8, 31)),
        ("2027年2月", D(2027, 2, 28)),
        ("2026.5.31", D(2026, 5, 31)),
        ("2026/5/31", D(2026, 5, 31)),
        ("2026-05-31", D(2026, 5, 31)),
        ("20260531", D(2026, 5, 31)),
        (" 2026 年 5 月 31 日 ", D(2026, 5, 31)),
        ("２０２６年５月３１日前", D(2026, 5, 31)),  # full-width digits from a Chinese IME
        ("第三季度", D(2026, 9, 30)),
        ("三季度末", D(2026, 9, 30)),
        ("第一季度末前", D(2026, 3, 31)),
        ("2027年第二季度", D(2027, 6, 30)),
        ("年底前", D(2026, 12, 31)),
        ("年内", D(2026, 12, 31)),
        ("年底", D(2026, 12, 31)),
        ("2027年底前", D(2027, 12, 31)),
        ("上半年", D(2026, 6, 30)),
        ("下半年", D(2026, 12, 31)),
        ("2026年3月至6月", D(2026, 6, 30)),
        ("截至2026年10月31日", D(2026, 10, 31)),
        (dt.datetime(2026, 5, 31, 0, 0), D(2026, 5, 31)),
        (D(2026, 5, 31), D(2026, 5, 31)),
        (46173, D(2026, 5, 31)),  # an Excel day number (a date cell WPS stored without its format)
        (46173.0, D(2026, 5, 31)),
        ("46173", D(2026, 5, 31)),
    ],
)
def test_a_written_deadline_is_the_day_it_names(raw, expected):
    assert parse_deadline(raw, year=2026) == Deadline(expected)


@pytest.mark.parametrize(
    ("raw", "cycle"),
    [
        ("长期坚持", MONTHLY),
        ("持续推进", MONTHLY),
        ("常态化", MONTHLY),
        ("常态化开展", MONTHLY),
        ("长期", MONTHLY),
        ("每月", MONTHLY),
        ("每学期开学前", MONTHLY),
        ("每季度", QUARTERLY),
        ("每季度报送一次", QUARTERLY),
    ],
)
def test_a_task_without_an_end_is_ongoing_with_a_reporting_cycle(raw, cycle):
    assert parse_deadline(raw, year=2026) == Deadline(None, cycle)


def test_an_ongoing_task_keeps_a_date_written_with_it():
    assert parse_deadline("2026年6月底前完成，长期坚持", year=2026) == Deadline(D(2026, 6, 30), MONTHLY)


@pytest.mark.parametrize("raw", ["尽快", "立即", "", "2026年13月", "2026年2月30日", "6月32日", "明天", 12, True])
def test_what_cannot_be_read_is_refused(raw):
    with pytest.raises(ValueError):
        parse_deadline(raw, year=2026)


def test_the_year_comes_from_text_such_as_a_sheet_title():
    assert year_in("XX县2027年创建省级文明城市任务分解表") == 2027
    assert year_in("XX县创建省级文明城市任务分解表") is None


@pytest.mark.parametrize(
    ("day", "cycle", "end"),
    [
        (D(2026, 5, 10), MONTHLY, D(2026, 5, 31)),
        (D(2026, 2, 1), MONTHLY, D(2026, 2, 28)),
        (D(2026, 5, 10), QUARTERLY, D(2026, 6, 30)),
        (D(2026, 12, 31), QUARTERLY, D(2026, 12, 31)),
    ],
)
def test_a_reporting_period_ends_with_its_month_or_quarter(day, cycle, end):
    assert period_end(day, cycle) == end


def test_a_report_in_time_moves_the_next_due_date_to_the_end_of_the_following_period():
    assert next_due(D(2026, 5, 20), D(2026, 5, 31), MONTHLY) == D(2026, 6, 30)
    assert next_due(D(2026, 5, 20), D(2026, 6, 30), QUARTERLY) == D(2026, 9, 30)


def test_a_second_report_in_the_same_period_changes_nothing():
    assert next_due(D(2026, 5, 25), D(2026, 6, 30), MONTHLY) == D(2026, 6, 30)


def test_a_late_report_covers_its_own_period():
    assert next_due(D(2026, 6, 3), D(2026, 5, 31), MONTHLY) == D(2026, 6, 30)
    assert next_due(D(2026, 9, 2), D(2026, 3, 31), MONTHLY) == D(2026, 9, 30)
