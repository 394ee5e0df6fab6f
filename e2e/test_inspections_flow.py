"""Issue 10's acceptance scenario, end to end in the browser.

An inspector on a phone opens today's list, inspects the 城关农贸市场 with two failures and photos,
loses the signal, inspects the 人民路公厕 all the same and sends it when the signal returns. The
office, on a desktop, then sees both inspections once, the market's detail with its photos, the
cases the failures opened (with their photos), the market's score on the results page, and the
readiness of the indicator linked to the two failed items lower by the hand-computed amount.

The campaign: one leaf S3.2.1 农贸市场秩序规范 (max 4) with one task of its own at 50 % (not late, no
evidence required), linked to the market checklist's 占道经营 and 地面干净 items (see the formula
in indicators/readiness.py):

    before any inspection   T = 0.5                       predicted = 4 × 0.5           = 2.00
    after the market        P = 0 passed / 2 checked      predicted = 4 × (0.5 + 0) / 2 = 1.00

so the indicator (and, being the campaign's only node, the predicted total) drops by exactly 1.00.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Geolocation, Page, expect

from chuangcheng.cases.models import Case
from chuangcheng.conftest import World
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TaskStatus, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode, Task
from chuangcheng.inspections.models import Inspection
from chuangcheng.inspections.tests.field_world import LAT, LON, build_street, item_with

from .helpers import answer_all, assert_page_healthy, big_photo, login, screenshot_step, wait_for_worker

STALLS, FLOOR, SMELL = "占道经营", "地面干净", "异味"
MAX, TASK_PERCENT = Decimal("4"), 50
CENT = Decimal("0.01")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def _campaign(world: World) -> Campaign:
    campaign = Campaign.objects.create(
        code="WMXC-FLOW",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="2024年版",
        pass_score=Decimal("3"),
    )
    node = IndicatorNode.objects.create(
        campaign=campaign, code="S3.2.1", level=NodeLevel.STANDARD, name="农贸市场秩序规范", max_score=MAX
    )
    node.path = f"/{node.pk}/"
    node.save(update_fields=["path"])
    Task.objects.create(
        campaign=campaign,
        indicator=node,
        code="T-01",
        title="整治市场周边占道经营",
        target="按标准完成",
        lead_unit=world.town_a,
        deadline=dt.date.today() + dt.timedelta(days=90),
        evidence_types=[],
        status=TaskStatus.IN_PROGRESS,
        percent=TASK_PERCENT,
    )
    return campaign


def _read_readiness(page: Page, campaign: Campaign) -> Decimal:
    page.goto(f"/indicators/{campaign.code}/readiness/")
    predicted = page.locator('#gap-table tr[data-code="S3.2.1"] .predicted')
    expect(predicted).to_have_count(1)
    value = Decimal(predicted.inner_text())
    # The campaign's only node: the total is the node's score.
    expect(page.locator("#predicted-total")).to_have_text(f"{value:.2f}")
    return value


def test_an_inspection_round_trip_from_the_phone_to_the_office_and_the_readiness(
    phone: Page, desktop: Page, world: World, tmp_path: Path
) -> None:
    street = build_street(world)
    campaign = _campaign(world)
    stalls, floor = item_with(street.market, STALLS), item_with(street.market, FLOOR)
    smell = item_with(street.toilet, SMELL)
    for item in (stalls, floor):
        item.indicators.add(IndicatorNode.objects.get(code="S3.2.1"))
    assert stalls.case_category_id and floor.case_category_id and smell.case_category_id  # each failure opens a case

    # Hand computation (module docstring): T = 0.5 before; P = 0/2 after the market.
    task_part = Decimal(TASK_PERCENT) / 100
    expected_before = (MAX * task_part).quantize(CENT)
    expected_after = (MAX * (task_part + Decimal(0)) / 2).quantize(CENT)
    assert (expected_before, expected_after) == (Decimal("2.00"), Decimal("1.00"))

    office = desktop
    login(office, world.office.username)
    before = _read_readiness(office, campaign)
    assert before == expected_before
    expect(office.locator("#field-checks")).to_have_count(0)  # no inspection yet
    screenshot_step(office, "0-readiness-before")

    # The inspector's phone: today's list (the two patrol visits made for him for today).
    context = phone.context
    context.grant_permissions(["geolocation"])
    context.set_geolocation(Geolocation(longitude=LON + 0.0021, latitude=LAT))
    login(phone, world.inspector.username)
    phone.goto("/inspections/field/")
    expect(phone.locator("#visit-list .place-name")).to_have_text(["人民路公厕", "城关农贸市场"])
    wait_for_worker(phone)
    phone.reload()  # under the service worker now: the list and the checklists are kept for offline use
    phone.wait_for_function(
        "async () => (await (await caches.open('chuangcheng-pages-1')).keys()).length >= 3", timeout=10_000
    )
    screenshot_step(phone, "1-today")

    # The market, online: two failures, each photographed.
    phone.locator("#visit-list a", has_text="城关农贸市场").click()
    expect(phone.locator("h1")).to_have_text("城关农贸市场")
    answer_all(
        phone,
        street.market,
        {
            STALLS: ("东门外三处摊位", big_photo(tmp_path, "IMG_0101.jpg", "saddlebrown")),
            FLOOR: ("西侧通道有垃圾", big_photo(tmp_path, "IMG_0102.jpg", "olive")),
        },
    )
    screenshot_step(phone, "2-market-form")
    phone.locator("#inspect-submit").click()
    expect(phone).to_have_url(re.compile(r"/inspections/field/done/\?key="))
    market_score = Decimal(100) - stalls.deduction - floor.deduction
    expect(phone.locator("#done-score")).to_have_text(f"{market_score:.1f}")
    expect(phone.locator("#done-failures li")).to_have_count(2)
    screenshot_step(phone, "3-market-done")

    # No signal: the 公厕 is inspected and queued on the phone.
    phone.goto("/inspections/field/")
    context.set_offline(True)
    phone.locator("#visit-list a", has_text="人民路公厕").click()
    expect(phone.locator("h1")).to_have_text("人民路公厕")
    expect(phone.locator("[data-offline-net]")).to_have_attribute("data-state", "offline")
    answer_all(phone, street.toilet, {SMELL: ("便池积尿，异味明显", big_photo(tmp_path, "IMG_0103.jpg", "khaki"))})
    phone.locator("#inspect-submit").click()
    expect(phone.locator("#queued-notice")).to_contain_text("已保存在手机上")
    expect(phone.locator("[data-offline-count]")).to_have_text("1")
    screenshot_step(phone, "4-toilet-queued")
    assert Inspection.objects.count() == 1

    # The signal returns: the queue sends the 公厕's inspection.
    context.set_offline(False)
    expect(phone.locator("[data-offline-count]")).to_have_text("0", timeout=15_000)
    screenshot_step(phone, "5-sent")
    assert_page_healthy(phone)
    toilet_score = Decimal(100) - smell.deduction

    # The office: both inspections, each exactly once.
    office.goto("/inspections/records/")
    rows = office.locator("#inspection-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="城关农贸市场")).to_have_count(1)
    expect(rows.filter(has_text="人民路公厕")).to_have_count(1)
    expect(rows.filter(has_text="城关农贸市场").locator(".score")).to_have_text(f"{market_score:.1f}")
    expect(rows.filter(has_text="人民路公厕").locator(".score")).to_have_text(f"{toilet_score:.1f}")
    screenshot_step(office, "6-records")

    # The market's detail: the score, both failures' photos, the two cases they opened.
    rows.filter(has_text="城关农贸市场").locator("a").first.click()
    expect(office.locator("#inspection-title")).to_contain_text("城关农贸市场")
    expect(office.locator("#inspection-score")).to_have_text(f"{market_score:.1f}")
    expect(office.locator("#inspection-failed")).to_have_text("2")
    expect(office.locator(".photos-full img")).to_have_count(2)
    office.locator(".photos-full").first.scroll_into_view_if_needed()
    office.wait_for_function(
        "() => Array.from(document.querySelectorAll('.photos-full img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    links = office.locator("a.case-link")
    expect(links).to_have_count(2)
    case_urls = [links.nth(i).get_attribute("href") or "" for i in range(2)]
    screenshot_step(office, "7-detail")

    # Each case the market's failures opened carries its photo.
    codes = set()
    for url in case_urls:
        office.goto(url)
        expect(office.locator("#case-links")).to_contain_text("城关农贸市场")
        expect(office.locator("#photos-before img")).to_have_count(1)
        office.locator("#photos-before").scroll_into_view_if_needed()
        office.wait_for_function(
            "() => Array.from(document.querySelectorAll('#photos-before img'))"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        codes.add(office.locator("h1").inner_text())
    screenshot_step(office, "8-case")
    assert len(codes) == 2
    assert Case.objects.count() == 3  # two at the market, one at the 公厕

    # The results page: the market's score.
    office.goto("/inspections/results/")
    expect(office.locator("#total-inspections")).to_have_text("2")
    market_row = office.locator("#scores-place tbody tr", has_text="城关农贸市场")
    expect(market_row.locator(".mean")).to_have_text(f"{market_score:.1f}")
    expect(market_row.locator(".count")).to_have_text("1")
    screenshot_step(office, "9-results")

    # The readiness: the linked indicator lower by exactly the expected amount.
    after = _read_readiness(office, campaign)
    assert after == expected_after
    assert before - after == expected_before - expected_after == Decimal("1.00")
    field_row = office.locator('#field-checks tr[data-code="S3.2.1"]')
    expect(field_row.locator(".field-rate")).to_have_text("0/2")
    expect(field_row.locator(".predicted")).to_have_text(f"{expected_after}")
    expect(field_row).to_contain_text("城关农贸市场 × 1")
    screenshot_step(office, "10-readiness-after")
    assert_page_healthy(office)
