"""督办 escalation: raise the level of cases a unit is taking too long over.

黄 (1) once 80 % of the time limit is used, 橙 (2) when overdue, 红 (3) at twice the limit;
suspended time does not count (a suspended case is not running). The job is idempotent:
``services.case_escalate`` only ever raises a level with a conditional UPDATE, so a second
run — or a second ``tick`` racing the first — writes no second event and sends no second
notification.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import QuerySet

from chuangcheng.core.errors import DomainError

from . import services
from .choices import Escalation, Status
from .models import Case
from .selectors import YELLOW_AT, used_fraction

logger = logging.getLogger(__name__)

RED_AT = 2.0
# The terms of case_running_deadline_idx's condition, in its order (a frozenset has none).
RUNNING = sorted(Status.with_unit())


def level_for(fraction: float | None, *, overdue: bool) -> int:
    """The 督办 level a case has earned, from the share of its limit used."""
    if fraction is None:
        return Escalation.NONE
    if fraction >= RED_AT:
        return Escalation.RED
    if overdue or fraction >= 1:
        return Escalation.ORANGE
    if fraction >= YELLOW_AT:
        return Escalation.YELLOW
    return Escalation.NONE


def running_cases() -> QuerySet[Case]:
    """Cases a unit holds with a clock running and a level still to reach.

    PostgreSQL answers this from the partial index case_running_deadline_idx, already in
    deadline order. SQLite never matches a partial index against bound parameters, so there
    it seeks case_status_created_idx by status: it too touches only the running cases.
    """
    return (
        Case.objects.filter(status__in=RUNNING, deadline__isnull=False, escalation__lt=Escalation.RED)
        .select_related("category", "unit", "handler")
        .order_by("deadline")
    )


def escalate_due(now: dt.datetime) -> int:
    """Raise every running case to the level it has earned by ``now``; returns how many rose."""
    raised = 0
    for case in running_cases().iterator(chunk_size=500):
        raised += _escalate_one(case, now)
    return raised


def _escalate_one(case: Case, now: dt.datetime) -> bool:
    try:
        level = level_for(used_fraction(case, now), overdue=case.deadline is not None and now >= case.deadline)
        return level > case.escalation and services.case_escalate(case=case, level=level, now=now)
    except DomainError as exc:  # e.g. a year missing from the holiday table: skip, tell the log
        logger.warning("督办升级跳过案卷 %s：%s", case.code, exc.message)
        return False
