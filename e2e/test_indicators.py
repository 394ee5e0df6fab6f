"""测评体系 · 任务分解 · 推进台帐 · 达标预测 in a real browser.

The office imports a framework .xlsx and the 任务分解表 .xlsx on the import pages; a unit admin
(on a phone) reports progress with a PDF, the office returns it, the unit reports again and the
office accepts: the task is 已完成 and the readiness page predicts more for its indicator. A
framework file with bad rows shows the errors by row and column and imports nothing. An overdue
task raises a 督办单 that the unit answers and the office closes.

The campaign and the deadline scan (the ``tick`` job) are set up in Python; everything the tests
are about happens in the pages. The workbooks are built with openpyxl from
``framework_seed.sample_framework_rows`` (headers as the importer expects them).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import World
from chuangcheng.indicators import services
from chuangcheng.indicators.choices import CampaignKind, MilestoneKind, TaskStatus, TitleLevel
from chuangcheng.indicators.framework_seed import SampleRows, sample_framework_rows
from chuangcheng.indicators.imports import import_framework, import_tasks
from chuangcheng.indicators.models import Campaign, IndicatorNode, Milestone, ProgressReport, SupervisionNotice, Task
from chuangcheng.indicators.readiness import backfill_snapshots
from chuangcheng.notifications.models import Notification

from .helpers import assert_page_healthy, login, screenshot_step, xlsx_bytes

CODE = "WMXC-E2E"
# The task the unit admin works on: RW002 (S1.1.2 垃圾箱完好) is led by 城关街道 (world.town_a).
TASK = "RW002"
LEAF = "S1.1.2"
PROJECT = "S1"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
NARRATIVE_1 = "已对人民路、解放路沿线128个垃圾箱逐一排查，更换破损箱体36个，其余本月底前完成"
RETURN_COMMENT = "佐证材料只有排查表，请补充更换后的垃圾箱照片和验收记录"
NARRATIVE_2 = "城区主次干道垃圾箱已全部更换到位，完好率100%，附验收记录"
REPLY = "因箱体供货延迟未按期完成，现已全部更换到位，已报送验收记录"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def campaign(world: World) -> Campaign:
    """An empty campaign (the case categories its framework links to are seeded)."""
    seed_categories()
    campaign = Campaign.objects.create(
        code=CODE,
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("68.00"),
    )
    Milestone.objects.create(
        campaign=campaign,
        kind=MilestoneKind.PROVINCIAL_CHECK,
        name="省级文明县城检查验收",
        date=timezone.localdate() + dt.timedelta(days=60),
    )
    return campaign


@pytest.fixture
def sample() -> SampleRows:
    return sample_framework_rows(timezone.localdate())


def workbook(path: Path, headers: tuple[str, ...], rows: list[tuple]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def switch_user(page: Page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".messages .msg-success")).to_contain_text(text)


def upload(page: Page, kind: str, file: Path) -> None:
    page.goto(f"/indicators/{CODE}/import/{kind}/")
    page.get_by_label("Excel 文件").set_input_files(file)
    page.locator("#import-submit").click()
    page.wait_for_load_state("domcontentloaded")


def number(locator: Locator) -> Decimal:
    return Decimal(locator.inner_text().strip().replace(",", ""))


CHARTS_DRAWN_JS = """
(ids) => ids.every((id) => {
  const el = document.getElementById(id);
  const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
  const canvas = el && el.querySelector("canvas");
  return chart && canvas && canvas.width > 0 && canvas.height > 0;
})
"""


def readiness(page: Page, step: str) -> dict[str, Decimal | None]:
    """Open the campaign's readiness page; the charts are drawn; the numbers the office reads."""
    page.goto(f"/indicators/{CODE}/readiness/")
    expect(page.get_by_role("heading", name="省级文明县城 达标预测")).to_be_visible()
    page.wait_for_function(CHARTS_DRAWN_JS, arg=["chart-gaps", "chart-trend", "chart-units"])
    screenshot_step(page, step)
    leaf = page.locator(f'#gap-table tbody tr[data-code="{LEAF}"]')
    return {
        "total": number(page.locator("#predicted-total")),
        "project": number(page.locator(f'#top-nodes tr[data-code="{PROJECT}"] td.predicted')),
        "leaf": number(leaf.locator("td.predicted")) if leaf.count() else None,
        "leaf_gap": number(leaf.locator("td.gap")) if leaf.count() else None,
    }


