"""Reads of inspections: the checklists (reference data: every signed-in role may read them), the
state of a planned visit, 日巡查 routes, and the 周检查/模拟测评 plans a user may see with their progress
and result; records and figures are in results.py and named here too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, F, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.indicators.choices import NodeLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.indicators.selectors import framework_tree
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site

from .access import can_read_checklists, require_patrol_planner, require_patrol_viewer, sees_all_patrols
from .choices import InspectionKind, ItemFamily, Outcome, PlanStatus, VisitState
from .models import Checklist, ChecklistItem, Inspection, InspectionResult, PatrolRule, Plan, Team, Visit

# Submitted inspections as a user may see them live in results.py (with the figures); named here too.
from .results import get_inspection_for_user as get_inspection_for_user
from .results import get_inspection_photo_for_user as get_inspection_photo_for_user
from .results import inspection_list_for_user as inspection_list_for_user
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


# ---- checklists: the office's pages (list, one checklist, link editor) --------------------------


def checklist_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Checklist]:
    """The checklists the user may read (all of them for a reader, none otherwise), with item counts.

    ``filters``: ``target`` ("site" for site types, "road" for road classes), ``q`` (name or site type).
    """
    if not can_read_checklists(user):
        return Checklist.objects.none()
    filters = filters or {}
    rows = Checklist.objects.select_related("site_type").annotate(
        item_count=Count("items", distinct=True),
        active_count=Count("items", filter=Q(items__is_active=True), distinct=True),
    )
    if filters.get("target") == "site":
        rows = rows.filter(site_type__isnull=False)
    elif filters.get("target") == "road":
        rows = rows.exclude(road_class="")
    if q := str(filters.get("q") or "").strip():
        rows = rows.filter(Q(name__icontains=q) | Q(site_type__name__icontains=q))
    return rows.order_by("road_class", "site_type__sort_order", "pk")


def get_checklist_for_user(user: Any, pk: int) -> Checklist:
    checklist = checklist_list_for_user(user=user).filter(pk=pk).first()
    if checklist is None:
        raise Http404(_("检查表不存在"))
    return checklist


def get_checklist_item_for_user(user: Any, pk: int) -> ChecklistItem:
    if not can_read_checklists(user):
        raise Http404(_("检查项不存在"))
    item = ChecklistItem.objects.select_related("checklist", "checklist__site_type", "case_category").filter(pk=pk)
    found = item.first()
    if found is None:
        raise Http404(_("检查项不存在"))
    return found


def checklist_items(checklist: Checklist) -> QuerySet[ChecklistItem]:
    """Every item of ``checklist`` (active or not) in order, with its category and indicator links."""
    return (
        checklist.items.select_related("case_category", "case_category__parent")
        .prefetch_related(Prefetch("indicators", queryset=IndicatorNode.objects.select_related("campaign")))
        .order_by("sort_order", "pk")
    )


def checklist_items_by_family(checklist: Checklist) -> list[tuple[str, str, list[ChecklistItem]]]:
    """(family code, family label, its items) in the evaluation's family order; empty families left out."""
    items = list(checklist_items(checklist))
    groups = []
    for code, label in ItemFamily.choices:
        members = [item for item in items if item.family == code]
        if members:
            groups.append((code, str(label), members))
    return groups


def linkable_nodes(campaign: Campaign) -> list[IndicatorNode]:
    """The campaign's 测评内容 and 测评标准 nodes, depth-first, that a checklist item may evidence."""
    return [node for node in framework_tree(campaign) if node.level >= NodeLevel.CONTENT]


# ---- end checklists ------------------------------------------------------------------------------
# ---- 日巡查: patrol rules, a day's visits, the month calendar -----------------------------------------


def patrol_rule_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[PatrolRule]:
    """The patrol rules (the office's page and API); ``filters``: ``active`` ("1"/"0"), ``town``."""
    require_patrol_planner(user)
    rules = PatrolRule.objects.select_related("site_type", "town").order_by(
        "-is_active", "road_class", "site_type__sort_order", "town__sort_order", "pk"
    )
    filters = filters or {}
    if filters.get("active") in ("1", "0"):
        rules = rules.filter(is_active=filters["active"] == "1")
    if town := _int(filters.get("town")):
        rules = rules.filter(town_id=town)
    return rules


