"""Writes of the checklists: item edits are versioned and logged, the default content is seeded once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from chuangcheng.cases.selectors import subcategories_by_name
from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import SiteType

from . import checklist_seed
from .models import Checklist, ChecklistItem, ChecklistItemVersion

LISTED_FIELDS = ("sort_order", "is_active")


def _write_version(item: ChecklistItem, by: Any) -> ChecklistItemVersion:
    content = {name: getattr(item, name) for name in ChecklistItem.CONTENT_FIELDS}
    return ChecklistItemVersion.objects.create(
        item=item, number=item.version, created_by=by if getattr(by, "pk", None) else None, **content
    )


@transaction.atomic
def checklist_item_save(*, item: ChecklistItem, by: Any) -> ChecklistItem:
    """Save an item edited as a whole. A change of its content starts a new version (inspections
    already done keep theirs); a change of order or of the active flag does not."""
    item.full_clean(exclude=["version"])
    if item.pk is None:
        item.version = 1
        item.save()
        _write_version(item, by)
        log_action(item, "inspections.item.create", by=by, data=snapshot(item, ChecklistItem.CONTENT_FIELDS))
        return item
    stored = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    fields = (*ChecklistItem.CONTENT_FIELDS, *LISTED_FIELDS)
    diff = changes(snapshot(stored, fields), snapshot(item, fields))
    content_changed = any(name in diff for name in ChecklistItem.CONTENT_FIELDS)
    item.version = stored.version + 1 if content_changed else stored.version
    item.save()
    if content_changed:
        _write_version(item, by)
    if diff:
        log_action(item, "inspections.item.change", by=by, data={**diff, "version": item.version})
    return item


@dataclass(frozen=True)
class SeedResult:
    checklists: int
    items: int


def _items_of(checklist: Checklist, rows: Iterable[checklist_seed.Item], categories: dict[str, Any]) -> list:
    return [
        ChecklistItem(
            checklist=checklist,
            sort_order=order,
            family=family,
            text=text,
            method=method,
            deduction=Decimal(str(deduction)),
            photo_required=photo,
            case_category=categories.get(category),
        )
        for order, (family, text, method, deduction, photo, category) in enumerate(rows)
    ]


def _targets() -> list[tuple[dict[str, Any], str, list[checklist_seed.Item]]]:
    """(checklist fields, name, items) of every default checklist whose target exists."""
    targets: list[tuple[dict[str, Any], str, list[checklist_seed.Item]]] = []
    for site_type in SiteType.objects.filter(code__in=checklist_seed.SITE_TYPE_ITEMS).order_by("sort_order"):
        rows = checklist_seed.SITE_TYPE_ITEMS[site_type.code]
        targets.append(({"site_type": site_type}, f"{site_type.name}检查表", rows))
    for road_class, label in RoadClass.choices:
        rows = checklist_seed.ROAD_CLASS_ITEMS.get(road_class, [])
        targets.append(({"road_class": road_class}, f"{label}路段检查表", rows))
    return targets


@transaction.atomic
def checklists_seed(*, by: Any = None) -> SeedResult:
    """Create the default checklist of every site type and road class that has none yet.

    Checklists already there (edited by the office or not) stay as they are; run it again after
    a new site type is added. Items name their case category by 小类 name; a name the office has
    renamed or removed leaves the item without one.
    """
    categories = subcategories_by_name()
    created = items = 0
    for target, name, rows in _targets():
        if not rows or Checklist.objects.filter(**target).exists():
            continue
        checklist = Checklist.objects.create(name=name, **target)
        new = ChecklistItem.objects.bulk_create(_items_of(checklist, rows, categories))
        ChecklistItemVersion.objects.bulk_create(
            ChecklistItemVersion(item=item, number=1, **{f: getattr(item, f) for f in ChecklistItem.CONTENT_FIELDS})
            for item in new
        )
        created, items = created + 1, items + len(new)
    if created:
        log_action(None, "inspections.checklist.seed", by=by, data={"checklists": created, "items": items})
    return SeedResult(checklists=created, items=items)
