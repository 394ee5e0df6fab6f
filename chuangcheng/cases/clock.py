"""A case's handling clock counted on the working calendar: the steps that set its deadline, and their replay.

Three steps set or move a deadline: the clock starts (派遣, 返工) with the case's limit, an approved
extension adds its time to the deadline, and resuming (恢复办理) adds the time spent suspended.
``services`` takes each step through these functions; ``replay`` takes them again from the case's
events, on the calendar as it is now, when the official holidays of a year that was counted on
the provisional schedule arrive (``services.case_deadline_recount``).

Each step also says whether it went through a provisional year (``workcalendar.provisional_between``):
a deadline is 暂定 once any step of its clock did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from chuangcheng.core.workcalendar import add_working_time, elapsed_seconds, provisional_between

from .choices import Action, ExtensionStatus, TimeUnit
from .models import Case

CLOCK_STARTS = (Action.DISPATCH, Action.VERIFY_FAIL)
DEADLINE_STEPS = (*CLOCK_STARTS, Action.EXTENSION_APPROVE, Action.SUSPEND, Action.RESUME)


@dataclass(frozen=True)
class Count:
    """A deadline, and whether counting it went through a provisional year."""

    deadline: dt.datetime
    provisional: bool

    def then(self, step: Count) -> Count:
        """A later step moved the deadline: it is provisional if any step was."""
        return Count(step.deadline, self.provisional or step.provisional)


def started(start: dt.datetime, limit: Decimal, unit: str) -> Count:
    """派遣 / 返工: the limit counted from ``start``."""
    deadline = add_working_time(start, float(limit), unit)
    return Count(deadline, provisional_between(start, deadline, unit))


def extended(deadline: dt.datetime, amount: Decimal, unit: str) -> Count:
    """An approved extension: its time added to the deadline."""
    moved = add_working_time(deadline, float(amount), unit)
    return Count(moved, provisional_between(deadline, moved, unit))


def resumed(deadline: dt.datetime, suspended_at: dt.datetime, resumed_at: dt.datetime, unit: str) -> Count:
    """恢复办理: the deadline moves by the time suspended, measured in the case's own clock.

    A natural-hours emergency suspended overnight gets its whole night back. Moving the deadline
    (rather than restarting from what was left) keeps a case that was already late, late.
    """
    paused = elapsed_seconds(suspended_at, resumed_at, unit)
    clock = TimeUnit.NATURAL_HOURS if unit == TimeUnit.NATURAL_HOURS else TimeUnit.WORK_HOURS
    moved = add_working_time(deadline, paused / 3600, clock)
    return Count(moved, provisional_between(min(deadline, suspended_at), max(resumed_at, moved), unit))


def replay(case: Case) -> Count | None:
    """The case's current deadline counted again from its events; None when they do not tell it.

    From the last clock start (its moment, and the limit kept on the case), through every approved
    extension and every suspension that was resumed since, as the services counted them.
    """
    if case.time_limit is None or not case.time_unit:
        return None
    steps = list(case.events.filter(action__in=DEADLINE_STEPS).order_by("at", "pk").values_list("action", "at", "data"))
    starts = [i for i, (action, _, _) in enumerate(steps) if action in CLOCK_STARTS]
    if not starts:
        return None
    extensions = {
        request.pk: request
        for request in case.extensions.filter(status=ExtensionStatus.APPROVED).only("amount", "time_unit")
    }
    count = started(steps[starts[-1]][1], case.time_limit, case.time_unit)
    suspended_at: dt.datetime | None = None
    for action, at, data in steps[starts[-1] + 1 :]:
        if action == Action.EXTENSION_APPROVE:
            request = extensions.get(int((data or {}).get("request") or 0))
            if request is None:
                return None
            count = count.then(extended(count.deadline, request.amount, request.time_unit))
        elif action == Action.SUSPEND:
            suspended_at = at
        elif action == Action.RESUME and suspended_at is not None:
            count = count.then(resumed(count.deadline, suspended_at, at, case.time_unit))
            suspended_at = None
    return count
