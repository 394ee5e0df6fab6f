"""JSON API of the monthly appraisal: runs, a unit's figures, the traced lists, the schemes, and
the office's actions on a run.

Same access as the pages (``selectors.py``): drafts are a 404 for units and leaders; a unit reads
the ranking of a published run and its own figures only (another unit's detail is a 404); only
the office (创建办) writes (403 for everybody else). Adding a 加减分 item takes an
``Idempotency-Key`` header: a retry with the same key returns the first item instead of a second.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, WithJsonSchema

from chuangcheng.core.schemas import (
    ErrorOut,
    Id,
    NamedRef,
    Pagination,
    Text,
    idempotency_key_header,
    require_idempotency_key,
)
from chuangcheng.org.types import AuthedRequest

from . import services
from .access import reads_every_unit, require_keeper, require_reader
from .choices import AdjustmentKind, ComponentKind, FigureState
from .models import Adjustment, Run, Scheme, UnitResult
from .selectors import (
    components_for_group,
    figure_of,
    get_result_for_user,
    get_run_for_user,
    get_scheme_for_user,
    results_by_group,
    runs_list_for_user,
    scheme_list_for_user,
    trace_list,
)

router = Router(tags=["月度考核"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

Part = Literal["num", "den"]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# 加减分 points, kept to two decimal places (the column's precision); the document says "a number
# from -100 to 100" (the string form pydantic also accepts is not advertised).
Points = Annotated[
    Decimal,
    Field(ge=-100, le=100),
    AfterValidator(_cents),
    WithJsonSchema({"type": "number", "minimum": -100, "maximum": 100}),
]


# ---- shapes ----------------------------------------------------------------------------------------


class AppraisalRunOut(Schema):
    id: int
    label: str
    scheme: NamedRef
    period_start: dt.date
    period_end: dt.date = Field(description="截止日期（不含当日）")
    revision: int
    status: str = Field(description="draft 草稿、published 已发布、superseded 已更正")
    status_label: str
    correction_of: int | None = Field(None, description="更正的是哪一版（run id）")
    correction_reason: str
    computed_at: dt.datetime | None
    published_at: dt.datetime | None
    doc_number: str = Field(description="发文字号，发布时编号")

    @staticmethod
    def resolve_status_label(obj: Run) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_correction_of(obj: Run) -> int | None:
        return obj.correction_of_id


class AppraisalUnitRef(Schema):
    id: int
    name: str = Field(description="单位名称（考核时的名称）")


class AppraisalResultOut(Schema):
    """A unit's line in the ranking (what every reader of the run sees)."""

    unit: AppraisalUnitRef
    group: str
    rank: int | None
    group_size: int
    previous_rank: int | None
    movement: int | None = Field(description="较上月名次变化，正数为上升；null 为新上榜")
    total: Decimal | None
    grade: str
    board: str = Field(description="red 红榜、black 黑榜，或空")
    black_streak: int = Field(description="连续上黑榜月数")
    note: str

    @staticmethod
    def resolve_unit(obj: UnitResult) -> dict[str, Any]:
        return {"id": obj.unit_id, "name": obj.unit_name}


class AppraisalGroupOut(Schema):
    group: str
    label: str
    results: list[AppraisalResultOut]


class AppraisalComponentRef(Schema):
    kind: str
    name: str
    weight: Decimal
    groups: list[str]


class AppraisalRunDetailOut(AppraisalRunOut):
    overview: dict[str, Any] = Field(description="全县总体情况（上报、派遣、处置、结案、按期处置率…）")
    components: list[AppraisalComponentRef]
    groups: list[AppraisalGroupOut]


class AppraisalFigureOut(Schema):
    kind: str
    name: str
    weight: Decimal
    state: str = Field(description="scored 已计分、no_denominator 无基数、small_sample 样本不足、no_data 暂无数据")
    state_label: str
    label: str = Field(description="未计分的原因，如“无应结案件”“样本不足（2 件）”")
    value: Decimal | None = Field(description="指标值（比率为百分数，计数为件数）")
    score: Decimal | None = Field(description="分值 0–100；未计分为 null")
    num: int | None = Field(description="分子")
    den: int | None = Field(description="分母")
    traced: bool = Field(description="能否列出分子、分母背后的记录")


