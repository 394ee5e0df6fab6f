"""The category table as .xlsx: export → import changes nothing, a human-made sheet reads, bad rows write nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chuangcheng.cases import services
from chuangcheng.cases.category_io import export_categories, import_categories
from chuangcheng.cases.choices import TimeUnit
from chuangcheng.cases.models import Category
from chuangcheng.core.models import AuditEntry


def table() -> list[tuple]:
    return list(Category.objects.order_by("code").values_list(*[f.name for f in Category._meta.concrete_fields]))


def sheet(*rows: list) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_export_then_import_changes_nothing(world):
    services.seed_categories()
    before, audit = table(), AuditEntry.objects.count()

    result = import_categories(data=export_categories(), by=world.office)

    assert result.ok and result.written
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == Category.objects.filter(parent__isnull=False).count() >= 120
    assert table() == before and AuditEntry.objects.count() == audit


def test_the_export_holds_the_conditions_and_limits_as_text(world):
    services.seed_categories()

    rows = list(load_workbook(io.BytesIO(export_categories())).worksheets[0].values)

    header = rows[0]
    assert header[:5] == ("类别", "大类编码", "大类", "编码", "小类")
    cover = next(r for r in rows if r[3] == "BJ0101")
    assert cover[header.index("立案条件")] == "井盖丢失、破损、移位、松动，存在安全隐患的"
    assert cover[header.index("时限单位")] == "工作时"
    assert cover[header.index("紧急时限")] == "1"


def test_a_human_made_sheet_with_a_title_row_updates_and_adds(world):
    services.seed_categories()
    data = sheet(
        ["示范县问题类别调整表（2027年）"],
        ["编码", "小类名称", "结案标准", "时限", "单位", "紧急", "大类编码"],
        ["SJ0511", "占道经营", "摊点撤离，地面无油污", 3, "工作时", "√", ""],
        ["SJ0599", "占道堆放快递", "快递包裹收回，通道畅通", "1", "工作日", "否", "SJ05"],
    )

    result = import_categories(data=data, by=world.office)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    stall = Category.objects.get(code="SJ0511")
    assert stall.close_condition == "摊点撤离，地面无油污" and stall.time_limit == Decimal("3")
    assert stall.urgent and stall.accept_condition.startswith("占用道路")  # a column not in the sheet stays
    added = Category.objects.get(code="SJ0599")
    assert added.parent.name == "街面秩序" and added.kind == "event" and added.time_unit == TimeUnit.WORK_DAYS


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(world):
    services.seed_categories()
    before = table()
    data = sheet(
        ["编码", "小类", "处置时限", "时限单位", "属主部门", "大类编码", "启用"],
        ["SJ0511", "占道经营", "0", "工作时", "", "", "是"],
        ["SJ0512", "占道洗车修车", "2", "半天", "", "", "是"],
        ["SJ0598", "新的小类", "1", "工作日", "不存在的局", "XX99", "也许"],
        ["SJ0509", "", "1", "工作日", "", "", ""],
        ["SJ0509", "露天烧烤", "1", "工作日", "", "", ""],
    )

    result = import_categories(data=data, by=world.office)

    assert not result.written
    errors = {(e.row, e.column) for e in result.errors}
    assert errors >= {(2, "处置时限"), (3, "时限单位"), (4, "属主部门"), (4, "大类编码"), (4, "启用"), (5, "小类")}
    messages = " ".join(e.message for e in result.errors)
    assert "时限必须大于 0" in messages and "没有这个单位：不存在的局" in messages and "没有这个大类：XX99" in messages
    assert table() == before


def test_a_sheet_without_the_required_columns_names_them(world):
    result = import_categories(data=sheet(["名称", "立案条件"], ["x", "y"]), by=world.office)

    assert not result.ok
    assert "缺少必填列" in result.errors[0].message and "编码" in result.errors[0].message


def test_the_import_page_shows_the_errors_and_logs_the_import(client, world):
    services.seed_categories()
    client.force_login(world.office)
    data = sheet(["编码", "小类", "处置时限", "时限单位"], ["SJ0511", "占道经营", "abc", "工作时"])
    upload = SimpleUploadedFile("类别.xlsx", data)

    html = client.post(reverse("cases:category_import"), {"file": upload}).content.decode()

    assert 'id="import-failed"' in html and "“abc”不是数字" in html
    assert AuditEntry.objects.filter(action="cases.import.categories").exists()


def test_the_export_page_is_the_offices(client, world):
    client.force_login(world.admin_a)

    assert client.get(reverse("cases:category_export")).status_code == 403
    assert client.get(reverse("cases:category_import")).status_code == 403
