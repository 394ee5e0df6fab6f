"""Checklists as .xlsx: the export, its import back (nothing changes), sheets made by people, errors, versions."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chuangcheng.cases.models import Category
from chuangcheng.cases.services import seed_categories
from chuangcheng.core.models import AuditEntry
from chuangcheng.indicators.tests import conftest as indicator_fixtures
from chuangcheng.inspections.checklist_io import COLUMNS, import_checklists
from chuangcheng.inspections.choices import InspectionKind, ItemFamily, Outcome
from chuangcheng.inspections.models import Checklist, ChecklistItem, ChecklistItemVersion, InspectionResult
from chuangcheng.inspections.selectors import active_items
from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

pytestmark = pytest.mark.django_db
campaign = indicator_fixtures.campaign
framework = indicator_fixtures.framework

HEADER = [c.header for c in COLUMNS if not c.readonly]


@pytest.fixture
def seeded(world):
    seed_categories()
    checklists_seed(by=world.office)


def workbook(rows: list[list], *, header: list[str] = HEADER, title: str | None = None, merges=()) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(client, person) -> bytes:
    client.force_login(person)
    response = client.get(reverse("inspections:checklist_export"))
    assert response.status_code == 200
    return response.content


def state() -> list[tuple]:
    """Every item's content, flags, order, version and links: what an import must not change by accident."""
    rows = []
    for item in ChecklistItem.objects.order_by("pk").prefetch_related("indicators"):
        rows.append(
            (
                item.pk,
                item.checklist_id,
                item.family,
                item.text,
                item.method,
                item.deduction,
                item.photo_required,
                item.case_category_id,
                item.is_active,
                item.sort_order,
                item.version,
                tuple(sorted(n.pk for n in item.indicators.all())),
            )
        )
    return rows


# ---- export and round trip -------------------------------------------------------------------------


