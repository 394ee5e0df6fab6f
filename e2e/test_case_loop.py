"""The case loop in a real browser: 上报 on a phone → 立案 → 派遣 → 处置 → 返工 → 处置 → 核查通过.

The inspector and the unit admin work on a phone, the office and the supervisor at a desk;
each step is done through the pages, as a person would. Switching people clears the
browser's cookies and logs in again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from chuangcheng.cases import services
from chuangcheng.cases.choices import Source, Status
from chuangcheng.cases.models import Case, CaseEvent, CasePhoto, Category
from chuangcheng.conftest import World

from .helpers import LINE_A1, LINE_B1, assert_page_healthy, login, make_segment, screenshot_step

# A point on 人民路东段 (LINE_A1, town_a's segment), where the inspector stands.
SPOT = {"longitude": 114.3020, "latitude": 34.80002}
DESCRIPTION = "人民路东段路边堆放建筑垃圾约两立方米"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def piles(world: World) -> Category:
    """The seeded categories and a segment of 城关街道; returns 乱堆乱放 (not auto-dispatched)."""
    services.seed_categories()
    make_segment("E2E-A1", "人民路东段", world.town_a, LINE_A1, chief=world.chief_a)
    make_segment("E2E-B1", "南关街", world.town_b, LINE_B1, chief=world.chief_b)
    category = Category.objects.get(name="乱堆乱放", parent__isnull=False)
    assert not category.auto_dispatch
    return category


def jpeg(tmp_path: Path, name: str, colour: str) -> Path:
    path = tmp_path / name
    Image.new("RGB", (640, 480), colour).save(path, "JPEG", quality=85)
    return path


def expect_photos_shown(page: Page, selector: str, count: int) -> None:
    """``count`` photos under ``selector``, each really loaded from the server (not a broken image)."""
    images = page.locator(f"{selector} img")
    expect(images).to_have_count(count)
    images.last.scroll_into_view_if_needed()  # they load lazily
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].every((i) => i.complete && i.naturalWidth > 0)",
        arg=f"{selector} img",
    )


def switch_user(page: Page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".messages .msg-success")).to_contain_text(text)


def report_from_phone(phone: Page, category: Category, photo: Path) -> None:
    """The inspector's part: GPS fix, a photo, the category found by search, a description."""
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation(SPOT)
    phone.goto("/cases/report/")
    expect(phone.locator("#location-status")).to_have_attribute("data-state", "located")
    assert float(phone.locator("#id_lon").input_value()) == pytest.approx(SPOT["longitude"])
    assert float(phone.locator("#id_lat").input_value()) == pytest.approx(SPOT["latitude"])
    phone.get_by_label("现场照片").set_input_files(photo)
    phone.locator("#category-search").fill("乱堆乱放")  # "乱堆" also finds 乱堆物料 in the standard's table
    expect(phone.get_by_label("问题类别")).to_have_value(str(category.pk))
    phone.get_by_label("问题描述").fill(DESCRIPTION)
    phone.get_by_label("地址").fill("人民路与建设路交叉口东50米")
    screenshot_step(phone, "1-report-form")
    phone.locator("#report-submit").click()
    phone.wait_for_load_state("domcontentloaded")


