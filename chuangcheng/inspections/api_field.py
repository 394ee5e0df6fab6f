"""JSON API of inspections: the street roles' phone pages: today's list, nearby sites, the inspection form.

The same rules as the pages (``views_field``): inspectors, road chiefs, the supervision office
and the office use it (403 for other roles); a visit that is not the caller's, or a place out of
their reach, is a 404. Submitting takes an ``Idempotency-Key`` header: a phone on a bad network
retries with the same key and gets the first inspection back (200) instead of a second (201).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile

from chuangcheng.core.errors import DomainError
from chuangcheng.core.schemas import Id, Text, idempotency_key_header
from chuangcheng.org.types import AuthedRequest
from chuangcheng.places.models import RoadSegment, Site

from . import forms_field, selectors_field, services
from .access import can_inspect
from .choices import InspectionKind, Outcome
from .models import Checklist, Inspection, Visit
from .selectors import active_items, checklist_for_segment, checklist_for_site

router = Router(tags=["现场检查"])

KEY_HELP = "客户端在第一次提交时生成的唯一键（对当前检查人唯一即可），8–64 位字母、数字或 _.:- 符号"


def _require_inspector(request: AuthedRequest) -> None:
    if not can_inspect(request.user):
        raise DomainError(_("只有巡查员、路长、督查室和创建办使用现场检查"), code="forbidden")


# ---- shapes ---------------------------------------------------------------------------------------


class PointIn(Schema):
    lon: float | None = Field(None, ge=-180, le=180, description="手机位置经度（WGS84），给出时按距离排序")
    lat: float | None = Field(None, ge=-90, le=90, description="手机位置纬度（WGS84）")


class NearIn(Schema):
    lon: float = Field(ge=-180, le=180, description="手机位置经度（WGS84）")
    lat: float = Field(ge=-90, le=90, description="手机位置纬度（WGS84）")
    radius: int = Field(selectors_field.NEARBY_RADIUS_M, ge=10, le=2000, description="范围（米）")


class PlaceOut(Schema):
    kind: str = Field(description="site 点位 / segment 路段")
    id: int
    name: str
    code: str
    type: str = Field(description="点位类型或道路等级")
    lon: float
    lat: float
    distance_m: float | None = Field(None, description="离手机位置的距离（米），未给位置时为空")


class FieldVisitOut(Schema):
    id: int
    kind: str
    kind_label: str
    state: str = Field(description="done 已完成 / pending 待检查（见计划点位状态）")
    starts_on: dt.date
    due_on: dt.date
    plan: str = ""
    place: PlaceOut


class ItemOut(Schema):
    id: int
    family: str
    family_label: str
    text: str
    method: str
    deduction: Decimal
    photo_required: bool
    case_category: str = ""


class FieldChecklistOut(Schema):
    id: int
    name: str
    place: PlaceOut
    items: list[ItemOut]


class ResultOut(Schema):
    item_id: int
    text: str
    outcome: str
    deduction: Decimal
    photos: int
    case_id: int | None
    case_code: str
    case_opened: bool


class SubmittedOut(Schema):
    id: int
    score: Decimal
    deductions: Decimal
    submitted_at: dt.datetime
    done_url: str = Field(description="手机页面上的提交结果页")
    failures: list[ResultOut]


# ---- places ------------------------------------------------------------------------------------------


def _place(place: Site | RoadSegment, lon: float | None = None, lat: float | None = None) -> dict[str, Any]:
    point = selectors_field.place_point(place)
    is_site = isinstance(place, Site)
    return {
        "kind": "site" if is_site else "segment",
        "id": place.pk,
        "name": place.name,
        "code": place.code,
        "type": place.site_type.name if isinstance(place, Site) else place.get_road_class_display(),
        "lon": point[0],
        "lat": point[1],
        "distance_m": None if lon is None or lat is None else round(selectors_field.distance_to(place, lon, lat), 1),
    }


@router.get("/field/today", response=list[FieldVisitOut], summary="今日任务", url_name="inspections_field_today")
def today(request: AuthedRequest, point: Query[PointIn]) -> list[dict[str, Any]]:
    """我的今日日巡查点位，以及我所在检查组的进行中计划的待检点位；给出位置时由近到远。"""
    _require_inspector(request)
    visits = selectors_field.sort_by_distance(
        selectors_field.today_visits_for_user(user=request.user, today=timezone.localdate()), point.lon, point.lat
    )
    return [_visit(visit, point.lon, point.lat) for visit in visits]


def _visit(visit: Visit, lon: float | None, lat: float | None) -> dict[str, Any]:
    place = visit.site or visit.segment
    assert place is not None
    return {
        "id": visit.pk,
        "kind": visit.kind,
        "kind_label": visit.get_kind_display(),
        "state": getattr(visit, "state", ""),
        "starts_on": visit.starts_on,
        "due_on": visit.due_on,
        "plan": visit.plan.name if visit.plan else "",
        "place": _place(place, lon, lat),
    }


@router.get("/field/nearby", response=list[PlaceOut], summary="附近点位", url_name="inspections_field_nearby")
def nearby(request: AuthedRequest, near: Query[NearIn]) -> list[dict[str, Any]]:
    """手机位置附近可检查的点位和路段（计划外检查），由近到远。"""
    _require_inspector(request)
    places = selectors_field.places_near_for_user(user=request.user, lon=near.lon, lat=near.lat, radius_m=near.radius)
    return [_place(n.place, near.lon, near.lat) for n in places]


def _checklist(checklist: Checklist | None, place: Site | RoadSegment) -> dict[str, Any]:
    if checklist is None:
        raise Http404(_("该点位或路段还没有启用的检查表"))
    items = [
        {
            "id": item.pk,
            "family": item.family,
            "family_label": item.get_family_display(),
            "text": item.text,
            "method": item.method,
            "deduction": item.deduction,
            "photo_required": item.photo_required,
            "case_category": item.case_category.name if item.case_category else "",
        }
        for item in active_items(checklist)
    ]
    return {"id": checklist.pk, "name": checklist.name, "place": _place(place), "items": items}


@router.get(
    "/field/sites/{site_id}/checklist",
    response=FieldChecklistOut,
    summary="点位的检查表",
    url_name="inspections_field_site_checklist",
)
def site_checklist(request: AuthedRequest, site_id: Id) -> dict[str, Any]:
    _require_inspector(request)
    site = selectors_field.get_field_site_for_user(request.user, site_id)
    return _checklist(checklist_for_site(site), site)


@router.get(
    "/field/segments/{segment_id}/checklist",
    response=FieldChecklistOut,
    summary="路段的检查表",
    url_name="inspections_field_segment_checklist",
)
def segment_checklist(request: AuthedRequest, segment_id: Id) -> dict[str, Any]:
    _require_inspector(request)
    segment = selectors_field.get_field_segment_for_user(request.user, segment_id)
    return _checklist(checklist_for_segment(segment), segment)


# ---- submit --------------------------------------------------------------------------------------------


@router.post(
    "/field/inspections",
    response={200: SubmittedOut, 201: SubmittedOut},
    summary="提交检查",
    description=(
        "multipart/form-data：payload 字段为 JSON（site_id 或 segment_id，可选 visit_id、lon、lat、note，"
        "answers：每个启用检查项一条 {item_id, outcome: pass/fail/na, note, photos: [{index, taken_at, lon, lat}]}），"
        "照片文件 photos（可多张，JPEG/PNG/HEIC；answers 中的 index 指第几个文件，从 0 起）。"
        "不合格且须拍照的项必须带照片；有立案类别的不合格项会立案或并入 50 米内同类在办案卷。"
        "必须带 Idempotency-Key 请求头；网络不好重试时带同一个键，返回第一次的检查记录（200），新建时返回 201。"
    ),
    url_name="inspections_field_submit",
    openapi_extra=idempotency_key_header(KEY_HELP),
)
def submit(
    request: AuthedRequest,
    payload: Form[Text],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", include_in_schema=False),
) -> Answer[dict[str, Any]]:
    _require_inspector(request)
    key = forms_field.clean_key(idempotency_key)
    if earlier := selectors_field.inspection_by_key_for_user(user=request.user, key=key):
        return Answer(200, _submitted(earlier))  # a retry: nothing is checked or processed again
    data = forms_field.parse_payload(payload)
    site, segment = _target(request, data)
    visit = selectors_field.get_visit_for_user(request.user, data.visit_id) if data.visit_id else None
    answers = forms_field.answers_with_photos(forms_field.raw_from_payload(data, photos or []))
    inspection, created = services.inspection_submit(
        by=request.user,
        kind=visit.kind if visit is not None else InspectionKind.PATROL,
        answers=answers,
        site=site,
        segment=segment,
        lon=data.lon,
        lat=data.lat,
        note=data.note,
        idempotency_key=key,
        visit=visit,
    )
    return Answer(201 if created else 200, _submitted(inspection))


def _target(request: AuthedRequest, data: forms_field.SubmissionIn) -> tuple[Site | None, RoadSegment | None]:
    if (data.site_id is None) == (data.segment_id is None):
        raise DomainError(_("请选择一个点位或一个路段"))
    if data.site_id is not None:
        return selectors_field.get_field_site_for_user(request.user, data.site_id), None
    assert data.segment_id is not None
    return None, selectors_field.get_field_segment_for_user(request.user, data.segment_id)


def _submitted(inspection: Inspection) -> dict[str, Any]:
    failed = (
        inspection.results.filter(outcome=Outcome.FAIL)
        .select_related("item_version", "case")
        .prefetch_related("photos")
        .order_by("pk")
    )
    return {
        "id": inspection.pk,
        "score": inspection.score,
        "deductions": inspection.deductions,
        "submitted_at": inspection.submitted_at,
        "done_url": f"{reverse('inspections:field_done')}?{urlencode({'key': inspection.idempotency_key})}",
        "failures": [
            {
                "item_id": r.item_version.item_id,
                "text": r.item_version.text,
                "outcome": r.outcome,
                "deduction": r.deduction,
                "photos": len(r.photos.all()),
                "case_id": r.case_id,
                "case_code": r.case.code if r.case else "",
                "case_opened": r.case_opened,
            }
            for r in failed
        ],
    }