class AppraisalAdjustmentOut(Schema):
    id: int
    unit: NamedRef
    kind: str
    kind_label: str
    points: Decimal
    reason: str
    has_evidence: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Adjustment) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_has_evidence(obj: Adjustment) -> bool:
        return bool(obj.evidence)


class AppraisalUnitOut(AppraisalResultOut):
    run_id: int
    base_score: Decimal | None = Field(description="考核得分（已计分项的加权平均）")
    adjustment: Decimal = Field(description="加减分合计")
    figures: list[AppraisalFigureOut]
    adjustments: list[AppraisalAdjustmentOut]

    @staticmethod
    def resolve_figures(obj: UnitResult) -> list[dict[str, Any]]:
        return obj.figure_rows  # type: ignore[attr-defined]

    @staticmethod
    def resolve_adjustments(obj: UnitResult) -> list[Adjustment]:
        return obj.adjustment_items  # type: ignore[attr-defined]


class AppraisalTraceItemOut(Schema):
    id: int
    code: str = Field(description="案卷编号、任务编号、督办单编号，或检查时间")
    title: str
    unit: str
    url: str


class AppraisalComponentOut(Schema):
    id: int
    kind: str
    name: str
    weight: Decimal
    groups: list[str]
    params: dict[str, Any]
    is_active: bool


class AppraisalSchemeOut(Schema):
    id: int
    name: str
    year: int | None
    groups: list[str]
    grades: list[list[Any]] = Field(description='等次分数线，如 [["A", 90], ["B", 75], …, ["E", 0]]')
    tie_break: str
    red_top_n: int
    black_bottom_n: int
    red_min_score: Decimal | None
    black_max_score: Decimal | None
    red_needs_rate: bool = Field(description="只按数量计分的单位是否不上红榜")
    issuer: str
    doc_prefix: str
    recipients: str
    cc: str
    is_active: bool
    components: list[AppraisalComponentOut]

    @staticmethod
    def resolve_components(obj: Scheme) -> list[Any]:
        return list(obj.components.order_by("sort_order", "pk"))


class AppraisalRunIn(Schema):
    scheme: Id = Field(description="考核方案 id")
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)


class AppraisalAdjustmentIn(Schema):
    unit: Id = Field(description="参评单位 id")
    kind: AdjustmentKind
    points: Points = Field(description="加分为正，扣分为负，不为 0")
    reason: Text = Field(max_length=1000, description="事由")


class AppraisalCorrectIn(Schema):
    reason: Text = Field(max_length=1000, description="更正原因")


# ---- reads -----------------------------------------------------------------------------------------


