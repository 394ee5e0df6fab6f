"""Export the indicator framework and the 任务分解表 as .xlsx, in the importers' layouts.

The columns are ``imports.FRAMEWORK_COLUMNS`` / ``imports.TASK_COLUMNS`` and every cell is
written the way the importer reads it back (indicators as "code name", units by full name,
dates as date cells), so export → import reports no change. Templates are the same layouts
with a sample row or two and a 说明 sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from chuangcheng.cases.models import Category
from chuangcheng.core.xlsx import as_cell, value_cell

from .choices import AssessmentMethod, EvidenceType, NodeLevel, ReportCycle, TaskStatus
from .imports import FRAMEWORK_COLUMNS, TASK_COLUMNS, Column
from .models import Campaign, IndicatorNode, Task

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9C1"))
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)

# Column widths (Excel character units) by field; long texts wrap.
FRAMEWORK_WIDTHS = {
    "code": 12,
    "parent": 12,
    "level": 10,
    "name": 28,
    "text": 60,
    "max_score": 8,
    "weight": 8,
    "method": 18,
    "categories": 24,
}
TASK_WIDTHS = {
    "seq": 6,
    "code": 14,
    "project": 20,
    "content": 24,
    "standard": 30,
    "title": 36,
    "lead_unit": 16,
    "cooperating_units": 24,
    "deadline": 12,
    "target": 36,
    "evidence_types": 18,
    "description": 30,
    "status": 10,
    "percent": 10,
}
_WRAPPED = frozenset({"text", "title", "target", "description", "standard", "content"})

# Read-only columns at the end of the task export: the importer ignores them.
TASK_EXTRA_COLUMNS = (
    Column("status", "状态", readonly=True, help="导出时填写，导入时忽略"),
    Column("percent", "完成进度（%）", readonly=True, help="导出时填写，导入时忽略"),
)


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    widths: dict[str, int]


def _header_cell(ws: Any, text: str) -> WriteOnlyCell:
    cell = as_cell(ws, text)
    cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_BORDER, _HEADER_ALIGN
    return cell


def _cell(ws: Any, value: Any, wrap: bool) -> Any:
    return value_cell(ws, value, alignment=_WRAP if wrap and isinstance(value, str) else None)


def _write_sheet(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook.create_sheet(title=sheet.title[:31])
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = sheet.widths.get(column.field, 14)
    ws.freeze_panes = "A2"
    ws.append([_header_cell(ws, c.header) for c in sheet.columns])
    wraps = [c.field in _WRAPPED for c in sheet.columns]
    for row in sheet.rows:
        ws.append([_cell(ws, value, wrap) for value, wrap in zip(row, wraps, strict=True)])


def _guide_sheet(workbook: Workbook, columns: Sequence[Column], notes: Sequence[str]) -> None:
    ws = workbook.create_sheet(title=_("说明"))
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 80
    for note in notes:
        ws.append([value_cell(ws, note)])
    ws.append([])
    ws.append([_header_cell(ws, _("列名")), _header_cell(ws, _("必填")), _header_cell(ws, _("说明"))])
    for column in columns:
        ws.append([value_cell(ws, v) for v in (column.header, _("是") if column.required else "", str(column.help))])


def _workbook_bytes(sheet: Sheet, guide: tuple[Sequence[Column], Sequence[str]] | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, sheet)
    if guide is not None:
        _guide_sheet(workbook, *guide)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value: Decimal) -> int | float:
    """A score as Excel shows it: 10 rather than 10.00."""
    return int(value) if value == value.to_integral_value() else float(value)


# ----- the framework ---------------------------------------------------------------------------


def framework_nodes(campaign: Campaign, *, with_categories: bool = True) -> list[IndicatorNode]:
    """The campaign's nodes depth first, siblings by sort order then code (parents before children)."""
    query = IndicatorNode.objects.filter(campaign=campaign)
    nodes = list(query.prefetch_related("categories") if with_categories else query)
    children: dict[int | None, list[IndicatorNode]] = {}
    ids = {n.pk for n in nodes}
    for node in nodes:
        children.setdefault(node.parent_id if node.parent_id in ids else None, []).append(node)
    ordered: list[IndicatorNode] = []

    def visit(parent: int | None) -> None:
        for node in sorted(children.get(parent, []), key=lambda n: (n.sort_order, n.code)):
            ordered.append(node)
            visit(node.pk)

    visit(None)
    return ordered