def test_phone_report_goes_round_the_loop_to_closed(
    phone: Page, desktop: Page, world: World, piles: Category, tmp_path: Path
) -> None:
    # 上报: the inspector on a phone.
    login(phone, world.inspector.username)
    report_from_phone(phone, piles, jpeg(tmp_path, "IMG_0001.jpg", "saddlebrown"))
    expect_message(phone, "已上报")
    case = Case.objects.get()
    expect(phone).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    assert case.status == Status.REPORTED and case.source == Source.PATROL
    assert case.segment is not None and case.segment.unit == world.town_a
    expect_photos_shown(phone, "#photos-before", 1)
    screenshot_step(phone, "2-reported")
    assert_page_healthy(phone)

    # 立案: the office, at a desk, from the intake queue.
    login(desktop, world.office.username)
    desktop.goto("/cases/intake/")
    card = desktop.locator(f"#intake-{case.pk}")
    expect(card).to_contain_text(case.code)
    expect(card).to_contain_text(DESCRIPTION)
    expect_photos_shown(desktop, f"#intake-{case.pk} .photo-strip", 1)
    screenshot_step(desktop, "3-intake")
    card.locator(f"#accept-{case.pk}").click()
    desktop.wait_for_load_state("domcontentloaded")

    # 派遣: accepting leads to the dispatch page, which suggests 城关街道 and its road chief.
    expect(desktop).to_have_url(re.compile(rf"/cases/{case.pk}/dispatch/$"))
    expect_message(desktop, "已立案")
    suggestion = desktop.locator("#suggestions .suggestion").first
    expect(suggestion).to_contain_text("城关街道")
    expect(suggestion).to_contain_text("人民路东段")
    expect(suggestion).to_contain_text("孙路长")
    expect(desktop.locator(f"#suggest-{world.town_a.pk}")).to_be_checked()
    screenshot_step(desktop, "4-dispatch")
    desktop.locator("#dispatch-submit").click()
    desktop.wait_for_load_state("domcontentloaded")
    expect_message(desktop, "已派遣给 城关街道")
    expect(desktop.locator("#case-status")).to_have_text("已派遣")
    expect(desktop.locator("#case-unit")).to_contain_text("城关街道")
    assert_page_healthy(desktop)

    # 处置: the unit admin finds it in 待办 on a phone and handles it with an after-photo.
    switch_user(phone, world.admin_a.username)
    handle_from_todo(phone, case, jpeg(tmp_path, "IMG_0002.jpg", "lightgray"), "已清运建筑垃圾", step="5")

    # 核查不通过 → 返工: the supervisor compares before and after and gives the reason.
    switch_user(desktop, world.supervisor.username)
    desktop.goto(f"/cases/{case.pk}/")
    desktop.locator("#action-verify").click()
    expect(desktop).to_have_url(re.compile(rf"/cases/{case.pk}/verify/$"))
    expect_photos_shown(desktop, "#photos-before", 1)
    expect_photos_shown(desktop, "#photos-after", 1)
    expect(desktop.locator("#handle-note")).to_contain_text("已清运建筑垃圾")
    screenshot_step(desktop, "7-verify")
    desktop.locator("#verify-fail").click()  # without a reason: refused, nothing changes
    desktop.wait_for_load_state("domcontentloaded")
    expect(desktop.locator("#form-errors")).to_contain_text("请填写核查不通过的原因")
    assert Case.objects.get(pk=case.pk).status == Status.HANDLED
    desktop.get_by_label("核查意见（不通过时必填）").fill("路边仍有残留砖块，未清理干净")
    desktop.locator("#verify-fail").click()
    desktop.wait_for_load_state("domcontentloaded")
    expect_message(desktop, "核查不通过，已退回处置单位返工")
    expect(desktop.locator("#case-status")).to_have_text("返工")
    screenshot_step(desktop, "8-rework")

    # 处置 again.
    phone.goto("/cases/todo/")
    expect(phone.locator(f'#todo-list [data-id="{case.pk}"]')).to_contain_text("返工")
    handle_from_todo(phone, case, jpeg(tmp_path, "IMG_0003.jpg", "white"), "残留砖块已全部清走", step="9")

    # 核查通过 → 已结案.
    desktop.goto(f"/cases/{case.pk}/verify/")
    expect_photos_shown(desktop, "#photos-after", 1)  # the latest 处置's photo
    expect(desktop.locator("#handle-note")).to_contain_text("残留砖块已全部清走")
    desktop.get_by_label("核查意见（不通过时必填）").fill("已清理干净")
    desktop.locator("#verify-pass").click()
    desktop.wait_for_load_state("domcontentloaded")
    expect_message(desktop, "核查通过，已结案")
    expect(desktop.locator("#case-status")).to_have_text("已结案")

    # The timeline tells the whole story, in order, with the notes and the photos.
    events = desktop.locator("#timeline > li.event")
    expected = ["上报", "立案", "派遣", "处置", "核查不通过", "处置", "核查通过"]
    expect(events.locator(".event-head strong")).to_have_text(expected)
    expect(events.nth(2)).to_contain_text("城关街道")
    expect(events.nth(4)).to_contain_text("路边仍有残留砖块，未清理干净")
    expect(events.nth(4)).to_contain_text("李督查")
    expect(events.nth(6)).to_contain_text("已结案")
    for index in (0, 3, 5):  # 上报 and each 处置 carry their photo
        expect(events.nth(index).locator(".photo-strip img")).to_have_count(1)
    expect(desktop.locator("#case-facts")).to_contain_text("返工次数")
    screenshot_step(desktop, "10-closed")
    thumb = desktop.locator("#photos-before img").first.get_attribute("src")

    # The list, filtered to 已结案, has it with its unit.
    desktop.goto("/cases/?status=closed")
    row = desktop.locator(f'#case-table tbody tr[data-id="{case.pk}"]')
    expect(row).to_have_attribute("data-status", "closed")
    expect(row).to_contain_text(case.code)
    expect(row).to_contain_text("城关街道")
    screenshot_step(desktop, "11-list")
    assert_page_healthy(desktop)
    assert_page_healthy(phone)

    # The database agrees.
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rework_count == 1 and case.unit == world.town_a
    assert list(CaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("action", flat=True)) == [
        "report",
        "accept",
        "dispatch",
        "handle",
        "verify_fail",
        "handle",
        "verify_pass",
    ]
    assert CasePhoto.objects.filter(case=case).count() == 3
    # The photos the pages show are really served (and are JPEGs).
    response = desktop.request.get(thumb or "")
    assert response.ok and response.headers["content-type"] == "image/jpeg"


