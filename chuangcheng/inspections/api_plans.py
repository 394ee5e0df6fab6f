"""JSON API of inspections: patrol rules, the daily routes, 周检查 and 模拟测评 plans, their calendar and progress.

日巡查: the same selectors and services as the pages, so the same rules — the office edits the
rules and regenerates a day; the county-wide roles read every route, an inspector or road chief
their own; anyone else gets 403.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from chuangcheng.core.errors import DomainError
from chuangcheng.core.schemas import Id
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import Unit
from chuangcheng.org.types import AuthedRequest
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import SiteType

from . import selectors, services
from .access import require_patrol_planner
from .choices import VisitState
from .models import PatrolRule, Visit

router = Router(tags=["检查计划"])

# ---- 日巡查: rules ----------------------------------------------------------------------------------


class PatrolRuleOut(Schema):
    id: int
    site_type_id: int | None = Field(description="点位类型 id（与 road_class 二选一）")
    site_type_name: str | None
    road_class: str = Field(description="道路等级（与 site_type_id 二选一，空为点位规则）")
    town_id: int | None = Field(description="乡镇/街道 id，null 为全县")
    town_name: str | None
    times_per_week: int = Field(description="每周巡查次数 1–7（7 即每天）")
    is_active: bool


class PatrolRuleIn(Schema):
    site_type: Id | None = Field(None, description="点位类型 id（与 road_class 二选一）")
    road_class: RoadClass | None = Field(None, description="道路等级（与 site_type 二选一）")
    town: Id | None = Field(None, description="乡镇/街道 id，省略为全县")
    times_per_week: int = Field(7, ge=1, le=7, description="每周巡查次数 1–7")
    is_active: bool = True


class PatrolRuleFilters(Schema):
    active: bool | None = Field(None, description="true 只列启用的规则，false 只列停用的")
    town: Id | None = Field(None, description="乡镇/街道 id")


def _rule_out(rule: PatrolRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "site_type_id": rule.site_type_id,
        "site_type_name": rule.site_type.name if rule.site_type else None,
        "road_class": rule.road_class,
        "town_id": rule.town_id,
        "town_name": rule.town.name if rule.town else None,
        "times_per_week": rule.times_per_week,
        "is_active": rule.is_active,
    }


def _fill(rule: PatrolRule, data: PatrolRuleIn) -> PatrolRule:
    """The rule with the body's fields; an unknown site type or town is a 400 with its reason."""
    site_type = SiteType.objects.filter(pk=data.site_type).first() if data.site_type else None
    if data.site_type and site_type is None:
        raise DomainError(_("点位类型不存在"))
    town = Unit.objects.filter(pk=data.town, kind=UnitKind.TOWN).first() if data.town else None
    if data.town and town is None:
        raise DomainError(_("所选单位不是乡镇/街道"))
    rule.site_type, rule.town = site_type, town
    rule.road_class = data.road_class or ""
    rule.times_per_week, rule.is_active = data.times_per_week, data.is_active
    return rule


@router.get("/patrol-rules", response=list[PatrolRuleOut], summary="巡查规则", url_name="patrol_rules")
def patrol_rules(request: AuthedRequest, filters: Query[PatrolRuleFilters]) -> list[dict[str, Any]]:
    """日巡查规则，仅创建办。"""
    raw = filters.dict(exclude_none=True)
    if "active" in raw:
        raw["active"] = "1" if raw["active"] else "0"
    return [_rule_out(rule) for rule in selectors.patrol_rule_list_for_user(user=request.user, filters=raw)]


@router.post("/patrol-rules", response={201: PatrolRuleOut}, summary="添加巡查规则", url_name="patrol_rule_create")
def patrol_rule_create(request: AuthedRequest, data: PatrolRuleIn) -> Answer:
    """仅创建办；点位类型与道路等级二选一，同一对象同一范围只能有一条启用的规则。"""
    require_patrol_planner(request.user)
    rule = services.patrol_rule_save(rule=_fill(PatrolRule(), data), by=request.user)
    return Answer(201, _rule_out(rule))


@router.put(
    "/patrol-rules/{int:rule_id}", response=PatrolRuleOut, summary="修改巡查规则", url_name="patrol_rule_update"
)
def patrol_rule_update(request: AuthedRequest, rule_id: Id, data: PatrolRuleIn) -> dict[str, Any]:
    rule = selectors.get_patrol_rule_for_user(request.user, rule_id)
    return _rule_out(services.patrol_rule_save(rule=_fill(rule, data), by=request.user))


@router.post(
    "/patrol-rules/{int:rule_id}/deactivate",
    response=PatrolRuleOut,
    summary="停用巡查规则",
    url_name="patrol_rule_deactivate",
)
def patrol_rule_deactivate(request: AuthedRequest, rule_id: Id) -> dict[str, Any]:
    rule = selectors.get_patrol_rule_for_user(request.user, rule_id)
    return _rule_out(services.patrol_rule_deactivate(rule=rule, by=request.user))


