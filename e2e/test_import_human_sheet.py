"""A county office uploads its own 任务分解表 (title rows, merged cells, numbering, a signature block).

The sheet is the kind made by hand in Excel or WPS: a title merged across the top, a 填报单位
line, 测评项目 merged down its tasks, "一、" and "1." in the names, deadlines written as
"6月底前" or "长期坚持", and 填表人/审核人 at the bottom. The import page takes it, says which row
was the header, and the ledger shows the tasks, the ongoing one as 长期（每月报送）.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.core.tests.xlsx_helpers import human_sheet
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode, Task

from .helpers import assert_page_healthy, login, screenshot_step

CODE = "WMXC-2027"


@pytest.fixture
def campaign(world: World) -> Campaign:
    campaign = Campaign.objects.create(
        code=CODE,
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("68.00"),
    )
    project = IndicatorNode.objects.create(
        campaign=campaign, code="1", name="公共环境", level=NodeLevel.PROJECT, max_score=10
    )
    project.path = f"/{project.pk}/"
    project.save()
    for number, name in ((1, "主次干道保洁"), (2, "垃圾分类")):
        node = IndicatorNode.objects.create(
            campaign=campaign, parent=project, code=f"1.{number}", name=name, level=NodeLevel.CONTENT, max_score=5
        )
        node.path = f"{project.path}{node.pk}/"
        node.save()
    return campaign


def office_sheet(path: Path) -> Path:
    rows = [
        ["XX县2027年创建省级文明县城任务分解表"],
        ["填报单位：县创建办（盖章）", None, None, None, "填报日期：2027年3月1日"],
        ["序号", "测评项目", "测评内容", "工作任务", "责任单位", "配合单位", "完成时限"],
        [1, "一、公共环境", "1.主次干道保洁", "主次干道每日机扫两次", "城关街道", "县住建局", "6月底前"],
        [2, None, None, "背街小巷清扫保洁", "城南街道", None, "2027年8月"],
        [3, None, "（二）垃圾分类", "建设垃圾分类投放点", "县住建局", None, "第三季度"],
        [4, None, None, "垃圾分类宣传进社区", "城关街道", None, "长期坚持"],
        [],
        ["备注：责任单位为牵头单位，对任务完成负总责。"],
        ["填表人：张三", None, "审核人：李四", None, "联系电话：0371-12345678"],
    ]
    path.write_bytes(human_sheet(rows, merges=("A1:G1", "A2:D2", "B4:B7", "C4:C5", "C6:C7", "A9:G9")))
    return path


def test_office_uploads_its_own_task_sheet_and_sees_it_in_the_ledger(
    desktop: Page, world: World, campaign: Campaign, tmp_path: Path
) -> None:
    login(desktop, world.office.username)
    desktop.goto(f"/indicators/{CODE}/import/tasks/")
    screenshot_step(desktop, "form")

    desktop.get_by_label("Excel 文件").set_input_files(office_sheet(tmp_path / "XX县任务分解表.xlsx"))
    desktop.locator("#import-submit").click()
    desktop.wait_for_load_state("domcontentloaded")

    expect(desktop.locator("#import-ok")).to_be_visible()
    expect(desktop.locator("#import-notes")).to_contain_text("第 3 行为表头")
    expect(desktop.locator("#import-summary")).to_contain_text("读取 4 行")
    expect(desktop.locator("#import-summary")).to_contain_text("新增 4 条")
    assert_page_healthy(desktop)
    screenshot_step(desktop, "result")
    tasks = {t.title: (t.indicator.code, t.lead_unit.name, t.deadline, t.report_cycle) for t in Task.objects.all()}
    assert tasks["主次干道每日机扫两次"] == ("1.1", "城关街道", dt.date(2027, 6, 30), "")
    assert tasks["背街小巷清扫保洁"] == ("1.1", "城南街道", dt.date(2027, 8, 31), "")
    assert tasks["建设垃圾分类投放点"] == ("1.2", "县住建局", dt.date(2027, 9, 30), "")
    assert tasks["垃圾分类宣传进社区"][3] == "monthly"

    desktop.goto("/indicators/ledger/")
    row = desktop.locator("tr", has_text="垃圾分类宣传进社区")
    expect(row).to_contain_text("长期（每月报送）")
    expect(row).to_contain_text("下次报送")
    expect(desktop.locator("tr", has_text="主次干道每日机扫两次")).to_contain_text("2027-06-30")
    assert_page_healthy(desktop)
    screenshot_step(desktop, "ledger")