def test_the_export_has_one_row_per_item_in_the_import_layout(client, world, seeded, framework):
    market = Checklist.objects.get(site_type__code="market")
    scale = market.items.get(text__contains="公平秤")
    scale.indicators.add(framework.standards[0])

    sheet = load_workbook(BytesIO(export(client, world.supervisor))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == [c.header for c in COLUMNS]
    assert len(rows) - 1 == ChecklistItem.objects.count()
    row = next(r for r in rows if r[2] == scale.text)
    assert row[0] == "集贸市场/农贸市场检查表"
    assert row[1] == "行业规范与服务" and row[7] == "WMXC-2027:P1.1.1 主次干道保洁" and row[8] == "是"
    assert row[9] == scale.sort_order + 1 and row[10] == 1


def test_export_then_import_changes_nothing(client, world, seeded, framework):
    market = Checklist.objects.get(site_type__code="market")
    market.items.get(text__contains="公平秤").indicators.add(framework.standards[0], framework.standards[2])
    ChecklistItem.objects.filter(pk=market.items.order_by("pk").last().pk).update(is_active=False)
    before = state()
    versions = ChecklistItemVersion.objects.count()

    result = import_checklists(data=export(client, world.office), by=world.office)

    assert result.ok, result.errors[:3]
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
    assert state() == before and ChecklistItemVersion.objects.count() == versions


def test_an_edited_export_updates_versions_and_adds_items(client, world, seeded):
    book = load_workbook(BytesIO(export(client, world.office)))
    sheet = book.worksheets[0]
    market_rows = [r for r in sheet.iter_rows(min_row=2) if "公平秤" in str(r[2].value)]
    market_rows[0][4].value = 3  # 扣分 of the 公平秤 item
    sheet.append(["主干道", "公共秩序", "路口无机动车闯红灯", "路口观察 10 分钟", 1, "否", "", "", "是", None])
    buffer = BytesIO()
    book.save(buffer)
    scale = ChecklistItem.objects.get(checklist__site_type__code="market", text__contains="公平秤")

    result = import_checklists(data=buffer.getvalue(), by=world.office)

    assert result.ok and (result.created, result.updated) == (1, 1)
    scale.refresh_from_db()
    assert (scale.deduction, scale.version) == (Decimal("3"), 2)
    main = Checklist.objects.get(road_class=RoadClass.MAIN)
    new = main.items.get(text="路口无机动车闯红灯")
    assert new.sort_order == main.items.count() - 1 and not new.photo_required and new.version == 1


# ---- sheets made by people -------------------------------------------------------------------------


def test_a_hand_made_sheet_with_a_title_row_merged_cells_blank_rows_and_ticks(world, seeded, framework):
    header = ["序号", "点位类型", "类别", "检查内容", "检查方法", "扣分", "需拍照", "问题小类", "对应测评指标"]
    rows = [
        [1, "农贸市场", "环境卫生", "地面无积水、无污物", "巡看地面", "1分", "√", "暴露垃圾", "P1.1.1"],
        [2, None, None, "水产区排水通畅\n无异味", "查看水产区", "0.5", "", "", ""],
        [None] * 9,
        [3, None, "公共秩序", "市场出入口无乱停车辆", "查看出入口", 2, "√", "乱停乱放", "WMXC-2027:P1.2.1"],
        [1, "背街小巷路段", "基础设施", "路面平整无坑洼", "步行查看路面", 1, "×", "", ""],
    ]
    data = workbook(rows, header=header, title="XX县农贸市场、背街小巷检查表（2026年版）", merges=["B3:B6", "C3:C4"])
    market = Checklist.objects.get(site_type__name__contains="农贸市场")
    last = market.items.order_by("-sort_order").first().sort_order
    versions = ChecklistItemVersion.objects.count()

    result = import_checklists(data=data, by=world.office)

    assert result.ok, result.errors
    assert (result.rows_seen, result.created) == (4, 4)
    floor = market.items.get(text="地面无积水、无污物")
    assert floor.family == ItemFamily.SANITATION and floor.deduction == Decimal("1.0") and floor.photo_required
    assert floor.case_category == Category.objects.get(name="暴露垃圾", parent__isnull=False)
    assert list(floor.indicators.all()) == [framework.standards[0]]
    drain = market.items.get(text="水产区排水通畅无异味")  # the line break inside the cell is dropped
    assert drain.family == ItemFamily.SANITATION and not drain.photo_required
    cars = market.items.get(text="市场出入口无乱停车辆")
    assert cars.family == ItemFamily.ORDER
    # New items go after the checklist's own, in the sheet's order (its 序号 counts the sheet's rows).
    assert [floor.sort_order, drain.sort_order, cars.sort_order] == [last + 1, last + 2, last + 3]
    assert list(cars.indicators.all()) == [framework.standards[2]]
    back = Checklist.objects.get(road_class=RoadClass.BACK_STREET).items.get(text="路面平整无坑洼")
    assert back.family == ItemFamily.FACILITIES and not back.photo_required
    assert ChecklistItemVersion.objects.count() == versions + 4
    assert any("不在文件中" in w for w in result.warnings)


def test_columns_a_sheet_leaves_out_keep_what_the_items_have(world, seeded):
    market = Checklist.objects.get(site_type__code="market")
    stalls = market.items.get(text="市场内外无占道经营")
    method, category = stalls.method, stalls.case_category
    data = workbook([["农贸市场", "公共秩序", "市场内外无占道经营", 3]], header=["检查表", "类别", "检查内容", "扣分"])

    result = import_checklists(data=data, by=world.office)

    assert result.ok and result.updated == 1
    stalls.refresh_from_db()
    assert (stalls.deduction, stalls.version) == (Decimal("3"), 2)
    assert (stalls.method, stalls.case_category, stalls.photo_required, stalls.is_active) == (
        method,
        category,
        True,
        True,
    )


def test_a_site_type_without_a_checklist_gets_one(world, seeded):
    site_type = SiteType.objects.create(code="museum", name="博物馆", sort_order=99)
    data = workbook([["博物馆", "公益宣传", "展厅设置公益广告", "", 1, "是", "", "", "", ""]])

    result = import_checklists(data=data, by=world.office)

    assert result.ok
    checklist = Checklist.objects.get(site_type=site_type)
    assert checklist.name == "博物馆检查表" and checklist.items.get().text == "展厅设置公益广告"


# ---- errors ------------------------------------------------------------------------------------------


def test_every_error_names_its_row_and_column_and_nothing_is_written(world, seeded):
    rows = [
        ["农贸市场", "环境卫生", "地面干净", "", 1, "是", "", "", "是", ""],
        ["游乐场", "环境卫生", "无垃圾", "", 1, "是", "", "", "是", ""],
        ["农贸市场", "卫生清洁", "无积水", "", "一分", "也许", "外星垃圾", "", "是", "第三"],
        ["主干道", "公共秩序", "", "", "", "", "", "XX-1:9.9", "", ""],
        ["农贸市场", "环境卫生", "地面干净", "", 1, "是", "", "", "是", ""],
        ["背街小巷", "环境卫生", "路面干净", "", 1, "是", "", "", "是", ""],
    ]
    before = state()

    result = import_checklists(data=workbook(rows), by=world.office)

    assert not result.ok and not result.written
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "检查表"),
        (4, "类别"),
        (4, "扣分"),
        (4, "失分需拍照"),
        (4, "案件小类"),
        (4, "序号"),
        (5, "检查内容"),
        (5, "扣分"),
        (5, "关联指标"),
        (6, "检查内容"),
        (7, "检查表"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "游乐场" in messages[(3, "检查表")]
    assert "一分" in messages[(4, "扣分")] and "不是数字" in messages[(4, "扣分")]
    assert "与第 2 行重复" in messages[(6, "检查内容")]
    assert "XX-1" in messages[(5, "关联指标")]
    assert "背街小巷路段检查表" in messages[(7, "检查表")]
    assert state() == before


def test_with_partial_the_good_rows_are_written(world, seeded):
    rows = [
        ["农贸市场", "环境卫生", "摊位下无积水", "", 1, "是", "", "", "是", ""],
        ["农贸市场", "环境卫生", "无积水", "", -1, "是", "", "", "是", ""],
    ]

    result = import_checklists(data=workbook(rows), by=world.office, partial=True)

    assert result.written and (result.created, result.skipped) == (1, 1)
    assert [(e.row, e.column) for e in result.errors] == [(3, "扣分")]


def test_a_sheet_without_the_required_columns_is_refused_by_name(world, seeded):
    result = import_checklists(data=workbook([["农贸市场", "x"]], header=["检查表", "备注"]), by=world.office)

    assert [e.row for e in result.errors] == [None]
    assert "缺少必填列" in result.errors[0].message and "检查内容" in result.errors[0].message


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese_through_the_page(client, world, seeded):
    client.force_login(world.office)
    before = state()

    response = client.post(
        reverse("inspections:checklist_import"), {"file": SimpleUploadedFile("检查表.xlsx", b"not a zip at all")}
    )

    assert response.status_code == 200
    assert "不是有效的 Excel" in response.content.decode()
    assert state() == before
    entry = AuditEntry.objects.get(action="inspections.import.checklists")
    assert entry.data["written"] is False and entry.data["errors"] == 1


# ---- versions through the import page -----------------------------------------------------------------


def test_an_import_through_the_page_versions_a_change_and_the_submitted_inspection_keeps_its_text(
    client, world, seeded
):
    market = Checklist.objects.get(site_type__code="market")
    site = site_save(
        site=Site(code="P-01", name="城关农贸市场", site_type=market.site_type, unit=world.town_a),
        geometry={"type": "Point", "coordinates": [114.305, 34.8]},
    )
    answers = [Answer(i.pk, Outcome.PASS) for i in active_items(market)]
    inspection, _ = inspection_submit(by=world.inspector, kind=InspectionKind.PATROL, site=site, answers=answers)
    scale = market.items.get(text__contains="公平秤")
    old_method = scale.method
    row = [market.site_type.name, "行业规范与服务", scale.text, "入口处查看公平秤及检定标识", 2, "是", "", "", "是", ""]
    client.force_login(world.office)

    response = client.post(
        reverse("inspections:checklist_import"), {"file": SimpleUploadedFile("检查表.xlsx", workbook([row]))}
    )

    page = response.content.decode()
    assert 'id="import-ok"' in page and "更新 1 条" in page
    scale.refresh_from_db()
    assert (scale.method, scale.version) == ("入口处查看公平秤及检定标识", 2)
    kept = InspectionResult.objects.get(inspection=inspection, item_version__item=scale).item_version
    assert (kept.number, kept.method) == (1, old_method)


def test_the_api_imports_and_only_the_office_may(client, world, seeded):
    data = workbook([["农贸市场", "环境卫生", "摊位下无积水", "", 1, "是", "", "", "是", ""]])
    client.force_login(world.supervisor)
    refused = client.post("/api/inspections/checklists/import", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert refused.status_code == 403
    client.force_login(world.office)

    answer = client.post("/api/inspections/checklists/import", {"file": SimpleUploadedFile("a.xlsx", data)})

    body = answer.json()
    assert answer.status_code == 200 and body["ok"] and body["created"] == 1 and body["errors"] == []
    assert ChecklistItem.objects.filter(text="摊位下无积水").count() == 1


def test_a_sheet_with_two_title_lines_numbered_families_and_a_footer_imports_only_the_items(world, seeded):
    from chuangcheng.core.tests.xlsx_helpers import human_sheet

    header = ["序号", "点位类型", "类别", "检查内容", "扣分"]
    rows = [
        ["XX县创建文明城市农贸市场检查表"],
        ["检查单位：县创建办", None, None, "检查日期：    年  月  日"],
        header,
        [1, "农贸市场", "一、环境卫生", "摊位整洁无杂物", 1],
        [2, None, None, "垃圾桶加盖", 0.5],
        [3, None, "（二）公共秩序", "无占道经营", 1],
        ["注：每项不合格按扣分标准扣分，扣完为止。"],
        ["检查人：", None, "被检查单位负责人（签字）："],
        ["填表人：王五"],
    ]
    data = human_sheet(rows, merges=("A1:E1", "B4:B6", "C4:C5", "A7:E7"))

    result = import_checklists(data=data, by=world.office)

    assert result.ok, result.errors
    assert result.notes == ["第 3 行为表头（其上为标题）"]
    market = Checklist.objects.get(site_type__name__contains="农贸市场")
    added = {i.text: i.family for i in market.items.filter(text__in=["摊位整洁无杂物", "垃圾桶加盖", "无占道经营"])}
    assert added == {
        "摊位整洁无杂物": ItemFamily.SANITATION,
        "垃圾桶加盖": ItemFamily.SANITATION,
        "无占道经营": ItemFamily.ORDER,
    }
    assert result.rows_seen == 3
