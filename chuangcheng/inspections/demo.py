"""The demo county's checklists: the default content, linked to the seeded case categories."""

from __future__ import annotations

from django.db import transaction

from chuangcheng.cases.services import seed_categories

from .models import Checklist, ChecklistItem, ChecklistItemVersion
from .services import SeedResult, checklists_seed


def build_checklists() -> SeedResult:
    """Seed the checklists (after the categories, which their items name)."""
    seed_categories()
    return checklists_seed()


def wipe_checklists() -> None:
    """Delete every checklist with its items and versions (``demo_county --force``; reseeded after)."""
    with transaction.atomic():
        ChecklistItemVersion.objects.all().delete()
        ChecklistItem.objects.all().delete()
        Checklist.objects.all().delete()