def report(phone: Page, percent: int, narrative: str, file: dict, *, step: str) -> None:
    """The unit admin's 报送进展 on the task page."""
    phone.get_by_label("完成进度（%）").fill(str(percent))
    phone.get_by_label("进展情况").fill(narrative)
    phone.get_by_label("佐证材料").set_input_files(file)
    screenshot_step(phone, step)
    phone.locator("#report-submit").click()
    phone.wait_for_load_state("domcontentloaded")
    expect_message(phone, "已报送，等待创建办审核")
    expect(phone.locator("#task-status [data-status]")).to_have_text("待审核")
    expect(phone.locator("#report-waiting")).to_be_visible()
    latest = phone.locator("#reports li.report-item").first
    expect(latest).to_have_attribute("data-status", "pending")
    expect(latest).to_contain_text(f"{percent}%")
    expect(latest).to_contain_text(narrative)
    expect(latest.locator(".evidence-list a")).to_have_text(file["name"])


def review(desktop: Page, task: Task, *, accept: bool, comment: str = "", step: str) -> None:
    """The office's 审核报送 queue: the unit's report with its PDF, accepted or returned."""
    desktop.locator("#subnav-review").click()
    expect(desktop).to_have_url(re.compile(r"/indicators/review/$"))
    item = desktop.locator(f'#review-list li[data-task="{task.pk}"]')
    expect(item).to_contain_text(task.code)
    expect(item).to_contain_text("城关街道")
    expect(item.locator(".evidence-list a")).to_have_count(1)
    pending = ProgressReport.objects.get(task=task, status="pending")
    desktop.locator(f"#comment-{pending.pk}").fill(comment)
    screenshot_step(desktop, step)
    desktop.locator(f"#{'accept' if accept else 'return'}-{pending.pk}").click()
    desktop.wait_for_load_state("domcontentloaded")
    expect_message(desktop, f"已{'通过' if accept else '退回'} {task.code} 的报送")
    expect(desktop.locator(f'#review-list li[data-task="{task.pk}"]')).to_have_count(0)


