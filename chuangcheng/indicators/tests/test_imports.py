"""Framework and 任务分解表 imports: every bad row is named by row and column, nothing half-written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chuangcheng.cases.choices import CategoryKind
from chuangcheng.cases.models import Category
from chuangcheng.core.errors import DomainError
from chuangcheng.core.tests.xlsx_helpers import xlsx_bytes
from chuangcheng.indicators.choices import AssessmentMethod, NodeLevel, TaskAction
from chuangcheng.indicators.imports import import_framework, import_tasks
from chuangcheng.indicators.models import IndicatorNode, Task, TaskEvent
from chuangcheng.indicators.tests.io_helpers import (
    FRAMEWORK_HEADER,
    TASK_HEADER,
    messages,
    node_row,
    task_row,
)
from chuangcheng.org.choices import UnitGroup, UnitKind
from chuangcheng.org.services import unit_alias_add, unit_create, unit_sets_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(db) -> dict[str, Category]:
    env = Category.objects.create(kind=CategoryKind.EVENT, code="X01", name="市容环境")
    order = Category.objects.create(kind=CategoryKind.EVENT, code="X02", name="街面秩序")
    return {
        "garbage": Category.objects.create(kind=CategoryKind.EVENT, code="X0101", name="暴露垃圾", parent=env),
        "stall": Category.objects.create(kind=CategoryKind.EVENT, code="X0201", name="占道经营", parent=order),
        "posters_a": Category.objects.create(kind=CategoryKind.EVENT, code="X0102", name="乱贴广告", parent=env),
        "posters_b": Category.objects.create(kind=CategoryKind.EVENT, code="X0202", name="乱贴广告", parent=order),
    }


def frame(campaign, world, rows, *, partial=False):
    return import_framework(
        campaign=campaign, data=xlsx_bytes(FRAMEWORK_HEADER, rows), by=world.office, partial=partial
    )


def tasks(campaign, world, rows, *, partial=False, header=TASK_HEADER):
    return import_tasks(campaign=campaign, data=xlsx_bytes(header, rows), by=world.office, partial=partial)


GOOD_TREE = [
    node_row("1", None, "基础工作", 10, 层级="测评项目"),
    node_row("1.1", "1", "组织领导", 6, 层级="指标", 测评方式="材料审核"),
    node_row("1.1.1", "1.1", "建立创建工作机制", 3, 层级=3, 测评方式="实地考察"),
    node_row("1.2", "1", "宣传教育", 4, 关联问题类别="暴露垃圾、X0201", 权重=0.5),
]


# ----- framework: a good file -------------------------------------------------------------------


def test_a_framework_file_creates_the_tree_with_paths_levels_and_categories(world, campaign, categories):
    result = frame(campaign, world, GOOD_TREE)

    assert result.ok and result.written and (result.created, result.updated) == (4, 0)
    nodes = {n.code: n for n in IndicatorNode.objects.filter(campaign=campaign)}
    root, org, rule, publicity = nodes["1"], nodes["1.1"], nodes["1.1.1"], nodes["1.2"]
    assert rule.path == f"/{root.pk}/{org.pk}/{rule.pk}/"
    assert rule.parent == org and publicity.parent == root
    assert [root.level, org.level, rule.level] == [NodeLevel.PROJECT, NodeLevel.INDICATOR, NodeLevel.CONTENT]
    # 层级 left empty: one below the parent.
    assert publicity.level == NodeLevel.INDICATOR
    assert org.method == AssessmentMethod.MATERIAL and rule.method == AssessmentMethod.FIELD
    assert publicity.weight == Decimal("0.5") and root.weight == Decimal("1")
    assert set(publicity.categories.all()) == {categories["garbage"], categories["stall"]}


def test_a_level_may_be_skipped_but_not_reversed(world, campaign):
    rows = [
        node_row("1", None, "基础工作", 10, 层级="测评项目"),
        node_row("1.1", "1", "组织领导", 6, 层级="测评标准"),
    ]

    result = frame(campaign, world, rows)

    assert result.ok
    assert IndicatorNode.objects.get(code="1.1").level == NodeLevel.STANDARD


# ----- framework: every bad row -----------------------------------------------------------------


def test_a_missing_code_is_reported_at_its_row_and_column(world, campaign):
    result = frame(campaign, world, [node_row("1", None, "基础工作", 10), node_row(None, "1", "组织领导", 5)])

    assert messages(result) == [(3, "编码", "必填项“编码”为空")]
    assert not result.written and not IndicatorNode.objects.exists()


def test_an_unknown_parent_is_reported(world, campaign):
    result = frame(campaign, world, [node_row("1", None, "基础工作", 10), node_row("2.1", "2", "组织领导", 5)])

    assert messages(result) == [(3, "上级编码", "未找到上级编码“2”（文件中和已导入的测评体系中都没有）")]
    assert not IndicatorNode.objects.exists()


def test_a_parent_already_in_the_campaign_may_be_named(world, campaign, framework):
    result = frame(campaign, world, [node_row("P1.2.2", "P1.2", "流动摊贩", 0)])

    assert result.ok
    node = IndicatorNode.objects.get(code="P1.2.2")
    assert node.parent == framework.indicators[1] and node.path.startswith(framework.indicators[1].path)


def test_a_child_of_a_row_with_errors_is_told_why(world, campaign):
    rows = [node_row("1", None, "基础工作", "十分"), node_row("1.1", "1", "组织领导", 5)]

    result = frame(campaign, world, rows)

    assert messages(result) == [
        (2, "满分", "满分“十分”不是数字"),
        (3, "上级编码", "上级编码“1”所在的第 2 行有错误"),
    ]


def test_a_duplicate_code_names_the_first_row(world, campaign):
    rows = [node_row("1", None, "基础工作", 10), node_row("1", None, "宣传教育", 5)]

    result = frame(campaign, world, rows)

    assert messages(result) == [(3, "编码", "编码“1”在文件中重复（与第 2 行相同）")]


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("abc", "满分“abc”不是数字"),
        (-1, "满分不能为负数（-1）"),
        ("2.555", "满分最多 2 位小数（2.555）"),
    ],
)
def test_a_bad_score_is_reported(world, campaign, score, message):
    result = frame(campaign, world, [node_row("1", None, "基础工作", score)])

    assert messages(result) == [(2, "满分", message)]


def test_a_missing_score_and_a_bad_weight_are_reported(world, campaign):
    result = frame(campaign, world, [node_row("1", None, "基础工作", None, 权重="高")])

    assert messages(result) == [(2, "满分", "必填项“满分”为空"), (2, "权重", "权重“高”不是数字")]


def test_children_scores_over_the_parent_in_the_file(world, campaign):
    rows = [
        node_row("1", None, "基础工作", 5),
        node_row("1.1", "1", "组织领导", 3),
        node_row("1.2", "1", "宣传教育", 2.5),
    ]

    result = frame(campaign, world, rows)

    assert messages(result) == [(2, "满分", "下级满分合计 5.5 超过本项满分 5")]
    assert not IndicatorNode.objects.exists()


def test_children_scores_over_a_parent_already_imported(world, campaign, framework):
    # P1.2 has 4 points, all taken by P1.2.1; a new child tips it over.
    result = frame(campaign, world, [node_row("P1.2.2", "P1.2", "流动摊贩", 1)])

    assert messages(result) == [(2, "满分", "与同级合计满分 5，超过上级“P1.2”的满分 4")]


def test_raising_a_parent_score_in_the_same_file_makes_room(world, campaign, framework):
    rows = [node_row("P1", None, "公共环境", 11), node_row("P1.2", "P1", "市容秩序", 5)]
    rows.append(node_row("P1.2.2", "P1.2", "流动摊贩", 1))

    assert frame(campaign, world, rows).ok


def test_a_fifth_level_is_refused(world, campaign):
    rows = [
        node_row("1", None, "项目", 10, 层级=1),
        node_row("1.1", "1", "指标", 10, 层级=2),
        node_row("1.1.1", "1.1", "内容", 10, 层级=3),
        node_row("1.1.1.1", "1.1.1", "标准", 10, 层级=4),
        node_row("1.1.1.1.1", "1.1.1.1", "细则", 10),
    ]

    result = frame(campaign, world, rows)

    assert [(r, c) for r, c, _m in messages(result)] == [(6, "上级编码")]
    assert "层级超过 4 级" in result.errors[0].message


def test_a_level_not_below_the_parent_is_refused(world, campaign):
    rows = [node_row("1", None, "项目", 10, 层级="测评内容"), node_row("1.1", "1", "指标", 5, 层级="指标")]

    result = frame(campaign, world, rows)

    assert messages(result) == [(3, "层级", "层级“指标”应低于上级“1”的层级“测评内容”")]


def test_an_unknown_level_is_refused(world, campaign):
    result = frame(campaign, world, [node_row("1", None, "项目", 10, 层级="第五级")])

    assert messages(result) == [(2, "层级", "未知的层级“第五级”，可选：测评项目、指标、测评内容、测评标准（或 1～4）")]


def test_a_cycle_of_parents_is_refused(world, campaign):
    rows = [node_row("A", "B", "甲", 1), node_row("B", "A", "乙", 1)]

    result = frame(campaign, world, rows)

    assert {(r, c) for r, c, _m in messages(result)} == {(2, "上级编码"), (3, "上级编码")}
    assert "上级编码形成循环" in result.errors[0].message


def test_an_unknown_method_is_refused(world, campaign):
    result = frame(campaign, world, [node_row("1", None, "项目", 10, 测评方式="电话抽查")])

    assert messages(result) == [
        (2, "测评方式", "未知的测评方式“电话抽查”，可选：材料审核/网上申报、实地考察、问卷调查、数据指标")
    ]


def test_both_halves_of_the_material_method_are_accepted(world, campaign):
    rows = [
        node_row("1", None, "项目", 10, 测评方式="网上申报"),
        node_row("2", None, "项目二", 10, 测评方式="材料审核/网上申报"),
    ]

    assert frame(campaign, world, rows).ok
    assert set(IndicatorNode.objects.values_list("method", flat=True)) == {AssessmentMethod.MATERIAL}


def test_unknown_and_ambiguous_categories_are_refused(world, campaign, categories):
    rows = [
        node_row("1", None, "项目", 10, 关联问题类别="暴露垃圾；井盖缺失"),
        node_row("2", None, "项目二", 10, 关联问题类别="乱贴广告"),
        node_row("3", None, "项目三", 10, 关联问题类别="市容环境/乱贴广告"),
    ]

    result = frame(campaign, world, rows)

    assert messages(result) == [
        (2, "关联问题类别", "未找到问题类别：井盖缺失（填问题小类的名称或编码）"),
        (3, "关联问题类别", "问题类别名称“乱贴广告”对应多个小类，请改填编码或“大类/小类”"),
    ]


def test_a_file_with_a_missing_header_column_is_refused(world, campaign):
    data = xlsx_bytes(["编码", "名称"], [["1", "项目"]])

    result = import_framework(campaign=campaign, data=data, by=world.office)

    assert messages(result) == [(None, "", "第 1 行（表头）缺少必填列：满分。请下载导入模板对照修改")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a workbook", "文件不是有效的 Excel（.xlsx）文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "这是旧版 Excel（.xls）文件"),
        (b"", "文件是空的"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(world, campaign, data, message):
    result = import_framework(campaign=campaign, data=data, by=world.office)

    assert len(result.errors) == 1 and result.errors[0].row is None
    assert result.errors[0].message.startswith(message)


def test_an_oversized_file_is_refused(world, campaign, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = xlsx_bytes(FRAMEWORK_HEADER, [node_row(str(n), None, "项目" * 20, 1) for n in range(50)])

    result = import_framework(campaign=campaign, data=data, by=world.office)

    assert messages(result) == [(None, "", "文件过大（上限 1 KB），请拆分后分批导入")]
    assert not IndicatorNode.objects.exists()


def test_only_the_office_may_import(world, campaign):
    for person in (world.leader, world.admin_a, world.supervisor):
        with pytest.raises(DomainError) as caught:
            import_framework(campaign=campaign, data=xlsx_bytes(FRAMEWORK_HEADER, GOOD_TREE), by=person)
        assert caught.value.code == "forbidden"
    assert not IndicatorNode.objects.exists()


def test_the_system_may_import_without_a_person(world, campaign):
    result = import_framework(campaign=campaign, data=xlsx_bytes(FRAMEWORK_HEADER, GOOD_TREE[:3]), by=None)

    assert result.ok and result.created == 3


# ----- framework: partial and re-import ---------------------------------------------------------


def test_partial_import_writes_the_good_rows_and_skips_the_children_of_bad_ones(world, campaign):
    rows = [
        node_row("1", None, "基础工作", 10),
        node_row("2", None, "宣传教育", "x"),
        node_row("2.1", "2", "公益广告", 3),
        node_row("1.1", "1", "组织领导", 6),
    ]

    result = frame(campaign, world, rows, partial=True)

    assert result.written and (result.created, result.skipped) == (2, 2)
    assert [(r, c) for r, c, _m in messages(result)] == [(3, "满分"), (4, "上级编码")]
    assert sorted(IndicatorNode.objects.values_list("code", flat=True)) == ["1", "1.1"]


def test_a_partial_import_drops_a_parent_whose_children_overflow_it(world, campaign):
    rows = [
        node_row("1", None, "基础工作", 2),
        node_row("1.1", "1", "组织领导", 3),
        node_row("2", None, "宣传教育", 4),
    ]

    result = frame(campaign, world, rows, partial=True)

    assert [(r, c) for r, c, _m in messages(result)] == [(2, "满分"), (3, "上级编码")]
    assert list(IndicatorNode.objects.values_list("code", flat=True)) == ["2"]


def test_reimport_updates_by_code_moves_subtrees_and_never_deletes(world, campaign, framework, categories):
    # P1.1.2 moves under P1.2 (with more points there), P1.1 is renamed; P1.1.1 is not in the file.
    rows = [
        node_row("P1", None, "公共环境", 10),
        node_row("P1.1", "P1", "环境卫生（新）", 3, 测评方式="实地考察"),
        node_row("P1.2", "P1", "市容秩序", 7, 关联问题类别="占道经营"),
        node_row("P1.2.1", "P1.2", "占道经营整治", 4),
        node_row("P1.1.2", "P1.2", "垃圾分类", 3),
    ]

    result = frame(campaign, world, rows)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 3, 2)
    assert result.warnings == ["已有 1 个指标不在文件中，未删除：P1.1.1"]
    moved = IndicatorNode.objects.get(code="P1.1.2")
    order = IndicatorNode.objects.get(code="P1.2")
    assert moved.parent == order and moved.path == f"{order.path}{moved.pk}/"
    clean = IndicatorNode.objects.get(code="P1.1")
    assert clean.name == "环境卫生（新）" and clean.max_score == 3 and clean.method == AssessmentMethod.FIELD
    assert list(order.categories.all()) == [categories["stall"]]
    assert IndicatorNode.objects.filter(campaign=campaign).count() == 6


def test_an_empty_level_keeps_a_stored_level_that_skips_one(world, campaign, framework):
    # P1.2.1 is stored as 测评标准 (level 4) right under a 指标 (level 2).
    IndicatorNode.objects.filter(code="P1.2.1").update(level=NodeLevel.STANDARD)

    result = frame(campaign, world, [node_row("P1.2.1", "P1.2", "占道经营整治", 4)])

    assert (result.updated, result.unchanged) == (0, 1)
    assert IndicatorNode.objects.get(code="P1.2.1").level == NodeLevel.STANDARD


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world, campaign, categories):
    assert frame(campaign, world, GOOD_TREE).created == 4

    again = frame(campaign, world, GOOD_TREE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


# ----- tasks: a good file -----------------------------------------------------------------------


def test_a_task_file_creates_tasks_with_units_evidence_and_an_import_event(world, campaign, framework):
    rows = [
        task_row("RW-001"),
        task_row("RW-002", 测评内容="P1.2.1", 配合单位=None, 完成时限=dt.datetime(2027, 3, 1), 佐证材料=None),
        task_row("RW-003", 测评项目=None, 测评内容="垃圾分类", 完成时限="2027年6月30日"),
        task_row("RW-004", 测评项目="公共环境", 测评内容=None, 完成时限="2027/1/5"),
    ]

    result = tasks(campaign, world, rows)

    assert result.ok, result.errors
    assert result.created == 4
    by_code = {t.code: t for t in Task.objects.filter(campaign=campaign)}
    first = by_code["RW-001"]
    assert first.indicator == framework.standards[0] and first.lead_unit == world.town_a
    assert set(first.cooperating_units.all()) == {world.housing, world.town_b}
    assert first.deadline == dt.date(2026, 12, 31) and first.evidence_types == ["photo", "ledger"]
    assert by_code["RW-002"].indicator == framework.standards[2] and by_code["RW-002"].deadline == dt.date(2027, 3, 1)
    assert by_code["RW-003"].indicator == framework.standards[1] and by_code["RW-003"].deadline == dt.date(2027, 6, 30)
    assert by_code["RW-004"].indicator == framework.project and by_code["RW-004"].deadline == dt.date(2027, 1, 5)
    events = TaskEvent.objects.filter(task=first)
    assert [(e.action, e.actor) for e in events] == [(TaskAction.IMPORT, world.office)]


def test_units_may_be_named_by_short_name_or_code(world, campaign, framework):
    world.housing.short_name = "住建"
    world.housing.save()

    result = tasks(campaign, world, [task_row(牵头单位="住建", 配合单位="T01，T02")])

    task = Task.objects.get()
    assert result.ok and task.lead_unit == world.housing
    assert set(task.cooperating_units.all()) == {world.town_a, world.town_b}


def test_tasks_without_a_code_get_a_stable_code_and_reimport_updates_them(world, campaign, framework):
    rows = [
        task_row(None, 任务="任务甲"),
        task_row(None, 任务="任务乙"),
        task_row(None, 测评内容="P1.2.1", 任务="任务丙"),
    ]

    assert tasks(campaign, world, rows).created == 3
    assert sorted(Task.objects.values_list("code", "title")) == [
        ("P1.1.1-1", "任务甲"),
        ("P1.1.1-2", "任务乙"),
        ("P1.2.1-1", "任务丙"),
    ]

    rows[1] = task_row(None, 任务="任务乙", 目标="新的目标")
    again = tasks(campaign, world, rows)

    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert Task.objects.get(code="P1.1.1-2").target == "新的目标"


def test_reimport_writes_one_event_per_changed_task_and_bumps_its_version(world, campaign, framework):
    tasks(campaign, world, [task_row("RW-001"), task_row("RW-002")])
    before = Task.objects.get(code="RW-001").version

    result = tasks(campaign, world, [task_row("RW-001", 配合单位="县住建局", 目标="新目标"), task_row("RW-002")])

    assert (result.updated, result.unchanged) == (1, 1)
    task = Task.objects.get(code="RW-001")
    assert task.version == before + 1 and list(task.cooperating_units.all()) == [world.housing]
    event = TaskEvent.objects.filter(task=task).last()
    assert event is not None and event.action == TaskAction.IMPORT
    assert event.data["changes"]["target"] == ["主次干道机扫率达到90%以上", "新目标"]
    assert "目标" in event.note and "配合单位" in event.note
    assert TaskEvent.objects.filter(task__code="RW-002").count() == 1


def test_moving_a_deadline_later_lifts_the_overdue_mark(world, campaign, framework, task_factory):
    task = task_factory(code="RW-001", deadline=dt.date(2026, 1, 1))
    Task.objects.filter(pk=task.pk).update(overdue_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))

    assert tasks(campaign, world, [task_row("RW-001", 完成时限="2027-01-01")]).updated == 1

    task.refresh_from_db()
    assert task.deadline == dt.date(2027, 1, 1) and task.overdue_at is None


# ----- tasks: every bad row ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "message"),
    [("目标", "必填项“目标”为空"), ("牵头单位", "必填项“牵头单位”为空"), ("完成时限", "必填项“完成时限”为空")],
)
def test_the_three_musts_are_required(world, campaign, framework, column, message):
    result = tasks(campaign, world, [task_row("RW-001"), task_row("RW-002", **{column: None})])

    assert messages(result) == [(3, column, message)]
    assert not Task.objects.exists()


def test_a_deadline_that_cannot_be_read_is_reported_with_its_cell(world, campaign, framework):
    result = tasks(campaign, world, [task_row(完成时限="尽快")])

    assert messages(result) == [
        (
            2,
            "完成时限",
            "I 列「尽快」无法识别为完成时限（可写 2026年6月30日前、6月底前、第三季度、年底前，"
            "长期任务写“长期坚持”或“每季度”）",
        )
    ]


def test_unknown_units_are_reported(world, campaign, framework):
    result = tasks(campaign, world, [task_row(牵头单位="县外星局", 配合单位="城南街道、县月球办")])

    assert messages(result) == [
        (2, "牵头单位", "「县外星局」：找不到该单位（可填单位全称、简称、别名或编码）"),
        (2, "配合单位", "「县月球办」：找不到该单位（可填单位全称、简称、别名或编码）"),
    ]


def test_an_unknown_unit_name_suggests_the_nearest_units(world, campaign, framework):
    unit_create(name="县城市管理综合执法局", code="D09", kind=UnitKind.DEPARTMENT, group=UnitGroup.DEPARTMENT)

    result = tasks(campaign, world, [task_row(牵头单位="县城管执法局", 配合单位="城关镇")])

    assert messages(result) == [
        (2, "牵头单位", "「县城管执法局」：找不到该单位，您是不是要找：县城市管理综合执法局"),
        (2, "配合单位", "「城关镇」：找不到该单位，您是不是要找：城关街道"),
    ]


def test_units_are_found_as_people_write_them(world, campaign, framework):
    unit_alias_add(unit=world.town_b, name="城南办事处")
    unit_sets_seed()

    result = tasks(campaign, world, [task_row(牵头单位="住建局（牵头）、城南办事处", 配合单位="各乡镇（街道）")])

    task = Task.objects.get()
    assert result.ok and task.lead_unit == world.housing
    assert set(task.cooperating_units.all()) == {world.town_a, world.town_b}


def test_a_group_word_cannot_lead(world, campaign, framework):
    unit_sets_seed()

    result = tasks(campaign, world, [task_row(牵头单位="各街道", 配合单位=None)])

    assert messages(result) == [(2, "牵头单位", "「各街道」是多个单位，牵头单位只能填一个，其余单位请填在配合单位")]


def test_an_ambiguous_short_name_is_reported(world, campaign, framework):
    for unit in (world.town_a, world.town_b):
        unit.short_name = "街道办"
        unit.save()

    result = tasks(campaign, world, [task_row(牵头单位="街道办")])

    assert messages(result) == [(2, "牵头单位", "“街道办”对应多个单位（城关街道、城南街道），请填写全称")]


def test_the_lead_unit_cannot_also_cooperate(world, campaign, framework):
    result = tasks(campaign, world, [task_row(配合单位="城关街道")])

    assert messages(result) == [(2, "配合单位", "“城关街道”已是牵头单位，不能同时是配合单位")]


def test_an_unknown_evidence_type_is_reported(world, campaign, framework):
    result = tasks(campaign, world, [task_row(佐证材料="照片、录音")])

    assert [(r, c) for r, c, _m in messages(result)] == [(2, "佐证材料")]
    assert result.errors[0].message.startswith("未知的佐证材料类型：录音")


def test_an_unknown_indicator_is_reported(world, campaign, framework):
    result = tasks(campaign, world, [task_row(测评内容="P9.9 不存在的内容")])

    assert messages(result) == [(2, "测评内容", "未找到测评指标“P9.9 不存在的内容”（填编码或名称）")]


def test_a_row_without_any_indicator_is_reported(world, campaign, framework):
    result = tasks(campaign, world, [task_row(测评项目=None, 测评内容=None)])

    assert messages(result) == [(2, "测评标准", "测评项目、测评内容、测评标准至少填写一项")]


def test_an_ambiguous_indicator_name_names_the_row_and_the_codes(world, campaign, framework):
    from chuangcheng.indicators.tests.conftest import make_node

    other = make_node(campaign, "P2", "公共秩序", NodeLevel.PROJECT, "5")
    make_node(campaign, "P2.1", "垃圾分类", NodeLevel.INDICATOR, "1", other)

    result = tasks(campaign, world, [task_row(测评项目=None, 测评内容="垃圾分类")])

    assert messages(result) == [(2, "测评内容", "名称“垃圾分类”对应多个测评指标（编码 P1.1.2、P2.1），请改填编码")]


def test_a_broader_column_narrows_a_shared_name(world, campaign, framework):
    from chuangcheng.indicators.tests.conftest import make_node

    other = make_node(campaign, "P2", "公共秩序", NodeLevel.PROJECT, "5")
    make_node(campaign, "P2.1", "垃圾分类", NodeLevel.INDICATOR, "1", other)

    result = tasks(campaign, world, [task_row(测评项目="公共秩序", 测评内容="垃圾分类")])

    assert result.ok and Task.objects.get().indicator.code == "P2.1"


def test_a_broader_column_that_disagrees_is_reported(world, campaign, framework):
    from chuangcheng.indicators.tests.conftest import make_node

    make_node(campaign, "P2", "公共秩序", NodeLevel.PROJECT, "5")

    result = tasks(campaign, world, [task_row(测评项目="P2", 测评内容="P1.2.1 占道经营整治")])

    assert messages(result) == [
        (2, "测评内容", "“P1.2.1 占道经营整治”不在“P2 公共秩序”之下，请核对测评项目、测评内容、测评标准三列")
    ]


def test_a_duplicate_task_code_names_the_first_row(world, campaign, framework):
    result = tasks(campaign, world, [task_row("RW-001"), task_row("RW-001", 任务="另一项")])

    assert messages(result) == [(3, "任务编号", "任务编号“RW-001”在文件中重复（与第 2 行相同）")]


def test_a_task_file_without_indicator_columns_is_refused(world, campaign, framework):
    header = ["任务", "牵头单位", "完成时限", "目标"]
    data = xlsx_bytes(header, [["任务", "城关街道", "2026-12-31", "目标"]])

    result = import_tasks(campaign=campaign, data=data, by=world.office)

    assert messages(result) == [(None, "", "第 1 行（表头）缺少指标列：测评项目、测评内容、测评标准至少要有一列")]


def test_a_partial_task_import_writes_the_good_rows(world, campaign, framework):
    rows = [task_row("RW-001"), task_row("RW-002", 目标=None), task_row("RW-003")]

    result = tasks(campaign, world, rows, partial=True)

    assert result.written and (result.created, result.skipped) == (2, 1)
    assert messages(result) == [(3, "目标", "必填项“目标”为空")]
    assert sorted(Task.objects.values_list("code", flat=True)) == ["RW-001", "RW-003"]
    assert TaskEvent.objects.count() == 2


def test_an_all_or_nothing_task_import_writes_nothing_on_one_error(world, campaign, framework):
    result = tasks(campaign, world, [task_row("RW-001"), task_row("RW-002", 牵头单位="县外星局")])

    assert not result.written and not Task.objects.exists() and not TaskEvent.objects.exists()


def test_only_the_office_may_import_tasks(world, campaign, framework):
    with pytest.raises(DomainError):
        import_tasks(campaign=campaign, data=xlsx_bytes(TASK_HEADER, [task_row()]), by=world.admin_a)
    assert not Task.objects.exists()


def test_a_unit_of_another_kind_of_name_is_found_by_full_name_first(world, campaign, framework):
    # A department whose short name is another unit's full name: the full name wins.
    unit_create(
        name="城关街道环卫所",
        code="T01S",
        kind=UnitKind.DEPARTMENT,
        group=UnitGroup.DEPARTMENT,
        parent=world.town_a,
        short_name="城关街道",
    )

    result = tasks(campaign, world, [task_row()])

    assert result.ok and Task.objects.get().lead_unit == world.town_a
