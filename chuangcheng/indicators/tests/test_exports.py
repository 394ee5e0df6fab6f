"""Exports in the import layouts: export → import changes nothing; templates explain themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chuangcheng.cases.choices import CategoryKind
from chuangcheng.cases.models import Category
from chuangcheng.indicators.choices import AssessmentMethod, CampaignKind, TitleLevel
from chuangcheng.indicators.exports import export_framework, export_tasks, framework_template, tasks_template
from chuangcheng.indicators.imports import FRAMEWORK_COLUMNS, TASK_COLUMNS, import_framework, import_tasks
from chuangcheng.indicators.models import Campaign, IndicatorNode, Task, TaskEvent
from chuangcheng.indicators.tests.io_helpers import read_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(framework):
    """The framework with a method, a text, a weight and linked categories (one name shared by two 小类)."""
    env = Category.objects.create(kind=CategoryKind.EVENT, code="X01", name="市容环境")
    order = Category.objects.create(kind=CategoryKind.EVENT, code="X02", name="街面秩序")
    garbage = Category.objects.create(kind=CategoryKind.EVENT, code="X0101", name="暴露垃圾", parent=env)
    Category.objects.create(kind=CategoryKind.EVENT, code="X0102", name="乱贴广告", parent=env)
    posters = Category.objects.create(kind=CategoryKind.EVENT, code="X0202", name="乱贴广告", parent=order)
    leaf = framework.standards[0]
    leaf.text = "主次干道路面干净，无暴露垃圾、无乱贴广告"
    leaf.method = AssessmentMethod.FIELD
    leaf.weight = Decimal("0.50")
    leaf.save()
    leaf.categories.set([garbage, posters])
    return framework


@pytest.fixture
def ledger(world, campaign, linked, task_factory):
    task_factory(code="RW-001", cooperating_units=[world.housing, world.town_b], evidence_types=["photo", "ledger"])
    task_factory(code="RW-002", indicator=linked.project, description="每月一报", deadline=dt.date(2027, 3, 31))
    task_factory(code="RW-003", indicator=linked.standards[2], lead_unit=world.town_b)
    return Task.objects.filter(campaign=campaign)


def test_an_exported_framework_imports_back_unchanged(world, campaign, linked):
    result = import_framework(campaign=campaign, data=export_framework(campaign), by=world.office)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert result.warnings == []


def test_an_exported_framework_recreates_the_tree_in_another_campaign(world, campaign, linked):
    other = Campaign.objects.create(
        code="WSXC",
        name="省级卫生县城",
        kind=CampaignKind.SANITARY,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="2024",
        pass_score=Decimal("80"),
    )

    result = import_framework(campaign=other, data=export_framework(campaign), by=world.office)

    assert result.created == 6
    copied = IndicatorNode.objects.get(campaign=other, code="P1.1.1")
    assert copied.parent.code == "P1.1" and copied.text.startswith("主次干道")
    assert copied.method == AssessmentMethod.FIELD and copied.weight == Decimal("0.5")
    assert sorted(c.code for c in copied.categories.all()) == ["X0101", "X0202"]


def test_the_framework_workbook_is_readable(campaign, linked):
    ws, rows = read_back(export_framework(campaign))

    assert rows[0] == [c.header for c in FRAMEWORK_COLUMNS]
    assert rows[1] == ["P1", None, "测评项目", "公共环境", None, 10, 1, None, None]
    # Depth first: a parent is followed by its children.
    assert [r[0] for r in rows[1:]] == ["P1", "P1.1", "P1.1.1", "P1.1.2", "P1.2", "P1.2.1"]
    # A shared 小类 name is written as its code so it imports back.
    assert rows[3][5:] == [3, 0.5, "实地考察", "暴露垃圾、X0202"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.column_dimensions["E"].width == 60


def test_an_exported_task_table_imports_back_unchanged(world, campaign, ledger):
    events = TaskEvent.objects.count()

    result = import_tasks(campaign=campaign, data=export_tasks(ledger), by=world.office)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert TaskEvent.objects.count() == events


def test_the_task_workbook_uses_the_officials_layout(world, campaign, ledger):
    ws, rows = read_back(export_tasks(ledger))

    assert rows[0] == [c.header for c in TASK_COLUMNS] + ["状态", "完成进度（%）"]
    # Framework order: the task on the 测评项目 comes before those on its standards.
    assert [r[:2] for r in rows[1:]] == [[1, "RW-002"], [2, "RW-001"], [3, "RW-003"]]
    first = dict(zip(rows[0], rows[2], strict=True))
    assert (first["测评项目"], first["测评内容"], first["测评标准"]) == ("P1 公共环境", "P1.1.1 主次干道保洁", None)
    assert first["牵头单位"] == "城关街道" and first["配合单位"] == "县住建局、城南街道"
    assert first["佐证材料"] == "照片、台账/表格" and first["状态"] == "未启动"
    # Dates are date cells with a date format, not text.
    deadline = ws.cell(row=3, column=rows[0].index("完成时限") + 1)
    assert isinstance(deadline.value, dt.datetime) and deadline.number_format == "yyyy-mm-dd"
    project_task = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[1] == "RW-002")
    assert (project_task["测评项目"], project_task["测评内容"]) == ("P1 公共环境", None)
    assert ws.freeze_panes == "A2"


def test_a_task_export_holds_only_the_tasks_it_is_given(world, campaign, ledger):
    _ws, rows = read_back(export_tasks(ledger.filter(lead_unit=world.town_b)))

    assert [r[1] for r in rows[1:]] == ["RW-003"]


def test_an_edited_export_updates_only_what_was_edited(world, campaign, ledger):
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(export_tasks(ledger)))
    ws = workbook.active
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("目标") + 1, value="机扫率 95%")
    buffer = BytesIO()
    workbook.save(buffer)

    result = import_tasks(campaign=campaign, data=buffer.getvalue(), by=world.office)

    assert (result.updated, result.unchanged) == (1, 2)
    assert Task.objects.get(code="RW-001").target == "机扫率 95%"


@pytest.mark.parametrize(
    ("make", "columns", "sheet_title"),
    [(framework_template, FRAMEWORK_COLUMNS, "测评体系"), (tasks_template, TASK_COLUMNS, "任务分解表")],
)
def test_a_template_has_the_header_sample_rows_and_a_guide(make, columns, sheet_title):
    data = make()
    ws, rows = read_back(data)
    guide, guide_rows = read_back(data, sheet=1)

    assert ws.title == sheet_title and rows[0] == [c.header for c in columns]
    assert 1 <= len(rows) - 1 <= 2
    assert guide.title == "说明"
    listed = [r[0] for r in guide_rows]
    assert all(c.header in listed for c in columns)


def test_the_framework_template_sample_imports(world, campaign):
    result = import_framework(campaign=campaign, data=framework_template(), by=world.office)

    assert result.ok and result.created == 2


def test_the_tasks_template_sample_imports_into_a_matching_framework(world, campaign):
    from chuangcheng.indicators.tests.conftest import make_node

    root = make_node(campaign, "1", "公共环境", 1, "10")
    make_node(campaign, "1.1", "环境卫生", 3, "6", root)

    result = import_tasks(campaign=campaign, data=tasks_template(), by=world.office)

    assert result.ok, result.errors
    assert sorted(Task.objects.values_list("code", flat=True)) == ["1.1-1", "RW-001"]