def _category_labels() -> dict[int, str]:
    """A 小类's name, or its code when another 小类 has the same name (names must import back)."""
    leaves = list(Category.objects.filter(parent__isnull=False).values_list("pk", "code", "name"))
    counts: dict[str, int] = {}
    for _pk, _code, name in leaves:
        counts[name] = counts.get(name, 0) + 1
    return {pk: (name if counts[name] == 1 else code) for pk, code, name in leaves}


def framework_rows(campaign: Campaign) -> Iterator[list[Any]]:
    nodes = framework_nodes(campaign)
    codes = {n.pk: n.code for n in nodes}
    levels = dict(NodeLevel.choices)
    methods = dict(AssessmentMethod.choices)
    labels = _category_labels()
    for node in nodes:
        categories = sorted(node.categories.all(), key=lambda c: (c.sort_order, c.code))
        yield [
            node.code,
            codes.get(node.parent_id) if node.parent_id else None,
            str(levels.get(node.level, node.level)),
            node.name,
            node.text or None,
            _number(node.max_score),
            _number(node.weight),
            str(methods[node.method]) if node.method else None,
            "、".join(labels[c.pk] for c in categories) or None,
        ]


def export_framework(campaign: Campaign) -> bytes:
    """The campaign's framework in the import layout."""
    return _workbook_bytes(Sheet(_("测评体系"), FRAMEWORK_COLUMNS, framework_rows(campaign), FRAMEWORK_WIDTHS))


FRAMEWORK_SAMPLE: list[list[Any]] = [
    ["1", None, "测评项目", "公共环境", None, 10, 1, None, None],
    [
        "1.1",
        "1",
        "测评内容",
        "环境卫生",
        "主次干道、背街小巷路面干净，无暴露垃圾",
        6,
        1,
        "实地考察",
        None,
    ],
]


def framework_template() -> bytes:
    notes = [
        _("测评体系导入模板：每行一个指标，第 2、3 行是示例，导入前请删除或改成实际内容。"),
        _("按“编码”匹配：已有的编码更新，新的编码新增；文件中没有的已有指标不会被删除。"),
        _("上级必须在本文件中或已导入；下级满分合计不能超过上级满分；最多 4 级。"),
    ]
    sheet = Sheet(_("测评体系"), FRAMEWORK_COLUMNS, FRAMEWORK_SAMPLE, FRAMEWORK_WIDTHS)
    return _workbook_bytes(sheet, (FRAMEWORK_COLUMNS, notes))


# ----- the 任务分解表 ----------------------------------------------------------------------------


def _label(node: IndicatorNode | None) -> str | None:
    return f"{node.code} {node.name}" if node else None


def indicator_cells(node: IndicatorNode, by_id: dict[int, IndicatorNode]) -> list[str | None]:
    """(测评项目, 测评内容, 测评标准) for a task's node, the node itself in the most specific one."""
    chain, current = [], node
    while current is not None and current not in chain:
        chain.append(current)
        current = by_id.get(current.parent_id) if current.parent_id else None  # type: ignore[assignment]
    root = chain[-1]
    if node is root:
        return [_label(node), None, None]
    if node.level >= NodeLevel.STANDARD:
        return [_label(root), _label(chain[1]), _label(node)]
    return [_label(root), _label(node), None]


