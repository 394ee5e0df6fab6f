"""Reads of inspections: the checklists (reference data: every signed-in role may read them), the
state of a planned visit, and the 周检查/模拟测评 plans a user may see with their progress and result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from chuangcheng.indicators.models import IndicatorNode
from chuangcheng.org.access import scope_for
from chuangcheng.org.models import Person
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site

from .choices import InspectionKind, Outcome, PlanStatus, VisitState
from .models import Checklist, ChecklistItem, Inspection, InspectionResult, Plan, Team, Visit
from .scoring import PassRate, indicator_pass_rates


def checklist_for_site(site: Site) -> Checklist | None:
    """The active checklist of the site's type, if the office keeps one."""
    return Checklist.objects.filter(site_type_id=site.site_type_id, is_active=True).first()


def checklist_for_segment(segment: RoadSegment) -> Checklist | None:
    """The active checklist of the segment's road class."""
    return Checklist.objects.filter(road_class=segment.road_class, is_active=True).first()


def active_items(checklist: Checklist) -> QuerySet[ChecklistItem]:
    """The items an inspection of ``checklist`` goes through, in order, with their case category."""
    return checklist.items.filter(is_active=True).select_related("case_category").order_by("sort_order", "pk")


def visit_state_expression(today: dt.date) -> Case:
    """The state of a planned visit on ``today``, as a query expression (the one definition; see ``visit_state``).

    Done once its inspection is in; after its last day an undone 日巡查 visit is 漏巡 and an undone
    周检查/模拟测评 visit is 逾期未检; otherwise it is pending.
    """
    return Case(
        When(done_at__isnull=False, then=Value(VisitState.DONE)),
        When(due_on__lt=today, kind=InspectionKind.PATROL, then=Value(VisitState.MISSED)),
        When(due_on__lt=today, then=Value(VisitState.OVERDUE)),
        default=Value(VisitState.PENDING),
        output_field=CharField(),
    )


def visits_with_state(visits: QuerySet[Visit], today: dt.date) -> QuerySet[Visit]:
    """``visits`` annotated with ``state`` (a ``VisitState`` value) as of ``today``."""
    return visits.annotate(state=visit_state_expression(today))


def visit_state(visit: Visit, today: dt.date) -> VisitState:
    """The state of one visit already loaded, by the same rule as ``visit_state_expression``."""
    if visit.done_at is not None:
        return VisitState.DONE
    if visit.due_on < today:
        return VisitState.MISSED if visit.kind == InspectionKind.PATROL else VisitState.OVERDUE
    return VisitState.PENDING


# ---- 周检查 and 模拟测评 plans ----------------------------------------------------------------------


def plan_list_for_user(*, user: Person, filters: dict[str, Any] | None = None) -> QuerySet[Plan]:
    """The plans ``user`` may see (``access`` says who), narrowed by ``kind``, ``status``, ``q``."""
    scope = scope_for(user)
    plans = Plan.objects.select_related("campaign", "created_by")
    if not scope.all_units:
        mine = Team.objects.filter(Q(leader_id=scope.person_id) | Q(members__id=scope.person_id))
        plans = plans.filter(pk__in=mine.values("plan_id")).exclude(status=PlanStatus.DRAFT)
    filters = filters or {}
    if kind := filters.get("kind"):
        plans = plans.filter(kind=kind)
    if status := filters.get("status"):
        plans = plans.filter(status=status)
    if q := (filters.get("q") or "").strip():
        plans = plans.filter(name__icontains=q)
    return plans


def get_plan_for_user(user: Person, pk: int) -> Plan:
    plan = plan_list_for_user(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("检查计划不存在"))
    return plan


def plan_visits(plan: Plan, today: dt.date) -> QuerySet[Visit]:
    """The plan's visits with their state as of ``today`` and what a list or map shows of them."""
    visits = plan.visits.select_related("site__site_type", "segment", "team", "town", "inspection__inspector")
    return visits_with_state(visits, today).order_by("team_id", "town_id", "pk")


@dataclass(frozen=True)
class ProgressRow:
    """Visits of one team (or one place type) by state."""

    key: str
    label: str
    done: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.pending + self.overdue

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _rows(counts: Iterable[dict[str, Any]], key: str, label_of: Callable[[Any], str]) -> list[ProgressRow]:
    """One row per value of ``key`` from grouped (key, state, n) counts, in the order the counts came."""
    found: dict[Any, dict[str, int]] = {}
    for row in counts:
        found.setdefault(row[key], {})[row["state"]] = row["n"]
    return [
        ProgressRow(
            key=str(value) if value is not None else "",
            label=label_of(value),
            done=states.get(VisitState.DONE, 0),
            pending=states.get(VisitState.PENDING, 0),
            overdue=states.get(VisitState.OVERDUE, 0) + states.get(VisitState.MISSED, 0),
        )
        for value, states in found.items()
    ]


@dataclass(frozen=True)
class PlanProgress:
    total: ProgressRow
    teams: list[ProgressRow]
    types: list[ProgressRow]


