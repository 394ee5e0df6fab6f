"""A 任务分解表 as a county office really keeps it (made by hand in Excel or WPS) imports.

Title rows above the header, 测评项目 and 测评内容 merged down their tasks, numbering in the
names, a blank spacer row, a 序号 column, notes and a signature block at the bottom, and
every way people write a deadline (including the tasks that never end).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chuangcheng.core.deadlines import period_end
from chuangcheng.core.tests.xlsx_helpers import human_sheet, restyle
from chuangcheng.indicators.imports import import_tasks
from chuangcheng.indicators.models import Task
from chuangcheng.indicators.tests.io_helpers import messages

pytestmark = pytest.mark.django_db

D = dt.date
HEADER = ["序号", "测评项目", "测评内容", "工作任务", "责任单位", "配合单位", "完成时限"]
# (task, lead unit, cooperating, deadline as written, (expected deadline or cycle))
TASKS = [
    ("主次干道每日机扫两次", "城关街道", "县住建局", "2027年6月30日前", D(2027, 6, 30)),
    ("背街小巷清扫保洁", "城南街道", None, "6月底前", D(2027, 6, 30)),
    ("建设垃圾分类投放点", "县住建局", None, "2027年8月", D(2027, 8, 31)),
    ("垃圾分类宣传进社区", "城关街道", None, "2027.5.31", D(2027, 5, 31)),
    ("整治店外经营", "城关街道", None, dt.datetime(2027, 5, 31), D(2027, 5, 31)),
    ("规范早夜市", "城南街道", None, "2027/5/31", D(2027, 5, 31)),
    # (a blank spacer row comes here)
    ("设置流动摊贩疏导点", "城南街道", None, "2027-05-31", D(2027, 5, 31)),
    ("清理占道堆放", "城关街道", None, "第三季度", D(2027, 9, 30)),
    ("取缔马路市场", "城南街道", None, "三季度末", D(2027, 9, 30)),
    ("规范临街广告牌", "县住建局", None, "年底前", D(2027, 12, 31)),
    ("整治乱搭乱建", "县住建局", None, "年内", D(2027, 12, 31)),
    ("清理非机动车乱停", "城关街道", None, "上半年", D(2027, 6, 30)),
    ("开展文明劝导", "城关街道", None, "长期坚持", "monthly"),
    ("巡查占道经营", "城南街道", None, "持续推进", "monthly"),
    ("门前三包", "城关街道", None, "常态化", "monthly"),
    ("错时执法", "城南街道", None, "长期", "monthly"),
    ("报送整治台账", "城关街道", None, "每月", "monthly"),
    ("召开推进会", "县住建局", None, "每季度", "quarterly"),
    ("校园周边整治", "城关街道", None, "每学期开学前", "monthly"),
]
# Where each task stands on the sheet, and what it hangs on.
ROWS = [4, 5, 6, 7, 8, 9, *range(11, 24)]
INDICATORS = ["P1.1.1"] * 2 + ["P1.1.2"] * 2 + ["P1.2.1"] * 15


def office_sheet(*, deadline_overrides: dict[int, object] | None = None) -> tuple[bytes, list[list]]:
    rows: list[list] = [
        ["XX县2027年创建省级文明城市任务分解表"],
        ["填报单位：县创建办（盖章）", None, None, None, "填报日期：2026年3月1日"],
        HEADER,
    ]
    contents = {4: "1.主次干道保洁", 6: "（二）垃圾分类", 8: "①占道经营整治", 11: "1.2.1 占道经营整治"}
    projects = {4: "一、公共环境", 11: "1.公共环境"}
    by_row = dict(zip(ROWS, TASKS, strict=True))
    for number in range(4, 24):
        if number not in by_row:
            rows.append([])  # the spacer
            continue
        title, lead, cooperating, deadline, _expected = by_row[number]
        if deadline_overrides and number in deadline_overrides:
            deadline = deadline_overrides[number]
        rows.append(
            [ROWS.index(number) + 1, projects.get(number), contents.get(number), title, lead, cooperating, deadline]
        )
    rows += [
        [],
        ["备注：1.责任单位为牵头单位，对任务完成负总责；2.长期任务每月报送进展。"],
        ["填表人：张三", None, "审核人：李四", None, "联系电话：0371-12345678"],
    ]
    merges = ("A1:G1", "A2:D2", "B4:B9", "B11:B23", "C4:C5", "C6:C7", "C8:C9", "C11:C23", "A25:G25")
    return human_sheet(rows, merges=merges, date_cells=("G8",)), rows


def imported() -> list[tuple]:
    return [
        (t.code, t.title, t.indicator.code, t.lead_unit.name, t.deadline, t.report_cycle)
        for t in Task.objects.select_related("indicator", "lead_unit").order_by("sort_order")
    ]


def expected() -> list[tuple]:
    today = timezone.localdate()
    seen: dict[str, int] = {}
    out = []
    for (title, lead, _coop, _raw, due), indicator in zip(TASKS, INDICATORS, strict=True):
        seen[indicator] = seen.get(indicator, 0) + 1
        cycle = due if isinstance(due, str) else ""
        deadline = period_end(today, cycle) if cycle else due
        out.append((f"{indicator}-{seen[indicator]}", title, indicator, lead, deadline, cycle))
    return out


def test_an_office_sheet_with_titles_merged_cells_numbering_and_a_footer_imports_row_by_row(world, campaign, framework):
    data, _rows = office_sheet()

    result = import_tasks(campaign=campaign, data=data, by=world.office)

    assert result.ok, messages(result)
    assert result.notes == ["第 3 行为表头（其上为标题）"]
    assert (result.rows_seen, result.created) == (19, 19)
    assert imported() == expected()
    first = Task.objects.get(code="P1.1.1-1")
    assert [u.name for u in first.cooperating_units.all()] == ["县住建局"]
    # No 目标 column: the task is its own target.
    assert first.target == "主次干道每日机扫两次"


@pytest.mark.parametrize(
    ("strings", "dates"), [("shared", "cell"), ("inline", "number"), ("inline", "text"), ("shared", "text")]
)
def test_the_same_sheet_written_by_excel_or_wps_imports_the_same(world, campaign, framework, strings, dates):
    data, _rows = office_sheet()
    other = restyle(data, strings=strings, dates=dates)
    assert other != data

    result = import_tasks(campaign=campaign, data=other, by=world.office)

    assert result.ok, messages(result)
    assert imported() == expected()


def test_importing_the_sheet_again_changes_nothing_and_keeps_the_ongoing_tasks_due_dates(world, campaign, framework):
    data, _rows = office_sheet()
    import_tasks(campaign=campaign, data=data, by=world.office)
    Task.objects.filter(code="P1.2.1-9").update(deadline=D(2099, 1, 31))  # moved on by its reports

    again = import_tasks(campaign=campaign, data=data, by=world.office)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 19)
    assert Task.objects.get(code="P1.2.1-9").deadline == D(2099, 1, 31)


def test_malformed_rows_are_reported_by_row_and_column_and_nothing_is_written(world, campaign, framework):
    data, _rows = office_sheet(deadline_overrides={7: "尽快", 12: "2027年2月30日"})

    result = import_tasks(campaign=campaign, data=data, by=world.office)

    hint = "（可写 2026年6月30日前、6月底前、第三季度、年底前，长期任务写“长期坚持”或“每季度”）"
    assert messages(result) == [
        (7, "完成时限", f"G 列「尽快」无法识别为完成时限{hint}"),
        (12, "完成时限", f"G 列「2027年2月30日」无法识别为完成时限{hint}"),
    ]
    assert not result.written and not Task.objects.exists()


def test_an_unknown_unit_is_still_a_row_error(world, campaign, framework):
    rows = [["XX县创建任务分解表"], HEADER, [1, "一、公共环境", "1.主次干道保洁", "机扫", "县外星局", None, "年底前"]]

    result = import_tasks(campaign=campaign, data=human_sheet(rows, merges=("A1:G1",)), by=world.office)

    assert messages(result) == [(3, "责任单位", "「县外星局」：找不到该单位（可填单位全称、简称、别名或编码）")]


def test_without_a_year_in_the_title_the_campaigns_year_is_taken(world, campaign, framework):
    rows = [["XX县创建任务分解表"], HEADER, [1, "公共环境", "主次干道保洁", "机扫", "城关街道", None, "6月底前"]]

    import_tasks(campaign=campaign, data=human_sheet(rows), by=world.office)

    assert Task.objects.get().deadline == D(2027, 6, 30)  # the campaign is WMXC-2027


def test_the_export_of_imported_ongoing_tasks_imports_back_unchanged(world, campaign, framework):
    from chuangcheng.indicators.exports import export_tasks

    data, _rows = office_sheet()
    import_tasks(campaign=campaign, data=data, by=world.office)

    again = import_tasks(campaign=campaign, data=export_tasks(Task.objects.all()), by=world.office)

    assert again.ok, messages(again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 19)
    assert imported() == expected()


def county_sheet_without_a_framework(unit: str = "城南街道") -> bytes:
    rows = [
        ["XX县2027年创建省级文明城市任务分解表"],
        ["序号", "测评项目", "测评内容", "测评标准", "工作任务", "责任单位", "完成时限"],
        [
            1,
            "一、廉洁高效的政务环境",
            "1.政务公开",
            "①政府信息公开及时",
            "按月更新政府信息公开专栏",
            "城关街道",
            "每月",
        ],
        [2, None, None, "②政务服务便民", "设立帮办代办窗口", "县住建局", "2027年6月30日前"],
        [3, None, "2.诚信建设", "①诚信宣传", "开展诚信主题宣传", unit, "年底前"],
        [4, "二、公共环境", "1.主次干道保洁", None, "主次干道每日机扫两次", "城关街道", "长期坚持"],
    ]
    return human_sheet(rows, merges=("A1:G1", "B3:B5", "C3:C4"))


def test_the_framework_is_built_from_the_sheet_when_asked(world, campaign, framework):
    from chuangcheng.indicators.models import IndicatorNode

    result = import_tasks(
        campaign=campaign, data=county_sheet_without_a_framework(), by=world.office, build_framework=True
    )

    assert result.ok, messages(result)
    assert result.created == 4
    built = IndicatorNode.objects.filter(campaign=campaign).exclude(code__startswith="P").order_by("code")
    assert [(n.code, n.level, n.name, n.max_score, n.parent.code if n.parent else None) for n in built] == [
        ("2", 1, "廉洁高效的政务环境", 0, None),
        ("2.1", 3, "政务公开", 0, "2"),
        ("2.1.1", 4, "政府信息公开及时", 0, "2.1"),
        ("2.1.2", 4, "政务服务便民", 0, "2.1"),
        ("2.2", 3, "诚信建设", 0, "2"),
        ("2.2.1", 4, "诚信宣传", 0, "2.2"),
    ]
    assert [n.path for n in built] == [f"{n.parent.path if n.parent else '/'}{n.pk}/" for n in built]
    # 公共环境 / 主次干道保洁 were there already: the task hangs on them.
    assert Task.objects.get(title="主次干道每日机扫两次").indicator == framework.standards[0]
    assert Task.objects.get(title="设立帮办代办窗口").indicator.code == "2.1.2"
    assert "按表格补建了 6 个测评指标" in result.warnings[0]


def test_without_the_option_missing_indicators_are_row_errors_and_nothing_is_built(world, campaign, framework):
    from chuangcheng.indicators.models import IndicatorNode

    before = IndicatorNode.objects.count()

    result = import_tasks(campaign=campaign, data=county_sheet_without_a_framework(), by=world.office)

    assert [(e.row, e.column) for e in result.errors] == [(3, "测评项目"), (4, "测评项目"), (5, "测评项目")]
    assert "按表格补建测评体系" in result.warnings[0]
    assert IndicatorNode.objects.count() == before and not Task.objects.exists()


def test_a_refused_import_builds_no_framework_either(world, campaign, framework):
    from chuangcheng.indicators.models import IndicatorNode

    before = IndicatorNode.objects.count()
    data = county_sheet_without_a_framework(unit="县外星局")

    result = import_tasks(campaign=campaign, data=data, by=world.office, build_framework=True)

    assert not result.written and result.errors
    assert IndicatorNode.objects.count() == before
