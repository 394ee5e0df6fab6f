"""Login errors in Chinese, and a unit admin sees only its own unit's segments."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.places.models import RoadSegment

from .helpers import assert_page_healthy, login, screenshot_step


def test_wrong_password_shows_the_chinese_error(desktop: Page, world: World) -> None:
    login(desktop, "office", "not-the-password", expect_success=False)

    expect(desktop.get_by_text("用户名或密码错误")).to_be_visible()
    expect(desktop).to_have_url(re.compile(r"/accounts/login/"))
    assert_page_healthy(desktop)


def test_unit_admin_gets_404_for_another_units_segment(
    desktop: Page, world: World, segments: dict[str, RoadSegment]
) -> None:
    login(desktop, world.admin_a.username)

    desktop.goto("/places/segments/")
    table = desktop.locator("#segment-table")
    expect(table).to_contain_text("人民路东段")
    expect(table).not_to_contain_text("南关街")

    response = desktop.goto(f"/places/segments/{segments['b1'].pk}/")
    assert response is not None and response.status == 404
    expect(desktop.locator("body")).not_to_contain_text("人民路东段")
    screenshot_step(desktop, "404")

    response = desktop.goto(f"/places/segments/{segments['a1'].pk}/")
    assert response is not None and response.status == 200
    expect(desktop.get_by_role("heading", name="人民路东段")).to_be_visible()
    assert_page_healthy(desktop)
