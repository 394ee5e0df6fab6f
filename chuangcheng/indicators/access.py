"""Who may act on tasks, 督办单 and evidence: the ledger's rules on top of ``org.access.Scope``.

County-wide roles (office, supervisor, leader) see every task. A unit admin or handler sees
the tasks whose lead or cooperating unit is their unit or one below it, and the 督办单 sent
to those units. Other roles (inspectors, road chiefs, volunteers) see no tasks. The scoped
reads themselves (``task_list_for_user``, ``get_task_for_user``…) live in ``selectors``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chuangcheng.org.access import require as require  # the services refuse through ``access.require``
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person, Unit

from .choices import NoticeStatus, TaskStatus
from .models import SupervisionNotice, Task

REVIEWER_ROLES = (Role.OFFICE,)
NOTICE_ROLES = (Role.OFFICE, Role.SUPERVISOR)
READINESS_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.LEADER)


def reporting_unit(user: Person, task: Task) -> Unit | None:
    """The task's unit the user reports for: the lead unit if theirs, else their cooperating unit."""
    scope = scope_for(user)
    if scope.covers(task.lead_unit):
        return task.lead_unit
    return next((u for u in task.cooperating_units.all() if scope.covers(u)), None)


def can_report(user: Person, task: Task) -> bool:
    """Whether the report form is offered: a unit role of the lead or a cooperating unit, task open.

    The service checks again (and also refuses while a report waits for review).
    """
    return task.status != TaskStatus.DONE and reporting_unit(user, task) is not None


def is_reviewer(user: Person | None) -> bool:
    """The office reviews progress reports and manages tasks."""
    return scope_for(user).acts_as(*REVIEWER_ROLES)


def require_ledger_viewer(user: Person) -> None:
    """Only the roles that see the ledger (county-wide roles, unit admins and handlers) read
    campaigns, frameworks and tasks, on the pages, in the API and in the exports alike."""
    scope = scope_for(user)
    if not (scope.all_units or scope.unit_paths):
        raise PermissionDenied(_("您没有查看创建任务的权限"))


def can_manage_tasks(user: Person | None) -> bool:
    return is_reviewer(user)


def can_issue_notice(user: Person | None) -> bool:
    """The office and supervision issue and close 督办单."""
    return scope_for(user).acts_as(*NOTICE_ROLES)


def can_reply(user: Person, notice: SupervisionNotice) -> bool:
    """The noticed unit's admins and handlers reply, once, while the notice waits for it."""
    return notice.status == NoticeStatus.ISSUED and scope_for(user).covers(notice.unit)


def can_close(user: Person, notice: SupervisionNotice) -> bool:
    return notice.status == NoticeStatus.REPLIED and can_issue_notice(user)


def can_see_readiness(user: Person | None) -> bool:
    """达标预测 is read-only and county-wide: the office, the supervision office and the leaders."""
    return scope_for(user).acts_as(*READINESS_ROLES)
