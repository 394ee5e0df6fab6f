"""Reads of the checklists (reference data: every signed-in role may read them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from chuangcheng.indicators.choices import NodeLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.indicators.selectors import framework_tree
from chuangcheng.places.models import RoadSegment, Site

from .access import can_read_checklists
from .choices import InspectionKind, ItemFamily, VisitState
from .models import Checklist, ChecklistItem, Visit

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