def handle_from_todo(phone: Page, case: Case, photo: Path, note: str, *, step: str) -> None:
    phone.goto("/cases/todo/")
    card = phone.locator(f'#todo-list [data-id="{case.pk}"]')
    expect(card).to_contain_text(case.code)
    screenshot_step(phone, f"{step}-todo")
    card.locator("a").first.click()
    expect(phone).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    phone.locator("#action-handle").click()
    expect(phone).to_have_url(re.compile(rf"/cases/{case.pk}/handle/$"))
    expect_photos_shown(phone, "#photos-before", 1)
    phone.get_by_label("处置后照片").set_input_files(photo)
    phone.get_by_label("处置说明").fill(note)
    screenshot_step(phone, f"{step}-handle")
    phone.locator("#handle-submit").click()
    phone.wait_for_load_state("domcontentloaded")
    expect_message(phone, "已提交处置结果，等待核查")
    expect(phone.locator("#case-status")).to_have_text("已处置")
    # The unit that handled it cannot verify its own work: no 核查 button for it.
    expect(phone.locator("#action-verify")).to_have_count(0)
    screenshot_step(phone, f"{step}-handled")


def test_unit_admin_gets_404_for_another_units_case(desktop: Page, world: World, piles: Category) -> None:
    case, _created = services.case_report(
        by=world.inspector,
        source=Source.PATROL,
        category=piles,
        description=DESCRIPTION,
        lon=SPOT["longitude"],
        lat=SPOT["latitude"],
    )
    services.case_accept(case=case, by=world.office)
    services.case_dispatch(case=case, by=world.office, unit=world.town_a)

    login(desktop, world.admin_b.username)
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/handle/", f"/cases/{case.pk}/verify/"):
        response = desktop.goto(url)
        assert response is not None and response.status == 404, url
        expect(desktop.locator("body")).not_to_contain_text(case.code)
        expect(desktop.locator("body")).not_to_contain_text(DESCRIPTION)
    screenshot_step(desktop, "404")
    desktop.goto("/cases/")
    expect(desktop.locator("body")).not_to_contain_text(case.code)
    desktop.goto("/cases/todo/")
    expect(desktop.locator("#todo-empty")).to_be_visible()

    # The unit that holds it does see it.
    switch_user(desktop, world.admin_a.username)
    response = desktop.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 200
    expect(desktop.locator("#case-code")).to_have_text(case.code)
    assert_page_healthy(desktop)


def test_exe_renamed_jpg_is_refused_in_chinese_and_creates_nothing(phone: Page, world: World, piles: Category) -> None:
    login(phone, world.inspector.username)
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation(SPOT)
    phone.goto("/cases/report/")
    expect(phone.locator("#location-status")).to_have_attribute("data-state", "located")
    # A Windows program's header, named like a phone photo.
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" * 64
    renamed = {"name": "IMG_2024.jpg", "mimeType": "image/jpeg", "buffer": program}
    phone.get_by_label("现场照片").set_input_files(renamed)
    phone.get_by_label("问题类别").select_option(str(piles.pk))
    phone.get_by_label("问题描述").fill(DESCRIPTION)
    phone.locator("#report-submit").click()
    phone.wait_for_load_state("domcontentloaded")

    expect(phone.locator("#report-form")).to_contain_text("文件“IMG_2024.jpg”不是照片或已损坏")
    expect(phone.locator("#report-form")).to_contain_text("只接受完整的 JPEG、PNG、HEIC 格式照片")
    expect(phone).to_have_url(re.compile(r"/cases/report/$"))
    # What was typed is kept, so the inspector only has to choose another photo.
    expect(phone.get_by_label("问题描述")).to_have_value(DESCRIPTION)
    screenshot_step(phone, "refused")
    assert not Case.objects.exists()
    assert not CasePhoto.objects.exists()
    assert_page_healthy(phone)