# ---- 日巡查: calendar and a day's visits ---------------------------------------------------------


class PatrolFilters(Schema):
    town: Id | None = Field(None, description="乡镇/街道 id")
    inspector: Id | None = Field(None, description="巡查人 id（巡查员、路长只能看到自己的）")


class CalendarFilters(PatrolFilters):
    month: dt.date | None = Field(None, description="该月中的任一天，如 2026-06-01；默认本月")


class DayFilters(PatrolFilters):
    state: VisitState | None = Field(None, description="状态：done 已完成、pending 待检查、missed 漏巡")


class CountsOut(Schema):
    planned: int = Field(description="计划")
    done: int = Field(description="已完成")
    missed: int = Field(description="漏巡")
    pending: int = Field(description="待检查")


class CalendarDayOut(CountsOut):
    day: dt.date


class CalendarInspectorOut(CountsOut):
    id: int | None = Field(description="巡查人 id，null 为未分配")
    name: str


class CalendarOut(Schema):
    month: str
    days: list[CalendarDayOut] = Field(description="有计划的日期，按日期")
    inspectors: list[CalendarInspectorOut] = Field(description="本月各巡查人，漏巡多的在前")


def _counts(counts: selectors.PatrolCounts) -> dict[str, int]:
    return {"planned": counts.planned, "done": counts.done, "missed": counts.missed, "pending": counts.pending}


@router.get("/patrols/calendar", response=CalendarOut, summary="巡查日历", url_name="patrol_calendar")
def patrol_calendar(request: AuthedRequest, filters: Query[CalendarFilters]) -> dict[str, Any]:
    """一个月每天的计划、完成、漏巡数，及各巡查人的合计（与巡查日历页相同）。"""
    raw = filters.dict(exclude_none=True)
    first = (raw.pop("month", None) or timezone.localdate()).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    days = selectors.patrol_calendar_for_user(user=request.user, start=first, end=last, filters=raw)
    people = selectors.patrol_by_inspector_for_user(user=request.user, start=first, end=last, filters=raw)
    return {
        "month": first.strftime("%Y-%m"),
        "days": [{"day": day, **_counts(days[day])} for day in sorted(days)],
        "inspectors": [{"id": row.person_id, "name": row.name, **_counts(row.counts)} for row in people],
    }


class PatrolVisitOut(Schema):
    id: int
    due_on: dt.date
    assignee_id: int | None
    assignee_name: str | None
    site_id: int | None
    segment_id: int | None
    place_name: str
    town_id: int | None
    state: VisitState
    state_label: str
    done_at: dt.datetime | None
    inspection_id: int | None


def _visit_out(visit: Visit) -> dict[str, Any]:
    place = visit.site or visit.segment
    state = VisitState(visit.state)  # type: ignore[attr-defined]
    return {
        "id": visit.pk,
        "due_on": visit.due_on,
        "assignee_id": visit.assignee_id,
        "assignee_name": str(visit.assignee) if visit.assignee else None,
        "site_id": visit.site_id,
        "segment_id": visit.segment_id,
        "place_name": place.name if place else "",
        "town_id": visit.town_id,
        "state": state,
        "state_label": str(state.label),
        "done_at": visit.done_at,
        "inspection_id": visit.inspection_id,
    }


@router.get("/patrols/days/{day}", response=list[PatrolVisitOut], summary="某日巡查路线", url_name="patrol_day")
def patrol_day(request: AuthedRequest, day: dt.date, filters: Query[DayFilters]) -> list[dict[str, Any]]:
    """当天的日巡查点位，按巡查人；状态按当前时间计算（当天结束仍未完成即漏巡）。"""
    visits: QuerySet[Visit] = selectors.patrol_day_for_user(
        user=request.user, day=day, filters=filters.dict(exclude_none=True)
    )
    return [_visit_out(visit) for visit in visits]


class GeneratedOut(Schema):
    day: dt.date
    created: int = Field(description="新增的点位")
    reassigned: int = Field(description="改派的点位")
    removed: int = Field(description="不再到期而取消的未完成点位")
    kept_done: int = Field(description="保留的已完成点位")


@router.post(
    "/patrols/days/{day}/generate", response=GeneratedOut, summary="重新生成某日巡查路线", url_name="patrol_generate"
)
def patrol_generate(request: AuthedRequest, day: dt.date) -> dict[str, Any]:
    """仅创建办，且只能是今天或以后；已完成的点位保留，不再到期的未完成点位取消，不会重复。"""
    require_patrol_planner(request.user)
    generated = services.patrol_routes_generate(day=day, by=request.user)
    return {
        "day": generated.day,
        "created": generated.created,
        "reassigned": generated.reassigned,
        "removed": generated.removed,
        "kept_done": generated.kept_done,
    }
