"""月度考核 in a real browser: the office opens November's draft, adds a 扣分 item and sees the
ranking turn over, publishes; 城南街道's admin opens 我的考核 and the unit page on a phone.

November's cases are made in Python through the services at their moments (the case loop has
its own browser tests): 城关街道 handles three cases on time, 城南街道 one late, one on time and
leaves one open past its deadline, so 城关街道 leads the towns until the office deducts 60 points.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from chuangcheng.appraisal.choices import RunStatus
from chuangcheng.appraisal.models import Run
from chuangcheng.appraisal.tests.pages_county import at, build_month
from chuangcheng.conftest import World

from .helpers import assert_page_healthy, login, screenshot_step

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Clock:
    """Time travel while the month is built, back to the real clock before the browser runs."""

    def __init__(self) -> None:
        self.traveller: time_machine.travel | None = None

    def __call__(self, moment: dt.datetime) -> None:
        self.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"appraisal-{name}.png"), full_page=True)


def town_rows(page: Page) -> list[str]:
    return page.locator("#group-town tbody td.unit-name").all_inner_texts()


def test_the_office_deducts_publishes_and_a_town_reads_its_result(desktop: Page, phone: Page, request) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    clock(at(10, 20, 9))
    try:
        world: World = request.getfixturevalue("world")
        month = build_month(world, clock)
    finally:
        clock.stop()
    run = month.run

    desktop.set_viewport_size({"width": 1280, "height": 900})
    login(desktop, "office")
    desktop.get_by_role("link", name="月度考核").first.click()
    desktop.get_by_role("link", name="2026年11月").click()
    expect(desktop.locator("#run-title")).to_have_text("2026年11月")
    assert [t.split("\n")[0] for t in town_rows(desktop)] == ["城关街道", "城南街道"]
    expect(desktop.locator("#chart-trend")).to_be_visible()
    expect(desktop.locator("#group-town .chart-scores canvas")).to_have_count(1)
    screenshot_step(desktop, "draft")

    form = desktop.locator("#adjustment-form")
    form.get_by_label("单位").select_option(label="城关街道")
    form.get_by_label("类型").select_option(label="媒体曝光")
    form.get_by_label("分值").fill("-60")
    form.get_by_label("事由").fill("背街小巷垃圾堆积被市电视台曝光")
    form.get_by_role("button", name="录入").click()
    expect(desktop.locator(".messages")).to_contain_text("加减分已录入，排名已更新")
    assert [t.split("\n")[0] for t in town_rows(desktop)] == ["城南街道", "城关街道"]
    expect(desktop.locator("#adjustments")).to_contain_text("背街小巷垃圾堆积被市电视台曝光")
    _shot(desktop, "run-draft-desktop")

    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.locator("#run-publish").click()
    expect(desktop.locator(".messages")).to_contain_text("已发布")
    expect(desktop.locator(".run-status")).to_have_text("已发布")
    expect(desktop.locator("#run-doc-number")).to_contain_text("县创建办〔2026〕")
    assert Run.objects.get(pk=run.pk).status == RunStatus.PUBLISHED
    _shot(desktop, "run-published-desktop")
    assert_page_healthy(desktop)

    login(phone, "admin_b")
    phone.goto("/appraisal/mine/")
    expect(phone.locator("#mine-rank")).to_have_text("1/2")
    expect(phone.locator("#mine-latest")).to_contain_text("城南街道 · 2026年11月")
    _shot(phone, "mine-phone")
    phone.locator("#mine-detail").click()
    expect(phone.locator("#unit-title")).to_have_text("城南街道")
    expect(phone.locator("#unit-figures")).to_contain_text("按期处置率分值")
    _shot(phone, "unit-phone")
    phone.locator("#unit-figures tr[data-kind='overdue_open'] td.num a").click()
    expect(phone.locator("#trace-table tbody tr")).to_have_count(1)
    expect(phone.locator("#trace-table")).to_contain_text(month.cases["b"][2].code)
    _shot(phone, "trace-phone")
    other = phone.goto(f"/appraisal/runs/{run.pk}/units/{world.town_a.pk}/")
    assert other is not None and other.status == 404
    assert_page_healthy(phone)