@router.get(
    "/runs",
    response=list[AppraisalRunOut],
    summary="月度考核列表",
    description="新考核期在前；草稿只有创建办和督查室能看到。",
    url_name="appraisal_runs",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def runs(request: AuthedRequest) -> Any:
    require_reader(request.user)
    return runs_list_for_user(user=request.user)


def _run_detail(request: AuthedRequest, run: Run) -> Run:
    """The run with its groups and components attached for ``AppraisalRunDetailOut``."""
    run.groups = [  # type: ignore[attr-defined]
        {"group": t.group, "label": t.label, "results": t.results} for t in results_by_group(run)
    ]
    run.components = run.scheme_snapshot.get("components") or []  # type: ignore[attr-defined]
    return run


@router.get(
    "/runs/{int:run_id}",
    response={200: AppraisalRunDetailOut, **ERRORS},
    summary="一次月度考核及排名",
    description="各分组的排名、总分、等次、红黑榜；各单位的指标明细见 /runs/{run_id}/units/{unit_id}。",
    url_name="appraisal_run",
)
def run(request: AuthedRequest, run_id: Id) -> Any:
    return _run_detail(request, get_run_for_user(request.user, run_id))


def _figures(run: Run, result: UnitResult) -> list[dict[str, Any]]:
    states = dict(FigureState.choices)
    rows = []
    for component in components_for_group(run, result.group):
        figure = figure_of(result, component) or {}
        state = figure.get("state") or FigureState.NO_DATA
        rows.append(
            {
                "kind": component["kind"],
                "name": component["name"],
                "weight": component["weight"],
                "state": state,
                "state_label": str(states.get(state, "")),
                "label": figure.get("label") or "",
                "value": figure.get("value"),
                "score": figure.get("score"),
                "num": figure.get("num"),
                "den": figure.get("den"),
                "traced": component["kind"] in result.trace,
            }
        )
    return rows


@router.get(
    "/runs/{int:run_id}/units/{int:unit_id}",
    response={200: AppraisalUnitOut, **ERRORS},
    summary="一个单位的考核明细",
    description="各考核项的分子、分母、指标值、分值和状态，加减分。单位只能查看本单位（其他单位 404）。",
    url_name="appraisal_unit",
)
def unit(request: AuthedRequest, run_id: Id, unit_id: Id) -> Any:
    found = get_run_for_user(request.user, run_id)
    result = get_result_for_user(request.user, found, unit_id)
    result.figure_rows = _figures(found, result)  # type: ignore[attr-defined]
    result.adjustment_items = list(  # type: ignore[attr-defined]
        found.adjustments.filter(unit_id=unit_id).select_related("unit")
    )
    return result


def _trace_item(model: str, obj: Any) -> dict[str, Any]:
    if model == "case":
        return {
            "id": obj.pk,
            "code": obj.code,
            "title": obj.category.name,
            "unit": str(obj.unit or ""),
            "url": reverse("cases:detail", args=[obj.pk]),
        }
    if model == "task":
        url = reverse("indicators:task_detail", args=[obj.pk])
        return {"id": obj.pk, "code": obj.code, "title": obj.title, "unit": str(obj.lead_unit), "url": url}
    if model == "notice":
        url = reverse("indicators:notice_detail", args=[obj.pk])
        return {"id": obj.pk, "code": obj.code, "title": obj.task.title, "unit": str(obj.unit), "url": url}
    return {
        "id": obj.pk,
        "code": obj.submitted_at.isoformat(),
        "title": str(obj.site or obj.segment or ""),
        "unit": str(obj.unit or ""),
        "url": reverse("inspections:detail", args=[obj.pk]),
    }


@router.get(
    "/runs/{int:run_id}/units/{int:unit_id}/trace/{kind}/{part}",
    response={200: list[AppraisalTraceItemOut], **ERRORS},
    summary="指标的计入清单",
    description=(
        "某单位某考核项分子（num）或分母（den）计入的案卷、任务、督办单或检查记录（发布时冻结的清单）。"
        "单位只能查看本单位（其他单位 404）。"
    ),
    url_name="appraisal_trace",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def trace(request: AuthedRequest, run_id: Id, unit_id: Id, kind: ComponentKind, part: Part) -> Any:
    found = get_run_for_user(request.user, run_id)
    result = get_result_for_user(request.user, found, unit_id)
    traced = trace_list(result, str(kind), part)
    return [_trace_item(traced.model, obj) for obj in traced.items]


@router.get(
    "/schemes",
    response={200: list[AppraisalSchemeOut], **ERRORS},
    summary="考核方案",
    description="县级用户（创建办、督查室、县领导）可查看。",
    url_name="appraisal_schemes",
)
def schemes(request: AuthedRequest) -> Any:
    if not reads_every_unit(request.user):
        raise PermissionDenied(_("只有县级用户可以查看考核方案"))
    return list(scheme_list_for_user(user=request.user))


@router.get(
    "/schemes/{int:scheme_id}",
    response={200: AppraisalSchemeOut, **ERRORS},
    summary="一个考核方案",
    url_name="appraisal_scheme",
)
def scheme(request: AuthedRequest, scheme_id: Id) -> Any:
    if not reads_every_unit(request.user):
        raise PermissionDenied(_("只有县级用户可以查看考核方案"))
    return get_scheme_for_user(request.user, scheme_id)


# ---- the office's actions ---------------------------------------------------------------------------


@router.post(
    "/runs",
    response={201: AppraisalRunDetailOut, **ERRORS},
    summary="新建月度考核",
    description="按事件计算某年某月的草稿（Asia/Shanghai 的自然月）。该月已有草稿或已发布时 400。",
    url_name="appraisal_run_create",
)
def run_create(request: AuthedRequest, payload: AppraisalRunIn) -> Any:
    require_keeper(request.user)
    found = get_object_or_404(Scheme, pk=payload.scheme)
    made = services.month_run_create(scheme=found, by=request.user, year=payload.year, month=payload.month)
    return Answer(201, _run_detail(request, made))


def _keeper_run(request: AuthedRequest, run_id: int) -> Run:
    found = get_run_for_user(request.user, run_id)
    require_keeper(request.user)
    return found


@router.post(
    "/runs/{int:run_id}/recompute",
    response={200: AppraisalRunDetailOut, **ERRORS},
    summary="重新计算草稿",
    url_name="appraisal_recompute",
)
def recompute(request: AuthedRequest, run_id: Id) -> Any:
    found = services.run_recompute(run=_keeper_run(request, run_id), by=request.user)
    return _run_detail(request, found)


@router.post(
    "/runs/{int:run_id}/adjustments",
    response={200: AppraisalAdjustmentOut, 201: AppraisalAdjustmentOut, **ERRORS},
    summary="录入加分/扣分",
    description=(
        "草稿上录入一条加减分（事由必填，分值 −100～100 且不为 0），排名随即更新。"
        "必须带 Idempotency-Key 请求头；重试时带同一个键，返回第一次录入的那条（200），新录入返回 201。"
        "佐证材料请在网页上传。"
    ),
    url_name="appraisal_adjustment_add",
    openapi_extra=idempotency_key_header("客户端生成的唯一键，最长 64 字符"),
)
def adjustment_add(
    request: AuthedRequest,
    run_id: Id,
    payload: AppraisalAdjustmentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", include_in_schema=False),
) -> Any:
    found = _keeper_run(request, run_id)
    key = require_idempotency_key(idempotency_key, _("录入"))
    if first := services.adjustment_with_key(request.user, key):
        if first.run_id != found.pk:
            raise HttpError(409, _("该幂等键已用于其他月份的加减分，请换一个键"))
        return Answer(200, first)
    result = found.results.select_related("unit").filter(unit_id=payload.unit).first()
    if result is None:
        raise HttpError(400, _("该单位不在本次考核范围内"))
    item = services.adjustment_add(
        run=found,
        unit=result.unit,
        kind=payload.kind,
        points=payload.points,
        reason=payload.reason,
        by=request.user,
        idempotency_key=key,
    )
    return Answer(201, item)


@router.delete(
    "/runs/{int:run_id}/adjustments/{int:adjustment_id}",
    response={204: None, **ERRORS},
    summary="删除加分/扣分",
    url_name="appraisal_adjustment_remove",
)
def adjustment_remove(request: AuthedRequest, run_id: Id, adjustment_id: Id) -> Any:
    found = _keeper_run(request, run_id)
    item = get_object_or_404(Adjustment, run=found, pk=adjustment_id)
    services.adjustment_remove(item=item, by=request.user)
    return Answer(204, None)


@router.post(
    "/runs/{int:run_id}/publish",
    response={200: AppraisalRunDetailOut, **ERRORS},
    summary="发布",
    description="冻结草稿（计入的记录、得分和通报文件），编发文字号，通知各参评单位；更正稿发布后原版标为已更正。",
    url_name="appraisal_publish",
)
def publish(request: AuthedRequest, run_id: Id) -> Any:
    found = services.run_publish(run=_keeper_run(request, run_id), by=request.user)
    return _run_detail(request, found)


@router.post(
    "/runs/{int:run_id}/correct",
    response={201: AppraisalRunDetailOut, **ERRORS},
    summary="更正",
    description="对已发布的考核发起更正：生成新版本草稿（更正原因必填），按最新数据重新计算。",
    url_name="appraisal_correct",
)
def correct(request: AuthedRequest, run_id: Id, payload: AppraisalCorrectIn) -> Any:
    draft = services.run_correct(run=_keeper_run(request, run_id), by=request.user, reason=payload.reason)
    return Answer(201, _run_detail(request, draft))