# An ongoing task's 完成时限 cell: what the importer reads back as the same cycle (a file format, not translated).
ONGOING_CELLS = {ReportCycle.MONTHLY.value: "长期（每月报送）", ReportCycle.QUARTERLY.value: "长期（每季度报送）"}


def task_rows(tasks: QuerySet[Task], *, today: dt.date | None = None) -> Iterator[list[Any]]:
    today = today or timezone.localdate()
    tasks = tasks.select_related("lead_unit", "indicator").prefetch_related("cooperating_units")
    campaigns = Campaign.objects.filter(pk__in=tasks.order_by().values("campaign_id")).order_by("sort_order", "code")
    position: dict[int, tuple[int, int]] = {}
    by_id: dict[int, IndicatorNode] = {}
    for campaign_index, campaign in enumerate(campaigns):
        for node_index, node in enumerate(framework_nodes(campaign, with_categories=False)):
            position[node.pk] = (campaign_index, node_index)
            by_id[node.pk] = node
    evidence = dict(EvidenceType.choices)
    statuses = dict(TaskStatus.choices)
    # Framework order (as the framework export), then the order tasks were imported in.
    ordered = sorted(tasks, key=lambda t: (position.get(t.indicator_id, (0, 0)), t.sort_order, t.code))
    for seq, task in enumerate(ordered, start=1):
        cooperating = sorted(task.cooperating_units.all(), key=lambda u: (u.path, u.pk))
        status = task.status
        if status != TaskStatus.DONE and task.deadline < today:
            status = TaskStatus.OVERDUE
        yield [
            seq,
            task.code,
            *indicator_cells(by_id.get(task.indicator_id, task.indicator), by_id),
            task.title,
            task.lead_unit.name,
            "、".join(u.name for u in cooperating) or None,
            ONGOING_CELLS.get(task.report_cycle, task.deadline),
            task.target,
            "、".join(str(evidence[e]) for e in task.evidence_types if e in evidence) or None,
            task.description or None,
            str(statuses[status]),
            task.percent,
        ]


def export_tasks(tasks: QuerySet[Task]) -> bytes:
    """The tasks as a 任务分解表 (plus read-only status and progress columns)."""
    columns = (*TASK_COLUMNS, *TASK_EXTRA_COLUMNS)
    return _workbook_bytes(Sheet(_("任务分解表"), columns, task_rows(tasks), TASK_WIDTHS))


TASK_SAMPLE: list[list[Any]] = [
    [
        1,
        "RW-001",
        "1 公共环境",
        "1.1 环境卫生",
        None,
        "开展主次干道环境卫生集中整治",
        "县住建局",
        "城关街道、城南街道",
        dt.date(2026, 12, 31),
        "主次干道机扫率达到 90% 以上，无暴露垃圾",
        "照片、台账/表格",
        "每周一报送整治台账",
    ],
    [
        2,
        None,
        None,
        "1.1 环境卫生",
        None,
        "建立背街小巷保洁长效机制",
        "城关街道",
        None,
        "2026年12月31日",
        "出台保洁制度并落实到人",
        "文件/方案",
        None,
    ],
]


def tasks_template() -> bytes:
    notes = [
        _("任务分解表导入模板：每行一项任务，第 2、3 行是示例，导入前请删除或改成实际内容。"),
        _("三明确：目标、牵头单位、完成时限必须填写。"),
        _("测评项目、测评内容、测评标准填编码或名称（如“1.1 环境卫生”），任务挂在填写的最具体一级上。"),
        _(
            "任务编号留空时自动编为“指标编码-序号”（该指标下未填编号的任务按文件中的先后排序）；"
            "导出的文件带有编号，修改后重新导入即按编号更新。"
        ),
    ]
    sheet = Sheet(_("任务分解表"), TASK_COLUMNS, TASK_SAMPLE, TASK_WIDTHS)
    return _workbook_bytes(sheet, (TASK_COLUMNS, notes))
