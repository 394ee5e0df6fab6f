"""Reads of the checklists (reference data: every signed-in role may read them)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, QuerySet, Value, When

from chuangcheng.places.models import RoadSegment, Site

from .choices import InspectionKind, VisitState
from .models import Checklist, ChecklistItem, Visit


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


# ---- results: submitted inspections as a user may see them (results.py) -------------------------

from .results import get_inspection_for_user as get_inspection_for_user  # noqa: E402
from .results import get_inspection_photo_for_user as get_inspection_photo_for_user  # noqa: E402
from .results import inspection_list_for_user as inspection_list_for_user  # noqa: E402
