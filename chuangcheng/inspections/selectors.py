"""Reads of the checklists (reference data: every signed-in role may read them)."""

from __future__ import annotations

from django.db.models import QuerySet

from chuangcheng.places.models import RoadSegment, Site

from .models import Checklist, ChecklistItem


def checklist_for_site(site: Site) -> Checklist | None:
    """The active checklist of the site's type, if the office keeps one."""
    return Checklist.objects.filter(site_type_id=site.site_type_id, is_active=True).first()


def checklist_for_segment(segment: RoadSegment) -> Checklist | None:
    """The active checklist of the segment's road class."""
    return Checklist.objects.filter(road_class=segment.road_class, is_active=True).first()


def active_items(checklist: Checklist) -> QuerySet[ChecklistItem]:
    """The items an inspection of ``checklist`` goes through, in order, with their case category."""
    return checklist.items.filter(is_active=True).select_related("case_category").order_by("sort_order", "pk")
