"""JSON API of 周检查 and 模拟测评: the same reads, rules and services as the pages (views_checks).

A plan the user may not see is a 404; roles that never see plans get a 403; a service's
``DomainError`` is a 400, 403 (forbidden) or 409 (conflict: e.g. starting a plan twice).
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from chuangcheng.core.schemas import Id, NamedRef, Pagination
from chuangcheng.indicators.models import Campaign
from chuangcheng.org.models import Person
from chuangcheng.org.types import AuthedRequest

from . import access, sampling, selectors, services
from .choices import PlanStatus
from .models import Plan, Team
from .views_checks import _decorated_visits, plan_features

router = Router(tags=["周检查与模拟测评"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SampleCount = Annotated[int, Field(ge=0, le=sampling.MAX_PER_GROUP)]
PlanKind = Literal["check", "mock"]


# ----- shapes --------------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    status: str
    status_label: str
    campaign: NamedRef | None
    starts_on: dt.date
    due_on: dt.date
    seed: int = Field(description="抽样种子：同一种子、同一抽样规则重抽得到同一样本")
    sample: dict[str, Any] = Field(
        description="抽样规则：site_types（点位类型编码→数量）、road_classes（道路等级→数量）、"
        "per_town（是否按乡镇/街道分别抽取）、near_m（每个抽中点位加上多少米内最近的路段，0 为不加）"
    )
    visit_count: int
    created_by: NamedRef | None

    @staticmethod
    def resolve_kind_label(obj: Plan) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Plan) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_visit_count(obj: Plan) -> int:
        count = getattr(obj, "visit_count", None)
        return count if count is not None else obj.visits.count()


class TeamOut(Schema):
    id: int
    name: str
    leader: NamedRef | None
    members: list[NamedRef]
    visits: int = Field(description="分配给本组的点位数")

    @staticmethod
    def resolve_members(obj: Team) -> list[Person]:
        return list(obj.members.all())

    @staticmethod
    def resolve_visits(obj: Team) -> int:
        count = getattr(obj, "visit_count", None)
        return count if count is not None else obj.visits.count()


class SampleRowOut(Schema):
    label: str = Field(description="点位类型或道路等级")
    per_town: dict[str, int] = Field(description="乡镇/街道名称→数量")
    total: int


class PlanDetailOut(PlanOut):
    teams: list[TeamOut]
    sample_table: list[SampleRowOut]
    can_manage: bool = Field(description="当前用户能否调整和启动、结束本计划")

    @staticmethod
    def resolve_teams(obj: Plan) -> list[Team]:
        return obj.team_rows  # type: ignore[attr-defined]

    # Ninja reads a schema's resolvers from its own class body: the list's are repeated here.
    @staticmethod
    def resolve_kind_label(obj: Plan) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Plan) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_visit_count(obj: Plan) -> int:
        count = getattr(obj, "visit_count", None)
        return count if count is not None else obj.visits.count()


class PlanIn(Schema):
    kind: PlanKind = Field(description="check（周检查）或 mock（模拟测评）")
    name: str = Field(min_length=1, max_length=100)
    campaign: Id | None = Field(None, description="创建项目 id；模拟测评必填")
    starts_on: dt.date
    due_on: dt.date
    seed: int | None = Field(None, ge=0, le=services.MAX_SEED - 1, description="抽样种子；不填则随机")
    site_types: dict[str, SampleCount] | None = Field(
        None, description="点位类型编码→数量（0–100）；site_types 与 road_classes 都不填则用该类检查的默认数量"
    )
    road_classes: dict[str, SampleCount] | None = Field(None, description="道路等级（main、secondary…）→数量")
    near_m: int | None = Field(None, ge=0, le=sampling.MAX_NEAR_M, description="模拟测评：周边路段距离（米）")


class SampleIn(Schema):
    seed: int | None = Field(None, ge=0, le=services.MAX_SEED - 1, description="新的抽样种子；不填则不变")
    site_types: dict[str, SampleCount] | None = None
    road_classes: dict[str, SampleCount] | None = None
    near_m: int | None = Field(None, ge=0, le=sampling.MAX_NEAR_M)


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    leader: Id | None = None
    members: list[Id] = Field(default_factory=list, max_length=100)
    team: Id | None = Field(None, description="要修改的检查组 id；不填则新建")


class AssignmentIn(Schema):
    visit: Id
    team: Id


class AssignIn(Schema):
    assignments: list[AssignmentIn] | None = Field(
        None, max_length=5000, description="逐个指定；不填则按乡镇均衡分配（同一乡镇的点位归同一组）"
    )


class TeamLoadOut(Schema):
    id: int
    name: str
    visits: int


class AssignOut(Schema):
    teams: list[TeamLoadOut]


class ProgressRowOut(Schema):
    key: str
    label: str
    done: int
    pending: int
    overdue: int
    total: int
    percent: int


class PlanVisitOut(Schema):
    id: int
    site: NamedRef | None
    segment: NamedRef | None
    place_type: str
    town: NamedRef | None
    team: NamedRef | None
    state: str = Field(description="done 已完成、pending 待检查、overdue 逾期未检")
    state_label: str
    inspection_id: int | None
    done_at: dt.datetime | None


class ProgressOut(Schema):
    total: ProgressRowOut
    teams: list[ProgressRowOut]
    types: list[ProgressRowOut]
    visits: list[PlanVisitOut]
    map: dict[str, Any] = Field(description="点位与路段的 GeoJSON FeatureCollection，properties.state 为状态")


class NodePredictionOut(Schema):
    node_id: int
    code: str
    name: str
    max_score: Decimal
    passed: int
    failed: int
    predicted: Decimal | None = Field(description="满分 × 合格率，保留两位小数")


class FailedItemOut(Schema):
    text: str
    checklist: str
    failed: int
    checked: int


class PredictionOut(Schema):
    inspections: int
    predicted_total: Decimal
    max_total: Decimal = Field(description="已检查到的指标的满分合计")
    nodes: list[NodePredictionOut]
    failed_items: list[FailedItemOut] = Field(description="不合格次数最多的检查项")


class PlanFilters(Schema):
    kind: PlanKind | None = Field(None, description="check 或 mock")
    status: PlanStatus | None = None
    q: str | None = Field(None, max_length=100, description="名称包含")


# ----- helpers -------------------------------------------------------------------------------------


def _plan(request: AuthedRequest, plan_id: int) -> Plan:
    access.require_plan_reader(request.user)
    return selectors.get_plan_for_user(request.user, plan_id)


def _detail(request: AuthedRequest, plan: Plan) -> Plan:
    """The plan with what ``PlanDetailOut`` shows beside its own fields."""
    teams = plan.teams.select_related("leader").prefetch_related("members").annotate(visit_count=Count("visits"))
    plan.team_rows = list(teams.order_by("pk"))  # type: ignore[attr-defined]
    towns, rows = selectors.plan_sample_table(plan)
    names = dict(towns)
    plan.sample_table = [  # type: ignore[attr-defined]
        {"label": r.label, "per_town": {names[t]: n for t, n in r.per_town.items()}, "total": r.total} for r in rows
    ]
    plan.can_manage = access.can_manage_plan(request.user, plan.kind)  # type: ignore[attr-defined]
    return plan


def _sample(payload: PlanIn | SampleIn, kind: str, current: dict[str, Any] | None) -> dict[str, Any] | None:
    if payload.site_types is None and payload.road_classes is None and payload.near_m is None:
        return current
    base = current or sampling.defaults_for(kind)
    return {
        "site_types": base["site_types"] if payload.site_types is None else payload.site_types,
        "road_classes": base["road_classes"] if payload.road_classes is None else payload.road_classes,
        "near_m": base.get("near_m", 0) if payload.near_m is None else payload.near_m,
        "per_town": base.get("per_town"),
    }


def _people(ids: list[int]) -> list[Person]:
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    if missing := [pk for pk in ids if pk not in found]:
        raise Http404(_("人员不存在：%(id)s") % {"id": missing[0]})
    return [found[pk] for pk in ids]


# ----- reads ---------------------------------------------------------------------------------------


@router.get("/checks/", response=list[PlanOut], summary="检查计划列表（周检查、模拟测评）")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def check_list(request: AuthedRequest, filters: Query[PlanFilters]) -> Any:
    access.require_plan_reader(request.user)
    plans = selectors.plan_list_for_user(user=request.user, filters=filters.dict(exclude_none=True))
    return plans.annotate(visit_count=Count("visits")).order_by("-starts_on", "-pk")


@router.get("/checks/{plan_id}", response=PlanDetailOut, summary="检查计划详情：样本、检查组")
def check_detail(request: AuthedRequest, plan_id: Id) -> Any:
    return _detail(request, _plan(request, plan_id))


@router.get("/checks/{plan_id}/progress", response=ProgressOut, summary="检查进度：按检查组、按类型，及地图")
def check_progress(request: AuthedRequest, plan_id: Id) -> Any:
    plan = _plan(request, plan_id)
    progress = selectors.plan_progress(plan, timezone.localdate())
    visits = _decorated_visits(plan)

    def row(r: selectors.ProgressRow) -> dict[str, Any]:
        return {**r.__dict__, "total": r.total, "percent": r.percent}

    return {
        "total": row(progress.total),
        "teams": [row(r) for r in progress.teams],
        "types": [row(r) for r in progress.types],
        "visits": [
            {
                "id": v.pk,
                "site": v.site,
                "segment": v.segment,
                "place_type": v.place_type,  # type: ignore[attr-defined]
                "town": v.town,
                "team": v.team,
                "state": "overdue" if v.state == "missed" else v.state,  # type: ignore[attr-defined]
                "state_label": v.state_label,  # type: ignore[attr-defined]
                "inspection_id": v.inspection_id,
                "done_at": v.done_at,
            }
            for v in visits
        ],
        "map": plan_features(visits),
    }


@router.get("/checks/{plan_id}/prediction", response=PredictionOut, summary="模拟测评预测的实地考察得分")
def check_prediction(request: AuthedRequest, plan_id: Id) -> Any:
    plan = _plan(request, plan_id)
    prediction = selectors.plan_prediction(plan)
    return {
        "inspections": prediction.inspections,
        "predicted_total": prediction.predicted_total,
        "max_total": prediction.max_total,
        "nodes": [
            {
                "node_id": p.node.pk,
                "code": p.node.code,
                "name": p.node.name,
                "max_score": p.node.max_score,
                "passed": p.rate.passed,
                "failed": p.rate.failed,
                "predicted": p.predicted,
            }
            for p in prediction.nodes
        ],
        "failed_items": [f.__dict__ for f in prediction.failed_items],
    }


# ----- writes --------------------------------------------------------------------------------------


@router.post("/checks/", response={201: PlanDetailOut}, summary="安排检查：生成样本（草稿）")
def check_create(request: AuthedRequest, payload: PlanIn) -> Any:
    access.require_plan_reader(request.user)
    campaign = None
    if payload.campaign is not None:
        campaign = Campaign.objects.filter(pk=payload.campaign).first()
        if campaign is None:
            raise Http404(_("创建项目不存在"))
    plan = services.plan_create(
        by=request.user,
        kind=payload.kind,
        name=payload.name,
        campaign=campaign,
        starts_on=payload.starts_on,
        due_on=payload.due_on,
        seed=payload.seed,
        sample=_sample(payload, payload.kind, None),
    )
    return Answer(201, _detail(request, plan))


@router.post("/checks/{plan_id}/sample", response=PlanDetailOut, summary="重新抽样（仅草稿）")
def check_sample(request: AuthedRequest, plan_id: Id, payload: SampleIn) -> Any:
    plan = _plan(request, plan_id)
    plan = services.plan_sample(
        plan=plan, by=request.user, seed=payload.seed, sample=_sample(payload, plan.kind, plan.sample)
    )
    return _detail(request, plan)


@router.post("/checks/{plan_id}/teams", response={201: TeamOut, 200: TeamOut}, summary="新建或修改检查组")
def check_team(request: AuthedRequest, plan_id: Id, payload: TeamIn) -> Any:
    plan = _plan(request, plan_id)
    team = None
    if payload.team is not None:
        team = plan.teams.filter(pk=payload.team).first()
        if team is None:
            raise Http404(_("检查组不存在"))
    leader = _people([payload.leader])[0] if payload.leader else None
    saved = services.team_save(
        plan=plan, by=request.user, team=team, name=payload.name, leader=leader, members=_people(payload.members)
    )
    return Answer(200 if team else 201, saved)


@router.post("/checks/{plan_id}/assign", response=AssignOut, summary="分配点位给检查组")
def check_assign(request: AuthedRequest, plan_id: Id, payload: AssignIn) -> Any:
    plan = _plan(request, plan_id)
    assignments = None if payload.assignments is None else {a.visit: a.team for a in payload.assignments}
    load = services.visits_assign(plan=plan, by=request.user, assignments=assignments)
    return {"teams": [{"id": t.pk, "name": t.name, "visits": load.get(t.pk, 0)} for t in plan.teams.order_by("pk")]}


@router.post("/checks/{plan_id}/activate", response=PlanOut, summary="启动检查")
def check_activate(request: AuthedRequest, plan_id: Id) -> Any:
    return services.plan_activate(plan=_plan(request, plan_id), by=request.user)


@router.post("/checks/{plan_id}/close", response=PlanOut, summary="结束检查")
def check_close(request: AuthedRequest, plan_id: Id) -> Any:
    return services.plan_close(plan=_plan(request, plan_id), by=request.user)