def plan_progress(plan: Plan, today: dt.date) -> PlanProgress:
    """Done / pending / overdue per team and per place type (site type or road class), counted in SQL."""
    visits = visits_with_state(plan.visits.all(), today)
    by_team = visits.values("team_id", "state").annotate(n=Count("pk")).order_by("team_id")  # type: ignore[misc]
    names = dict(plan.teams.values_list("pk", "name"))
    teams = _rows(by_team, "team_id", lambda pk: names.get(pk, "") if pk else str(_("未分配")))
    place_type = Coalesce(F("site__site_type__name"), F("segment__road_class"))
    by_type = (
        visits.annotate(place_type=place_type)
        .values("place_type", "state")
        .annotate(n=Count("pk"))
        .order_by("place_type")
    )
    road_labels = dict(RoadClass.choices)
    types = _rows(by_type, "place_type", lambda value: str(road_labels.get(value, value or "")))
    overall = visits.annotate(all=Value("all")).values("all", "state").annotate(n=Count("pk")).order_by()
    total = next(iter(_rows(overall, "all", lambda _v: str(_("合计")))), ProgressRow(key="all", label=str(_("合计"))))
    return PlanProgress(total=total, teams=teams, types=types)


@dataclass(frozen=True)
class SampleRow:
    """How many places of one type the sample holds in each town."""

    label: str
    per_town: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.per_town.values())


def plan_sample_table(plan: Plan) -> tuple[list[tuple[int, str]], list[SampleRow]]:
    """The sample as a type × town table: (towns, rows), counted in SQL."""
    place_type = Coalesce(F("site__site_type__name"), F("segment__road_class"))
    counts = (
        plan.visits.annotate(place_type=place_type, sort=Coalesce(F("site__site_type__sort_order"), Value(10_000)))
        .values("place_type", "sort", "town_id", "town__name", "town__code")
        .annotate(n=Count("pk"))
        .order_by("sort", "place_type", "town__code")
    )
    road_labels = dict(RoadClass.choices)
    towns: dict[int, tuple[str, str]] = {}
    rows: dict[str, dict[int, int]] = {}
    for row in counts:
        town = row["town_id"] or 0
        towns.setdefault(town, (row["town__code"] or "", row["town__name"] or str(_("未划分"))))
        label = str(road_labels.get(row["place_type"], row["place_type"]))
        rows.setdefault(label, {})[town] = row["n"]
    ordered = [(pk, name) for pk, (_code, name) in sorted(towns.items(), key=lambda kv: (kv[0] == 0, kv[1]))]
    return ordered, [SampleRow(label=label, per_town=counts_) for label, counts_ in rows.items()]


def plan_inspections(plan: Plan) -> QuerySet[Inspection]:
    """The inspections done for the plan's visits."""
    return Inspection.objects.filter(visits__plan=plan).distinct()


@dataclass(frozen=True)
class NodePrediction:
    """A predicted 实地考察 score of one indicator node from a plan's inspections."""

    node: IndicatorNode
    rate: PassRate
    predicted: Decimal | None


@dataclass(frozen=True)
class FailedItem:
    text: str
    checklist: str
    failed: int
    checked: int


@dataclass(frozen=True)
class PlanPrediction:
    nodes: list[NodePrediction]
    failed_items: list[FailedItem]
    inspections: int

    @property
    def predicted_total(self) -> Decimal:
        return sum((n.predicted for n in self.nodes if n.predicted is not None), Decimal("0"))

    @property
    def max_total(self) -> Decimal:
        return sum((n.node.max_score for n in self.nodes if n.predicted is not None), Decimal("0"))


def plan_prediction(plan: Plan, *, top: int = 10) -> PlanPrediction:
    """模拟测评's result: per node of the plan's campaign linked to checked items, the score its
    pass rate predicts (``scoring``, the one rule), and the items that failed most often."""
    inspections = plan_inspections(plan)
    nodes: list[NodePrediction] = []
    if plan.campaign_id:
        campaign_nodes = IndicatorNode.objects.filter(campaign_id=plan.campaign_id)
        rates = indicator_pass_rates(inspections, node_ids=campaign_nodes.values_list("pk", flat=True))
        for node in campaign_nodes.filter(pk__in=list(rates)):
            rate = rates[node.pk]
            nodes.append(NodePrediction(node=node, rate=rate, predicted=rate.predicted(node.max_score)))
    failed = (
        InspectionResult.objects.filter(inspection__in=inspections.values("pk"))
        .exclude(outcome=Outcome.NOT_APPLICABLE)
        .values("item_version__item_id")
        .annotate(
            failed=Count("pk", filter=Q(outcome=Outcome.FAIL)),
            checked=Count("pk"),
            text=Max("item_version__text"),
            checklist=Max("item_version__item__checklist__name"),
        )
        .filter(failed__gt=0)
        .order_by("-failed", "item_version__item_id")[:top]
    )
    items = [
        FailedItem(text=row["text"], checklist=row["checklist"], failed=row["failed"], checked=row["checked"])
        for row in failed
    ]
    return PlanPrediction(nodes=nodes, failed_items=items, inspections=inspections.count())
