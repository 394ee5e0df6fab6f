"""JSON API of inspections: the office's checklist pages: list, edit, .xlsx import/export.

Same rules as the pages (``views_checklists``): office, supervisor, leader, inspectors and road
chiefs read; only the office edits and imports; an item's content change is a new version.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile

from chuangcheng.cases.models import Category
from chuangcheng.core.errors import DomainError
from chuangcheng.core.schemas import ErrorOut, Id
from chuangcheng.core.xlsx import XLSX_CONTENT_TYPE
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.org.types import AuthedRequest

from . import selectors, services
from .access import require_checklist_editor, require_checklist_reader
from .choices import ItemFamily
from .models import Checklist, ChecklistItem
from .views_checklists import ERRORS_SHOWN, export_response, run_import

router = Router(tags=["检查表"])


class ChecklistSiteTypeOut(Schema):
    id: int
    code: str
    name: str


class ChecklistOut(Schema):
    id: int
    name: str
    target: str = Field(description="site 点位类型 或 road 道路等级")
    site_type: ChecklistSiteTypeOut | None
    road_class: str = Field(description="道路等级代码（点位类型的检查表为空）")
    road_class_label: str
    is_active: bool
    item_count: int = Field(description="检查项总数")
    active_count: int = Field(description="启用的检查项数")

    @staticmethod
    def resolve_target(obj: Any) -> str:
        return "site" if obj.site_type_id else "road"

    @staticmethod
    def resolve_road_class_label(obj: Any) -> str:
        return str(obj.get_road_class_display()) if obj.road_class else ""


class ChecklistIndicatorOut(Schema):
    id: int
    campaign: str = Field(description="创建项目编码")
    code: str
    name: str

    @staticmethod
    def resolve_campaign(obj: Any) -> str:
        return str(obj.campaign.code)


class ChecklistCategoryOut(Schema):
    id: int
    code: str
    name: str


class ChecklistItemOut(Schema):
    id: int
    checklist_id: int
    family: str
    family_label: str
    text: str
    method: str
    deduction: Decimal
    photo_required: bool = Field(description="不合格时须拍照")
    case_category: ChecklistCategoryOut | None = Field(description="不合格时立案的问题小类")
    indicators: list[ChecklistIndicatorOut] = Field(description="关联的测评内容/测评标准（各创建项目）")
    is_active: bool
    sort_order: int
    version: int = Field(description="当前版本号；内容每改一次加 1，已提交的检查保留原版本")

    @staticmethod
    def resolve_family_label(obj: Any) -> str:
        return str(obj.get_family_display())

    @staticmethod
    def resolve_indicators(obj: Any) -> Any:
        return obj.indicators.all()


class ChecklistDetailOut(ChecklistOut):
    items: list[ChecklistItemOut] = Field(description="全部检查项（含停用的），按顺序")

    @staticmethod
    def resolve_items(obj: Any) -> Any:
        return obj.items_list


class ChecklistItemIn(Schema):
    family: ItemFamily
    text: str = Field(min_length=1, max_length=200)
    method: str = Field("", max_length=300)
    deduction: float = Field(ge=0, le=99.9, description="不合格时扣的分，保留一位小数（多的四舍五入）")
    photo_required: bool = True
    case_category: Id | None = Field(None, description="问题小类 id；null 为不立案")


class ChecklistItemPatch(Schema):
    family: ItemFamily | None = None
    text: str | None = Field(None, min_length=1, max_length=200)
    method: str | None = Field(None, max_length=300)
    deduction: float | None = Field(None, ge=0, le=99.9, description="保留一位小数（多的四舍五入）")
    photo_required: bool | None = None
    case_category: Id | None = Field(None, description="问题小类 id；传 null 为不立案，不传则不变")
    is_active: bool | None = None


class ChecklistLinksIn(Schema):
    campaign: str = Field(min_length=1, max_length=30, description="创建项目编码")
    nodes: list[Id] = Field(description="该创建项目的测评内容/测评标准 id；空列表为取消关联", max_length=500)


class ChecklistImportErrorOut(Schema):
    row: int | None = Field(description="Excel 行号；null 表示整个文件的问题")
    column: str = Field(description="列名（表头）；空表示整行或整个文件")
    message: str


class ChecklistImportResultOut(Schema):
    ok: bool = Field(description="每一行都通过校验")
    written: bool = Field(description="是否写入了数据")
    rows_seen: int
    created: int
    updated: int
    unchanged: int
    skipped: int = Field(description="仅导入无误的行时，跳过的有错误的行数")
    warnings: list[str]
    error_count: int = Field(description="错误总数（errors 最多列出前 500 条）")
    errors: list[ChecklistImportErrorOut]


def _with_items(checklist: Checklist) -> Checklist:
    checklist.items_list = list(selectors.checklist_items(checklist))  # type: ignore[attr-defined]
    return checklist


def _save(item: ChecklistItem, by: Any) -> ChecklistItem:
    """``checklist_item_save``, its model checks (an empty text, say) answered as a 400 with their messages."""
    try:
        return services.checklist_item_save(item=item, by=by)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages)) from None


def _points(value: float) -> Decimal:
    """A deduction as the model keeps it: one decimal (a client's 98.89999999999999 is 98.9)."""
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _category(pk: int | None) -> Category | None:
    if pk is None:
        return None
    category = Category.objects.filter(pk=pk, parent__isnull=False).first()
    if category is None:
        raise DomainError(_("问题小类不存在"))
    return category


def _item(request: AuthedRequest, item_id: int) -> ChecklistItem:
    require_checklist_editor(request.user)
    return selectors.get_checklist_item_for_user(request.user, item_id)


def _item_out(item: ChecklistItem) -> ChecklistItem:
    return selectors.checklist_items(item.checklist).get(pk=item.pk)


@router.get(
    "/checklists/export.xlsx",
    summary="导出检查表",
    description="全部检查表的全部检查项，每项一行，列与导入相同，可改后再导入。",
    openapi_extra={
        "responses": {
            200: {
                "description": "Excel 文件",
                "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    url_name="inspections_checklist_export",
)
def checklist_export(request: AuthedRequest) -> HttpResponse:
    return export_response(request.user)


@router.post(
    "/checklists/import",
    response={200: ChecklistImportResultOut, 403: ErrorOut},
    summary="导入检查表（Excel）",
    description=(
        "仅创建办可用。multipart 表单：file 为 .xlsx 文件；partial 为 true 时只写入无误的行，"
        "默认有任何错误则一行都不写入。"
        "同一检查表内按检查内容匹配：已有的更新（内容变化保存为新版本），新的新增。文件读完并校验后总是返回 200："
        "ok 表示每行都通过校验，written 表示是否写入了数据，errors 列出每个错误的行号、列名和说明。"
    ),
    url_name="inspections_checklist_import",
)
def checklist_import(request: AuthedRequest, file: File[UploadedFile], partial: Form[bool] = False) -> Any:
    require_checklist_editor(request.user)
    result = run_import(upload=file, by=request.user, partial=partial)
    data = asdict(result)
    return {**data, "ok": result.ok, "error_count": len(result.errors), "errors": data["errors"][:ERRORS_SHOWN]}


@router.get(
    "/checklists",
    response={200: list[ChecklistOut], 403: ErrorOut},
    summary="检查表",
    description="每种点位类型、每个道路等级的检查表及检查项数。创建办、督查室、领导、巡查员、路长可查看。",
    url_name="inspections_checklists",
)
def checklist_list(request: AuthedRequest) -> Any:
    require_checklist_reader(request.user)
    return selectors.checklist_list_for_user(user=request.user)


@router.get(
    "/checklists/{checklist_id}",
    response={200: ChecklistDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="检查表及其检查项",
    url_name="inspections_checklist",
)
def checklist_detail(request: AuthedRequest, checklist_id: Id) -> Any:
    require_checklist_reader(request.user)
    return _with_items(selectors.get_checklist_for_user(request.user, checklist_id))


@router.post(
    "/checklists/{checklist_id}/items",
    response={201: ChecklistItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="添加检查项",
    description="仅创建办。新检查项为第 1 版，排在检查表最后。",
    url_name="inspections_checklist_item_create",
)
def item_create(request: AuthedRequest, checklist_id: Id, payload: ChecklistItemIn) -> Any:
    require_checklist_editor(request.user)
    checklist = selectors.get_checklist_for_user(request.user, checklist_id)
    last = checklist.items.order_by("-sort_order").values_list("sort_order", flat=True).first()
    item = ChecklistItem(
        checklist=checklist,
        sort_order=last + 1 if last is not None else 0,
        family=payload.family,
        text=payload.text.strip(),
        method=payload.method.strip(),
        deduction=_points(payload.deduction),
        photo_required=payload.photo_required,
        case_category=_category(payload.case_category),
    )
    _save(item, request.user)
    return Answer(201, _item_out(item))


@router.patch(
    "/checklist-items/{item_id}",
    response={200: ChecklistItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="修改检查项",
    description=(
        "仅创建办。只改传入的字段。修改内容（类别、检查内容、检查方法、扣分、拍照要求、立案类别）保存为新版本，"
        "已提交的检查仍按原版本；is_active 停用或启用，不产生新版本。"
    ),
    url_name="inspections_checklist_item_update",
)
def item_update(request: AuthedRequest, item_id: Id, payload: ChecklistItemPatch) -> Any:
    item = _item(request, item_id)
    fields = payload.dict(exclude_unset=True)
    for name in ("family", "text", "method", "deduction", "photo_required", "is_active"):
        if fields.get(name) is not None:
            value = fields[name]
            value = _points(value) if name == "deduction" else value
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    if "case_category" in fields:
        item.case_category = _category(fields["case_category"])
    _save(item, request.user)
    return _item_out(item)


@router.put(
    "/checklist-items/{item_id}/indicators",
    response={200: ChecklistItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="设置检查项关联的指标",
    description="仅创建办。设置该检查项在一个创建项目中佐证的测评内容/测评标准；其他创建项目的关联不变。",
    url_name="inspections_checklist_item_indicators",
)
def item_indicators(request: AuthedRequest, item_id: Id, payload: ChecklistLinksIn) -> Any:
    item = _item(request, item_id)
    campaign = get_object_or_404(Campaign, code=payload.campaign)
    nodes = list(IndicatorNode.objects.filter(pk__in=payload.nodes))
    if len(nodes) != len(set(payload.nodes)):
        raise DomainError(_("指标不存在"))
    services.checklist_item_link_indicators(item=item, campaign=campaign, nodes=nodes, by=request.user)
    return _item_out(item)
