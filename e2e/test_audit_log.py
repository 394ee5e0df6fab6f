"""The office opens the audit log and narrows it to one person's changes."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.core.audit import log_action
from chuangcheng.org.choices import Role
from chuangcheng.org.services import membership_grant, unit_move

from .helpers import assert_page_healthy, login, screenshot_step


def test_office_filters_the_audit_log_by_person(desktop: Page, world: World) -> None:
    unit_move(unit=world.community_a1, parent=world.town_b, by=world.office)
    membership_grant(person=world.volunteer, unit=world.town_a, role=Role.HANDLER, by=world.supervisor)
    log_action(world.town_a, "org.unit.rename", by=world.supervisor, data={"name": ["城关镇", "城关街道"]})
    login(desktop, world.office.username)
    desktop.goto("/accounts/audit/")
    table = desktop.locator("#audit-table")
    expect(table).to_contain_text("org.unit.move")
    expect(table).to_contain_text("org.membership.grant")

    desktop.locator("#audit-filters").get_by_label("操作人").select_option(str(world.supervisor.pk))
    desktop.locator("#audit-filters").get_by_role("button", name="筛选").click()
    expect(table).not_to_contain_text("org.unit.move")
    expect(table).to_contain_text("城关镇 → 城关街道")
    expect(table.locator("tbody tr")).to_have_count(2)
    screenshot_step(desktop, "by-person")
    assert_page_healthy(desktop)
