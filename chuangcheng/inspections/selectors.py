"""Reads of inspections: checklists (reference data), planned visits and 日巡查 routes; records and figures
are in results.py and named here too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.indicators.choices import NodeLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.indicators.selectors import framework_tree
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.places.models import RoadSegment, Site

from .access import can_read_checklists, require_patrol_planner, require_patrol_viewer, sees_all_patrols
from .choices import InspectionKind, ItemFamily, VisitState
from .models import Checklist, ChecklistItem, PatrolRule, Visit

# Submitted inspections as a user may see them live in results.py (with the figures); named here too.
from .results import get_inspection_for_user as get_inspection_for_user
from .results import get_inspection_photo_for_user as get_inspection_photo_for_user
from .results import inspection_list_for_user as inspection_list_for_user


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
