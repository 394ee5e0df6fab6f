"""The office's 节假日表 for next year, which the chinese-calendar library does not know yet:
the home page warns, the office enters the State Council's days, edits and deletes them, and
the warning follows the table. Bad dates are refused in Chinese and change nothing.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from chuangcheng.conftest import World
from chuangcheng.core import workcalendar
from chuangcheng.core.models import HolidayOverride

from .helpers import assert_page_healthy, login, screenshot_step


@pytest.fixture
def year(world: World) -> int:
    """Next year: the home page warns about it until the library or the office covers it."""
    year = timezone.localdate().year + 1
    if workcalendar.library_knows(year):
        pytest.skip(f"chinese-calendar already knows {year}: nothing to warn about")
    return year


def national_day_makeup_saturday(year: int) -> dt.date:
    """The last Saturday of September, the usual 国庆 调休 working day."""
    day = dt.date(year, 9, 30)
    return day - dt.timedelta(days=(day.weekday() - 5) % 7)


def warning_line(year: int) -> str:
    return f"{year} 年的法定节假日尚未录入，请创建办在节假日表中补录"


def row_of(page: Page, day: dt.date) -> Locator:
    return page.locator("#override-table tbody tr").filter(has=page.get_by_role("cell", name=f"{day:%Y-%m-%d}"))


# The text colour and the colour of whatever is painted behind the element.
INK_AND_PAPER_JS = """
el => {
  let paper = el;
  while (paper && getComputedStyle(paper).backgroundColor.match(/^rgba\\(.*, 0\\)$|^transparent$/)) {
    paper = paper.parentElement;
  }
  return [getComputedStyle(el).color, paper ? getComputedStyle(paper).backgroundColor : "rgb(255, 255, 255)"];
}
"""

# How wide the browser draws a date box left to itself: wide enough for a whole date.
# The box's width and a date box's natural width, measured side by side in the same container
# once fonts and styles have settled (measured apart, a page still laying out gave false alarms).
DATE_WIDTHS_JS = """
async (el) => {
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const probe = document.createElement("input");
  probe.type = "date";
  probe.style.width = "auto";
  el.parentElement.append(probe);
  const widths = [el.offsetWidth, probe.offsetWidth];
  probe.remove();
  return widths;
}
"""


def expect_readable(element: Locator) -> None:
    """Visible to Playwright is not enough: white text on a white card is visible to nobody."""
    expect(element).to_be_visible()
    ink, paper = element.evaluate(INK_AND_PAPER_JS)
    assert ink != paper, f"text colour {ink} on background {paper}"


def add_day(page: Page, day: dt.date, *, workday: bool, name: str, note: str = "") -> None:
    form = page.locator("#holiday-form")
    form.get_by_label("日期").fill(f"{day:%Y-%m-%d}")
    form.get_by_label("当天").select_option(label="上班" if workday else "放假")
    form.get_by_label("名称").fill(name)
    form.get_by_label("备注").fill(note)
    form.get_by_role("button", name="保存").click()


def delete_day(page: Page, day: dt.date) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    row_of(page, day).get_by_role("button", name="删除").click()


def test_office_fills_in_a_year_the_library_does_not_know(desktop: Page, world: World, year: int) -> None:
    saturday, national_day = national_day_makeup_saturday(year), dt.date(year, 10, 1)
    login(desktop, world.office.username)

    # The home page warns: without next year's holidays, no deadline can be computed.
    warning = desktop.locator("#calendar-warning")
    expect(warning).to_contain_text("节假日未录入")
    expect(warning).to_contain_text(warning_line(year))
    expect(warning).to_contain_text("未录入的年份无法计算处置期限，派遣将被拒绝。")
    screenshot_step(desktop, "1-home-warning")
    warning.get_by_role("link", name="去录入节假日").click()
    expect(desktop).to_have_url(re.compile(r"/calendar/holidays/$"))
    expect(desktop.locator("#calendar-warnings")).to_contain_text(warning_line(year))

    # Next year: not in the library, nothing entered yet.
    desktop.get_by_label("年份").select_option(str(year))
    expect(desktop).to_have_url(re.compile(rf"/calendar/holidays/\?year={year}$"))
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年节假日尚未录入")
    expect(desktop.locator("#library-unknown")).to_contain_text(f"法定节假日库尚未收录 {year} 年")
    expect(desktop.locator("#overrides-empty")).to_have_text("本年没有调整。")
    expect(desktop.locator("#prefill-button")).to_have_count(0)
    date_box = desktop.locator("#holiday-form").get_by_label("日期")
    expect(date_box).to_have_value(f"{year}-01-01")
    # The box shows the whole date (a squeezed one shows "01/01/2" and hides the year).
    shown, natural = date_box.evaluate(DATE_WIDTHS_JS)
    assert shown >= natural

    # A 调休 working Saturday and the National Day holiday.
    add_day(desktop, saturday, workday=True, name="国庆节调休上班", note="国办发明电〔2026〕1号")
    expect(desktop.locator(".messages .msg-success")).to_have_text(f"已添加 {saturday:%Y-%m-%d} 国庆节调休上班")
    add_day(desktop, national_day, workday=False, name="国庆节")
    expect(desktop.locator(".messages .msg-success")).to_have_text(f"已添加 {national_day:%Y-%m-%d} 国庆节")

    expect(desktop).to_have_url(re.compile(rf"\?year={year}$"))
    expect(desktop.locator("#overrides h2")).to_have_text(f"{year} 年调整（2）")
    expect(row_of(desktop, saturday).get_by_role("cell")).to_have_text(
        [f"{saturday:%Y-%m-%d}", "星期六", "上班", "国庆节调休上班", "国办发明电〔2026〕1号", "王创建", "删除"]
    )
    expect(row_of(desktop, national_day)).to_contain_text("放假")
    expect_readable(row_of(desktop, saturday).get_by_role("button", name="删除"))
    # Once the office has entered any day of the year, the year counts as known.
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年由本表维护")
    expect(desktop.locator("main")).not_to_contain_text(warning_line(year))
    screenshot_step(desktop, "2-entered")
    assert workcalendar.is_workday(saturday) and not workcalendar.is_workday(national_day)
    assert workcalendar.is_workday(national_day - dt.timedelta(days=1))  # a plain weekday

    desktop.locator("#nav-home").click()
    expect(desktop.get_by_role("heading", name="你好，王创建")).to_be_visible()
    expect(desktop.locator("main")).not_to_contain_text(warning_line(year))

    # The same date again changes that day's row (the page says so) rather than adding one.
    desktop.locator("#home-holidays-link").click()
    desktop.get_by_label("年份").select_option(str(year))
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年由本表维护")
    add_day(desktop, national_day, workday=False, name="国庆节、中秋节", note="与中秋节连休")
    expect(desktop.locator(".messages .msg-success")).to_have_text(f"已更新 {national_day:%Y-%m-%d} 国庆节、中秋节")
    expect(desktop.locator("#override-table tbody tr")).to_have_count(2)
    expect(row_of(desktop, national_day)).to_contain_text("与中秋节连休")
    assert HolidayOverride.objects.filter(date__year=year).count() == 2

    # Deleting both days makes the year unknown again, and the home page warns again.
    delete_day(desktop, saturday)
    expect(desktop.locator(".messages .msg-success")).to_have_text(f"已删除 {saturday:%Y-%m-%d} 国庆节调休上班")
    expect(row_of(desktop, saturday)).to_have_count(0)
    expect(desktop.locator("#override-table tbody tr")).to_have_count(1)
    assert not workcalendar.is_workday(saturday)  # back to a plain weekend
    delete_day(desktop, national_day)
    expect(desktop.locator("#overrides-empty")).to_be_visible()
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年节假日尚未录入")
    desktop.locator("#nav-home").click()
    expect(desktop.locator("#calendar-warning")).to_contain_text(warning_line(year))
    assert not HolidayOverride.objects.exists()
    assert_page_healthy(desktop)


def test_bad_dates_are_refused_in_chinese_and_change_nothing(desktop: Page, world: World, year: int) -> None:
    login(desktop, world.office.username)
    desktop.goto(f"/calendar/holidays/?year={year}")
    form = desktop.locator("#holiday-form")
    date_box = form.get_by_label("日期")

    # An empty date: the browser itself stops the form (its bubble is in the browser's language).
    date_box.fill("")
    form.get_by_label("名称").fill("春节")
    form.get_by_role("button", name="保存").click()
    assert date_box.evaluate("el => el.validity.valueMissing")
    expect(desktop.locator(".messages")).to_have_count(0)

    # Some phones' browsers show a date box as plain text, where anything can be typed: the
    # server refuses an impossible date and keeps the page on the year being edited.
    date_box.evaluate("el => { el.type = 'text'; }")
    date_box.fill(f"{year}-02-30")
    form.get_by_role("button", name="保存").click()
    expect(desktop.locator(".messages .msg-error")).to_have_text("日期：输入一个有效的日期。")
    expect(desktop).to_have_url(re.compile(rf"/calendar/holidays/\?year={year}$"))
    expect(desktop.locator("#overrides-empty")).to_be_visible()
    screenshot_step(desktop, "refused")

    form.get_by_label("日期").evaluate("el => { el.type = 'text'; }")
    form.get_by_label("日期").fill("明年春节")
    form.get_by_role("button", name="保存").click()
    expect(desktop.locator(".messages .msg-error")).to_have_text("日期：输入一个有效的日期。")

    assert not HolidayOverride.objects.exists()
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年节假日尚未录入")
    assert_page_healthy(desktop)


def test_only_the_office_keeps_the_holiday_table(desktop: Page, world: World, year: int) -> None:
    login(desktop, world.leader.username)

    # The county leader is warned too, but the table is the office's.
    expect(desktop.locator("#calendar-warning")).to_contain_text(warning_line(year))
    expect(desktop.locator("#home-holidays-warning-link")).to_have_count(0)
    response = desktop.goto("/calendar/holidays/")
    assert response is not None and response.status == 403
    expect(desktop.get_by_role("heading", level=1)).to_have_text("403 · 无权访问")
    assert_page_healthy(desktop)
