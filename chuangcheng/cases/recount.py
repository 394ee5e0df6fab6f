"""Provisional (暂定) deadlines counted again once the official holidays of their year arrive.

Core tells the cases app through ``core.registry.calendar_changed`` when the office edits the
holiday table or applies a newer chinese-calendar's schedule; the tick job runs the same recount
in case the table changed by another way (the admin, a library upgrade nobody applied). Both
are idempotent: ``services.case_deadline_recount`` writes only when something changes.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import QuerySet
from django.utils import timezone

from chuangcheng.core.errors import DomainError

from . import services
from .models import Case

logger = logging.getLogger(__name__)


def provisional_cases() -> QuerySet[Case]:
    """Cases whose deadline is provisional and still matters (closed ones are history)."""
    return Case.objects.filter(deadline_provisional=True, status__in=services.RECOUNTED).order_by("pk")


def recount_provisional(now: dt.datetime) -> int:
    """Count every provisional deadline again on the calendar as it is now; returns how many changed."""
    changed = 0
    for case in provisional_cases().select_related("category").iterator(chunk_size=500):
        try:
            changed += services.case_deadline_recount(case=case, now=now)
        except DomainError as exc:  # e.g. someone acted on the case meanwhile: the next tick retries
            logger.warning("期限重算跳过案卷 %s：%s", case.code, exc.message)
    return changed


def provisional_spans() -> list[tuple[dt.date, dt.date]]:
    """The first and last local date of each provisional deadline's clock (for the holiday page)."""
    rows = provisional_cases().exclude(deadline=None).values_list("dispatched_at", "deadline")
    return [(timezone.localdate(start or end), timezone.localdate(end)) for start, end in rows]
