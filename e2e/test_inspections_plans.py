"""日巡查 in a real browser: the office edits a patrol rule, opens the plan calendar and yesterday's
漏巡; an inspector on a phone sees only his own calendar and day.

The county is ``inspections/tests/patrol_county`` (two towns, six segments, three sites, three
inspectors); yesterday's and today's routes are generated in Python (the nightly ``tick`` job's
work), one of yesterday's visits done, so the rest of yesterday is 漏巡.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.inspections import services
from chuangcheng.inspections.models import PatrolRule, Visit
from chuangcheng.inspections.tests.patrol_county import County, build
from chuangcheng.places.choices import RoadClass

from .helpers import assert_page_healthy, login, screenshot_step


@pytest.fixture
def county(world: World) -> County:
    county = build(world)
    today = timezone.localdate()
    services.patrol_routes_generate(day=today - dt.timedelta(days=1))
    services.patrol_routes_generate(day=today)
    yesterday = Visit.objects.filter(due_on=today - dt.timedelta(days=1), segment=county.s1)
    yesterday.update(done_at=timezone.now() - dt.timedelta(days=1))
    return county


def _yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def test_the_office_edits_a_rule_and_finds_yesterdays_missed_patrols(desktop: Page, county: County) -> None:
    page = desktop
    login(page, "office")
    page.locator("#nav-patrols").first.click()
    expect(page.locator("h1")).to_have_text("日巡查日历")

    page.locator("#subnav-patrol-rules").click()
    rule = PatrolRule.objects.get(road_class=RoadClass.SECONDARY)
    expect(page.locator(f"#patrol-rule-{rule.pk}")).to_contain_text("每周 3 次")
    page.locator(f"#patrol-rule-edit-{rule.pk}").click()
    page.get_by_label("每周次数").fill("5")
    page.locator("#patrol-rule-submit").click()
    expect(page.locator(f"#patrol-rule-{rule.pk}")).to_contain_text("每周 5 次")
    expect(page.get_by_text("已保存巡查规则")).to_be_visible()
    screenshot_step(page, "rules")
    rule.refresh_from_db()
    assert rule.times_per_week == 5

    day = _yesterday()
    planned = Visit.objects.filter(due_on=day).count()
    page.goto(f"/inspections/patrols/?month={day:%Y-%m}")
    cell = page.locator(f"#day-{day:%Y-%m-%d}")
    expect(cell).to_contain_text(f"计划 {planned}")
    expect(cell).to_contain_text("完成 1")
    expect(cell).to_contain_text(f"漏巡 {planned - 1}")
    expect(page.locator("#missed-by-inspector")).to_contain_text("乙巡查")
    screenshot_step(page, "calendar")

    cell.locator("a").click()
    expect(page.locator("#day-title")).to_contain_text(f"{day:%Y-%m-%d}")
    expect(page.locator(f"#route-{county.a1.pk}")).to_contain_text("人民路一段")
    expect(page.locator(f"#route-{county.a1.pk}")).to_contain_text("已完成")
    expect(page.locator(f"#route-{county.a2.pk}")).to_contain_text("漏巡")
    page.locator("#patrol-state").select_option("missed")
    page.locator("#patrol-filter-submit").click()
    expect(page.locator("#day-total")).to_contain_text(f"共 {planned - 1} 处")
    expect(page.locator("#patrol-day-results")).not_to_contain_text("人民路一段")
    assert_page_healthy(page)


def test_an_inspector_sees_his_own_calendar_on_a_phone(phone: Page, county: County) -> None:
    page = phone
    login(page, "insp_a2")
    day = _yesterday()
    page.goto(f"/inspections/patrols/?month={day:%Y-%m}")
    expect(page.locator("h1")).to_have_text("我的巡查日历")
    expect(page.locator("#patrol-inspector")).to_have_count(0)
    # How many of his places fall on that day depends on its weekday (rules name weekdays): count them.
    planned = Visit.objects.filter(due_on=day, assignee=county.a2).count()
    assert planned >= 1, "乙巡查 patrols 人民路二段 every day"
    assert planned < Visit.objects.filter(due_on=day).count()
    cell = page.locator(f"#day-{day:%Y-%m-%d}")
    expect(cell).to_contain_text(f"计划 {planned}")
    expect(cell).to_contain_text(f"漏巡 {planned}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the calendar overflows the phone: {width}px"
    screenshot_step(page, "calendar")

    cell.locator("a").click()
    results = page.locator("#patrol-day-results")
    expect(results).to_contain_text("人民路二段")
    expect(results).to_contain_text("漏巡")
    expect(results).not_to_contain_text("人民路一段")
    expect(results).not_to_contain_text("甲巡查")
    assert_page_healthy(page)
