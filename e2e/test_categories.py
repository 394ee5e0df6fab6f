"""The office's 问题类别 pages: find a 小类 in the tree, change its rules, see them in the list;
a bad time limit is refused in Chinese and changes nothing; other roles are kept out.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from chuangcheng.cases import services
from chuangcheng.cases.models import Category
from chuangcheng.conftest import World
from chuangcheng.core.choices import TimeUnit

from .helpers import assert_page_healthy, login, screenshot_step


@pytest.fixture
def piles(world: World) -> Category:
    """The seeded trees; returns 事件 › 扩展事件 › 乱堆乱放 (4 工作时, no 属主部门, not auto-dispatched)."""
    services.seed_categories()
    category = Category.objects.get(name="乱堆乱放", parent__isnull=False)
    assert (category.time_limit, category.time_unit) == (Decimal(4), TimeUnit.WORK_HOURS)
    assert category.owner_unit is None and not category.auto_dispatch
    return category


def row_of(page: Page, category: Category) -> Locator:
    """The 小类's row, found by its name in its tree (部件 or 事件), as a person scans the page."""
    rows = page.locator(f"#tree-{category.kind} table.category-table tbody tr")
    return rows.filter(has=page.get_by_role("cell", name=category.name, exact=True))


def open_editor(page: Page, category: Category) -> None:
    page.goto("/")
    page.locator("#home-categories-link").click()
    expect(page).to_have_url(re.compile(r"/cases/categories/$"))
    expect(page.locator("#group-SJ01")).to_contain_text("市容环境")
    row = row_of(page, category)
    expect(row).to_contain_text("4 工作时")
    row.get_by_role("link", name="编辑").click()
    expect(page).to_have_url(re.compile(rf"/cases/categories/{category.pk}/edit/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"编辑类别 {category.code} 乱堆乱放")


def test_office_changes_a_subcategorys_rules_and_sees_them_in_the_list(
    desktop: Page, world: World, piles: Category
) -> None:
    login(desktop, world.office.username)
    open_editor(desktop, piles)

    desktop.get_by_label("处置时限").fill("1.5")
    desktop.get_by_label("时限单位", exact=True).select_option(label="工作日")
    desktop.get_by_label("属主部门").select_option(label="县住建局")
    desktop.get_by_label("可自动派遣").check()
    screenshot_step(desktop, "1-form")
    desktop.locator("#category-submit").click()

    expect(desktop).to_have_url(re.compile(r"/cases/categories/$"))
    expect(desktop.locator(".messages .msg-success")).to_have_text("已保存问题类别“扩展事件/乱堆乱放”")
    cells = row_of(desktop, piles).get_by_role("cell")
    expect(cells.nth(2)).to_have_text("1.5 工作日")
    expect(cells.nth(4)).to_have_text("县住建局")
    expect(cells.nth(5)).to_have_text("是")
    expect(cells.nth(6)).to_have_text("是")
    screenshot_step(desktop, "2-list")
    assert_page_healthy(desktop)

    piles.refresh_from_db()
    assert (piles.time_limit, piles.time_unit) == (Decimal("1.5"), TimeUnit.WORK_DAYS)
    assert piles.owner_unit == world.housing and piles.auto_dispatch and piles.is_active

    # The form opens again with what was saved.
    row_of(desktop, piles).get_by_role("link", name="编辑").click()
    expect(desktop.get_by_label("处置时限")).to_have_value("1.5")
    expect(desktop.get_by_label("可自动派遣")).to_be_checked()


@pytest.mark.parametrize("limit", ["0", "-2"])
def test_a_limit_that_is_not_positive_is_refused_in_chinese_and_changes_nothing(
    desktop: Page, world: World, piles: Category, limit: str
) -> None:
    login(desktop, world.office.username)
    open_editor(desktop, piles)

    desktop.get_by_label("名称").fill("乱堆乱放（改）")
    desktop.get_by_label("处置时限").fill(limit)
    desktop.get_by_label("属主部门").select_option(label="县住建局")
    desktop.get_by_label("可自动派遣").check()
    desktop.locator("#category-submit").click()

    expect(desktop).to_have_url(re.compile(rf"/cases/categories/{piles.pk}/edit/$"))
    expect(desktop.locator("#field-time_limit .errorlist")).to_have_text("处置时限必须大于 0")
    # What was typed stays in the form; the heading still shows the saved name.
    expect(desktop.get_by_label("处置时限")).to_have_value(limit)
    expect(desktop.get_by_label("可自动派遣")).to_be_checked()
    expect(desktop.get_by_role("heading", level=1)).to_have_text(f"编辑类别 {piles.code} 乱堆乱放")
    screenshot_step(desktop, "refused")
    assert_page_healthy(desktop)

    saved = Category.objects.get(pk=piles.pk)
    assert (saved.name, saved.time_limit, saved.time_unit) == ("乱堆乱放", Decimal(4), TimeUnit.WORK_HOURS)
    assert saved.owner_unit is None and not saved.auto_dispatch and saved.updated_at == piles.updated_at
    desktop.locator(".crumbs").get_by_role("link", name="问题类别").click()
    cells = row_of(desktop, piles).get_by_role("cell")
    expect(cells.nth(2)).to_have_text("4 工作时")
    expect(cells.nth(4)).to_have_text("—")
    expect(cells.nth(5)).to_have_text("否")


def test_unit_admin_is_kept_out_of_the_category_pages(desktop: Page, world: World, piles: Category) -> None:
    login(desktop, world.admin_a.username)

    expect(desktop.locator("#home-categories-link")).to_have_count(0)
    for path in ("/cases/categories/", f"/cases/categories/{piles.pk}/edit/", "/cases/categories/new/"):
        response = desktop.goto(path)
        assert response is not None and response.status == 403, path
        expect(desktop.get_by_role("heading", level=1)).to_have_text("403 · 无权访问")
        expect(desktop.locator("main")).not_to_contain_text("乱堆乱放")
    screenshot_step(desktop, "403")
    assert_page_healthy(desktop)

    # The office can open the pages, but a 大类 has no edit page of its own.
    desktop.context.clear_cookies()
    login(desktop, world.office.username)
    response = desktop.goto(f"/cases/categories/{piles.parent_id}/edit/")
    assert response is not None and response.status == 404


def test_office_finds_a_subcategory_by_searching(desktop: Page, world: World, piles: Category) -> None:
    login(desktop, world.office.username)
    desktop.goto("/cases/categories/")

    desktop.get_by_placeholder("小类或大类的编码、名称").fill("乱堆乱")
    desktop.get_by_role("button", name="查找").click()

    expect(desktop.locator("#category-found")).to_have_text("找到 1 个小类")
    rows = desktop.locator("table.category-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("乱堆乱放")
    screenshot_step(desktop, "search")
    desktop.locator("#category-search-clear").click()
    expect(desktop.locator("#category-found")).to_have_count(0)
