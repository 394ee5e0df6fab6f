"""The office's 节假日表 for next year, which the chinese-calendar library does not know yet:
the home page says the year is provisional (no alarm: deadlines are still counted), the office
enters the State Council's days one by one or pastes the whole notice, and the notice and a
case's 暂定 deadline follow the table. Bad dates and garbled notices are refused in Chinese and
change nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from chuangcheng.cases import services as cases
from chuangcheng.cases.choices import Source, TimeUnit
from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World
from chuangcheng.core import workcalendar
from chuangcheng.core.holiday_notice import parse_notice
from chuangcheng.core.models import HolidayOverride
from chuangcheng.core.tests.notices import made_up_notice

from .helpers import LINE_A1, assert_page_healthy, login, make_segment, screenshot_step


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


def notice_line(year: int) -> str:
    return f"{year} 年节假日按暂定安排计算（法定节日按惯例放假，不含调休上班）"


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

    # The home page tells that next year is provisional: an information, not an alarm.
    notice = desktop.locator("#calendar-notice")
    expect(notice).to_contain_text("节假日暂定")
    expect(notice).to_contain_text(notice_line(year))
    expect(notice).to_contain_text("请在国务院公布后录入，期限将自动重算。")
    expect(desktop.locator("#calendar-warning")).to_have_count(0)
    expect_readable(notice.locator("li"))
    screenshot_step(desktop, "1-home-notice")
    notice.get_by_role("link", name="去录入节假日").click()
    expect(desktop).to_have_url(re.compile(r"/calendar/holidays/$"))
    expect(desktop.locator("#calendar-notices")).to_contain_text(notice_line(year))

    # Next year: not in the library, nothing entered yet, the provisional schedule shown.
    desktop.get_by_label("年份").select_option(str(year))
    expect(desktop).to_have_url(re.compile(rf"/calendar/holidays/\?year={year}$"))
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年按暂定安排计算")
    expect(desktop.locator("#library-unknown")).to_contain_text(f"法定节假日库尚未收录 {year} 年")
    expect(desktop.locator("#provisional-days")).to_contain_text(f"{year}-10-01")
    expect(desktop.locator("#provisional-add-note")).to_contain_text("录入任一天后，该年即改由本表维护")
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
    expect(desktop.locator("main")).not_to_contain_text(notice_line(year))
    expect(desktop.locator("#provisional-days")).to_have_count(0)
    screenshot_step(desktop, "2-entered")
    assert workcalendar.is_workday(saturday) and not workcalendar.is_workday(national_day)
    assert workcalendar.is_workday(national_day - dt.timedelta(days=1))  # a plain weekday

    desktop.locator("#nav-home").click()
    expect(desktop.get_by_role("heading", name="你好，王创建")).to_be_visible()
    expect(desktop.locator("main")).not_to_contain_text(notice_line(year))

    # The same date again changes that day's row (the page says so) rather than adding one.
    desktop.locator("#home-holidays-link").click()
    desktop.get_by_label("年份").select_option(str(year))
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年由本表维护")
    add_day(desktop, national_day, workday=False, name="国庆节、中秋节", note="与中秋节连休")
    expect(desktop.locator(".messages .msg-success")).to_have_text(f"已更新 {national_day:%Y-%m-%d} 国庆节、中秋节")
    expect(desktop.locator("#override-table tbody tr")).to_have_count(2)
    expect(row_of(desktop, national_day)).to_contain_text("与中秋节连休")
    assert HolidayOverride.objects.filter(date__year=year).count() == 2

    # Deleting both days makes the year provisional again, and the home page says so again.
    delete_day(desktop, saturday)
    expect(desktop.locator(".messages .msg-success")).to_have_text(f"已删除 {saturday:%Y-%m-%d} 国庆节调休上班")
    expect(row_of(desktop, saturday)).to_have_count(0)
    expect(desktop.locator("#override-table tbody tr")).to_have_count(1)
    assert not workcalendar.is_workday(saturday)  # back to a plain weekend
    delete_day(desktop, national_day)
    expect(desktop.locator("#overrides-empty")).to_be_visible()
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年按暂定安排计算")
    desktop.locator("#nav-home").click()
    expect(desktop.locator("#calendar-notice")).to_contain_text(notice_line(year))
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
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年按暂定安排计算")
    assert_page_healthy(desktop)


def test_only_the_office_keeps_the_holiday_table(desktop: Page, world: World, year: int) -> None:
    login(desktop, world.leader.username)

    # The county leader is told too, but the table is the office's.
    expect(desktop.locator("#calendar-notice")).to_contain_text(notice_line(year))
    expect(desktop.locator("#home-holidays-notice-link")).to_have_count(0)
    response = desktop.goto("/calendar/holidays/")
    assert response is not None and response.status == 403
    expect(desktop.get_by_role("heading", level=1)).to_have_text("403 · 无权访问")
    assert_page_healthy(desktop)


SHANGHAI = ZoneInfo("Asia/Shanghai")
SPOT = (114.3020, 34.80003)  # on 人民路东段, 城关街道's


@pytest.fixture
def provisional_case(world: World, year: int) -> Iterator[Case]:
    """A case dispatched on 28 December with 5 working days: its deadline reaches next year, 暂定.

    Made at that moment; the test then runs on 29 December (the server and the services share the
    clock, time_machine travels the whole process), so the recount follows the dispatch as it would.
    """
    if not workcalendar.is_known_year(year - 1):
        pytest.skip(f"{year - 1} is provisional too: the case would stay provisional")
    cases.seed_categories()
    make_segment("E2E-A1", "人民路东段", world.town_a, LINE_A1, chief=world.chief_a)
    category = Category.objects.get(name="乱贴乱画", parent__isnull=False)
    category.time_limit, category.time_unit = Decimal("5"), TimeUnit.WORK_DAYS
    category.save(update_fields=["time_limit", "time_unit"])
    with time_machine.travel(dt.datetime(year - 1, 12, 28, 9, 0, tzinfo=SHANGHAI), tick=False):
        case, _ = cases.case_report(
            by=world.inspector,
            source=Source.PATROL,
            category=category,
            description="电线杆上贴满小广告",
            lon=SPOT[0],
            lat=SPOT[1],
        )
        cases.case_accept(case=case, by=world.office)
        cases.case_dispatch(case=case, by=world.office, unit=world.town_a)
    assert case.deadline is not None and case.deadline.year == year and case.deadline_provisional
    with time_machine.travel(dt.datetime(year - 1, 12, 29, 10, 0, tzinfo=SHANGHAI), tick=True):
        yield case


def test_office_pastes_the_notice_and_a_cases_provisional_deadline_is_recounted(
    desktop: Page, world: World, year: int, provisional_case: Case
) -> None:
    case = provisional_case
    deadline = f"{timezone.localtime(case.deadline):%Y-%m-%d %H:%M}"
    login(desktop, world.office.username)

    # Before: the case page and the list say 暂定, and why.
    desktop.goto(f"/cases/{case.pk}/")
    badge = desktop.locator("#case-deadline .deadline-provisional")
    expect(desktop.locator("#case-deadline")).to_contain_text(deadline)
    expect(badge).to_have_text("暂定")
    expect(badge).to_have_attribute("title", "按暂定节假日计算，国务院公布后自动重算")
    expect_readable(badge)
    screenshot_step(desktop, "1-case-provisional")
    desktop.goto("/cases/")
    expect(desktop.locator(f'#case-table tr[data-id="{case.pk}"] .deadline-provisional')).to_have_text("暂定")

    # A notice with a garbled line is refused by its line number, and nothing is saved.
    text = made_up_notice(year)
    lines = text.splitlines()
    garbled = "\n".join([*lines[:3], lines[3].replace("日（", "号（", 1), *lines[4:]])
    desktop.goto(f"/calendar/holidays/?year={year}")
    desktop.get_by_label("通知全文").fill(garbled)
    desktop.get_by_role("button", name="预览").click()
    errors = desktop.locator("#notice-errors")
    expect(errors).to_contain_text("通知中有无法识别的内容，未保存任何日期：")
    expect(errors.locator("li").first).to_contain_text("第 4 行：")
    expect_readable(errors.locator("li").first)
    expect(desktop.locator("#notice-save-button")).to_have_count(0)
    expect(desktop.get_by_label("通知全文")).to_have_value(garbled)
    screenshot_step(desktop, "2-garbled")
    assert not HolidayOverride.objects.exists()

    # The right text: previewed as a table, then saved.
    parsed = parse_notice(text, year)
    desktop.get_by_label("通知全文").fill(text)
    desktop.get_by_role("button", name="预览").click()
    preview = desktop.locator("#notice-preview")
    expect(preview.locator("h3")).to_have_text(
        f"预览：放假 {len(parsed.days_off)} 天，调休上班 {len(parsed.working_days)} 天"
    )
    expect(desktop.locator("#notice-table tbody tr")).to_have_count(len(parsed.days))
    make_up = parsed.working_days[0]
    expect(desktop.locator("#notice-table tbody tr").filter(has_text=f"{make_up:%Y-%m-%d}")).to_contain_text(
        "春节调休上班"
    )
    screenshot_step(desktop, "3-preview")
    assert not HolidayOverride.objects.exists()
    desktop.get_by_role("button", name=f"保存为 {year} 年节假日").click()
    expect(desktop.locator(".messages .msg-success").first).to_have_text(
        f"已按国务院通知录入 {year} 年节假日：新增 {len(parsed.days)} 天，修改 0 天，0 天不变。"
    )
    expect(desktop.locator(".messages")).to_contain_text("1 件案卷的期限已按正式节假日重算。")
    expect(desktop.locator("#year-status")).to_have_text(f"{year} 年由本表维护")
    expect(desktop.locator("#override-table tbody tr")).to_have_count(len(parsed.days))
    screenshot_step(desktop, "4-saved")

    # After: no 暂定 on the case; its history says what was recounted.
    desktop.goto(f"/cases/{case.pk}/")
    expect(desktop.locator("#case-deadline .deadline-provisional")).to_have_count(0)
    recount = desktop.locator('#timeline li[data-action="recount"]')
    expect(recount).to_contain_text("期限重算")
    expect(recount).to_contain_text(f"期限按正式节假日重算：{deadline} → ")
    screenshot_step(desktop, "5-case-official")
    desktop.goto("/")
    expect(desktop.locator("main")).not_to_contain_text(notice_line(year))
    assert_page_healthy(desktop)
