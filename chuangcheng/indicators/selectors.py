"""Reads of the task ledger, scoped to the user in the query: tasks (the 推进台帐), 督办单, evidence,
the review queue, and the framework tree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.org.access import scope_for
from chuangcheng.org.models import Person, Unit

from .access import is_reviewer
from .choices import ReportStatus, TaskStatus
from .models import Campaign, Evidence, IndicatorNode, ProgressReport, SupervisionNotice, Task


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def overdue_q(today: dt.date) -> Q:
    """Tasks shown as 已逾期: the deadline day is over and the task is not done."""
    return Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)


def _visible_tasks(user: Person | None) -> QuerySet[Task]:
    """All tasks for county-wide roles, else those the user's units (or units below) lead or cooperate on."""
    scope = scope_for(user)
    tasks = Task.objects.all()
    if scope.all_units:
        return tasks
    if not scope.unit_paths:
        return tasks.none()
    cooperating = Task.cooperating_units.through.objects.filter(scope.covered_q("unit")).values("task_id")
    return tasks.filter(scope.covered_q("lead_unit") | Q(pk__in=cooperating))


def task_list_for_user(*, user: Person | None, filters: dict | None = None) -> QuerySet[Task]:
    """The tasks the user may see, as the 推进台帐 lists them (soonest deadline first), filtered.

    Filters (empty values are ignored; ids or objects): ``campaign``; ``unit`` (lead or
    cooperating, including units below it); ``status`` a TaskStatus value, where "overdue"
    means the deadline is past and the task is not done and the stored statuses other than
    done exclude overdue tasks (so each task is in exactly one of them, as ``display_status``
    shows it); ``overdue`` (bool); ``deadline_from``/``deadline_to`` (inclusive dates);
    ``q`` (code, title or target contains); ``indicator`` (a node or its id: the tasks of that
    node and of every node below it; an id that names no node matches nothing).
    """
    filters = filters or {}
    today = timezone.localdate()
    tasks = _visible_tasks(user).select_related("campaign", "indicator", "lead_unit")
    tasks = tasks.prefetch_related("cooperating_units")
    if campaign := filters.get("campaign"):
        tasks = tasks.filter(campaign_id=_pk(campaign))
    if unit := filters.get("unit"):
        unit = unit if isinstance(unit, Unit) else Unit.objects.filter(pk=unit).first()
        path = unit.path if unit is not None else "/none/"
        cooperating = Task.cooperating_units.through.objects.filter(unit__path__startswith=path).values("task_id")
        tasks = tasks.filter(Q(lead_unit__path__startswith=path) | Q(pk__in=cooperating))
    status = filters.get("status")
    if status == TaskStatus.OVERDUE or _truthy(filters.get("overdue")):
        tasks = tasks.filter(overdue_q(today))
    if status and status != TaskStatus.OVERDUE:
        tasks = tasks.filter(status=status)
        if status != TaskStatus.DONE:
            tasks = tasks.exclude(overdue_q(today))
    if deadline_from := _date(filters.get("deadline_from") or ""):
        tasks = tasks.filter(deadline__gte=deadline_from)
    if deadline_to := _date(filters.get("deadline_to") or ""):
        tasks = tasks.filter(deadline__lte=deadline_to)
    if q := str(filters.get("q") or "").strip():
        tasks = tasks.filter(Q(code__icontains=q) | Q(title__icontains=q) | Q(target__icontains=q))
    if indicator := filters.get("indicator"):
        tasks = tasks.filter(_subtree_q(indicator))
    return tasks.order_by("deadline", "code", "pk")


def get_task_for_user(user: Person, pk: int) -> Task:
    """The task, or 404 when it does not exist or is outside the user's units."""
    task = task_list_for_user(user=user).filter(pk=pk).first()
    if task is None:
        raise Http404(_("任务不存在"))
    return task


def _subtree_q(indicator: IndicatorNode | int) -> Q:
    node = indicator if isinstance(indicator, IndicatorNode) else IndicatorNode.objects.filter(pk=indicator).first()
    if node is None:
        return Q(pk__in=[])
    return Q(indicator__path__startswith=node.path) if node.path else Q(indicator=node)


def display_status(task: Task, today: dt.date | None = None) -> str:
    """The status to show: 已逾期 when the deadline day is over and the task is not done."""
    today = today or timezone.localdate()
    if task.status != TaskStatus.DONE and task.deadline < today:
        return TaskStatus.OVERDUE
    return task.status


def review_queue_for_user(*, user: Person) -> QuerySet[ProgressReport]:
    """待审核: reports waiting for review, oldest first: all for the office, else those of the user's tasks."""
    reports = ProgressReport.objects.filter(status=ReportStatus.PENDING)
    if not is_reviewer(user):
        reports = reports.filter(task__in=task_list_for_user(user=user))
    return reports.select_related("task", "task__lead_unit", "unit", "reported_by").order_by("reported_at", "pk")


def get_report_for_user(user: Person, pk: int) -> ProgressReport:
    """A progress report of a task the user may see (with its task), or 404."""
    visible = task_list_for_user(user=user).values("pk")
    report = ProgressReport.objects.filter(pk=pk, task__in=visible).select_related("task").first()
    if report is None:
        raise Http404(_("报送不存在"))
    return report


# ---- supervision notices and evidence ----------------------------------------------------------


def notice_list_for_user(*, user: Person | None, filters: dict | None = None) -> QuerySet[SupervisionNotice]:
    """督办单 the user may see: all for county-wide roles, else those sent to their units. Filter: ``status``."""
    scope = scope_for(user)
    notices = SupervisionNotice.objects.all()
    if not scope.all_units:
        notices = notices.filter(scope.covered_q("unit")) if scope.unit_paths else notices.none()
    if status := (filters or {}).get("status"):
        notices = notices.filter(status=status)
    return notices


def get_notice_for_user(user: Person, pk: int) -> SupervisionNotice:
    notice = notice_list_for_user(user=user).select_related("task", "unit", "issued_by").filter(pk=pk).first()
    if notice is None:
        raise Http404(_("督办单不存在"))
    return notice


def get_evidence_for_user(user: Person, pk: int) -> Evidence:
    """An evidence file whose report's task or whose notice the user may see; 404 otherwise.

    The download view serves ``evidence.file`` with ``core.evidence.content_type_of(evidence.file_type)``.
    """
    visible = Q(report__task__in=task_list_for_user(user=user)) | Q(notice__in=notice_list_for_user(user=user))
    evidence = Evidence.objects.filter(visible, pk=pk).first()
    if evidence is None:
        raise Http404(_("文件不存在"))
    return evidence


def framework_tree(campaign: Campaign) -> list[IndicatorNode]:
    """The campaign's indicator nodes depth-first (siblings by sort order, then code), each with ``.depth`` (0 = root).

    Each node also carries ``.is_leaf`` and ``.task_count`` (tasks directly on it).
    """
    nodes = list(
        IndicatorNode.objects.filter(campaign=campaign).annotate(
            has_children=Exists(IndicatorNode.objects.filter(parent=OuterRef("pk")))
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for indicator_id in Task.objects.filter(campaign=campaign).values_list("indicator_id", flat=True):
        counts[indicator_id] += 1
    children: dict[int | None, list[IndicatorNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    ordered: list[IndicatorNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for node in sorted(children[parent], key=lambda n: (n.sort_order, n.code, n.pk)):
            node.depth = depth  # type: ignore[attr-defined]
            node.is_leaf = not node.has_children  # type: ignore[attr-defined]
            node.task_count = counts[node.pk]  # type: ignore[attr-defined]
            ordered.append(node)
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered
