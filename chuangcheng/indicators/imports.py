"""Import a campaign's indicator framework and its 任务分解表 from .xlsx.

Modelled on ``places/imports.py``: every row is validated before anything is written, every
error names its Excel row and column in Chinese, and rows are matched to existing objects by
code, so re-importing a file updates instead of duplicating. With ``partial=True`` the rows
without errors are written and the others reported ("仅导入无误的行"); otherwise one error
writes nothing.

The column lists below are also the layouts ``exports.py`` writes, so an exported workbook
imports back with nothing changed.

Framework: one row per node; a node's parent is named by code (in the file or already in the
campaign). Nodes in the campaign that the file does not mention are never deleted, only
counted in a warning.

任务分解表: one row per task. The indicator is the most specific of 测评标准 / 测评内容 / 测评项目
given, matched by code, by a leading code ("1.2.3 主次干道") or by exact name; broader cells
narrow a name shared by several nodes and must agree with the chosen node. A row without
任务编号 gets the code ``<indicator code>-<n>``, n being the position (from 1) of the row among
the rows of the same indicator without 任务编号, in file order: re-importing the same file
updates those tasks, and an export writes the codes out so later edits keep them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Generic, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuangcheng.cases.models import Category
from chuangcheng.core.deadlines import Deadline, parse_deadline, period_end, year_in
from chuangcheng.core.errors import DomainError
from chuangcheng.core.importing import (
    ImportFileError,
    ImportResult,
    RowError,
    Table,
    as_text,
    check_size,
    header_lookup,
    normalise_header,
    read_sheet,
    require_columns,
    required_message,
    strip_ordinal,
    too_long_message,
)
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.selectors import NameResolution, UnitNameIndex

from .access import can_manage_tasks
from .choices import AssessmentMethod, EvidenceType, NodeLevel, TaskAction, TaskStatus
from .models import Campaign, IndicatorNode, Task, TaskEvent

BATCH_SIZE = 500
MAX_DEPTH = 4
# Nodes the file does not mention are listed by code in the warning, up to this many.
MISSING_SHOWN = 20

LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
R = TypeVar("R")


@dataclass(frozen=True)
class Column:
    """One column of a layout: field code, Chinese header (a file format, not translated), help.

    ``aliases`` are other headers officials use for the same column; ``readonly`` columns
    are exported for people to read and ignored on import.
    """

    field: str
    header: str
    required: bool = False
    readonly: bool = False
    help: Any = ""
    aliases: tuple[str, ...] = ()


FRAMEWORK_COLUMNS = (
    Column("code", "编码", required=True, help=gettext_lazy("如 1、1.2、1.2.3，在本创建项目内唯一，不含空格")),
    Column("parent", "上级编码", help=gettext_lazy("测评项目（顶级）留空；上级可在文件中或已导入")),
    Column(
        "level",
        "层级",
        help=gettext_lazy("测评项目、指标、测评内容、测评标准，或 1～4；留空则为上级的下一级（已有指标保留原层级）"),
    ),
    Column("name", "名称", required=True),
    Column("text", "内容/标准", help=gettext_lazy("测评内容或测评标准的全文"), aliases=("内容", "标准")),
    Column("max_score", "满分", required=True, help=gettext_lazy("数字，最多两位小数；下级满分合计不能超过上级")),
    Column("weight", "权重", help=gettext_lazy("数字，留空为 1")),
    Column(
        "method",
        "测评方式",
        help=gettext_lazy("材料审核/网上申报、实地考察、问卷调查、数据指标；也可只写“材料审核”或“网上申报”"),
    ),
    Column(
        "categories",
        "关联问题类别",
        help=gettext_lazy("问题小类的名称或编码，多个用顿号分隔，如 暴露垃圾、占道经营"),
    ),
)

TASK_COLUMNS = (
    Column("seq", "序号", readonly=True, help=gettext_lazy("仅便于阅读，导入时忽略")),
    Column(
        "code",
        "任务编号",
        help=gettext_lazy("留空则按“指标编码-序号”自动编号；填写后重复导入按编号更新"),
        aliases=("编号",),
    ),
    Column(
        "project",
        "测评项目",
        help=gettext_lazy("编码或名称，如“1 基础工作”或“基础工作”；“一、”“1.”等序号可保留"),
        aliases=("一级指标", "测评项目（一级指标）"),
    ),
    Column("content", "测评内容", help=gettext_lazy("编码或名称"), aliases=("二级指标", "测评内容（二级指标）")),
    Column(
        "standard",
        "测评标准",
        help=gettext_lazy("编码或名称；任务挂在填写的最具体一级上，名称重名时用上级列区分或写编码"),
        aliases=("三级指标", "测评标准（三级指标）", "评分标准"),
    ),
    Column(
        "title",
        "任务",
        required=True,
        help=gettext_lazy("要做的事"),
        aliases=("任务内容", "创建任务", "工作任务", "具体任务", "重点任务", "主要任务", "工作内容", "工作措施"),
    ),
    Column(
        "lead_unit",
        "牵头单位",
        required=True,
        help=gettext_lazy("单位全称、简称或编码"),
        aliases=("责任单位", "主责单位", "牵头部门", "责任部门", "主责部门"),
    ),
    Column(
        "cooperating_units",
        "配合单位",
        help=gettext_lazy("多个用顿号分隔"),
        aliases=("配合部门", "协办单位", "协同单位"),
    ),
    Column(
        "deadline",
        "完成时限",
        required=True,
        help=gettext_lazy(
            "日期，如 2026-12-31、2026年6月30日前、6月底前、第三季度、年底前；"
            "长期任务写“长期坚持”“常态化”（每月报送）或“每季度”（每季度报送）"
        ),
        aliases=("完成时间", "时限要求", "时间要求", "完成期限", "时限", "时间节点"),
    ),
    Column(
        "target",
        "目标",
        help=gettext_lazy("可衡量的目标；文件没有这一列时同“任务”"),
        aliases=("目标任务", "工作目标", "目标要求"),
    ),
    Column(
        "evidence_types",
        "佐证材料",
        help=gettext_lazy("文件/方案、照片、台账/表格、会议记录、总结报告、其他；多个用顿号分隔"),
    ),
    Column("description", "任务说明", aliases=("备注",)),
)


@dataclass
class SourceRow:
    number: int
    values: dict[str, Any]


# ----- small readers -------------------------------------------------------------------------


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(as_text(value)) if part.strip()]


def read_rows(data: bytes, columns: tuple[Column, ...]) -> tuple[Table, list[SourceRow]]:
    """(the sheet as read, rows with values by field) of the first sheet."""
    check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("文件是空的"))
    lookup = header_lookup((name, c) for c in columns for name in (c.header, c.field, *c.aliases))
    table = read_sheet(data, lookup)
    missing = [c.header for c in columns if c.required and c.field not in table.headers]
    require_columns(missing, header_row=table.header_row)
    return table, [SourceRow(number, values) for number, values in table.rows]


def parse_decimal(raw: Any, *, what: str, max_digits: int, places: int = 2) -> Decimal:
    """A non-negative number with at most ``places`` decimals that fits the model field."""
    if isinstance(raw, bool):
        raise ValueError(_("%(what)s“%(value)s”不是数字") % {"what": what, "value": raw})
    try:
        number = Decimal(str(raw).strip()) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        raise ValueError(_("%(what)s“%(value)s”不是数字") % {"what": what, "value": as_text(raw)}) from None
    if not number.is_finite():
        raise ValueError(_("%(what)s“%(value)s”不是数字") % {"what": what, "value": as_text(raw)})
    if number < 0:
        raise ValueError(_("%(what)s不能为负数（%(value)s）") % {"what": what, "value": as_text(raw)})
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValueError(
            _("%(what)s最多 %(places)s 位小数（%(value)s）") % {"what": what, "places": places, "value": raw}
        )
    if number >= Decimal(10) ** (max_digits - places):
        raise ValueError(_("%(what)s“%(value)s”过大") % {"what": what, "value": as_text(raw)})
    return number


def _require_office(by: Person | None) -> None:
    """The office imports; ``by=None`` is the system (a management command loading a framework)."""
    if by is not None and not can_manage_tasks(by):
        raise DomainError(_("只有创建办可以导入测评体系和任务分解表"), code="forbidden")


class _RowCleaner:
    """Collects one row's cleaned values and its errors, each error naming its column."""

    def __init__(self, row: SourceRow, headers: dict[str, str], columns: tuple[Column, ...]) -> None:
        self.row = row
        self.headers = headers
        self.defaults = {c.field: c.header for c in columns}
        self.errors: list[RowError] = []

    def header(self, field_code: str) -> str:
        return self.headers.get(field_code, self.defaults[field_code])

    def error(self, field_code: str, message: str) -> None:
        self.errors.append(RowError(self.row.number, self.header(field_code), message))

    def raw(self, field_code: str) -> Any:
        value = self.row.values.get(field_code)
        return None if value == "" else value

    def text(self, field_code: str, *, limit: int, required: bool = False) -> str:
        text = as_text(self.raw(field_code))
        if not text and required:
            self.error(field_code, required_message(self.header(field_code)))
        elif message := too_long_message(text, limit):
            self.error(field_code, message)
        return text


