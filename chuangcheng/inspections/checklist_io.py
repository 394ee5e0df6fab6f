"""Checklists (检查表) as .xlsx: the export of every item, and its import (also of sheets made by people).

One row per item. The export's columns are ``COLUMNS`` and every cell is written the way the
importer reads it back, so export → import changes nothing. The importer also reads what an
official types or copies from a printed 检查表: a title row above the header, the 检查表 and
类别 cells merged down their rows (a blank cell there takes the value above it), blank rows,
"是/否", "√/×", "2分".

Items are matched by checklist + 检查内容: a known text updates its item, a new one adds an
item. Every write goes through ``services.checklist_item_save`` (a content change starts a new
version; inspections already submitted keep theirs) and ``services.checklist_item_link_indicators``.
As in the other importers every row is validated first and each error names its Excel row and
column; with errors nothing is written, unless ``partial`` (仅导入无误的行) is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuangcheng.cases.models import Category
from chuangcheng.core.errors import DomainError
from chuangcheng.core.importing import (
    NO_WORDS,
    YES_WORDS,
    ImportFileError,
    ImportResult,
    RowError,
    as_text,
    normalise_header,
    read_rows,
    required_message,
    strip_ordinal,
    too_long_message,
)
from chuangcheng.core.xlsx import Sheet, xlsx_bytes
from chuangcheng.indicators.choices import NodeLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.org.access import require_role
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import SiteType

from . import services
from .choices import ItemFamily
from .models import Checklist, ChecklistItem

KIND = "checklists"
DEDUCTION_MAX = Decimal("99.9")


@dataclass(frozen=True)
class Column:
    """One column: field code, Chinese header (a file format, not translated), help, other headers people use."""

    field: str
    header: str
    required: bool = False
    readonly: bool = False
    help: Any = ""
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column(
        "checklist",
        "检查表",
        required=True,
        help=gettext_lazy("点位类型（如 农贸市场）或道路等级（如 主干道），也可写检查表名称；合并单元格或留空表示同上"),
        aliases=("检查表/点位类型或道路等级", "点位类型或道路等级", "点位类型", "道路等级", "检查对象", "点位"),
    ),
    Column(
        "family",
        "类别",
        required=True,
        help=gettext_lazy("公益宣传、环境卫生、公共秩序、基础设施、行业规范与服务；合并单元格或留空表示同上"),
        aliases=("分类", "检查类别", "项目类别"),
    ),
    Column(
        "text",
        "检查内容",
        required=True,
        help=gettext_lazy("同一检查表内按检查内容匹配：已有的更新，新的新增"),
        aliases=("检查项", "检查项目", "检查标准", "内容"),
    ),
    Column("method", "检查方法", aliases=("检查方式", "方法")),
    Column(
        "deduction",
        "扣分",
        required=True,
        help=gettext_lazy("不合格时扣的分，如 1 或 0.5，最多一位小数"),
        aliases=("扣分值", "扣分标准", "分值"),
    ),
    Column(
        "photo",
        "失分需拍照",
        help=gettext_lazy("是/否（也可写 √、×）；空白为否；不写这一列则新项为是、已有项不变"),
        aliases=("需拍照", "拍照", "是否拍照", "不合格须拍照"),
    ),
    Column(
        "category",
        "案件小类",
        help=gettext_lazy("不合格时立案的问题小类（名称或编码），空白表示不立案"),
        aliases=("问题小类", "立案类别", "案件类别"),
    ),
    Column(
        "indicators",
        "关联指标",
        help=gettext_lazy("创建项目编码:指标编码，多个用顿号分隔，如 WMXC-2027:1.2.3；空白表示不关联"),
        aliases=("对应测评指标", "测评指标"),
    ),
    Column("active", "启用", help=gettext_lazy("是/否；空白为是"), aliases=("是否启用",)),
    Column(
        "seq",
        "序号",
        help=gettext_lazy("已有检查项在检查表内的顺序（导出时填写）；新增的检查项排在最后；空白则顺序不变"),
        aliases=("排序", "顺序"),
    ),
    Column("version", "版本", readonly=True, help=gettext_lazy("仅供查看，导入时忽略")),
)
WIDTHS = {
    "checklist": 16,
    "family": 14,
    "text": 40,
    "method": 40,
    "deduction": 8,
    "photo": 10,
    "category": 14,
    "indicators": 30,
    "active": 8,
    "seq": 8,
    "version": 8,
}

LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


# ---- export ---------------------------------------------------------------------------------


def target_label(checklist: Checklist) -> str:
    """What the 检查表 column holds: the checklist's name, which says its site type or road class
    ("公园检查表", "背街小巷路段检查表": 背街小巷 alone is both a site type and a road class)."""
    return checklist.name


def node_label(node: IndicatorNode) -> str:
    return f"{node.campaign.code}:{node.code} {node.name}"


def _export_rows(checklists: Iterable[Checklist]) -> Iterable[list[Any]]:
    for checklist in checklists:
        label = target_label(checklist)
        items = (
            checklist.items.select_related("case_category")
            .prefetch_related("indicators__campaign")
            .order_by("sort_order", "pk")
        )
        for item in items:
            links = sorted(item.indicators.all(), key=lambda n: (n.campaign.code, n.path, n.code))
            yield [
                label,
                str(item.get_family_display()),
                item.text,
                item.method,
                float(item.deduction),
                _("是") if item.photo_required else _("否"),
                item.case_category.name if item.case_category else "",
                "、".join(node_label(n) for n in links),
                _("是") if item.is_active else _("否"),
                item.sort_order + 1,
                item.version,
            ]


def export_checklists(checklists: Iterable[Checklist]) -> bytes:
    """Every item of ``checklists`` as one sheet (the import's layout) and a 说明 sheet."""
    data = Sheet(
        title=_("检查表"),
        header=[c.header for c in COLUMNS],
        rows=_export_rows(checklists),
        widths=[WIDTHS[c.field] for c in COLUMNS],
    )
    guide = Sheet(
        title=_("说明"),
        header=[_("列名"), _("必填"), _("说明")],
        rows=[[c.header, _("是") if c.required else "", str(c.help)] for c in COLUMNS],
        widths=[16, 8, 90],
    )
    return xlsx_bytes([data, guide])


# ---- import ---------------------------------------------------------------------------------


@dataclass
class ItemRow:
    """A row that passed its checks."""

    number: int
    target: tuple[str, Any]  # ("site", SiteType) or ("road", road class value)
    family: str
    text: str
    method: str | None  # None (and below): the file has no such column, the item keeps its own
    deduction: Decimal
    photo: bool | None  # None: the file has no such column
    category: Category | None
    has_category: bool
    indicators: list[IndicatorNode] | None  # None: the file has no such column
    active: bool | None
    seq: int | None


def _flat(text: str) -> str:
    """A cell's text as one line: line breaks inside a cell (hand-wrapped text) dropped, spaces collapsed."""
    return re.sub(r"[ \t\u3000]+", " ", re.sub(r"\s*\n\s*", "", text)).strip()


def _key(text: str) -> str:
    return normalise_header(text)


class ChecklistImporter:
    """Read the sheet, validate every row, then write through the services in one transaction."""

    def __init__(self, *, by: Any, partial: bool = False) -> None:
        self.by = by
        self.partial = partial

    # ---- reading ----------------------------------------------------------------------------

    def run(self, data: bytes) -> ImportResult:
        require_role(self.by, *services.CHECKLIST_EDITOR_ROLES, action=_("导入检查表"))
        result = ImportResult(kind=KIND)
        try:
            self.headers, rows = read_rows(data, COLUMNS, result)
        except ImportFileError as exc:
            return result.file_error(str(exc))
        result.rows_seen = len(rows)
        if not rows:
            return result.no_rows()
        self._load()
        cleaned = self._clean_all(rows, result)
        if result.errors and not self.partial:
            return result
        result.skipped = len(rows) - len(cleaned)
        if cleaned:
            try:
                with transaction.atomic():
                    result.created, result.updated, result.unchanged = self._write(cleaned)
            except DomainError as exc:
                result.created = result.updated = result.unchanged = 0
                return result.file_error(exc.message)
            result.written = True
            self._warn(cleaned, result)
        return result

    def _load(self) -> None:
        # A checklist's own name first; then what names a site type or a road class (some words name both).
        self.named: dict[str, tuple[str, Any]] = {}
        for checklist in Checklist.objects.select_related("site_type"):
            target = ("site", checklist.site_type) if checklist.site_type_id else ("road", checklist.road_class)
            self.named.setdefault(_key(checklist.name), target)
        self.targets: dict[str, list[tuple[str, Any]]] = {}

        def add(names: Iterable[str], target: tuple[str, Any]) -> None:
            for name in names:
                found = self.targets.setdefault(_key(name), [])
                if target not in found:
                    found.append(target)

        for site_type in SiteType.objects.all():
            parts = [p for p in re.split(r"[/／]", site_type.name) if p.strip()]
            add([site_type.name, site_type.code, f"{site_type.name}检查表", *parts], ("site", site_type))
            self.named.setdefault(_key(f"{site_type.name}检查表"), ("site", site_type))
        for value, label in RoadClass.choices:
            add([str(label), value, f"{label}路段", f"{label}道路"], ("road", value))
            self.named.setdefault(_key(f"{label}路段检查表"), ("road", value))
        self.families = {_key(str(label)): value for value, label in ItemFamily.choices}
        self.families |= {_key(value): value for value in ItemFamily.values}
        self.families |= {
            _key(k): v
            for k, v in {
                "行业规范/服务": ItemFamily.SERVICE,
                "行业规范和服务": ItemFamily.SERVICE,
                "行业规范": ItemFamily.SERVICE,
                "行业服务": ItemFamily.SERVICE,
                "宣传": ItemFamily.PUBLICITY,
                "卫生": ItemFamily.SANITATION,
                "秩序": ItemFamily.ORDER,
                "设施": ItemFamily.FACILITIES,
            }.items()
        }
        self.categories: dict[str, Category] = {}
        for category in Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent"):
            for name in (category.code, category.name, f"{category.parent.name}/{category.name}"):  # type: ignore[union-attr]
                self.categories.setdefault(_key(name), category)
        self.campaigns = {c.code.lower(): c for c in Campaign.objects.all()}
        self.nodes: dict[tuple[int, str], IndicatorNode] = {}
        self.nodes_by_code: dict[str, list[IndicatorNode]] = {}
        for node in IndicatorNode.objects.select_related("campaign").filter(level__gte=NodeLevel.CONTENT):
            self.nodes[(node.campaign_id, node.code.lower())] = node
            self.nodes_by_code.setdefault(node.code.lower(), []).append(node)

    # ---- per-row checks ---------------------------------------------------------------------

    def header(self, field_code: str) -> str:
        return self.headers.get(field_code) or next(c.header for c in COLUMNS if c.field == field_code)

    def _clean_all(self, rows: list[tuple[int, dict[str, Any]]], result: ImportResult) -> list[ItemRow]:
        cleaned: list[ItemRow] = []
        above: dict[str, Any] = {}
        first_seen: dict[tuple[Any, str], int] = {}
        for number, values in rows:
            # Merged cells (or "同上" left blank) down the 检查表 and 类别 columns: the value above holds.
            for field_code in ("checklist", "family"):
                if as_text(values.get(field_code)) in ("", "同上", "〃"):
                    values[field_code] = above.get(field_code)
                else:
                    above[field_code] = values[field_code]
            errors: list[RowError] = []
            row = self._clean_row(number, values, errors)
            if row is not None:
                key = (row.target, row.text)
                if key in first_seen:
                    errors.append(
                        RowError(
                            number,
                            self.header("text"),
                            _("检查内容与第 %(first)s 行重复（同一检查表内）") % {"first": first_seen[key]},
                        )
                    )
                else:
                    first_seen[key] = number
            if errors or row is None:
                result.errors.extend(errors)
                continue
            cleaned.append(row)
        return cleaned

    def _clean_row(self, number: int, values: dict[str, Any], errors: list[RowError]) -> ItemRow | None:
        def error(field_code: str, message: str) -> None:
            errors.append(RowError(number, self.header(field_code), message))

        def text(field_code: str, limit: int, *, required: bool = False) -> str:
            value = _flat(as_text(values.get(field_code)))
            if not value and required:
                error(field_code, required_message(self.header(field_code)))
            elif message := too_long_message(value, limit):
                error(field_code, message)
            return value

        raw_target = text("checklist", 100, required=True)
        target = self._target(raw_target, lambda m: error("checklist", m)) if raw_target else None
        raw_family = text("family", 20, required=True)
        # "一、环境卫生", "（二）公共秩序": the name without its numbering.
        family = self.families.get(_key(strip_ordinal(raw_family))) if raw_family else None
        if raw_family and family is None:
            labels = "、".join(str(label) for label in ItemFamily.labels)
            error("family", _("类别“%(value)s”无效，应为 %(labels)s 之一") % {"value": raw_family, "labels": labels})
        item_text = text("text", 200, required=True)
        method = text("method", 300) if "method" in self.headers else None
        deduction = self._deduction(values.get("deduction"), lambda m: error("deduction", m))
        photo = self._yes_no(values, "photo", default=False, error=error) if "photo" in self.headers else None
        active = self._yes_no(values, "active", default=True, error=error) if "active" in self.headers else None
        category = self._category(values, error)
        indicators = self._indicators(values, error) if "indicators" in self.headers else None
        seq = self._seq(values, error)
        if errors or target is None or family is None or deduction is None:
            return None
        return ItemRow(
            number,
            target,
            family,
            item_text,
            method,
            deduction,
            photo,
            category,
            "category" in self.headers,
            indicators,
            active,
            seq,
        )

    def _target(self, raw: str, error: Any) -> tuple[str, Any] | None:
        raw = strip_ordinal(raw)
        if named := self.named.get(_key(raw)):
            return named
        found = self.targets.get(_key(raw), [])
        if len(found) == 1:
            return found[0]
        if not found:
            error(_("没有名为“%(name)s”的检查表、点位类型或道路等级") % {"name": raw})
        else:
            error(
                _("“%(name)s”既是点位类型又是道路等级，请写“%(name)s检查表”（点位）或“%(name)s路段检查表”（道路）")
                % {"name": raw}
            )
        return None

    def _deduction(self, raw: Any, error: Any) -> Decimal | None:
        text = re.sub(r"\s+", "", as_text(raw))
        if not text:
            error(required_message(self.header("deduction")))
            return None
        number_text = re.sub(r"^扣", "", re.sub(r"分$", "", text))
        try:
            number = Decimal(number_text)
        except InvalidOperation:
            error(_("扣分“%(value)s”不是数字") % {"value": text})
            return None
        if not number.is_finite() or number < 0:
            error(_("扣分“%(value)s”应为不小于 0 的数字") % {"value": text})
            return None
        if number > DEDUCTION_MAX:
            error(_("扣分“%(value)s”过大（最多 %(max)s）") % {"value": text, "max": DEDUCTION_MAX})
            return None
        if number != number.quantize(Decimal("0.1")):
            error(_("扣分最多一位小数（%(value)s）") % {"value": text})
            return None
        return number.quantize(Decimal("0.1"))

    def _yes_no(self, values: dict[str, Any], field_code: str, *, default: bool, error: Any) -> bool | None:
        raw = values.get(field_code)
        if isinstance(raw, bool):
            return raw
        text = as_text(raw).lower()
        if not text:
            return default
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        error(field_code, _("“%(value)s”无效，请填“是”或“否”") % {"value": as_text(raw)})
        return None

    def _category(self, values: dict[str, Any], error: Any) -> Category | None:
        raw = _flat(as_text(values.get("category")))
        if not raw or raw in ("无", "—", "-", "/"):
            return None
        category = self.categories.get(_key(raw))
        if category is None:
            error("category", _("没有名为“%(name)s”的问题小类（或已停用）") % {"name": raw})
        return category

    def _indicators(self, values: dict[str, Any], error: Any) -> list[IndicatorNode]:
        found: list[IndicatorNode] = []
        for part in LIST_SEPARATORS.split(as_text(values.get("indicators"))):
            token = part.strip().split()[0] if part.strip() else ""
            if not token:
                continue
            node = self._node(token, error)
            if node is not None and node not in found:
                found.append(node)
        return found

    def _node(self, token: str, error: Any) -> IndicatorNode | None:
        campaign_code, sep, code = token.replace("：", ":").rpartition(":")
        if sep:
            campaign = self.campaigns.get(campaign_code.lower())
            if campaign is None:
                error("indicators", _("没有编码为“%(code)s”的创建项目") % {"code": campaign_code})
                return None
            node = self.nodes.get((campaign.pk, code.lower()))
            if node is None:
                error(
                    "indicators",
                    _("%(campaign)s没有编码为“%(code)s”的测评内容或测评标准")
                    % {"campaign": campaign.name, "code": code},
                )
            return node
        candidates = self.nodes_by_code.get(code.lower(), [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            error("indicators", _("没有编码为“%(code)s”的测评内容或测评标准") % {"code": code})
        else:
            error(
                "indicators",
                _("多个创建项目都有指标“%(code)s”，请写成“创建项目编码:指标编码”，如 %(example)s")
                % {"code": code, "example": f"{candidates[0].campaign.code}:{code}"},
            )
        return None

    def _seq(self, values: dict[str, Any], error: Any) -> int | None:
        raw = values.get("seq")
        text = as_text(raw)
        if not text:
            return None
        try:
            number = int(Decimal(text))
        except (InvalidOperation, ValueError):
            error("seq", _("序号“%(value)s”不是整数") % {"value": text})
            return None
        if number < 1 or number > 10000 or Decimal(text) != number:
            error("seq", _("序号应为 1 到 10000 的整数（%(value)s）") % {"value": text})
            return None
        return number

    # ---- writing ----------------------------------------------------------------------------

    def _checklist(self, target: tuple[str, Any]) -> Checklist:
        kind, value = target
        if kind == "site":
            return services.checklist_create(by=self.by, site_type=value)
        return services.checklist_create(by=self.by, road_class=value)

    def _write(self, rows: Sequence[ItemRow]) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        checklists: dict[tuple[str, Any], Checklist] = {}
        self.touched: dict[int, set[int]] = {}
        for row in rows:
            key = (row.target[0], getattr(row.target[1], "pk", row.target[1]))
            if key not in checklists:
                checklists[key] = self._checklist(row.target)
            checklist = checklists[key]
            item = checklist.items.filter(text=row.text).first()
            is_new = item is None
            if item is None:
                last = checklist.items.order_by("-sort_order").values_list("sort_order", flat=True).first()
                item = ChecklistItem(checklist=checklist, sort_order=(last + 1) if last is not None else 0)
            before = {name: getattr(item, name) for name in (*ChecklistItem.CONTENT_FIELDS, "sort_order", "is_active")}
            item.family, item.text, item.deduction = row.family, row.text, row.deduction
            if row.method is not None:
                item.method = row.method
            if row.photo is not None:
                item.photo_required = row.photo
            if row.has_category:
                item.case_category = row.category
            if row.active is not None:
                item.is_active = row.active
            if row.seq is not None and not is_new:
                item.sort_order = row.seq - 1  # a new item goes last: a hand-made 序号 counts the sheet's rows
            after = {name: getattr(item, name) for name in before}
            if is_new or after != before:
                services.checklist_item_save(item=item, by=self.by)
            links_changed = row.indicators is not None and self._link(item, row.indicators)
            self.touched.setdefault(checklist.pk, set()).add(item.pk)
            if is_new:
                created += 1
            elif after != before or links_changed:
                updated += 1
            else:
                unchanged += 1
        return created, updated, unchanged

    def _link(self, item: ChecklistItem, nodes: list[IndicatorNode]) -> bool:
        """Make the item's links exactly ``nodes`` (every campaign); whether anything changed."""
        current = list(item.indicators.select_related("campaign"))
        if {n.pk for n in current} == {n.pk for n in nodes}:
            return False
        campaigns = {n.campaign_id: n.campaign for n in [*current, *nodes]}
        for campaign in campaigns.values():
            chosen = [n for n in nodes if n.campaign_id == campaign.pk]
            services.checklist_item_link_indicators(item=item, campaign=campaign, nodes=chosen, by=self.by)
        return True

    def _warn(self, rows: Sequence[ItemRow], result: ImportResult) -> None:
        left = ChecklistItem.objects.filter(checklist_id__in=self.touched).exclude(
            pk__in=[pk for pks in self.touched.values() for pk in pks]
        )
        if count := left.count():
            result.warnings.append(
                _("这些检查表中另有 %(count)d 个检查项不在文件中，保持不变（导入不会删除检查项，可在页面上停用）")
                % {"count": count}
            )


def import_checklists(*, data: bytes, by: Any, partial: bool = False) -> ImportResult:
    """Import a checklist workbook (see the module's docstring)."""
    return ChecklistImporter(by=by, partial=partial).run(data)