def get_patrol_rule_for_user(user: Any, pk: int) -> PatrolRule:
    return get_object_or_404(patrol_rule_list_for_user(user=user), pk=pk)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def patrol_visit_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Visit]:
    """日巡查 visits the user may see, with their ``state`` today: all for the county-wide roles,
    their own for an inspector or road chief (403 for the others).

    ``filters``: ``day`` / ``start`` / ``end`` (dates), ``town`` and ``inspector`` (ids; an
    inspector's own list ignores ``inspector``), ``state`` (a ``VisitState``).
    """
    require_patrol_viewer(user)
    visits = Visit.objects.filter(kind=InspectionKind.PATROL)
    filters = filters or {}
    if not sees_all_patrols(user):
        visits = visits.filter(assignee=user)
    elif inspector := _int(filters.get("inspector")):
        visits = visits.filter(assignee_id=inspector)
    if town := _int(filters.get("town")):
        visits = visits.filter(town_id=town)
    if day := filters.get("day"):
        visits = visits.filter(due_on=day)
    if start := filters.get("start"):
        visits = visits.filter(due_on__gte=start)
    if end := filters.get("end"):
        visits = visits.filter(due_on__lte=end)
    visits = visits_with_state(visits, timezone.localdate())
    if (state := filters.get("state")) in VisitState.values:
        visits = visits.filter(Q(state=state))
    return visits


@dataclass(frozen=True)
class PatrolCounts:
    """Planned visits and how they stand: done, pending, 漏巡."""

    planned: int = 0
    done: int = 0
    missed: int = 0

    @property
    def pending(self) -> int:
        return self.planned - self.done - self.missed


def _counts() -> dict[str, Count]:
    return {
        "planned": Count("pk"),
        "done": Count("pk", filter=Q(state=VisitState.DONE)),
        "missed": Count("pk", filter=Q(state=VisitState.MISSED)),
    }


def patrol_calendar_for_user(
    *, user: Any, start: dt.date, end: dt.date, filters: dict[str, Any] | None = None
) -> dict[dt.date, PatrolCounts]:
    """Per day from ``start`` to ``end``: planned, done and 漏巡 visits (one grouped query)."""
    visits = patrol_visit_list_for_user(user=user, filters={**(filters or {}), "start": start, "end": end})
    rows = visits.order_by().values("due_on").annotate(**_counts())
    return {row["due_on"]: PatrolCounts(row["planned"], row["done"], row["missed"]) for row in rows}


@dataclass(frozen=True)
class InspectorCounts:
    """One inspector's visits over a period (``person_id`` None: visits no one was assigned)."""

    person_id: int | None
    name: str
    counts: PatrolCounts


def patrol_by_inspector_for_user(
    *, user: Any, start: dt.date, end: dt.date, filters: dict[str, Any] | None = None
) -> list[InspectorCounts]:
    """Per inspector over ``start``–``end``: planned, done, 漏巡 (one grouped query), most 漏巡 first."""
    visits = patrol_visit_list_for_user(user=user, filters={**(filters or {}), "start": start, "end": end})
    rows = visits.order_by().values("assignee_id", "assignee__real_name", "assignee__username").annotate(**_counts())
    found = [
        InspectorCounts(
            row["assignee_id"],
            row["assignee__real_name"] or row["assignee__username"] or "",
            PatrolCounts(row["planned"], row["done"], row["missed"]),
        )
        for row in rows
    ]
    return sorted(found, key=lambda r: (-r.counts.missed, r.person_id is None, r.name, r.person_id or 0))


def patrol_day_for_user(*, user: Any, day: dt.date, filters: dict[str, Any] | None = None) -> QuerySet[Visit]:
    """A day's visits with their place, town and inspector, by inspector then place."""
    visits = patrol_visit_list_for_user(user=user, filters={**(filters or {}), "day": day})
    return visits.select_related("assignee", "site__site_type", "segment", "town", "inspection").order_by(
        "assignee__real_name", "assignee_id", "segment__name", "site__name", "pk"
    )


def patrol_inspectors_for_user(*, user: Any) -> QuerySet[Person]:
    """The people a 日巡查 filter offers: inspectors and road chiefs (only oneself for them)."""
    require_patrol_viewer(user)
    if not sees_all_patrols(user):
        return Person.objects.filter(pk=user.pk)
    roles = (Role.INSPECTOR, Role.ROAD_CHIEF)
    return Person.objects.filter(memberships__role__in=roles, is_active=True).distinct().order_by("real_name", "pk")


def patrol_towns() -> QuerySet[Unit]:
    """The 乡镇/街道 a 日巡查 filter offers (reference data)."""
    return Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "code")


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
