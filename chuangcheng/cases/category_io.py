"""The category table (问题类别) as .xlsx: the export of every 小类 and its import.

One row per 小类. The export's columns are ``COLUMNS`` and every cell is written the way the
importer reads it back, so export → import changes nothing. The importer also reads a sheet
made by people: a title row above the header, other header words (``aliases``), "是/否" or
"√/×", 时限单位 by its name.

Rows are matched by 编码: a known code updates its 小类, a new one adds a 小类 under the 大类
named by 大类编码 (or 大类 name within the 类别). Every row is validated first and each error
names its Excel row and column; with an error nothing is written. Writes go through
``services.category_save`` (the office only; one audit entry per changed 小类).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chuangcheng.core.errors import DomainError
from chuangcheng.core.importing import (
    NO_WORDS,
    YES_WORDS,
    ImportFileError,
    ImportResult,
    RowError,
    as_text,
    read_rows,
    required_message,
    too_long_message,
)
from chuangcheng.core.xlsx import Sheet, xlsx_bytes
from chuangcheng.org.access import require_role
from chuangcheng.org.models import Person, Unit

from . import services
from .choices import CategoryKind, RoutingRule, TimeUnit
from .models import CATEGORY_RULE_FIELDS, Category

KIND = "categories"
LIMIT_MAX = Decimal("99999.9")


@dataclass(frozen=True)
class Column:
    """One column: field code, Chinese header (a file format, not translated), help, other headers people use."""

    field: str
    header: str
    required: bool = False
    help: Any = ""
    aliases: tuple[str, ...] = ()
    width: int = 12
    readonly: bool = False


COLUMNS = (
    Column("kind", "类别", help=gettext_lazy("部件或事件；新增小类时与大类编码一起确定所属大类"), width=8),
    Column("parent_code", "大类编码", help=gettext_lazy("新增小类时必填（或填大类名称）"), aliases=("大类代码",)),
    Column("parent_name", "大类", aliases=("大类名称",), width=12),
    Column(
        "code",
        "编码",
        required=True,
        help=gettext_lazy("小类编码，如 BJ0101；已有的更新，新的新增"),
        aliases=("小类编码", "小类代码", "代码"),
    ),
    Column("name", "小类", required=True, aliases=("小类名称", "名称"), width=16),
    Column("accept_condition", "立案条件", aliases=("立案标准",), width=40),
    Column("close_condition", "结案条件", aliases=("结案标准",), width=40),
    Column("time_limit", "处置时限", required=True, help=gettext_lazy("大于 0 的数，最多一位小数"), aliases=("时限",)),
    Column(
        "time_unit",
        "时限单位",
        required=True,
        help=gettext_lazy("工作时、工作日或自然小时（也可写自然时）"),
        aliases=("单位",),
    ),
    Column("urgent", "紧急类", help=gettext_lazy("是/否：此小类的案卷默认为紧急"), aliases=("紧急",), width=8),
    Column("urgent_time_limit", "紧急时限", help=gettext_lazy("紧急案卷的处置时限；空白表示无")),
    Column("urgent_time_unit", "紧急时限单位", help=gettext_lazy("工作时、工作日或自然小时")),
    Column(
        "routing_rule",
        "派遣规则",
        help=gettext_lazy("先属地后属主或先属主后属地；空白按类别默认"),
        width=14,
    ),
    Column("owner_unit", "属主部门", help=gettext_lazy("单位全称；空白表示无"), aliases=("权属单位",), width=22),
    Column("auto_dispatch", "可自动派遣", help=gettext_lazy("是/否"), width=10),
    Column("is_active", "启用", help=gettext_lazy("是/否；空白为是"), width=8),
)

UNIT_ALIASES = {"自然时": TimeUnit.NATURAL_HOURS, "小时": TimeUnit.NATURAL_HOURS, "天": TimeUnit.WORK_DAYS}


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def _limit(value: Decimal | None) -> str:
    return f"{value:.1f}".removesuffix(".0") if value is not None else ""


def _export_row(c: Category) -> list[Any]:
    parent = c.parent
    assert parent is not None
    return [
        c.get_kind_display(),
        parent.code,
        parent.name,
        c.code,
        c.name,
        c.accept_condition,
        c.close_condition,
        _limit(c.time_limit),
        c.get_time_unit_display(),
        _yes(c.urgent),
        _limit(c.urgent_time_limit),
        c.get_urgent_time_unit_display() if c.urgent_time_unit else "",
        c.get_routing_rule_display() if c.routing_rule else "",
        c.owner_unit.name if c.owner_unit else "",
        _yes(c.auto_dispatch),
        _yes(c.is_active),
    ]


def export_categories() -> bytes:
    """Every 小类 (the import's layout) and a 说明 sheet."""
    leaves = Category.objects.filter(parent__isnull=False).select_related("parent", "owner_unit")
    data = Sheet(
        title=_("问题类别"),
        header=[c.header for c in COLUMNS],
        rows=(_export_row(c) for c in leaves.order_by("kind", "code")),
        widths=[c.width for c in COLUMNS],
    )
    guide = Sheet(
        title=_("说明"),
        header=[_("列名"), _("必填"), _("说明")],
        rows=[[c.header, _("是") if c.required else "", str(c.help)] for c in COLUMNS],
        widths=[16, 8, 80],
    )
    return xlsx_bytes([data, guide])


# ---- import -----------------------------------------------------------------------------------


class CategoryImporter:
    """Read the sheet, validate every row, then write through ``services.category_save`` in one transaction."""

    def __init__(self, *, by: Person) -> None:
        self.by = by

    def run(self, data: bytes) -> ImportResult:
        require_role(self.by, *services.OFFICE, action=_("导入问题类别"))
        result = ImportResult(kind=KIND)
        try:
            self.headers, rows = read_rows(data, COLUMNS, result)
        except ImportFileError as exc:
            return result.file_error(str(exc))
        result.rows_seen = len(rows)
        if not rows:
            return result.no_rows()
        self._load()
        cleaned = [c for number, values in rows if (c := self._clean(number, values, result.errors)) is not None]
        first_row: dict[str, int] = {}
        for category in cleaned:
            row = category.row  # type: ignore[attr-defined]
            if category.code in first_row:
                message = _("编码与第 %(row)s 行重复") % {"row": first_row[category.code]}
                result.errors.append(RowError(row, self.header("code"), message))
            first_row.setdefault(category.code, row)
        if result.errors:
            return result
        try:
            with transaction.atomic():
                self._write(cleaned, result)
        except DomainError as exc:
            result.created = result.updated = result.unchanged = 0
            return result.file_error(exc.message)
        result.written = True
        return result

    def header(self, field_code: str) -> str:
        return self.headers.get(field_code) or next(c.header for c in COLUMNS if c.field == field_code)

    def _load(self) -> None:
        everything = list(Category.objects.select_related("parent", "owner_unit"))
        self.by_code = {c.code.upper(): c for c in everything}
        self.groups = [c for c in everything if c.parent_id is None]
        self.units = {u.name: u for u in Unit.objects.filter(is_active=True)}

    def _clean(self, number: int, values: dict[str, Any], errors: list[RowError]) -> Category | None:
        before = len(errors)

        def error(field_code: str, message: str) -> None:
            errors.append(RowError(number, self.header(field_code), message))

        def text(field_code: str, limit: int | None, *, required: bool = False) -> str:
            value = as_text(values.get(field_code))
            if required and not value:
                error(field_code, required_message(self.header(field_code)))
            elif message := too_long_message(value, limit):
                error(field_code, message)
            return value

        code = text("code", 20, required=True).upper()
        existing = self.by_code.get(code)
        if existing is not None and existing.parent_id is None:
            error("code", _("“%(code)s”是大类的编码，只能导入小类") % {"code": code})
            return None
        category = Category(code=code) if existing is None else Category.objects.get(pk=existing.pk)
        category.row = number  # type: ignore[attr-defined]
        parent = self._parent(values, existing, error)
        if parent is not None:
            category.parent, category.kind = parent, parent.kind
        category.name = text("name", 50, required=True)
        for field_code in ("accept_condition", "close_condition"):
            if field_code in self.headers:
                setattr(category, field_code, text(field_code, 2000))
        category.time_limit = self._decimal(values, "time_limit", error, required=True)  # type: ignore[assignment]
        category.time_unit = self._unit(values, "time_unit", error, required=True)
        if "urgent_time_limit" in self.headers:
            category.urgent_time_limit = self._decimal(values, "urgent_time_limit", error)
        if "urgent_time_unit" in self.headers:
            category.urgent_time_unit = self._unit(values, "urgent_time_unit", error)
        if "routing_rule" in self.headers:
            category.routing_rule = self._rule(values, error)
        if "owner_unit" in self.headers:
            category.owner_unit = self._owner(values, error)
        for field_code, default in (("urgent", False), ("auto_dispatch", False), ("is_active", True)):
            if field_code in self.headers:
                setattr(category, field_code, self._yes_no(values, field_code, default, error))
        return category if len(errors) == before else None

    def _parent(self, values: dict[str, Any], existing: Category | None, error: Any) -> Category | None:
        kind_text = as_text(values.get("kind"))
        kind = next((k for k, label in CategoryKind.choices if kind_text in (k, str(label))), None)
        if kind_text and kind is None:
            error("kind", _("“%(value)s”无效，请填“部件”或“事件”") % {"value": kind_text})
            return None
        code, name = as_text(values.get("parent_code")).upper(), as_text(values.get("parent_name"))
        if not code and not name:
            if existing is None:
                error("parent_code", _("新增小类须填写大类编码或大类名称"))
            return existing.parent if existing else None
        found = [
            g
            for g in self.groups
            if (g.code.upper() == code if code else g.name == name) and (kind is None or g.kind == kind)
        ]
        if len(found) != 1:
            column = "parent_code" if code else "parent_name"
            message = _("没有这个大类：%(value)s") if not found else _("大类“%(value)s”不唯一，请填写大类编码")
            error(column, message % {"value": code or name})
            return None
        return found[0]

    def _decimal(
        self, values: dict[str, Any], field_code: str, error: Any, *, required: bool = False
    ) -> Decimal | None:
        raw = as_text(values.get(field_code))
        if not raw:
            if required:
                error(field_code, required_message(self.header(field_code)))
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            error(field_code, _("“%(value)s”不是数字") % {"value": raw})
            return None
        if not value.is_finite() or value <= 0 or value > LIMIT_MAX or value != value.quantize(Decimal("0.1")):
            error(field_code, _("时限必须大于 0，最多一位小数"))
            return None
        return value.quantize(Decimal("0.1"))

    def _unit(self, values: dict[str, Any], field_code: str, error: Any, *, required: bool = False) -> str:
        raw = as_text(values.get(field_code))
        if not raw:
            if required:
                error(field_code, required_message(self.header(field_code)))
            return ""
        found = next((v for v, label in TimeUnit.choices if raw in (v, str(label))), UNIT_ALIASES.get(raw))
        if found is None:
            error(field_code, _("“%(value)s”无效，请填工作时、工作日或自然小时") % {"value": raw})
            return ""
        return str(found)

    def _rule(self, values: dict[str, Any], error: Any) -> str:
        raw = as_text(values.get("routing_rule"))
        if not raw or raw in ("默认", "按类别默认"):
            return ""
        found = next((v for v, label in RoutingRule.choices if raw in (v, str(label))), None)
        if found is None:
            error("routing_rule", _("“%(value)s”无效，请填先属地后属主或先属主后属地") % {"value": raw})
            return ""
        return str(found)

    def _owner(self, values: dict[str, Any], error: Any) -> Unit | None:
        raw = as_text(values.get("owner_unit"))
        if not raw:
            return None
        unit = self.units.get(raw)
        if unit is None:
            error("owner_unit", _("没有这个单位：%(value)s") % {"value": raw})
        return unit

    def _yes_no(self, values: dict[str, Any], field_code: str, default: bool, error: Any) -> bool:
        raw = values.get(field_code)
        if isinstance(raw, bool):
            return raw
        text = as_text(raw).lower()
        if not text:
            return default
        if text in YES_WORDS or text in NO_WORDS:
            return text in YES_WORDS
        error(field_code, _("“%(value)s”无效，请填“是”或“否”") % {"value": as_text(raw)})
        return default

    def _write(self, cleaned: list[Category], result: ImportResult) -> None:
        for category in cleaned:
            existing = self.by_code.get(category.code)
            if existing is not None and all(
                getattr(existing, f) == getattr(category, f) for f in (*CATEGORY_RULE_FIELDS, "parent_id")
            ):
                result.unchanged += 1
                continue
            try:
                services.category_save(category=category, by=self.by)
            except DomainError as exc:
                raise DomainError(
                    _("第 %(row)s 行：%(message)s") % {"row": category.row, "message": exc.message}  # type: ignore[attr-defined]
                ) from exc
            if existing is None:
                result.created += 1
            else:
                result.updated += 1


def import_categories(*, data: bytes, by: Person) -> ImportResult:
    return CategoryImporter(by=by).run(data)
