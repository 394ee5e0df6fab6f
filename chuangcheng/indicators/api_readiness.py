"""JSON API of readiness (自查自纠): the same prediction as the readiness page.

Mounted by the project API under the indicators prefix: ``GET …/readiness/{campaign_code}``
(optionally ``?as_of=YYYY-MM-DD``). Only the office, the supervision office and the leaders
may read it (403 otherwise); an unknown campaign is a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from chuangcheng.org.types import AuthedRequest

from .access import can_see_readiness
from .models import Campaign
from .readiness import CampaignReadiness, NodeReadiness, compute_readiness, points, trend

router = Router(tags=["达标预测"])


class TaskCauseOut(Schema):
    id: int
    code: str
    title: str
    status: str
    status_label: str
    percent: int
    credit: float = Field(description="完成度（0–1），已计逾期和缺少佐证的扣减")
    overdue: bool
    missing_evidence: bool


class CategoryCauseOut(Schema):
    id: int
    name: str
    open: int
    overdue: int


class UnitLoadOut(Schema):
    unit_id: int | None = Field(description="null：尚未派遣的问题")
    name: str
    tasks: int
    cases: int


class FieldFailureOut(Schema):
    item: str = Field(description="不合格的检查项")
    place: str = Field(description="点位或路段")
    count: int
    lon: float | None
    lat: float | None


class FieldChecksOut(Schema):
    passed: int
    failed: int
    pass_rate: float
    before: Decimal = Field(description="仅按任务和问题的预测得分（修正前）")
    failures: list[FieldFailureOut]


class ReadinessNodeOut(Schema):
    id: int
    parent_id: int | None
    code: str
    name: str
    level: int
    depth: int
    max_score: Decimal
    predicted: Decimal
    gap: Decimal
    is_leaf: bool
    task_part: float | None = Field(description="任务完成度 T（仅测评标准）")
    task_source: str | None = Field(description="own / inherited（按上级任务）/ untasked（未分解任务）")
    case_part: float | None = Field(description="问题处置度 C（仅关联问题类别的测评标准）")
    tasks: list[TaskCauseOut] = Field(description="未完成的任务（原因）")
    categories: list[CategoryCauseOut] = Field(description="关联类别的未结案问题（原因）")
    units: list[UnitLoadOut] = Field(description="可消除差距的单位（前 5）")
    field_checks: FieldChecksOut | None = Field(
        None, description="实地考察：统计窗口内关联检查项的合格、不合格次数和合格率 P；窗口内未检查为 null"
    )


class UnitGapOut(Schema):
    unit_id: int
    name: str
    task_gap: Decimal
    case_gap: Decimal
    gap: Decimal
    unfinished_tasks: int
    open_cases: int
    overdue_cases: int


class SnapshotOut(Schema):
    taken_on: dt.date
    predicted_total: Decimal


class ReadinessMilestoneOut(Schema):
    name: str
    date: dt.date
    days: int


class ReadinessOut(Schema):
    campaign: str
    name: str
    as_of: dt.date
    predicted_total: Decimal
    max_total: Decimal
    pass_score: Decimal
    passes: bool
    next_milestone: ReadinessMilestoneOut | None
    nodes: list[ReadinessNodeOut] = Field(description="深度优先")
    by_unit: list[UnitGapOut]
    untasked_gap: Decimal
    undispatched_gap: Decimal
    trend: list[SnapshotOut] = Field(description="近 8 周的每日快照")


@router.get(
    "/readiness/{campaign_code}",
    response=ReadinessOut,
    summary="达标预测",
    description="每个测评指标的预测得分、差距、原因和可消除差距的单位；as_of 回看过去某天（不含今天以后）。",
    url_name="indicators_readiness",
)
def readiness(request: AuthedRequest, campaign_code: str, as_of: dt.date | None = None) -> dict:
    if not can_see_readiness(request.user):
        raise PermissionDenied(_("只有创建办、督查室和县领导可以查看达标预测"))
    campaign = get_object_or_404(Campaign, code=campaign_code)
    if as_of is not None and as_of >= timezone.localdate():
        if as_of > timezone.localdate():
            raise HttpError(400, _("不能预测未来的日期"))
        as_of = None
    result = compute_readiness(campaign, as_of=as_of)
    return _out(result)


def _out(r: CampaignReadiness) -> dict:
    milestone = r.next_milestone
    return {
        "campaign": r.campaign.code,
        "name": r.campaign.name,
        "as_of": r.as_of,
        "predicted_total": points(r.predicted_total),
        "max_total": points(r.max_total),
        "pass_score": r.pass_score,
        "passes": r.passes,
        "next_milestone": (
            {"name": milestone.name, "date": milestone.date, "days": r.days_to_milestone} if milestone else None
        ),
        "nodes": [_node(n) for n in r.nodes],
        "by_unit": [
            {
                "unit_id": g.unit_id,
                "name": g.name,
                "task_gap": points(g.task_gap),
                "case_gap": points(g.case_gap),
                "gap": points(g.gap),
                "unfinished_tasks": g.unfinished_tasks,
                "open_cases": g.open_cases,
                "overdue_cases": g.overdue_cases,
            }
            for g in r.by_unit
        ],
        "untasked_gap": points(r.untasked_gap),
        "undispatched_gap": points(r.undispatched_gap),
        "trend": trend(r.campaign, today=r.as_of),
    }


def _node(n: NodeReadiness) -> dict:
    return {
        "id": n.id,
        "parent_id": n.parent_id,
        "code": n.code,
        "name": n.name,
        "level": n.level,
        "depth": n.depth,
        "max_score": n.max_score,
        "predicted": points(n.predicted),
        "gap": points(n.gap),
        "is_leaf": n.is_leaf,
        "task_part": _float(n.task_part),
        "task_source": n.task_source,
        "case_part": _float(n.case_part),
        "tasks": [
            {**t.__dict__, "credit": float(t.credit), "status_label": t.status_label} for t in n.unfinished_tasks
        ],
        "categories": [c.__dict__ for c in n.categories],
        "units": [u.__dict__ for u in n.units],
        "field_checks": _checks(n),
    }


def _checks(n: NodeReadiness) -> dict | None:
    if n.checks is None:
        return None
    return {
        "passed": n.checks.passed,
        "failed": n.checks.failed,
        "pass_rate": round(float(n.checks.rate), 4),
        "before": points(n.before_field or Decimal(0)),
        "failures": [
            {"item": f.item, "place": f.place, "count": f.count, "lon": f.lon, "lat": f.lat} for f in n.checks.failures
        ],
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)
