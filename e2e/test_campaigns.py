"""The office sets up a campaign in the browser: pass line, milestones, readiness weights."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.indicators.models import Campaign

from .helpers import assert_page_healthy, login, screenshot_step


def test_office_creates_a_campaign_and_sees_its_countdown(desktop: Page, world: World) -> None:
    in_sixty_days = timezone.localdate() + dt.timedelta(days=60)
    login(desktop, world.office.username)
    desktop.goto("/indicators/")
    desktop.locator("#campaign-new").click()
    expect(desktop).to_have_url(re.compile(r"/indicators/new/$"))

    desktop.get_by_label("编码").fill("YLXC-2027")
    desktop.get_by_label("名称").first.fill("创建省级园林县城")
    desktop.get_by_label("类型").first.select_option(label="园林城市")
    desktop.get_by_label("创建级别").select_option(label="省级")
    desktop.get_by_label("测评体系版本").fill("省级园林县城标准（2022年版）")
    desktop.get_by_label("达标分数线").fill("1.5")
    desktop.get_by_label("任务完成权重").fill("1.5")  # a weight above 1: refused
    row = desktop.locator("#milestones .milestone-row").first
    row.locator("select").select_option(label="省级检查验收")
    row.locator("input[name$='-name']").fill("省级园林县城验收")
    row.locator("input[type=date]").fill(in_sixty_days.isoformat())
    desktop.locator("#campaign-submit").click()

    expect(desktop.locator("#id_task_weight_error")).to_contain_text("小于或等于1")
    assert not Campaign.objects.exists()
    screenshot_step(desktop, "1-refused")

    desktop.get_by_label("任务完成权重").fill("0.6")
    desktop.get_by_label("达标分数线").fill("80")
    desktop.locator("#campaign-submit").click()

    expect(desktop).to_have_url(re.compile(r"/indicators/$"))
    card = desktop.locator(".campaign-card[data-code='YLXC-2027']")
    expect(card).to_contain_text("创建省级园林县城")
    expect(card.locator(".pass-score")).to_have_text("80.00")
    expect(card.locator(".next-milestone")).to_contain_text("省级园林县城验收")
    expect(card.locator(".next-milestone")).to_contain_text("60")
    assert_page_healthy(desktop)
    screenshot_step(desktop, "2-saved")
    campaign = Campaign.objects.get(code="YLXC-2027")
    assert str(campaign.task_weight) == "0.60"
    assert list(campaign.milestones.values_list("date", flat=True)) == [in_sixty_days]


def test_a_unit_liaison_cannot_open_the_campaign_settings(desktop: Page, world: World) -> None:
    login(desktop, world.admin_a.username)
    desktop.goto("/indicators/")
    expect(desktop.locator("#campaign-new")).to_have_count(0)

    response = desktop.goto("/indicators/new/")

    assert response is not None and response.status == 403
    expect(desktop.get_by_role("heading", level=1)).to_have_text("403 · 无权访问")
