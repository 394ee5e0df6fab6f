"""The office teaches the system the county's own unit names: an alias on the unit page, a
group word on the 单位分组 page; both are what the 任务分解表 import then understands."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.org.selectors import resolve_unit_names
from chuangcheng.org.services import unit_sets_seed

from .helpers import assert_page_healthy, login, screenshot_step


def test_office_adds_an_alias_and_a_group(desktop: Page, world: World) -> None:
    unit_sets_seed()
    login(desktop, world.office.username)
    desktop.goto(f"/accounts/units/{world.housing.pk}/")

    desktop.get_by_label("新别名").fill("县住房和城乡建设局")
    desktop.get_by_role("button", name="添加别名").click()
    expect(desktop.locator("#unit-aliases")).to_contain_text("县住房和城乡建设局")
    desktop.get_by_label("新别名").fill("城关街道")
    desktop.get_by_role("button", name="添加别名").click()
    expect(desktop.get_by_role("alert").or_(desktop.locator(".messages"))).to_contain_text("已被单位“城关街道”使用")
    screenshot_step(desktop, "alias")

    desktop.goto("/accounts/units/")
    desktop.locator("#unit-sets-link").click()
    expect(desktop.locator('tr[data-set="各街道"]')).to_contain_text("城关街道、城南街道")
    desktop.locator("#unit-set-new").click()
    desktop.get_by_label("分组名称").fill("县直各执法单位")
    desktop.get_by_label("指定单位").select_option(label="县住建局")
    desktop.get_by_label("说明").fill("有执法职能的县直部门")
    desktop.locator("#unit-set-save").click()
    expect(desktop.locator('tr[data-set="县直各执法单位"]')).to_contain_text("县住建局")
    screenshot_step(desktop, "groups")
    assert_page_healthy(desktop)

    resolution = resolve_unit_names("县住房和城乡建设局（牵头）、县直各执法单位")
    assert [u.name for u in resolution.units] == ["县住建局"]
