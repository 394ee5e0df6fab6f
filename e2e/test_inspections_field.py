"""The phone form in the browser: today's list, a 农贸市场 with two failures and photos, a second
site inspected with the network cut and sent when it returns, and a case reported offline.

Everything submitted offline must arrive exactly once, with its photos downscaled in the browser.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World
from chuangcheng.inspections.models import Inspection, InspectionPhoto, Visit
from chuangcheng.inspections.tests.field_world import LAT, LON, build_street, item_with

from .helpers import answer_all, assert_page_healthy, big_photo, login, screenshot_step, wait_for_worker

NEAR_TOILET = {"longitude": LON + 0.0021, "latitude": LAT}


def test_an_inspector_inspects_online_and_offline_and_everything_arrives_once(
    phone: Page, world: World, tmp_path: Path
) -> None:
    street = build_street(world)
    context = phone.context
    context.grant_permissions(["geolocation"])
    context.set_geolocation(NEAR_TOILET)
    login(phone, world.inspector.username)

    # Today's list, nearest first: the 公厕 is next to the phone, the market 170 m west.
    phone.goto("/inspections/field/")
    expect(phone.locator("#sort-status")).to_have_text("已按距离由近到远排序")
    names = phone.locator("#visit-list .place-name").all_text_contents()
    assert names == ["人民路公厕", "城关农贸市场"]
    wait_for_worker(phone)
    phone.reload()  # now under the worker: the page, its checklists and the report form are kept
    phone.wait_for_function(
        "async () => (await (await caches.open('chuangcheng-pages-1')).keys()).length >= 3", timeout=10_000
    )
    expect(phone.locator("[data-offline-count]")).to_have_text("0")
    screenshot_step(phone, "1-today")

    # The market, online: two failures with photos.
    phone.locator("#visit-list a", has_text="城关农贸市场").click()
    expect(phone.locator("h1")).to_have_text("城关农贸市场")
    answer_all(
        phone,
        street.market,
        {
            "占道经营": ("东门外三处摊位", big_photo(tmp_path, "IMG_0001.jpg", "saddlebrown")),
            "地面干净": ("西侧通道有垃圾", big_photo(tmp_path, "IMG_0002.jpg", "olive")),
        },
    )
    screenshot_step(phone, "2-market-form")
    phone.locator("#inspect-submit").click()
    expect(phone).to_have_url(re.compile(r"/inspections/field/done/\?key="))
    expect(phone.locator("#done-score")).to_have_text("97.0")
    expect(phone.locator("#done-failures li")).to_have_count(2)
    screenshot_step(phone, "3-market-done")
    assert Inspection.objects.count() == 1 and Case.objects.count() == 2

    # The signal goes; the 公厕 is inspected all the same.
    phone.goto("/inspections/field/")
    context.set_offline(True)
    phone.locator("#visit-list a", has_text="人民路公厕").click()
    expect(phone.locator("h1")).to_have_text("人民路公厕")
    expect(phone.locator("[data-offline-net]")).to_have_attribute("data-state", "offline")
    answer_all(phone, street.toilet, {"异味": ("便池积尿，异味明显", big_photo(tmp_path, "IMG_0003.jpg", "khaki"))})
    phone.locator("#inspect-submit").click()
    expect(phone.locator("#queued-notice")).to_contain_text("已保存在手机上")
    expect(phone.locator("[data-offline-count]")).to_have_text("1")
    screenshot_step(phone, "4-toilet-queued")
    assert Inspection.objects.count() == 1

    # A case reported from the kept report form, still offline.
    leaf = Category.objects.get(name="乱堆乱放")
    phone.goto("/cases/report/")
    phone.locator("#id_category").select_option(str(leaf.pk))
    phone.get_by_label("问题描述").fill("巷口堆放建筑垃圾")
    phone.get_by_label("现场照片").set_input_files(big_photo(tmp_path, "IMG_0004.jpg", "gray"))
    phone.locator("#report-submit").click()
    expect(phone.locator("#offline-notice")).to_contain_text("已保存在手机上")
    expect(phone.locator("[data-offline-count]")).to_have_text("2")
    screenshot_step(phone, "5-report-queued")
    assert Case.objects.count() == 2

    # The signal returns: both are sent, once.
    context.set_offline(False)
    expect(phone.locator("[data-offline-count]")).to_have_text("0", timeout=15_000)
    expect(phone.locator("[data-offline-last]")).not_to_have_text("暂无")
    screenshot_step(phone, "6-sent")
    phone.evaluate("window.ChuangchengOffline.flush()")  # another try sends nothing twice

    inspections = list(Inspection.objects.order_by("pk"))
    assert len(inspections) == 2
    market, toilet = inspections
    assert market.site == street.market and market.score == Decimal("97.0")
    assert toilet.site == street.toilet and toilet.score == Decimal("100") - item_with(street.toilet, "异味").deduction
    assert Visit.objects.get(pk=street.toilet_visit.pk).inspection == toilet
    reported = Case.objects.filter(description="巷口堆放建筑垃圾")
    assert reported.count() == 1 and reported.get().photos.count() == 1
    opened = Case.objects.exclude(pk=reported.get().pk)
    assert opened.count() == 3 and all(case.photos.count() == 1 for case in opened)
    # Every photo was downscaled in the browser (the server alone would keep 2560 px) and carries
    # where and when it was taken.
    photos = list(InspectionPhoto.objects.all())
    assert len(photos) == 3
    assert all(max(p.width, p.height) == 1600 for p in photos)
    assert all(p.taken_at is not None and p.lon is not None for p in photos)
    assert_page_healthy(phone)


def test_nearby_places_off_plan_come_nearest_first_and_open_their_checklist(phone: Page, world: World) -> None:
    build_street(world)
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation(NEAR_TOILET)
    login(phone, world.inspector.username)

    phone.goto("/inspections/field/nearby/")
    expect(phone).to_have_url(re.compile(r"/inspections/field/nearby/\?lon=114\.3071"))
    # Waits for the list (reading it at once raced with its rendering: an empty list, now and then).
    expect(phone.locator("#nearby-list .place-name")).to_have_text(["人民路公厕", "人民路（一段）", "城关农贸市场"])
    screenshot_step(phone, "1-nearby")
    phone.locator("#nearby-list a", has_text="人民路（一段）").click()
    expect(phone.locator("h1")).to_have_text("人民路（一段）")
    expect(phone.locator("main")).to_contain_text("计划外检查")
    expect(phone.locator(".check-item").first).to_be_visible()
    assert_page_healthy(phone)
