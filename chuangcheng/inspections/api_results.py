"""JSON API of inspections: an inspection's detail and the results by type, unit, town and indicator.

Same access as the pages (``access.py``): the county sees every inspection, a unit those of its
places, an inspector or road chief their own; volunteers 403; an inspection out of sight 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from chuangcheng.cases.selectors import case_list_for_user
from chuangcheng.core.schemas import ErrorOut, Id, NamedRef, Pagination
from chuangcheng.indicators.models import Campaign
from chuangcheng.org.types import AuthedRequest

from .access import can_see_inspections
from .choices import InspectionKind
from .forms_results import month_start
from .models import Inspection
from .results import (
    ScoreRow,
    failing_places,
    get_inspection_for_user,
    indicator_results,
    inspection_list_for_user,
    results_by_family,
    scores_by,
    totals,
    with_names,
)

router = Router(tags=["检查结果"])
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _require(request: AuthedRequest) -> None:
    if not can_see_inspections(request.user):
        raise PermissionDenied(_("您没有查看检查记录的权限"))


class InspectionFilters(Schema):
    """The filters of the inspection list page (``results.inspection_list_for_user``)."""

    date_from: dt.date | None = Field(None, description="检查日期起（含）")
    date_to: dt.date | None = Field(None, description="检查日期止（含）")
    kind: InspectionKind | None = Field(None, description="检查类型：patrol 日巡查、check 周检查、mock 模拟测评")
    checklist: Id | None = Field(None, description="检查表 id（即点位类型或道路等级）")
    town: Id | None = Field(None, description="乡镇/街道 id")
    unit: Id | None = Field(None, description="责任单位 id（含下级）")
    inspector: Id | None = Field(None, description="检查人 id")
    site: Id | None = Field(None, description="点位 id")
    segment: Id | None = Field(None, description="路段 id")


class ResultsFilters(InspectionFilters):
    campaign: Id | None = Field(None, description="按指标统计所用的创建项目 id（默认最新启用的）")


class InspectionOut(Schema):
    id: int
    kind: str
    kind_label: str
    site: NamedRef | None
    segment: NamedRef | None
    checklist: NamedRef
    unit: NamedRef | None
    town: NamedRef | None
    inspector: NamedRef
    submitted_at: dt.datetime
    score: Decimal = Field(description="得分（100 − 扣分合计）")
    deductions: Decimal
    note: str

    @staticmethod
    def resolve_kind_label(obj: Inspection) -> str:
        return str(obj.get_kind_display())


class InspectionPhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    taken_at: dt.datetime | None


class InspectionCaseRef(Schema):
    id: int
    code: str
    opened: bool = Field(description="true 为本次检查新立案，false 为并入已有案卷")
    visible: bool = Field(description="当前用户能否打开该案卷")


class InspectionResultOut(Schema):
    id: int
    family: str
    family_label: str
    text: str = Field(description="检查内容（检查时的版本）")
    outcome: str
    outcome_label: str
    deduction: Decimal
    note: str
    photos: list[InspectionPhotoOut]
    case: InspectionCaseRef | None


class InspectionVisitOut(Schema):
    id: int
    plan: NamedRef | None
    due_on: dt.date


class InspectionDetailOut(InspectionOut):
    results: list[InspectionResultOut]
    visits: list[InspectionVisitOut] = Field(description="本次检查完成的计划点位（日巡查或所属计划）")

    @staticmethod
    def resolve_results(obj: Any) -> Any:
        return obj.result_rows

    @staticmethod
    def resolve_visits(obj: Any) -> Any:
        return obj.visit_rows


class InspectionScoreRowOut(Schema):
    label: str
    inspections: int
    mean_score: Decimal
    deductions: Decimal
    failed_items: int


class InspectionTotalsOut(Schema):
    inspections: int
    mean_score: Decimal
    deductions: Decimal
    failed_items: int


class IndicatorPassRateOut(Schema):
    id: int
    code: str
    name: str
    max_score: Decimal
    passed: int
    failed: int
    pass_rate: float | None = Field(description="合格率（0–1）：合格 ÷（合格 + 不合格），不适用不计")
    predicted: Decimal | None = Field(description="满分 × 合格率")


class FailingPlaceOut(Schema):
    kind: str = Field(description="site 点位 或 segment 路段")
    id: int
    name: str
    lon: float
    lat: float
    failures: int
    inspections: int
    items: list[str] = Field(description="不合格的检查项（多的在前），形如“内容×次数”")


class InspectionResultsOut(Schema):
    date_from: dt.date | None
    date_to: dt.date | None
    campaign: NamedRef | None
    totals: InspectionTotalsOut
    by_type: list[InspectionScoreRowOut]
    by_unit: list[InspectionScoreRowOut]
    by_town: list[InspectionScoreRowOut]
    by_place: list[InspectionScoreRowOut]
    by_indicator: list[IndicatorPassRateOut]
    failing_places: list[FailingPlaceOut]


@router.get(
    "/records",
    response=list[InspectionOut],
    summary="检查记录",
    description=(
        "当前用户可见的检查记录（单位只见本单位及下级负责点位的，巡查员、路长只见自己的），新的在前；"
        f"分页：page 从 1 起，page_size 默认 {PAGE_SIZE}、最大 {MAX_PAGE_SIZE}，返回 {{count, items}}。"
    ),
    url_name="inspections_records",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def records(request: AuthedRequest, filters: Query[InspectionFilters]) -> QuerySet[Inspection]:
    _require(request)
    return with_names(inspection_list_for_user(user=request.user, filters=filters.dict(exclude_none=True)))


def _photo(photo: Any) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "url": reverse("inspections:photo", args=[photo.pk]),
        "thumbnail_url": reverse("inspections:photo_thumb", args=[photo.pk]),
        "taken_at": photo.taken_at,
    }


@router.get(
    "/records/{int:inspection_id}",
    response={200: InspectionDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="检查记录详情",
    description="各检查项的结果（按类别）、扣分、说明、照片地址、所立或并入的案卷、所属计划；不在范围内的返回 404。",
    url_name="inspections_record",
)
def record(request: AuthedRequest, inspection_id: Id) -> Inspection:
    _require(request)
    inspection = get_inspection_for_user(request.user, inspection_id)
    case_ids = {r.case_id for r in inspection.results.all() if r.case_id}
    visible = set(case_list_for_user(user=request.user).filter(pk__in=case_ids).values_list("pk", flat=True))
    rows = []
    for family in results_by_family(inspection):
        for r in family.results:
            case = None
            if r.case_id and r.case is not None:
                case = {"id": r.case_id, "code": r.case.code, "opened": r.case_opened, "visible": r.case_id in visible}
            rows.append(
                {
                    "id": r.pk,
                    "family": family.family,
                    "family_label": family.label,
                    "text": r.item_version.text,
                    "outcome": r.outcome,
                    "outcome_label": str(r.get_outcome_display()),
                    "deduction": r.deduction,
                    "note": r.note,
                    "photos": [_photo(p) for p in r.photos.all()],
                    "case": case,
                }
            )
    visits = inspection.visits.select_related("plan")
    inspection.result_rows = rows  # type: ignore[attr-defined]
    inspection.visit_rows = [  # type: ignore[attr-defined]
        {"id": v.pk, "plan": v.plan, "due_on": v.due_on} for v in visits
    ]
    return inspection


def _rows(rows: list[ScoreRow]) -> list[dict[str, Any]]:
    return [
        {
            "label": r.label,
            "inspections": r.inspections,
            "mean_score": r.mean_score,
            "deductions": r.deductions,
            "failed_items": r.failed_items,
        }
        for r in rows
    ]


@router.get(
    "/results",
    response={200: InspectionResultsOut, 403: ErrorOut},
    summary="检查结果统计",
    description=(
        "当前用户可见的检查记录在一段时间内（未给日期时为本月）的统计：按点位类型/道路等级、责任单位、乡镇/街道、"
        "点位（平均得分低的在前），按测评指标的合格率与预测得分，以及有不合格项的点位（地图用）。筛选参数与检查记录相同。"
    ),
    url_name="inspections_results",
)
def results(request: AuthedRequest, filters: Query[ResultsFilters]) -> dict[str, Any]:
    _require(request)
    wanted = filters.dict(exclude_none=True)
    campaign_id = wanted.pop("campaign", None)
    if "date_from" not in wanted and "date_to" not in wanted:
        today = timezone.localdate()
        wanted["date_from"], wanted["date_to"] = month_start(today), today
    campaign = (
        get_object_or_404(Campaign, pk=campaign_id)
        if campaign_id
        else Campaign.objects.filter(is_active=True).order_by("-pk").first()
    )
    inspections = inspection_list_for_user(user=request.user, filters=wanted)
    t = totals(inspections)
    indicators = indicator_results(inspections, campaign) if campaign else []
    return {
        "date_from": wanted.get("date_from"),
        "date_to": wanted.get("date_to"),
        "campaign": campaign,
        "totals": {
            "inspections": t.inspections,
            "mean_score": t.mean_score,
            "deductions": t.deductions,
            "failed_items": t.failed_items,
        },
        **{f"by_{key}": _rows(scores_by(inspections, key)) for key in ("type", "unit", "town", "place")},
        "by_indicator": [
            {
                "id": r.id,
                "code": r.code,
                "name": r.name,
                "max_score": r.max_score,
                "passed": r.rate.passed,
                "failed": r.rate.failed,
                "pass_rate": float(r.rate.rate) if r.rate.rate is not None else None,
                "predicted": r.predicted,
            }
            for r in indicators
        ],
        "failing_places": [
            {
                "kind": p.kind,
                "id": p.id,
                "name": p.name,
                "lon": p.lon,
                "lat": p.lat,
                "failures": p.failures,
                "inspections": p.inspections,
                "items": [f"{text}×{n}" for text, n in p.items],
            }
            for p in failing_places(inspections)
        ],
    }
