"""Who may see and act on tasks, 督办单 and evidence: role checks in one place, filtered in the query.

County-wide roles (office, supervisor, leader) see every task. A unit admin or handler sees
the tasks whose lead or cooperating unit is their unit or one below it, and the 督办单 sent
to those units. Other roles (inspectors, road chiefs, volunteers) see no tasks.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chuangcheng.core.errors import DomainError
from chuangcheng.org.access import Scope, scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person, Unit

from .choices import NoticeStatus, TaskStatus
from .models import Evidence, SupervisionNotice, Task

REVIEWER_ROLES = (Role.OFFICE,)
NOTICE_ROLES = (Role.OFFICE, Role.SUPERVISOR)


def _scope(user: Person | None) -> Scope | None:
    if user is None or not user.is_authenticated:
        return None
    return scope_for(user)


def unit_role_paths(user: Person) -> list[str]:
    """Paths of the units where ``user`` holds a unit role (an inspector's own unit does not count)."""
    return list(scope_for(user).unit_paths)


def _under(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def covers(user: Person, unit: Unit | None) -> bool:
    """Whether ``unit`` is one of the user's unit-role units or below one."""
    return unit is not None and any(unit.path.startswith(p) for p in unit_role_paths(user))


def sees_all(user: Person | None) -> bool:
    scope = _scope(user)
    return scope is not None and scope.all_units


# ---- tasks ---------------------------------------------------------------------------------


def tasks_for(user: Person | None) -> QuerySet[Task]:
    """The tasks ``user`` may see: all for county-wide roles, else those their units lead or cooperate on."""
    tasks = Task.objects.all()
    if user is None or _scope(user) is None:
        return tasks.none()
    if sees_all(user):
        return tasks
    paths = unit_role_paths(user)
    if not paths:
        return tasks.none()
    cooperating = Task.cooperating_units.through.objects.filter(_under(paths, "unit")).values("task_id")
    return tasks.filter(_under(paths, "lead_unit") | Q(pk__in=cooperating))


def get_task_for(user: Person, pk: int) -> Task:
    """The task, or 404 when it does not exist or is outside the user's units."""
    task = tasks_for(user).select_related("campaign", "indicator", "lead_unit").filter(pk=pk).first()
    if task is None:
        raise Http404(_("任务不存在"))
    return task


def reporting_unit(user: Person, task: Task) -> Unit | None:
    """The task's unit the user reports for: the lead unit if theirs, else their cooperating unit."""
    if covers(user, task.lead_unit):
        return task.lead_unit
    return next((u for u in task.cooperating_units.all() if covers(user, u)), None)


def can_report(user: Person, task: Task) -> bool:
    """Whether the report form is offered: a unit role of the lead or a cooperating unit, task open.

    The service checks again (and also refuses while a report waits for review).
    """
    return task.status != TaskStatus.DONE and reporting_unit(user, task) is not None


def is_reviewer(user: Person | None) -> bool:
    """The office reviews progress reports and manages tasks."""
    scope = _scope(user)
    return scope is not None and (scope.has(*REVIEWER_ROLES) or bool(user and user.is_superuser))


def require_ledger_viewer(user: Person) -> None:
    """Only the roles that see the ledger (county-wide roles, unit admins and handlers) read
    campaigns, frameworks and tasks, on the pages, in the API and in the exports alike."""
    if not (sees_all(user) or unit_role_paths(user)):
        raise PermissionDenied(_("您没有查看创建任务的权限"))


def can_manage_tasks(user: Person | None) -> bool:
    return is_reviewer(user)


def can_issue_notice(user: Person | None) -> bool:
    """The office and supervision issue and close 督办单."""
    scope = _scope(user)
    return scope is not None and (scope.has(*NOTICE_ROLES) or bool(user and user.is_superuser))


def require(allowed: bool, action: str) -> None:
    if not allowed:
        raise DomainError(_("您没有权限%(action)s") % {"action": action}, code="forbidden")


# ---- supervision notices -----------------------------------------------------------------


def notices_for(user: Person | None) -> QuerySet[SupervisionNotice]:
    """督办单 the user may see: all for county-wide roles, else those sent to their units."""
    notices = SupervisionNotice.objects.all()
    if user is None or _scope(user) is None:
        return notices.none()
    if sees_all(user):
        return notices
    paths = unit_role_paths(user)
    return notices.filter(_under(paths, "unit")) if paths else notices.none()


def get_notice_for(user: Person, pk: int) -> SupervisionNotice:
    notice = notices_for(user).select_related("task", "unit", "issued_by").filter(pk=pk).first()
    if notice is None:
        raise Http404(_("督办单不存在"))
    return notice


def can_reply(user: Person, notice: SupervisionNotice) -> bool:
    """The noticed unit's admins and handlers reply, once, while the notice waits for it."""
    return notice.status == NoticeStatus.ISSUED and covers(user, notice.unit)


def can_close(user: Person, notice: SupervisionNotice) -> bool:
    return notice.status == NoticeStatus.REPLIED and can_issue_notice(user)


# ---- evidence ----------------------------------------------------------------------------------


def get_evidence_for(user: Person, pk: int) -> Evidence:
    """An evidence file whose report's task or whose notice the user may see; 404 otherwise.

    The download view serves ``evidence.file`` with ``core.evidence.content_type_of(evidence.file_type)``.
    """
    visible = Q(report__task__in=tasks_for(user)) | Q(notice__in=notices_for(user))
    evidence = Evidence.objects.filter(visible, pk=pk).first()
    if evidence is None:
        raise Http404(_("文件不存在"))
    return evidence