def test_office_imports_framework_and_tasks_unit_reports_and_readiness_rises(
    desktop: Page, phone: Page, world: World, campaign: Campaign, sample: SampleRows, tmp_path: Path
) -> None:
    # 1. The office imports the framework on its import page …
    login(desktop, world.office.username)
    desktop.goto(f"/indicators/{CODE}/framework/")
    expect(desktop.locator("#framework-table")).to_contain_text("还没有测评体系，请创建办导入。")
    desktop.locator("#import-framework").click()
    expect(desktop).to_have_url(re.compile(rf"/indicators/{CODE}/import/framework/$"))
    frame_file = workbook(tmp_path / "测评体系.xlsx", sample.framework_headers, sample.framework)
    upload(desktop, "framework", frame_file)
    expect(desktop.locator("#import-ok")).to_have_text("导入成功")
    summary = desktop.locator("#import-summary")
    expect(summary).to_contain_text(f"读取 {len(sample.framework)} 行")
    expect(summary).to_contain_text(f"新增 {len(sample.framework)} 条")
    expect(desktop.locator("#import-errors")).to_have_count(0)
    screenshot_step(desktop, "1-framework-imported")
    assert IndicatorNode.objects.filter(campaign=campaign).count() == len(sample.framework) == 14

    # … and sees the tree: 测评项目 → 测评内容 → 测评标准 with scores and linked categories.
    desktop.goto(f"/indicators/{CODE}/framework/")
    rows = desktop.locator("#framework-table tbody tr[data-code]")
    expect(rows).to_have_count(14)
    expect(rows.first).to_have_attribute("data-code", "S1")
    leaf_row = desktop.locator(f'#framework-table tr[data-code="{LEAF}"]')
    expect(leaf_row).to_have_attribute("data-depth", "2")
    expect(leaf_row).to_contain_text("测评标准")
    expect(leaf_row).to_contain_text("垃圾箱完好")
    expect(leaf_row).to_contain_text("垃圾箱（桶）完好整洁、无满溢")
    expect(desktop.locator('#framework-table tr[data-code="S1.1"]')).to_contain_text("主次干道环境卫生")
    expect(desktop.locator('#framework-table tr[data-code="S2"] td').nth(2)).to_have_text("40.00")
    expect(desktop.locator("main")).to_contain_text("达标分数线 68.00 · 满分合计 80.00")
    screenshot_step(desktop, "2-framework-tree")

    # Then the 任务分解表: eight tasks, one per 测评标准, in the ledger.
    task_file = workbook(tmp_path / "任务分解表.xlsx", sample.task_headers, sample.tasks)
    upload(desktop, "tasks", task_file)
    expect(desktop.locator("#import-ok")).to_have_text("导入成功")
    expect(desktop.locator("#import-summary")).to_contain_text(f"新增 {len(sample.tasks)} 条")
    screenshot_step(desktop, "3-tasks-imported")
    desktop.locator("#subnav-ledger").click()
    expect(desktop).to_have_url(re.compile(r"/indicators/ledger/$"))
    ledger_rows = desktop.locator("#ledger-table tbody tr[data-id]")
    expect(ledger_rows).to_have_count(8)
    task = Task.objects.get(campaign=campaign, code=TASK)
    row = desktop.locator(f'#ledger-table tbody tr[data-id="{task.pk}"]')
    expect(row).to_contain_text("开展垃圾箱完好专项整治")
    expect(row).to_contain_text("城关街道")
    expect(row).to_contain_text("县创建办")
    expect(row).to_contain_text(f"{task.deadline:%Y-%m-%d}")
    expect(row).to_have_attribute("data-status", "not_started")
    screenshot_step(desktop, "4-ledger")
    assert_page_healthy(desktop)

    # The readiness before anything is done (the tick has kept weekly snapshots for the trend).
    backfill_snapshots(campaign)
    before = readiness(desktop, "5-readiness-before")
    assert before["leaf"] is not None and before["leaf_gap"] is not None and before["leaf_gap"] > 0
    assert_page_healthy(desktop)

    # 2. The unit admin of 城关街道, on a phone: 我的任务 → the task → 报送 60 % with a PDF.
    login(phone, world.admin_a.username)
    phone.goto("/")
    phone.locator(".nav-toggle-label").click()
    phone.locator("#nav-indicators").click()
    expect(phone).to_have_url(re.compile(r"/indicators/mine/$"))
    cards = phone.locator("#mine-list li[data-id]")
    expect(cards).to_have_count(4)  # RW002, RW004, RW006, RW008 are led by 城关街道
    card = phone.locator(f'#mine-list li[data-id="{task.pk}"]')
    expect(card).to_contain_text(TASK)
    expect(card).to_contain_text("牵头")
    expect(card).to_have_attribute("data-status", "not_started")
    screenshot_step(phone, "6-mine")
    card.locator("a").click()
    expect(phone).to_have_url(re.compile(rf"/indicators/tasks/{task.pk}/$"))
    expect(phone.locator("#task-target")).to_contain_text("垃圾箱（桶）完好整洁、无满溢，整改率100%")
    report(phone, 60, NARRATIVE_1, pdf("垃圾箱排查更换情况.pdf"), step="7-report-60")
    screenshot_step(phone, "8-reported-60")
    # The PDF is served to the people who may see the task, as a PDF.
    href = phone.locator("#reports .evidence-list a").first.get_attribute("href")
    response = phone.request.get(href or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body() == PDF

    # 3. The office returns it with a comment …
    desktop.goto("/indicators/ledger/")
    review(desktop, task, accept=False, comment=RETURN_COMMENT, step="9-review-return")
    assert Task.objects.get(pk=task.pk).status != TaskStatus.PENDING_REVIEW

    # … the unit admin reads why (a message in the inbox too) and reports again, 100 %.
    phone.goto(f"/indicators/tasks/{task.pk}/")
    expect(phone.locator("#nav-toggle-unread")).to_be_visible()
    returned = phone.locator('#reports li.report-item[data-status="returned"]')
    expect(returned).to_contain_text("已退回")
    expect(returned.locator(".review-note")).to_contain_text(RETURN_COMMENT)
    expect(returned.locator(".review-note")).to_contain_text("王创建")
    expect(phone.locator("#task-status [data-status]")).not_to_have_text("待审核")
    screenshot_step(phone, "10-returned")
    assert Notification.objects.filter(
        recipient=world.admin_a, read_at__isnull=True, title__contains=f"任务 {TASK} 的进展报送（60%）被退回"
    ).exists()
    report(phone, 100, NARRATIVE_2, pdf("垃圾箱更换验收记录.pdf"), step="11-report-100")

    # The office accepts: the task is 已完成.
    review(desktop, task, accept=True, comment="材料齐全，同意", step="12-review-accept")
    desktop.goto(f"/indicators/tasks/{task.pk}/")
    expect(desktop.locator("#task-status [data-status]")).to_have_text("已完成")
    expect(desktop.locator("#task-percent")).to_have_text("100%")
    expect(desktop.locator("#reports li.report-item")).to_have_count(2)
    actions = desktop.locator("#timeline li.event").evaluate_all("els => els.map((e) => e.dataset.action)")
    assert actions == ["import", "report", "return", "report", "accept"], actions
    screenshot_step(desktop, "13-task-done")
    phone.goto(f"/indicators/tasks/{task.pk}/")
    expect(phone.locator("#task-status [data-status]")).to_have_text("已完成")
    expect(phone.locator("#report-form")).to_have_count(0)
    screenshot_step(phone, "14-task-done-phone")

    # 4. The readiness page: the indicator's gap is closed, its 测评项目 and the total rose by it.
    after = readiness(desktop, "15-readiness-after")
    assert after["leaf"] is None, "the completed indicator should no longer be listed as a gap"
    assert after["project"] is not None and before["project"] is not None
    assert after["project"] - before["project"] == before["leaf_gap"], (before, after)
    assert after["total"] - before["total"] == before["leaf_gap"], (before, after)  # type: ignore[operator]
    assert_page_healthy(desktop)
    assert_page_healthy(phone)


def test_framework_file_with_bad_rows_shows_errors_and_imports_nothing(
    desktop: Page, world: World, campaign: Campaign, sample: SampleRows, tmp_path: Path
) -> None:
    rows = [list(row) for row in sample.framework]
    # Excel row = index + 2 (row 1 is the header).
    assert rows[2][0] == "S1.1.1" and rows[4][0] == "S1.2"
    rows[2][5] = "abc"  # 满分 not a number
    rows[4][1] = "S9"  # a parent that exists nowhere
    bad = workbook(tmp_path / "测评体系（有错）.xlsx", sample.framework_headers, [tuple(r) for r in rows])

    login(desktop, world.office.username)
    upload(desktop, "framework", bad)

    expect(desktop.locator("#import-failed")).to_contain_text("文件有错误，没有写入任何数据")
    expect(desktop.locator("#import-ok")).to_have_count(0)
    expect(desktop.locator("#import-summary")).to_have_count(0)
    errors = desktop.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(desktop.locator("#import-errors thead")).to_contain_text("行号")
    expect(errors.nth(0).locator("td")).to_have_text(["4", "满分", "满分“abc”不是数字"])
    expect(errors.nth(1).locator("td")).to_have_text(
        ["6", "上级编码", "未找到上级编码“S9”（文件中和已导入的测评体系中都没有）"]
    )
    screenshot_step(desktop, "errors")
    assert not IndicatorNode.objects.filter(campaign=campaign).exists()

    desktop.goto(f"/indicators/{CODE}/framework/")
    expect(desktop.locator("#framework-table tbody tr[data-code]")).to_have_count(0)
    expect(desktop.locator("#framework-table")).to_contain_text("还没有测评体系，请创建办导入。")
    assert_page_healthy(desktop)


@pytest.fixture
def imported(world: World, campaign: Campaign, sample: SampleRows) -> Campaign:
    """The sample framework and 任务分解表 imported through the importer (the test above does it in the page)."""
    result = import_framework(
        campaign=campaign, data=xlsx_bytes(sample.framework_headers, sample.framework), by=world.office
    )
    assert result.ok, result.errors
    result = import_tasks(campaign=campaign, data=xlsx_bytes(sample.task_headers, sample.tasks), by=world.office)
    assert result.ok, result.errors
    return campaign


def test_overdue_task_raises_a_notice_the_unit_answers_and_the_office_closes(
    desktop: Page, phone: Page, world: World, imported: Campaign
) -> None:
    task = Task.objects.get(campaign=imported, code=TASK)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.task_update(task=task, by=world.office, deadline=yesterday)
    now = timezone.now()
    assert services.scan_deadlines(now) >= 1  # what ``manage.py tick`` runs every minute
    notice = SupervisionNotice.objects.get(task=task)
    assert notice.unit == world.town_a and notice.issued_by is None

    # The unit admin has an unread message and the 督办单 waiting in 我的任务 and in 督办单.
    login(phone, world.admin_a.username)
    expect(phone.locator("#nav-toggle-unread")).to_be_visible()
    phone.goto("/inbox/")
    message = phone.locator("#inbox-list li.unread", has_text=notice.code)
    expect(message).to_contain_text(f"督办单 {notice.code}：任务 {TASK}")
    expect(message).to_contain_text("已超过完成时限")
    screenshot_step(phone, "1-inbox")
    phone.goto("/indicators/mine/")
    expect(phone.locator("#mine-notices")).to_contain_text(notice.code)
    expect(phone.locator(f'#mine-list li[data-id="{task.pk}"]')).to_have_attribute("data-status", "overdue")
    expect(phone.locator(f'#mine-list li[data-id="{task.pk}"]')).to_contain_text("已逾期 1 天")
    screenshot_step(phone, "2-mine")
    phone.locator("#subnav-notices").click()
    expect(phone).to_have_url(re.compile(r"/indicators/notices/$"))
    row = phone.locator(f'#notice-table tbody tr[data-id="{notice.pk}"]')
    expect(row).to_have_attribute("data-status", "issued")
    expect(row).to_contain_text("待回复")
    expect(row).to_contain_text("城关街道")
    screenshot_step(phone, "3-notices")

    # It opens the 督办单 and replies, with a PDF.
    row.get_by_role("link", name=notice.code).click()
    expect(phone).to_have_url(re.compile(rf"/indicators/notices/{notice.pk}/$"))
    expect(phone.locator("#notice-status")).to_have_text("待回复")
    expect(phone.locator("#notice-reason")).to_contain_text(f"{TASK} 开展垃圾箱完好专项整治")
    phone.get_by_label("回复内容").fill(REPLY)
    phone.get_by_label("佐证材料").set_input_files(pdf("情况说明.pdf"))
    screenshot_step(phone, "4-reply")
    phone.locator("#reply-submit").click()
    phone.wait_for_load_state("domcontentloaded")
    expect_message(phone, f"已回复督办单 {notice.code}")
    expect(phone.locator("#notice-status")).to_have_text("已回复")
    expect(phone.locator("#notice-reply")).to_contain_text(REPLY)
    expect(phone.locator("#notice-evidence a")).to_have_text("情况说明.pdf")
    expect(phone.locator("#reply-panel")).to_have_count(0)
    expect(phone.locator("#close-panel")).to_have_count(0)  # the unit cannot close its own notice
    screenshot_step(phone, "5-replied")

    # The office sees it 已回复 (and is told so), reads the reply and closes it.
    login(desktop, world.office.username)
    desktop.goto("/indicators/notices/?status=replied")
    row = desktop.locator(f'#notice-table tbody tr[data-id="{notice.pk}"]')
    expect(row).to_have_attribute("data-status", "replied")
    expect(row).to_contain_text("已回复")
    screenshot_step(desktop, "6-office-notices")
    assert Notification.objects.filter(recipient=world.office, title__contains=f"已回复督办单 {notice.code}").exists()
    row.get_by_role("link", name=notice.code).click()
    expect(desktop.locator("#notice-reply")).to_contain_text(REPLY)
    expect(desktop.locator("#notice-reply")).to_contain_text("陈联络")
    desktop.get_by_label("办结意见").fill("情况属实，予以办结")
    desktop.locator("#action-close").click()
    desktop.wait_for_load_state("domcontentloaded")
    expect_message(desktop, f"督办单 {notice.code} 已办结")
    expect(desktop.locator("#notice-status")).to_have_text("已办结")
    screenshot_step(desktop, "7-closed")
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert_page_healthy(desktop)
    assert_page_healthy(phone)
