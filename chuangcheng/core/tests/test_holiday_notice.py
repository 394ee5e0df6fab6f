"""Reading the State Council's notice pasted as text, checked against chinese-calendar's own 2025 and 2026 data."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from chuangcheng.core.holiday_notice import parse_notice

from .notices import NOTICE_2025, NOTICE_2026, NOTICE_2027, made_up_notice


def library(year: int) -> tuple[list[date], list[date]]:
    """chinese-calendar's days off and 调休 working days of ``year``: the official schedule."""
    off = sorted(day for day in chinese_calendar.holidays if day.year == year)
    working = sorted(day for day in chinese_calendar.workdays if day.year == year)
    return off, working


@pytest.mark.parametrize(("year", "text"), [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_the_notice_gives_exactly_the_librarys_days_off_and_make_up_days(year, text):
    parsed = parse_notice(text, year)

    assert parsed.errors == []
    assert (parsed.days_off, parsed.working_days) == library(year)


def test_a_notice_pasted_under_the_wrong_year_is_caught_by_its_weekdays():
    parsed = parse_notice(NOTICE_2026, 2027)

    assert parsed.errors[0] == "第 1 行：1月1日是周五，通知写的是周四，请检查所选年份"
    assert len(parsed.errors) == 7  # every festival's line


def test_the_made_up_2027_notice_of_the_tests_reads_cleanly():
    assert parse_notice(NOTICE_2027, 2027).ok


def test_days_carry_the_festival_and_the_line_they_came_from():
    parsed = parse_notice(NOTICE_2025, 2025)
    by_day = {d.day: d for d in parsed.days}

    assert (by_day[date(2025, 10, 6)].name, by_day[date(2025, 10, 6)].is_workday) == ("国庆节、中秋节", False)
    assert (by_day[date(2025, 1, 26)].name, by_day[date(2025, 1, 26)].is_workday) == ("春节调休上班", True)
    assert by_day[date(2025, 1, 1)].line == 6


def test_a_garbled_line_is_reported_by_its_number_in_chinese():
    lines = NOTICE_2026.splitlines()
    lines[2] = "三、清明节：4月4日（周六）至6日（周一）放jia，共3天。"  # an input method's slip
    lines[4] = "五、端午节：6月19日（周五）至21放假，共3天。"

    parsed = parse_notice("\n".join(lines), 2026)

    assert parsed.errors == [
        "第 3 行：“4月4日(周六)至6日(周一)放jia”没有写明放假还是上班",
        "第 5 行：6月19日至6月19日是 1 天，通知写的是 3 天",
    ]
    assert not parsed.ok


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("一、元旦：1月1日（周三）至3日（周五）放假，共3天。", "第 1 行：1月1日是周四，通知写的是周三，请检查所选年份"),
        (
            "春节：2月15日（农历腊月二十九）至23日（农历正月初七）放假调休，共9天。",
            "第 1 行：2月15日是农历腊月二十八，通知写的是农历腊月二十九，请检查所选年份",
        ),
        ("三、清明节：4月4日至6日放假，共4天。", "第 1 行：4月4日至4月6日是 3 天，通知写的是 4 天"),
        ("四、劳动节：5月1日至5日。", "第 1 行：“5月1日至5日”没有写明放假还是上班"),
        ("五、端午节：6月31日放假。", "第 1 行：日期不存在：6月31日"),
        ("六、中秋节放假3天", "第 1 行：无法识别，应为“节日名称：日期放假……”的格式"),
        ("国务院办公厅关于2025年部分节假日安排的通知", "第 1 行：这是 2025 年的通知，所选年份是 2026 年"),
        ("七、国庆节：10月1日至7日放假。10月1日上班。", "第 1 行：10月1日既写了放假又写了上班（另见第 1 行）"),
    ],
)
def test_what_the_notice_writes_beside_a_date_is_checked(line, error):
    parsed = parse_notice(line, 2026)

    assert parsed.errors == [error]


def test_text_without_any_festival_line_is_refused():
    parsed = parse_notice("国务院办公厅\n2025年11月4日\n", 2026)

    assert parsed.errors == ["没有识别到任何放假安排：请粘贴通知中“一、元旦：……”这样的各行"]


def test_a_new_year_beginning_in_december_and_an_encouraged_day_are_read_as_written():
    # 2023's notice: 元旦 from 31 December 2022. 2024's: 除夕 is only encouraged, not a day off.
    parsed_2023 = parse_notice("一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。", 2023)
    parsed_2024 = parse_notice(
        "二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。"
        "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。",
        2024,
    )

    assert parsed_2023.days_off == [date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)]
    assert date(2024, 2, 9) not in parsed_2024.days_off
    assert (parsed_2024.days_off[0], parsed_2024.working_days) == (
        date(2024, 2, 10),
        [date(2024, 2, 4), date(2024, 2, 18)],
    )


@pytest.mark.parametrize("year", range(2027, 2036))
def test_the_browser_tests_made_up_notice_of_any_year_reads_cleanly(year):
    parsed = parse_notice(made_up_notice(year), year)

    assert parsed.errors == []
    assert len(parsed.working_days) == 1 and parsed.working_days[0].weekday() == 6
