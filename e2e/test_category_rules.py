"""The 小类's 结案条件 as one rule: the office rewrites it on the category page, and the handling
unit reads the new wording on its case page (desktop and a 390 px phone); the dispatch form
shows the same rule to the office.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chuangcheng.cases import services
from chuangcheng.cases.choices import Source
from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World

from .helpers import LINE_A1, assert_page_healthy, login, make_segment, screenshot_step

ON_A1 = (114.3020, 34.80002)
NEW_RULE = "杂物全部清走，地面冲洗干净，门前无新堆放"


@pytest.fixture
def piles(world: World) -> Category:
    """The seeded table and 人民路东段 in 城关街道; returns 乱堆乱放."""
    services.seed_categories()
    make_segment("E2E-A1", "人民路东段", world.town_a, LINE_A1, chief=world.chief_a)
    return Category.objects.get(name="乱堆乱放", parent__isnull=False)


def accepted(world: World, category: Category) -> Case:
    case, _created = services.case_report(
        by=world.inspector,
        source=Source.PATROL,
        category=category,
        description="人民路东段人行道堆放废旧家具",
        lon=ON_A1[0],
        lat=ON_A1[1],
    )
    return services.case_accept(case=case, by=world.office)


def test_office_rewrites_the_close_condition_and_the_unit_reads_it_on_its_case(
    desktop: Page, phone: Page, world: World, piles: Category
) -> None:
    case = accepted(world, piles)
    login(desktop, world.office.username)

    # The office rewrites the rule on the category page.
    desktop.goto(f"/cases/categories/{piles.pk}/edit/")
    close = desktop.get_by_label("结案条件")
    expect(close).to_have_value("乱堆乱放杂物已清除，现场整洁")
    expect(desktop.get_by_label("立案条件")).to_have_value("在楼道、门前、路边乱堆乱放杂物的")
    close.fill(NEW_RULE)
    screenshot_step(desktop, "1-category-form")
    desktop.locator("#category-submit").click()
    expect(desktop).to_have_url(re.compile(r"/cases/categories/$"))

    # The dispatch form shows the office the rule it will be judged by, and the urgent box.
    desktop.goto(f"/cases/{case.pk}/dispatch/")
    rules = desktop.locator("#category-rules")
    expect(rules.locator("#rule-close")).to_have_text(NEW_RULE)
    expect(rules.locator("#rule-limit")).to_contain_text("4 工作时")
    expect(desktop.get_by_label("紧急")).not_to_be_checked()
    screenshot_step(desktop, "2-dispatch")
    desktop.locator("#dispatch-submit").click()
    expect(desktop.locator("#case-unit")).to_contain_text("城关街道")
    assert_page_healthy(desktop)

    # The handling unit's liaison reads the same wording on the case page, on a phone.
    login(phone, world.admin_a.username)
    phone.goto(f"/cases/{case.pk}/")
    expect(phone.locator("#rule-close")).to_have_text(NEW_RULE)
    expect(phone.locator("#rule-accept")).to_have_text("在楼道、门前、路边乱堆乱放杂物的")
    phone.locator("#category-rules").scroll_into_view_if_needed()
    screenshot_step(phone, "3-case-phone")
    box = phone.locator("#category-rules").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert_page_healthy(phone)
