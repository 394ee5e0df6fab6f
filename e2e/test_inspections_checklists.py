"""The office keeps the checklists: edits an item (a new version), switches one off, imports a hand-made sheet."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import World
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign
from chuangcheng.indicators.tests.conftest import make_node
from chuangcheng.inspections.models import Checklist, ChecklistItem
from chuangcheng.inspections.services import checklists_seed

from .helpers import assert_page_healthy, login, screenshot_step


def hand_made_sheet() -> dict:
    """What an official types: a title row, 检查表 and 类别 merged down, a blank row, ticks."""
    book = Workbook()
    sheet = book.active
    sheet.append(["城关街道农贸市场检查表（2026 年修订）"])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "检查表", "类别", "检查内容", "检查方法", "扣分", "需拍照"])
    sheet.append([1, "农贸市场", "环境卫生", "水产区地面无积水、无异味", "查看水产区地面和排水沟", "1分", "√"])
    sheet.append([2, None, None, "禽类区每日消毒并有记录", "查看消毒记录", 0.5, ""])
    sheet.append([None] * 7)
    sheet.append([3, None, "公共秩序", "市场出入口无三轮车乱停", "查看各出入口", 1, "√"])
    sheet.merge_cells("B3:B6")
    sheet.merge_cells("C3:C4")
    buffer = BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"name": "农贸市场检查表.xlsx", "mimeType": xlsx, "buffer": buffer.getvalue()}


def test_office_edits_an_item_switches_one_off_and_imports_a_hand_made_sheet(desktop: Page, world: World) -> None:
    seed_categories()
    checklists_seed(by=world.office)
    campaign = Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        pass_score=Decimal("85"),
    )
    project = make_node(campaign, "P1", "公共环境", NodeLevel.PROJECT, "10")
    order = make_node(campaign, "P1.2", "市场秩序", NodeLevel.INDICATOR, "4", project)
    make_node(campaign, "P1.2.1", "诚信经营", NodeLevel.CONTENT, "2", order)
    market = Checklist.objects.get(site_type__code="market")
    scale = market.items.get(text__contains="公平秤")
    login(desktop, world.office.username)

    # The list: every checklist with its counts; open the market's.
    desktop.locator("#nav-checklists").click()
    expect(desktop.locator(f"#checklist-{market.pk}")).to_contain_text(market.name)
    screenshot_step(desktop, "list")
    desktop.locator(f"#checklist-{market.pk} a").click()
    expect(desktop.locator("#checklist-name")).to_have_text(market.name)
    expect(desktop.locator("#family-service")).to_contain_text(scale.text)
    screenshot_step(desktop, "checklist")

    # Edit the 公平秤 item: a new version, said so on the page.
    desktop.locator(f"#item-edit-{scale.pk}").click()
    expect(desktop.locator("#version-note")).to_contain_text("当前为第 1 版")
    desktop.get_by_label("检查内容").fill("入口处设置公平秤，并有检定合格标识")
    desktop.get_by_label("扣分").fill("2.5")
    screenshot_step(desktop, "item-form")
    desktop.locator("#item-submit").click()
    row = desktop.locator(f"#item-{scale.pk}")
    expect(row).to_contain_text("入口处设置公平秤，并有检定合格标识")
    expect(row).to_contain_text("第 2 版")
    expect(row).to_contain_text("2.5")
    scale.refresh_from_db()
    assert scale.version == 2 and scale.versions.count() == 2

    # Link it to the 测评内容 it evidences.
    desktop.locator(f"#item-links-{scale.pk}").click()
    expect(desktop.locator("#node-choices")).to_contain_text("P1.2.1 诚信经营")
    desktop.get_by_label("P1.2.1 诚信经营（测评内容）").check()
    screenshot_step(desktop, "item-links")
    desktop.locator("#links-submit").click()
    expect(row).to_contain_text("P1.2.1 诚信经营")
    assert list(scale.indicators.values_list("code", flat=True)) == ["P1.2.1"]

    # Switch it off in place (htmx, after a confirmation); the page does not reload.
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.locator(f"#item-off-{scale.pk}").click()
    expect(desktop.locator(f"#item-on-{scale.pk}")).to_be_visible()
    expect(row).to_contain_text("停用")
    scale.refresh_from_db()
    assert not scale.is_active and scale.version == 2
    screenshot_step(desktop, "item-switched-off")

    # Import a sheet made by hand: three new items in their families.
    before = market.items.count()
    desktop.goto("/inspections/checklists/")
    desktop.locator("#checklist-import").click()
    desktop.locator("#import-form input[type=file]").set_input_files(hand_made_sheet())
    desktop.locator("#import-submit").click()
    expect(desktop.locator("#import-ok")).to_be_visible()
    summary = desktop.locator("#import-summary")
    expect(summary).to_contain_text("读取 3 行")
    expect(summary).to_contain_text("新增 3 条")
    screenshot_step(desktop, "import")
    assert market.items.count() == before + 3
    cars = ChecklistItem.objects.get(checklist=market, text="市场出入口无三轮车乱停")
    assert cars.family == "order" and cars.photo_required

    desktop.goto(f"/inspections/checklists/{market.pk}/")
    expect(desktop.locator("#family-sanitation")).to_contain_text("禽类区每日消毒并有记录")
    expect(desktop.locator("#family-order")).to_contain_text("市场出入口无三轮车乱停")
    desktop.locator("#family-order").scroll_into_view_if_needed()
    screenshot_step(desktop, "after-import")
    assert_page_healthy(desktop)
