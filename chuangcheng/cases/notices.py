"""Notifications the case loop sends (in-app inbox plus configured channels)."""

from __future__ import annotations

from django.urls import reverse

from chuangcheng.notifications.services import notify
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Membership, Person

from .choices import Escalation
from .models import Case


def _unit_admins(case: Case) -> list[Person]:
    if case.unit is None:
        return []
    memberships = Membership.objects.filter(unit=case.unit, role=Role.UNIT_ADMIN).select_related("person")
    people = [m.person for m in memberships if m.person.is_active]
    if case.handler is not None and case.handler not in people:
        people.append(case.handler)
    return people


def _url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def case_dispatched(case: Case) -> None:
    notify(
        recipients=_unit_admins(case),
        kind="case.dispatched",
        title=f"新派遣案卷 {case.code}：{case.category.name}",
        body=case.description[:200],
        url=_url(case),
        dedupe_key=f"case:{case.pk}:dispatch:{case.version}",
    )


def case_rework(case: Case) -> None:
    notify(
        recipients=_unit_admins(case),
        kind="case.rework",
        title=f"案卷 {case.code} 核查未通过，需返工",
        url=_url(case),
        dedupe_key=f"case:{case.pk}:rework:{case.rework_count}",
    )


def case_escalated(case: Case, level: int) -> None:
    label = Escalation(level).label
    notify(
        recipients=_unit_admins(case),
        kind="case.escalated",
        title=f"{label}：案卷 {case.code}（{case.category.name}）",
        body=f"处置期限：{case.deadline:%Y-%m-%d %H:%M}" if case.deadline else "",
        url=_url(case),
        dedupe_key=f"case:{case.pk}:escalate:{level}:{case.dispatched_at:%Y%m%d%H%M%S}" if case.dispatched_at else None,
    )
