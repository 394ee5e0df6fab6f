"""The in-app inbox: a unit admin learns of a case dispatched to their unit, follows the message
to the case, and reads the rest; the unread count in the header follows every step.

The cases are set up through the services; what the tests are about (the office's 派遣 in the
second test, everything the unit admin does) happens in the pages.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from chuangcheng.cases import services
from chuangcheng.cases.choices import Source
from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World
from chuangcheng.notifications.models import Notification
from chuangcheng.org.models import Person, Unit

from .helpers import LINE_A1, LINE_B1, assert_page_healthy, login, make_segment, screenshot_step

# Points on 人民路东段 (城关街道's segment) and on 南关街 (城南街道's).
ON_A1 = (114.3020, 34.80002)
ON_B1 = (114.29502, 34.7930)


@pytest.fixture
def piles(world: World) -> Category:
    """The seeded categories, a segment in each town; returns 乱堆乱放 (dispatched by hand)."""
    services.seed_categories()
    make_segment("E2E-A1", "人民路东段", world.town_a, LINE_A1, chief=world.chief_a)
    make_segment("E2E-B1", "南关街", world.town_b, LINE_B1, chief=world.chief_b)
    return Category.objects.get(name="乱堆乱放", parent__isnull=False)


def reported(world: World, category: Category, description: str, where: tuple[float, float]) -> Case:
    """A case reported by the inspector and accepted by the office (立案), not yet dispatched."""
    case, _created = services.case_report(
        by=world.inspector,
        source=Source.PATROL,
        category=category,
        description=description,
        lon=where[0],
        lat=where[1],
    )
    return services.case_accept(case=case, by=world.office)


def dispatched(world: World, category: Category, description: str, unit: Unit, where: tuple[float, float]) -> Case:
    return services.case_dispatch(case=reported(world, category, description, where), by=world.office, unit=unit)


def unread(person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def item(page: Page, case: Case) -> Locator:
    return page.locator("#inbox-list li", has_text=case.code)


def test_unit_admin_follows_a_dispatch_notice_to_the_case_and_clears_the_badge(
    desktop: Page, world: World, piles: Category
) -> None:
    first = dispatched(world, piles, "人民路东段人行道堆放废旧家具", world.town_a, ON_A1)
    second = dispatched(world, piles, "人民路东段路口堆放建筑垃圾", world.town_a, ON_A1)
    elsewhere = dispatched(world, piles, "南关街路边堆放杂物", world.town_b, ON_B1)
    assert unread(world.admin_a) == 2

    login(desktop, world.admin_a.username)

    # The header counts the two unread messages on every page.
    badge = desktop.locator("#nav-unread")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("2")
    desktop.locator("#nav-inbox").click()
    expect(desktop).to_have_url(re.compile(r"/inbox/$"))
    expect(desktop.get_by_role("heading", name="消息")).to_be_visible()

    # Both messages, unread, newest first; nothing about 城南街道's case.
    items = desktop.locator("#inbox-list li.card")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(f"新派遣案卷 {second.code}：乱堆乱放")
    expect(items.nth(0)).to_contain_text("人民路东段路口堆放建筑垃圾")
    expect(items.nth(1)).to_contain_text(f"新派遣案卷 {first.code}：乱堆乱放")
    expect(desktop.locator("#inbox-list li.unread")).to_have_count(2)
    expect(desktop.locator("#inbox")).not_to_contain_text(elsewhere.code)
    screenshot_step(desktop, "1-inbox")
    assert_page_healthy(desktop)

    # Opening a message marks it read and leads to the case, which the unit can handle.
    item(desktop, first).get_by_role("link").click()
    expect(desktop).to_have_url(re.compile(rf"/cases/{first.pk}/$"))
    expect(desktop.locator("#case-code")).to_have_text(first.code)
    expect(desktop.locator("#action-handle")).to_be_visible()
    expect(badge).to_have_text("1")
    assert unread(world.admin_a) == 1

    desktop.locator("#nav-inbox").click()
    expect(item(desktop, first)).not_to_have_class(re.compile(r"\bunread\b"))
    expect(item(desktop, second)).to_have_class(re.compile(r"\bunread\b"))
    # 未读 keeps only the one still unread.
    desktop.locator("#filter-unread").click()
    expect(desktop).to_have_url(re.compile(r"/inbox/\?unread=1$"))
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(second.code)
    screenshot_step(desktop, "2-unread-filter")

    # 全部标为已读: the list and the header update in place, and stay so after a reload.
    desktop.locator("#read-all").click()
    expect(desktop.locator("#inbox-list li.empty")).to_have_text("没有未读消息。")
    expect(badge).to_be_hidden()
    expect(desktop.locator("#read-all")).to_have_count(0)
    assert unread(world.admin_a) == 0
    desktop.get_by_role("link", name="全部", exact=True).click()
    expect(items).to_have_count(2)
    expect(desktop.locator("#inbox-list li.unread")).to_have_count(0)
    desktop.reload()
    expect(badge).to_be_hidden()
    expect(items).to_have_count(2)
    screenshot_step(desktop, "3-all-read")
    assert_page_healthy(desktop)

    # Another person's message is a 404, the same as a missing one, and stays unread.
    theirs = Notification.objects.get(recipient=world.admin_b)
    response = desktop.goto(f"/inbox/{theirs.pk}/")
    assert response is not None and response.status == 404
    expect(desktop.locator("body")).not_to_contain_text(elsewhere.code)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_office_dispatch_reaches_the_unit_admins_phone(
    desktop: Page, phone: Page, world: World, piles: Category
) -> None:
    earlier = dispatched(world, piles, "人民路东段绿化带内堆放杂物", world.town_a, ON_A1)
    case = reported(world, piles, "人民路东段路边堆放建筑垃圾约两立方米", ON_A1)

    # The unit admin has one message; on a phone the count sits on the folded menu (☰).
    login(phone, world.admin_a.username)
    toggle_badge = phone.locator("#nav-toggle-unread")
    expect(toggle_badge).to_have_text("1")

    # The office dispatches the new case to 城关街道 from its page.
    login(desktop, world.office.username)
    desktop.goto(f"/cases/{case.pk}/dispatch/")
    expect(desktop.locator(f"#suggest-{world.town_a.pk}")).to_be_checked()
    desktop.locator("#dispatch-submit").click()
    expect(desktop.locator(".messages .msg-success")).to_contain_text("已派遣给 城关街道")
    assert_page_healthy(desktop)

    # The next page the unit admin opens shows two.
    phone.goto("/")
    expect(toggle_badge).to_be_visible()
    expect(toggle_badge).to_have_text("2")
    screenshot_step(phone, "1-badge")
    phone.locator("label.nav-toggle-label").click()
    phone.locator("#nav-inbox").click()
    expect(phone).to_have_url(re.compile(r"/inbox/$"))
    expect(item(phone, case)).to_contain_text(f"新派遣案卷 {case.code}：乱堆乱放")
    expect(item(phone, case)).to_have_class(re.compile(r"\bunread\b"))
    expect(item(phone, earlier)).to_have_class(re.compile(r"\bunread\b"))
    # The inbox fits the phone: nothing forces sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot_step(phone, "2-inbox")

    # Tapping the new message opens the case, ready to handle.
    item(phone, case).get_by_role("link").click()
    expect(phone).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(phone.locator("#case-code")).to_have_text(case.code)
    expect(phone.locator("#action-handle")).to_be_visible()
    expect(toggle_badge).to_have_text("1")

    # Back in the inbox, 全部标为已读 clears the rest and the ☰ badge.
    phone.locator("label.nav-toggle-label").click()
    phone.locator("#nav-inbox").click()
    expect(item(phone, case)).not_to_have_class(re.compile(r"\bunread\b"))
    phone.locator("#read-all").click()
    expect(phone.locator("#inbox-list li.unread")).to_have_count(0)
    expect(toggle_badge).to_be_hidden()
    expect(phone.locator("#read-all")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot_step(phone, "3-all-read")
    assert unread(world.admin_a) == 0
    assert_page_healthy(phone)
