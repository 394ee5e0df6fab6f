"""The State Council's 节假日安排 notices as an office pastes them, for the tests (unit and browser).

2025 and 2026 are the real notices (their days are chinese-calendar's, the oracle). 2027 is made
up in the same wording — at the time of writing the library does not know 2027 — with weekdays
and lunar dates that are 2027's own, so the parser accepts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import chinese_calendar

from chuangcheng.core import provisional_holidays, workcalendar
from chuangcheng.core.holiday_notice import WEEKDAY_NAMES, parse_notice

# 国办发明电〔2024〕12号, as published (the whole notice, as an office would copy it from the web page).
NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　根据《国务院关于修改〈全国年节及纪念日放假办法〉的决定》，为便于各地区、各部门及早合理安排节假日旅游、交通运输、生产经营等有关工作，经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月12日
"""

# 国办发明电〔2025〕7号: the festival lines only, as an office might copy just those.
NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
"""

# Made up for the tests in the notices' wording: not the State Council's 2027 schedule.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。1月31日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。5月8日（周六）上班。
五、端午节：6月9日（周三）放假1天，不调休。
六、中秋节：9月15日（周三）放假1天，不调休。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""

_ENGLISH = {
    "元旦": chinese_calendar.Holiday.new_years_day.value,
    "春节": chinese_calendar.Holiday.spring_festival.value,
    "清明节": chinese_calendar.Holiday.tomb_sweeping_day.value,
    "劳动节": chinese_calendar.Holiday.labour_day.value,
    "端午节": chinese_calendar.Holiday.dragon_boat_festival.value,
    "中秋节": chinese_calendar.Holiday.mid_autumn_festival.value,
    "国庆节": chinese_calendar.Holiday.national_day.value,
}


@contextmanager
def library_that_knows(year: int, text: str) -> Iterator[None]:
    """chinese-calendar as a newer release that knows ``year`` would be: its data (two dicts) get the notice's days."""
    parsed = parse_notice(text, year)
    assert parsed.ok, parsed.errors
    added = []
    for day in parsed.days:
        table = chinese_calendar.workdays if day.is_workday else chinese_calendar.holidays
        table[day.day] = _ENGLISH.get(day.name.removesuffix("调休上班"), day.name)
        added.append((table, day.day))
    workcalendar.library_knows.cache_clear()
    workcalendar.invalidate_cache()
    try:
        yield
    finally:
        for table, day in added:
            del table[day]
        workcalendar.library_knows.cache_clear()
        workcalendar.invalidate_cache()


NUMBERS = "一二三四五六七八九十"


def made_up_notice(year: int) -> str:
    """A notice for any ``year`` in the official wording, for the browser tests whatever year they run in.

    Its days off are the provisional schedule's; the Sunday before 春节 is made a 调休 working day,
    so that the official schedule differs from the provisional one.
    """
    blocks: list[tuple[str, list[date]]] = []
    for day, name in provisional_holidays.holidays(year).items():
        if day.month == 12 and name == provisional_holidays.NEW_YEAR:
            continue  # next year's 元旦 beginning in December belongs to next year's notice
        if blocks and blocks[-1][0] == name and blocks[-1][1][-1] == day - timedelta(days=1):
            blocks[-1][1].append(day)
        else:
            blocks.append((name, [day]))
    lines = [f"国务院办公厅关于{year}年部分节假日安排的通知"]
    for number, (name, days) in enumerate(blocks):
        first, last = days[0], days[-1]
        line = f"{NUMBERS[number]}、{name}：{first.month}月{first.day}日（{WEEKDAY_NAMES[first.weekday()]}）"
        if last == first:
            lines.append(line + "放假1天，不调休。")
            continue
        month = f"{last.month}月" if last.month != first.month else ""
        line += f"至{month}{last.day}日（{WEEKDAY_NAMES[last.weekday()]}）放假调休，共{len(days)}天。"
        if name == provisional_holidays.SPRING:
            sunday = first - timedelta(days=(first.weekday() + 1) % 7 or 7)
            line += f"{sunday.month}月{sunday.day}日（周日）上班。"
        lines.append(line)
    return "\n".join(lines) + "\n"
