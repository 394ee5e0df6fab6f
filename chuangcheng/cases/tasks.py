"""Background jobs of the case loop (django-tasks: run by ``db_worker``, or at once by ``tick``)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .escalation import escalate_due


@task()
def escalate_cases() -> int:
    """督办升级: raise the levels every running case has earned by now; returns how many rose."""
    return escalate_due(timezone.now())