class _CampaignImporter(Generic[R]):
    """Read and check the header, validate every row, then write in one transaction (one subclass per layout)."""

    kind: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]

    def __init__(self, *, campaign: Campaign, by: Person | None, partial: bool = False) -> None:
        self.campaign = campaign
        self.by = by
        self.partial = partial

    def run(self, data: bytes) -> ImportResult:
        _require_office(self.by)
        result = ImportResult(kind=self.kind)
        try:
            self.table, rows = read_rows(data, self.columns)
            self.headers = self.table.headers
            result.read_from(self.table)
            self._check_header()
        except ImportFileError as exc:
            return result.file_error(str(exc))
        result.rows_seen = len(rows)
        if not rows:
            return result.no_rows()
        with transaction.atomic():
            self._load(rows)
            cleaned = self._clean_all(rows, result)
            if result.errors and not self.partial:
                transaction.set_rollback(True)  # what _load built for the rows (按表格补建) goes too
                self._warn_failed(result)
                return result
            result.skipped = len(rows) - len(cleaned)
            if cleaned:
                result.created, result.updated, result.unchanged = self._write(cleaned)
                result.written = True
            self._warn(rows, result)
        return result

    def _check_header(self) -> None:
        """Header rules beyond the required columns; raises ImportFileError."""

    def _load(self, rows: list[SourceRow]) -> None:
        """Load what the rows refer to, in a few queries."""

    def _clean_all(self, rows: list[SourceRow], result: ImportResult) -> list[R]:
        raise NotImplementedError

    def _write(self, rows: list[R]) -> tuple[int, int, int]:
        """Create or update by code; returns (created, updated, unchanged)."""
        raise NotImplementedError

    def _warn(self, rows: list[SourceRow], result: ImportResult) -> None:
        """Add warnings about a written import."""

    def _warn_failed(self, result: ImportResult) -> None:
        """Add warnings about an import refused for its errors."""


# ----- the framework ---------------------------------------------------------------------------


@dataclass
class NodeRow:
    """A framework row that passed the per-row checks."""

    number: int
    code: str
    parent: str | None
    level: int | None
    name: str
    text: str
    max_score: Decimal
    weight: Decimal
    method: str
    categories: frozenset[int]


_LEVELS: dict[str, int] = {str(label): int(value) for value, label in NodeLevel.choices} | {
    str(int(value)): int(value) for value in NodeLevel.values
}


def _method_lookup() -> dict[str, str]:
    lookup = {str(label): value for value, label in AssessmentMethod.choices} | {v: v for v in AssessmentMethod.values}
    lookup.update({"材料审核": AssessmentMethod.MATERIAL, "网上申报": AssessmentMethod.MATERIAL})
    lookup.update({"网上申报/材料审核": AssessmentMethod.MATERIAL})
    return {normalise_header(k): v for k, v in lookup.items()}


class FrameworkImporter(_CampaignImporter["NodeRow"]):
    """Validate every row and the tree they make with the campaign's nodes, then write in one transaction."""

    kind = "framework"
    columns = FRAMEWORK_COLUMNS

    def __init__(self, *, campaign: Campaign, by: Person | None, partial: bool = False) -> None:
        super().__init__(campaign=campaign, by=by, partial=partial)
        self.methods = _method_lookup()

    # ----- lookups --------------------------------------------------------------------------

    def _load(self, rows: list[SourceRow]) -> None:
        nodes = list(IndicatorNode.objects.filter(campaign=self.campaign))
        self.existing = {n.code: n for n in nodes}
        codes_by_id = {n.pk: n.code for n in nodes}
        self.existing_parent = {n.code: codes_by_id.get(n.parent_id) if n.parent_id else None for n in nodes}
        through = IndicatorNode.categories.through
        self.current_categories: dict[int, set[int]] = {}
        pairs = through.objects.filter(indicatornode__campaign=self.campaign).values_list(
            "indicatornode_id", "category_id"
        )
        for node_id, category_id in pairs:
            self.current_categories.setdefault(node_id, set()).add(category_id)
        self.categories: dict[str, set[int]] = {}
        for category in Category.objects.filter(parent__isnull=False).select_related("parent"):
            for key in (category.code, category.name, f"{category.parent.name}/{category.name}"):  # type: ignore[union-attr]
                self.categories.setdefault(key, set()).add(category.pk)

    # ----- per-row checks -------------------------------------------------------------------

    def _clean_all(self, rows: list[SourceRow], result: ImportResult) -> list[NodeRow]:
        cleaned = self._check_tree_all(self._clean_rows(rows, result), result)
        result.errors.sort(key=lambda e: e.row or 0)
        return cleaned

    def _clean_rows(self, rows: list[SourceRow], result: ImportResult) -> list[NodeRow]:
        cleaned: list[NodeRow] = []
        first_seen: dict[str, int] = {}
        # Codes of rows with errors: a child naming one is told why its parent is missing.
        self.failed: dict[str, int] = {}
        for row in rows:
            cleaner = _RowCleaner(row, self.headers, FRAMEWORK_COLUMNS)
            item = self._clean_row(cleaner)
            code = as_text(row.values.get("code"))
            if code and code in first_seen:
                cleaner.error(
                    "code",
                    _("编码“%(code)s”在文件中重复（与第 %(first)s 行相同）")
                    % {"code": code, "first": first_seen[code]},
                )
            elif code:
                first_seen[code] = row.number
            if cleaner.errors or item is None:
                result.errors.extend(cleaner.errors)
                if code:
                    self.failed.setdefault(code, row.number)
                continue
            cleaned.append(item)
        return cleaned

    def _clean_row(self, c: _RowCleaner) -> NodeRow | None:
        code = c.text("code", limit=30, required=True)
        if code and re.search(r"\s", code):
            c.error("code", _("编码“%(code)s”不能包含空格") % {"code": code})
        parent = as_text(c.raw("parent")) or None
        if parent is not None and parent == code:
            c.error("parent", _("上级编码不能是本项的编码"))
        level = self._level(c)
        name = c.text("name", limit=200, required=True)
        text = as_text(c.raw("text"))
        max_score = self._number(c, "max_score", max_digits=7, required=True)
        weight = self._number(c, "weight", max_digits=5, default=Decimal("1"))
        method = self._method(c)
        categories = self._categories(c)
        if c.errors or max_score is None or weight is None:
            return None
        return NodeRow(c.row.number, code, parent, level, name, text, max_score, weight, method, categories)

    @staticmethod
    def _level(c: _RowCleaner) -> int | None:
        raw = c.raw("level")
        if raw is None:
            return None
        level = _LEVELS.get(re.sub(r"\s+", "", as_text(raw)))
        if level is None:
            labels = "、".join(str(label) for _v, label in NodeLevel.choices)
            c.error(
                "level",
                _("未知的层级“%(value)s”，可选：%(labels)s（或 1～4）") % {"value": as_text(raw), "labels": labels},
            )
        return level

    @staticmethod
    def _number(
        c: _RowCleaner, field_code: str, *, max_digits: int, required: bool = False, default: Any = None
    ) -> Any:
        raw = c.raw(field_code)
        if raw is None:
            if required:
                c.error(field_code, required_message(c.header(field_code)))
            return default
        try:
            return parse_decimal(raw, what=c.header(field_code), max_digits=max_digits)
        except ValueError as exc:
            c.error(field_code, str(exc))
            return None

    def _method(self, c: _RowCleaner) -> str:
        raw = as_text(c.raw("method"))
        if not raw:
            return ""
        method = self.methods.get(normalise_header(raw.replace("／", "/")))
        if method is None:
            labels = "、".join(str(label) for _v, label in AssessmentMethod.choices)
            c.error("method", _("未知的测评方式“%(value)s”，可选：%(labels)s") % {"value": raw, "labels": labels})
            return ""
        return method

    def _categories(self, c: _RowCleaner) -> frozenset[int]:
        found: set[int] = set()
        unknown, ambiguous = [], []
        for name in split_list(c.raw("categories")):
            ids = self.categories.get(name) or self.categories.get(name.replace("／", "/"))
            if not ids:
                unknown.append(name)
            elif len(ids) > 1:
                ambiguous.append(name)
            else:
                found |= ids
        if unknown:
            c.error(
                "categories",
                _("未找到问题类别：%(names)s（填问题小类的名称或编码）") % {"names": "、".join(unknown)},
            )
        if ambiguous:
            c.error(
                "categories",
                _("问题类别名称“%(names)s”对应多个小类，请改填编码或“大类/小类”") % {"names": "、".join(ambiguous)},
            )
        return frozenset(found)

    # ----- the tree ---------------------------------------------------------------------------

    def _check_tree_all(self, rows: list[NodeRow], result: ImportResult) -> list[NodeRow]:
        """Tree checks over the campaign's nodes with the file's rows laid over them.

        In partial mode a row that fails is dropped and the tree is checked again, because
        its children may now be orphans (or the parent's old score comes back).
        """
        while rows:
            errors = self._check_tree(rows)
            if not errors:
                break
            result.errors.extend(errors)
            if not self.partial:
                break
            bad = {e.row for e in errors}
            for row in rows:
                if row.number in bad:
                    self.failed.setdefault(row.code, row.number)
            rows = [r for r in rows if r.number not in bad]
        return rows

    def _check_tree(self, rows: list[NodeRow]) -> list[RowError]:
        errors: dict[int, RowError] = {}
        by_code = {r.code: r for r in rows}
        # A failed row whose code is already stored leaves the stored node in place for its children.
        parent_of = self.existing_parent | {r.code: r.parent for r in rows}

        def fail(row: NodeRow, field_code: str, message: str) -> None:
            header = self.headers.get(field_code, next(c.header for c in FRAMEWORK_COLUMNS if c.field == field_code))
            errors.setdefault(row.number, RowError(row.number, header, message))

        for row in rows:
            if row.parent is None or row.parent in parent_of:
                continue
            if row.parent in self.failed:
                message = _("上级编码“%(code)s”所在的第 %(row)s 行有错误") % {
                    "code": row.parent,
                    "row": self.failed[row.parent],
                }
            else:
                message = _("未找到上级编码“%(code)s”（文件中和已导入的测评体系中都没有）") % {"code": row.parent}
            fail(row, "parent", message)
        if errors:
            return list(errors.values())
        levels = self._levels(rows, parent_of, fail)
        if errors:
            return list(errors.values())
        self._check_levels(rows, by_code, parent_of, levels, fail)
        self._check_scores(rows, by_code, parent_of, fail)
        return list(errors.values())

    def _levels(self, rows: list[NodeRow], parent_of: dict[str, str | None], fail: Any) -> dict[str, int]:
        """Every node's level: given, stored, or its parent's plus one; cycles are reported."""
        given = {r.code: r.level for r in rows}
        levels: dict[str, int] = {}

        def level_of(code: str, trail: list[str]) -> int:
            if code in levels:
                return levels[code]
            if code in trail:
                raise _Cycle([*trail[trail.index(code) :], code])
            level = given.get(code) if code in given else self.existing[code].level
            if level is None:
                parent = parent_of.get(code)
                parent_level = level_of(parent, [*trail, code]) if parent else 0
                # An empty cell keeps a stored node's level while it is still below its parent.
                stored = self.existing.get(code)
                level = stored.level if stored is not None and stored.level > parent_level else parent_level + 1
            levels[code] = level
            return level

        for row in rows:
            try:
                level_of(row.code, [])
                # A stored or given level does not recurse, so walk the parents for cycles too.
                self._walk_for_cycle(row.code, parent_of)
            except _Cycle as cycle:
                fail(row, "parent", _("上级编码形成循环：%(codes)s") % {"codes": " → ".join(cycle.codes)})
        return levels

    @staticmethod
    def _walk_for_cycle(code: str, parent_of: dict[str, str | None]) -> None:
        seen = [code]
        parent = parent_of.get(code)
        while parent is not None:
            if parent in seen:
                raise _Cycle([*seen[seen.index(parent) :], parent])
            seen.append(parent)
            parent = parent_of.get(parent)

    def _check_levels(
        self,
        rows: list[NodeRow],
        by_code: dict[str, NodeRow],
        parent_of: dict[str, str | None],
        levels: dict[str, int],
        fail: Any,
    ) -> None:
        labels = dict(NodeLevel.choices)
        for row in rows:
            level = levels.get(row.code)
            if level is not None and level > MAX_DEPTH:
                fail(
                    row,
                    "level" if row.level else "parent",
                    _("层级超过 4 级（测评项目 → 指标 → 测评内容 → 测评标准），上级“%(parent)s”已是第 4 级")
                    % {"parent": row.parent},
                )
        # Every parent–child pair that involves a row of the file: the child must be deeper.
        for code, parent in parent_of.items():
            if parent is None or (code not in by_code and parent not in by_code):
                continue
            child_level = levels.get(code) or self.existing[code].level
            parent_level = levels.get(parent) or self.existing[parent].level
            if child_level > parent_level or child_level > MAX_DEPTH:
                continue
            blame = by_code.get(code) or by_code[parent]
            fail(
                blame,
                "level",
                _("层级“%(level)s”应低于上级“%(parent)s”的层级“%(parent_level)s”")
                % {
                    "level": labels.get(child_level, child_level),
                    "parent": parent,
                    "parent_level": labels.get(parent_level, parent_level),
                },
            )

    def _check_scores(
        self, rows: list[NodeRow], by_code: dict[str, NodeRow], parent_of: dict[str, str | None], fail: Any
    ) -> None:
        """The children's max scores may not add up to more than their parent's."""
        score = {code: node.max_score for code, node in self.existing.items()} | {r.code: r.max_score for r in rows}
        children: dict[str, list[str]] = {}
        for code, parent in parent_of.items():
            if parent is not None:
                children.setdefault(parent, []).append(code)
        for parent, kids in children.items():
            if parent not in by_code and not any(k in by_code for k in kids):
                continue
            total = sum((score[k] for k in kids), Decimal(0))
            if total <= score[parent]:
                continue
            values = {"total": _fmt(total), "max": _fmt(score[parent]), "parent": parent}
            if parent in by_code:
                message = _("下级满分合计 %(total)s 超过本项满分 %(max)s") % values
                fail(by_code[parent], "max_score", message)
                continue
            for kid in kids:
                if kid in by_code:
                    message = _("与同级合计满分 %(total)s，超过上级“%(parent)s”的满分 %(max)s") % values
                    fail(by_code[kid], "max_score", message)

    # ----- writing ----------------------------------------------------------------------------

    def _write(self, rows: list[NodeRow]) -> tuple[int, int, int]:
        """Create parents before children, update by code, then rebuild paths and categories."""
        parent_of = self.existing_parent | {r.code: r.parent for r in rows}
        levels = self._levels(rows, parent_of, lambda *a: None)
        ids = {code: node.pk for code, node in self.existing.items()}
        now = timezone.now()
        created: list[tuple[NodeRow, IndicatorNode]] = []
        updated: list[tuple[NodeRow, IndicatorNode]] = []
        changed_fields: set[str] = set()
        for depth in sorted({_depth(r.code, parent_of) for r in rows}):
            batch = []
            for row in (r for r in rows if _depth(r.code, parent_of) == depth):
                values = self._values(row, levels, ids)
                node = self.existing.get(row.code)
                if node is None:
                    node = IndicatorNode(campaign=self.campaign, code=row.code, sort_order=row.number, **values)
                    batch.append(node)
                    created.append((row, node))
                    continue
                changed = {k for k, v in values.items() if getattr(node, k) != v}
                if changed or self.current_categories.get(node.pk, set()) != row.categories:
                    for key in changed:
                        setattr(node, key, values[key])
                    node.updated_at = now
                    changed_fields |= changed
                    updated.append((row, node))
            IndicatorNode.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            ids.update({node.code: node.pk for node in batch})
        if updated:
            IndicatorNode.objects.bulk_update(
                [n for _r, n in updated], sorted(changed_fields | {"updated_at"}), batch_size=BATCH_SIZE
            )
        self._write_categories(created, updated)
        rebuild_paths(self.campaign)
        return len(created), len(updated), len(rows) - len(created) - len(updated)

    @staticmethod
    def _values(row: NodeRow, levels: dict[str, int], ids: dict[str, int]) -> dict[str, Any]:
        return {
            "parent_id": ids[row.parent] if row.parent else None,
            "level": levels[row.code],
            "name": row.name,
            "text": row.text,
            "max_score": row.max_score,
            "weight": row.weight,
            "method": row.method,
        }

    def _write_categories(self, created: list, updated: list) -> None:
        through = IndicatorNode.categories.through
        replaced = [(r, n) for r, n in updated if self.current_categories.get(n.pk, set()) != r.categories]
        through.objects.filter(indicatornode_id__in=[n.pk for _r, n in replaced]).delete()
        links = [
            through(indicatornode_id=node.pk, category_id=category_id)
            for row, node in [*created, *replaced]
            for category_id in sorted(row.categories)
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def _warn(self, rows: list[SourceRow], result: ImportResult) -> None:
        in_file = {as_text(r.values.get("code")) for r in rows}
        missing = sorted(code for code in self.existing if code not in in_file)
        if missing:
            shown = "、".join(missing[:MISSING_SHOWN]) + ("…" if len(missing) > MISSING_SHOWN else "")
            result.warnings.append(
                _("已有 %(count)s 个指标不在文件中，未删除：%(codes)s") % {"count": len(missing), "codes": shown}
            )


class _Cycle(Exception):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(codes)
        self.codes = codes


def _fmt(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _depth(code: str, parent_of: dict[str, str | None]) -> int:
    depth, parent = 0, parent_of.get(code)
    while parent is not None and depth <= len(parent_of):
        depth += 1
        parent = parent_of.get(parent)
    return depth


def rebuild_paths(campaign: Campaign) -> int:
    """Recompute every node's "/id/id/" path from its parents; returns how many changed."""
    nodes = list(IndicatorNode.objects.filter(campaign=campaign).only("pk", "parent_id", "path"))
    by_id = {n.pk: n for n in nodes}
    paths: dict[int, str] = {}

    def path_of(node: IndicatorNode) -> str:
        if node.pk not in paths:
            parent = by_id.get(node.parent_id) if node.parent_id else None
            paths[node.pk] = f"{path_of(parent) if parent else '/'}{node.pk}/"
        return paths[node.pk]

    changed = []
    for node in nodes:
        if node.path != path_of(node):
            node.path = paths[node.pk]
            changed.append(node)
    IndicatorNode.objects.bulk_update(changed, ["path"], batch_size=BATCH_SIZE)
    return len(changed)


# ----- the 任务分解表 ----------------------------------------------------------------------------


@dataclass
class TaskRow:
    number: int
    code: str
    indicator: IndicatorNode
    title: str
    description: str
    target: str
    lead_unit: Unit
    cooperating: frozenset[int]
    deadline: dt.date
    evidence_types: list[str]
    report_cycle: str = ""


INDICATOR_FIELDS = ("project", "content", "standard")
_LEADING_CODE = re.compile(r"^(?P<code>\S+)\s+(?P<rest>.+)$")


class TaskImporter(_CampaignImporter["TaskRow"]):
    """Validate every row of a 任务分解表, then create or update tasks by code with one event each.

    With ``build_framework`` (按表格补建测评体系) the 测评项目/测评内容/测评标准 the campaign's
    framework lacks are made from the sheet's own cells first (many counties have only the
    任务分解表): named without their numbering, coded after their siblings, scores left at 0
    for the office to fill in.
    """

    kind = "tasks"
    columns = TASK_COLUMNS

    def __init__(
        self, *, campaign: Campaign, by: Person | None, partial: bool = False, build_framework: bool = False
    ) -> None:
        super().__init__(campaign=campaign, by=by, partial=partial)
        self.build_framework = build_framework
        self.built: list[IndicatorNode] = []
        self.indicator_missing = False

    def _check_header(self) -> None:
        if not any(f in self.headers for f in INDICATOR_FIELDS):
            raise ImportFileError(
                _("第 %(row)s 行（表头）缺少指标列：测评项目、测评内容、测评标准至少要有一列")
                % {"row": self.table.header_row}
            )
        # "6月底前" is in the year the sheet's title names, else the campaign's, else this one.
        self.year = (
            year_in(self.table.title)
            or year_in(f"{self.campaign.code} {self.campaign.name}")
            or timezone.localdate().year
        )

    # ----- lookups --------------------------------------------------------------------------

    def _load(self, rows: list[SourceRow]) -> None:
        nodes = list(IndicatorNode.objects.filter(campaign=self.campaign))
        self.nodes = {n.pk: n for n in nodes}
        self.node_by_code = {n.code: n for n in nodes}
        self.node_by_name: dict[str, list[IndicatorNode]] = {}
        self.node_by_bare_name: dict[str, list[IndicatorNode]] = {}
        for node in nodes:
            self.node_by_name.setdefault(node.name, []).append(node)
            self.node_by_bare_name.setdefault(strip_ordinal(node.name), []).append(node)
        self.unit_names = UnitNameIndex()
        self.evidence = {str(label): value for value, label in EvidenceType.choices} | {
            v: v for v in EvidenceType.values
        }
        if self.build_framework:
            for row in rows:
                self._build_nodes(row)

    _BUILT_LEVELS = (("project", NodeLevel.PROJECT), ("content", NodeLevel.CONTENT), ("standard", NodeLevel.STANDARD))

    def _build_nodes(self, row: SourceRow) -> None:
        """Make the row's 测评项目 → 测评内容 → 测评标准 that the framework lacks, each under the one before."""
        parent: IndicatorNode | None = None
        for field_code, level in self._BUILT_LEVELS:
            text = as_text(row.values.get(field_code))
            if not text:
                continue
            found = self._narrow(self._candidates(text), parent)
            if len(found) > 1:
                return  # a shared name: the row's own check asks for a code
            parent = found[0] if found else self._new_node(text, level, parent)

    def _new_node(self, text: str, level: int, parent: IndicatorNode | None) -> IndicatorNode:
        name = strip_ordinal(text)
        siblings = sum(1 for n in self.nodes.values() if n.parent_id == (parent.pk if parent else None))
        prefix = f"{parent.code}." if parent else ""
        number = siblings + 1
        while f"{prefix}{number}" in self.node_by_code:
            number += 1
        node = IndicatorNode.objects.create(
            campaign=self.campaign,
            parent=parent,
            code=f"{prefix}{number}",
            level=max(level, parent.level + 1) if parent else level,
            name=name[:200],
            text=name if len(name) > 200 else "",
            max_score=Decimal(0),
            sort_order=number,
        )
        node.path = f"{parent.path if parent else '/'}{node.pk}/"
        node.save(update_fields=["path"])
        self.nodes[node.pk] = node
        self.node_by_code[node.code] = node
        self.node_by_name.setdefault(node.name, []).append(node)
        self.node_by_bare_name.setdefault(strip_ordinal(node.name), []).append(node)
        self.built.append(node)
        return node

    def _warn(self, rows: list[SourceRow], result: ImportResult) -> None:
        if self.built:
            result.warnings.append(
                _("按表格补建了 %(count)s 个测评指标（%(codes)s），满分暂为 0，请到测评体系中补填满分和测评方式")
                % {"count": len(self.built), "codes": "、".join(f"{n.code} {n.name}" for n in self.built[:10])}
            )

    def _warn_failed(self, result: ImportResult) -> None:
        if self.indicator_missing and not self.build_framework:
            result.warnings.append(_("测评体系中还没有的指标：可先导入测评体系，或勾选“按表格补建测评体系”后重新导入"))

    def _ancestors(self, node: IndicatorNode) -> list[int]:
        """The node's own id and its ancestors' ids, from the parent links (paths may be stale)."""
        chain, current = [], node
        while current is not None and current.pk not in chain:
            chain.append(current.pk)
            current = self.nodes.get(current.parent_id) if current.parent_id else None  # type: ignore[assignment]
        return chain

    def _candidates(self, text: str) -> list[IndicatorNode]:
        if text in self.node_by_code:
            return [self.node_by_code[text]]
        match = _LEADING_CODE.match(text)
        if match and match.group("code") in self.node_by_code:
            return [self.node_by_code[match.group("code")]]
        if text in self.node_by_name:
            return list(self.node_by_name[text])
        # "一、廉洁高效的政务环境", "1.政务公开", "（三）…", "①…": the name without its numbering.
        return list(self.node_by_bare_name.get(strip_ordinal(text), []))

    # ----- per-row checks -------------------------------------------------------------------

    def _clean_all(self, rows: list[SourceRow], result: ImportResult) -> list[TaskRow]:
        cleaned: list[TaskRow] = []
        first_seen: dict[str, int] = {}
        sequence: dict[int, int] = {}
        for row in rows:
            c = _RowCleaner(row, self.headers, TASK_COLUMNS)
            indicator = self._indicator(c)
            code = c.text("code", limit=40)
            if not code and indicator is not None:
                sequence[indicator.pk] = sequence.get(indicator.pk, 0) + 1
                code = f"{indicator.code}-{sequence[indicator.pk]}"
            item = self._clean_row(c, code, indicator)
            if item is not None and code in first_seen:
                c.error(
                    "code",
                    _("任务编号“%(code)s”在文件中重复（与第 %(first)s 行相同）")
                    % {"code": code, "first": first_seen[code]},
                )
            if c.errors or item is None:
                result.errors.extend(c.errors)
                continue
            first_seen[code] = row.number
            cleaned.append(item)
        return cleaned

    def _clean_row(self, c: _RowCleaner, code: str, indicator: IndicatorNode | None) -> TaskRow | None:
        title = c.text("title", limit=300, required=True)
        # Most offices' sheets have no 目标 column: the task is then its own target. A 目标 column
        # left empty is still an error (目标、责任、时限: the 三明确).
        has_target = "target" in self.headers
        target = c.text("target", limit=500, required=True) if has_target else title[:500]
        lead = self._unit(c, "lead_unit")
        cooperating = self._cooperating(c, lead)
        deadline = self._deadline(c)
        evidence = self._evidence(c)
        description = as_text(c.raw("description"))
        if c.errors or indicator is None or lead is None or deadline is None:
            return None
        if deadline.ongoing:
            # An ongoing task's deadline is its next report's: the end of the current period.
            due, cycle = period_end(timezone.localdate(), deadline.cycle), deadline.cycle
        else:
            due, cycle = deadline.date, ""  # type: ignore[assignment]
        return TaskRow(
            c.row.number, code, indicator, title, description, target, lead, cooperating, due, evidence, cycle
        )

    def _indicator(self, c: _RowCleaner) -> IndicatorNode | None:
        """The most specific indicator cell given; broader cells narrow names and must agree."""
        given = [(f, as_text(c.raw(f))) for f in INDICATOR_FIELDS if as_text(c.raw(f))]
        if not given:
            last = next(f for f in reversed(INDICATOR_FIELDS) if f in self.headers)
            c.error(last, _("测评项目、测评内容、测评标准至少填写一项"))
            return None
        *broader, (field_code, text) = given
        scope: IndicatorNode | None = None
        for broad_field, broad_text in broader:
            found = self._narrow(self._candidates(broad_text), scope)
            if not found:
                c.error(broad_field, _("未找到测评指标“%(text)s”（填编码或名称）") % {"text": broad_text})
                self.indicator_missing = True
                return None
            if len(found) == 1:
                scope = found[0]
        candidates = self._candidates(text)
        narrowed = self._narrow(candidates, scope)
        if not candidates:
            c.error(field_code, _("未找到测评指标“%(text)s”（填编码或名称）") % {"text": text})
            self.indicator_missing = True
            return None
        if not narrowed and scope is not None:
            c.error(
                field_code,
                _("“%(text)s”不在“%(scope)s”之下，请核对测评项目、测评内容、测评标准三列")
                % {"text": text, "scope": f"{scope.code} {scope.name}"},
            )
            return None
        if len(narrowed) > 1:
            codes = "、".join(n.code for n in narrowed)
            c.error(
                field_code,
                _("名称“%(text)s”对应多个测评指标（编码 %(codes)s），请改填编码") % {"text": text, "codes": codes},
            )
            return None
        return narrowed[0]

    def _narrow(self, candidates: list[IndicatorNode], scope: IndicatorNode | None) -> list[IndicatorNode]:
        if scope is None:
            return candidates
        return [n for n in candidates if scope.pk in self._ancestors(n)]

    def _unit(self, c: _RowCleaner, field_code: str) -> Unit | None:
        """The lead unit: the cell's name marked 牵头, else its first; its other names cooperate."""
        text = as_text(c.raw(field_code))
        if not text:
            c.error(field_code, required_message(c.header(field_code)))
            return None
        resolution = self.unit_names.resolve(text)
        lead = next((n for n in resolution.names if n.written.lead), resolution.names[0])
        for name in resolution.names:
            if message := self._unit_problem(name):
                c.error(field_code, message)
        if lead.via == "group":
            c.error(
                field_code,
                _("「%(name)s」是多个单位，牵头单位只能填一个，其余单位请填在配合单位") % {"name": lead.text},
            )
            return None
        return lead.units[0] if lead.found and not lead.ambiguous else None

    @staticmethod
    def _unit_problem(name: NameResolution) -> str:
        """The row error for a name that is not one unit or one group: unknown (with suggestions) or ambiguous."""
        if name.ambiguous:
            names = "、".join(u.name for u in name.units)
            return _("“%(name)s”对应多个单位（%(names)s），请填写全称") % {"name": name.text, "names": names}
        if name.found:
            return ""
        if name.suggestions:
            return _("「%(name)s」：找不到该单位，您是不是要找：%(suggestions)s") % {
                "name": name.text,
                "suggestions": "、".join(u.name for u in name.suggestions),
            }
        return _("「%(name)s」：找不到该单位（可填单位全称、简称、别名或编码）") % {"name": name.text}

    def _cooperating(self, c: _RowCleaner, lead: Unit | None) -> frozenset[int]:
        """The 配合单位 cell's units, and the lead cell's names other than the lead (a group word's too)."""
        found: set[int] = set()
        lead_cell = self.unit_names.resolve(as_text(c.raw("lead_unit")))
        for name in lead_cell.names:
            if name.found and not name.ambiguous:
                found.update(u.pk for u in name.units)
        for name in self.unit_names.resolve(as_text(c.raw("cooperating_units"))).names:
            if message := self._unit_problem(name):
                c.error("cooperating_units", message)
            elif name.via != "group" and lead is not None and name.units[0].pk == lead.pk:
                c.error("cooperating_units", _("“%(name)s”已是牵头单位，不能同时是配合单位") % {"name": name.text})
            else:
                found.update(u.pk for u in name.units)
        return frozenset(found - {lead.pk} if lead is not None else found)

    def _deadline(self, c: _RowCleaner) -> Deadline | None:
        raw = c.raw("deadline")
        if raw is None:
            c.error("deadline", required_message(c.header("deadline")))
            return None
        try:
            return parse_deadline(raw, year=self.year)
        except ValueError:
            c.error(
                "deadline",
                _(
                    "%(column)s 列「%(value)s」无法识别为完成时限（可写 2026年6月30日前、6月底前、"
                    "第三季度、年底前，长期任务写“长期坚持”或“每季度”）"
                )
                % {"column": self.table.letters.get("deadline", ""), "value": as_text(raw)},
            )
            return None

    def _evidence(self, c: _RowCleaner) -> list[str]:
        names = split_list(c.raw("evidence_types"))
        unknown = [n for n in names if n not in self.evidence]
        if unknown:
            labels = "、".join(str(label) for _v, label in EvidenceType.choices)
            c.error(
                "evidence_types",
                _("未知的佐证材料类型：%(names)s，可选：%(labels)s") % {"names": "、".join(unknown), "labels": labels},
            )
        chosen = {self.evidence[n] for n in names if n in self.evidence}
        # Stored in the vocabulary's order, so the same set compares equal however it was typed.
        return [v for v in EvidenceType.values if v in chosen]

    # ----- writing ----------------------------------------------------------------------------

    def _write(self, rows: list[TaskRow]) -> tuple[int, int, int]:
        existing = {t.code: t for t in Task.objects.filter(campaign=self.campaign, code__in=[r.code for r in rows])}
        through = Task.cooperating_units.through
        current: dict[int, set[int]] = {}
        pairs = through.objects.filter(task__in=existing.values()).values_list("task_id", "unit_id")
        for task_id, unit_id in pairs:
            current.setdefault(task_id, set()).add(unit_id)
        now = timezone.now()
        created: list[tuple[TaskRow, Task]] = []
        updated: list[tuple[TaskRow, Task, dict[str, Any]]] = []
        fields: set[str] = set()
        for row in rows:
            task = existing.get(row.code)
            if task is None:
                task = Task(campaign=self.campaign, code=row.code, sort_order=row.number, **_task_values(row))
                created.append((row, task))
                continue
            changes = _assign(task, row, current.get(task.pk, set()))
            if changes:
                task.version += 1
                task.updated_at = now
                fields |= set(changes) - {"cooperating_units"}
                fields |= {"overdue_at"} if "deadline" in changes else set()
                updated.append((row, task, changes))
        Task.objects.bulk_create([t for _r, t in created], batch_size=BATCH_SIZE)
        if updated:
            model_fields = sorted(
                {Task._meta.get_field(f.removesuffix("_id")).name for f in fields} | {"version", "updated_at"}
            )
            Task.objects.bulk_update([t for _r, t, _c in updated], model_fields, batch_size=BATCH_SIZE)
        self._write_cooperating(created, updated)
        self._write_events(created, updated, now)
        return len(created), len(updated), len(rows) - len(created) - len(updated)

    @staticmethod
    def _write_cooperating(created: list, updated: list) -> None:
        through = Task.cooperating_units.through
        replaced = [(row, task) for row, task, changes in updated if "cooperating_units" in changes]
        through.objects.filter(task_id__in=[t.pk for _r, t in replaced]).delete()
        links = [
            through(task_id=task.pk, unit_id=unit_id)
            for row, task in [*created, *replaced]
            for unit_id in sorted(row.cooperating)
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def _write_events(self, created: list, updated: list, now: dt.datetime) -> None:
        """One IMPORT event per created or changed task: the task's history shows the import."""
        events = [
            TaskEvent(
                task=task,
                action=TaskAction.IMPORT,
                actor=self.by,
                at=now,
                to_status=TaskStatus.NOT_STARTED,
                unit=task.lead_unit,
                note=_("导入任务分解表：新增任务"),
                data={"created": True, "row": row.number},
            )
            for row, task in created
        ]
        events += [
            TaskEvent(
                task=task,
                action=TaskAction.IMPORT,
                actor=self.by,
                at=now,
                unit=task.lead_unit,
                note=_("导入任务分解表：修改 %(fields)s") % {"fields": "、".join(_field_labels(changes))},
                data={"changes": changes, "row": row.number},
            )
            for row, task, changes in updated
        ]
        TaskEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def _task_values(row: TaskRow, task: Task | None = None) -> dict[str, Any]:
    values = {
        "indicator_id": row.indicator.pk,
        "title": row.title,
        "description": row.description,
        "target": row.target,
        "lead_unit_id": row.lead_unit.pk,
        "deadline": row.deadline,
        "report_cycle": row.report_cycle,
        "evidence_types": row.evidence_types,
    }
    if task is not None and row.report_cycle and task.report_cycle == row.report_cycle:
        # Still ongoing on the same cycle: its next due date moves with its reports, not with the file.
        del values["deadline"]
    return values


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _assign(task: Task, row: TaskRow, cooperating: set[int]) -> dict[str, Any]:
    """Copy the row onto ``task``; {field: [old, new]} of what changed (JSON-ready, for the event)."""
    changes: dict[str, Any] = {}
    for attr, value in _task_values(row, task).items():
        old = getattr(task, attr)
        if old != value:
            changes[attr] = [_json(old), _json(value)]
            setattr(task, attr, value)
    if "deadline" in changes and row.deadline > dt.date.fromisoformat(changes["deadline"][0]):
        # Same rule as task_update: a deadline moved later lifts the overdue mark.
        task.overdue_at = None
    if cooperating != set(row.cooperating):
        changes["cooperating_units"] = [sorted(cooperating), sorted(row.cooperating)]
    return changes


def _field_labels(changes: dict[str, Any]) -> list[str]:
    return [str(getattr(Task._meta.get_field(f.removesuffix("_id")), "verbose_name", f)) for f in changes]


# ----- entry points (the shared contract) ---------------------------------------------------


def import_framework(*, campaign: Campaign, data: bytes, by: Person | None, partial: bool = False) -> ImportResult:
    """Import an indicator framework .xlsx into ``campaign`` (office only)."""
    return FrameworkImporter(campaign=campaign, by=by, partial=partial).run(data)


def import_tasks(
    *, campaign: Campaign, data: bytes, by: Person | None, partial: bool = False, build_framework: bool = False
) -> ImportResult:
    """Import a 任务分解表 .xlsx into ``campaign`` (office only); ``build_framework``: 按表格补建测评体系."""
    return TaskImporter(campaign=campaign, by=by, partial=partial, build_framework=build_framework).run(data)
