"""Pages of the framework and the 推进台帐: campaigns, framework tree, ledger, my tasks, review, 督办单.

Views are thin: parse the input with a form, fetch the task / notice / evidence through
``access`` (404 outside the user's units), refuse with 403 a page the user's roles never
allow, call one service and redirect with a message. A ``DomainError`` from a service is
shown as it is and nothing has changed: every service is atomic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import Count, Prefetch, Q, QuerySet, Value, When, prefetch_related_objects
from django.db.models import IntegerField as IntField
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core.downloads import spooled_xlsx, stamp
from chuangcheng.core.errors import DomainError
from chuangcheng.core.evidence import content_type_of
from chuangcheng.core.web import form_errors, next_or, paginate, render_page, run_service, with_filters
from chuangcheng.core.xlsx import Sheet, write_xlsx
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.types import AuthedRequest

from . import access, selectors, services
from .choices import EvidenceType, NoticeStatus, ReportStatus, TaskStatus
from .forms import (
    FrameworkSearchForm,
    LedgerFilterForm,
    NoticeCloseForm,
    NoticeFilterForm,
    NoticeIssueForm,
    NoticeReplyForm,
    ReportForm,
    ReviewForm,
    TaskForm,
    first_error,
)
from .models import Campaign, IndicatorNode, Milestone, ProgressReport, SupervisionNotice, Task

PAGE_SIZE = 50
MINE_PAGE_SIZE = 30
REVIEW_PAGE_SIZE = 20

TASK_BADGES = {
    TaskStatus.NOT_STARTED: "",
    TaskStatus.IN_PROGRESS: "badge",
    TaskStatus.PENDING_REVIEW: "badge-warn",
    TaskStatus.DONE: "badge-ok",
    TaskStatus.OVERDUE: "badge-bad",
}
REPORT_BADGES = {
    ReportStatus.PENDING: "badge-warn",
    ReportStatus.ACCEPTED: "badge-ok",
    ReportStatus.RETURNED: "badge-bad",
}
NOTICE_BADGES = {NoticeStatus.ISSUED: "badge-warn", NoticeStatus.REPLIED: "badge", NoticeStatus.CLOSED: "badge-ok"}
# Evidence a browser may show in the page; anything else is downloaded.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


# ---- helpers -----------------------------------------------------------------------------


def _has(request: AuthedRequest, *roles: str) -> bool:
    return scope_for(request.user).acts_as(*roles)


def _require(request: AuthedRequest, roles: Iterable[str], message: str) -> None:
    if not _has(request, *roles):
        raise PermissionDenied(message)


def _require_ledger(request: AuthedRequest) -> None:
    access.require_ledger_viewer(request.user)


def _task_url(task: Task) -> str:
    return reverse("indicators:task_detail", args=[task.pk])


def task_light(task: Task, shown: str, today: dt.date) -> str:
    """绿/黄/红灯 of a task: red when overdue, yellow from the 催办 day on (TASK_REMIND_DAYS); none when done."""
    if shown == TaskStatus.DONE:
        return "none"
    if shown == TaskStatus.OVERDUE:
        return "red"
    return "yellow" if (task.deadline - today).days <= settings.TASK_REMIND_DAYS else "green"


def decorate_tasks(tasks: Iterable[Task], today: dt.date | None = None) -> list[Task]:
    """Tasks with what the pages show: the displayed status (incl. 已逾期), its badge, light and days left."""
    today = today or timezone.localdate()
    items = list(tasks)
    for task in items:
        shown = TaskStatus(selectors.display_status(task, today))
        task.shown_status = shown  # type: ignore[attr-defined]
        task.shown_label = shown.label  # type: ignore[attr-defined]
        task.badge = TASK_BADGES[shown]  # type: ignore[attr-defined]
        task.light = task_light(task, shown, today)  # type: ignore[attr-defined]
        task.days_left = (task.deadline - today).days  # type: ignore[attr-defined]
        task.days_late = -task.days_left  # type: ignore[attr-defined]
    return items


def _decorate_reports(reports: Iterable[ProgressReport]) -> list[ProgressReport]:
    items = list(reports)
    for report in items:
        report.badge = REPORT_BADGES.get(ReportStatus(report.status), "")  # type: ignore[attr-defined]
    return items


def _decorate_notices(notices: Iterable[SupervisionNotice]) -> list[SupervisionNotice]:
    now = timezone.now()
    items = list(notices)
    for notice in items:
        notice.badge = NOTICE_BADGES.get(NoticeStatus(notice.status), "")  # type: ignore[attr-defined]
        notice.late = notice.status == NoticeStatus.ISSUED and notice.reply_deadline < now  # type: ignore[attr-defined]
    return items


def evidence_labels(task: Task) -> list[str]:
    """The task's required evidence types as labels (unknown codes are shown as they are)."""
    return [str(EvidenceType(v).label) if v in EvidenceType.values else str(v) for v in task.evidence_types or []]


def status_counts(tasks: QuerySet[Task], today: dt.date) -> dict[int, dict[str, int]]:
    """Per campaign id: the number of tasks by displayed status (已逾期 counted apart), and the total."""
    overdue = Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)
    on_time = ~Q(deadline__lt=today)
    rows = (
        tasks.order_by()
        .values("campaign")
        .annotate(
            total=Count("pk"),
            not_started=Count("pk", filter=Q(status=TaskStatus.NOT_STARTED) & on_time),
            in_progress=Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS) & on_time),
            pending_review=Count("pk", filter=Q(status=TaskStatus.PENDING_REVIEW) & on_time),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("pk", filter=overdue),
        )
    )
    return {row.pop("campaign"): row for row in rows}


# ---- campaigns and the framework -----------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: AuthedRequest) -> HttpResponse:
    """创建项目: pass line, next milestone with its countdown, tasks by status."""
    _require_ledger(request)
    today = timezone.localdate()
    upcoming = Milestone.objects.filter(date__gte=today).order_by("date")
    campaigns = list(
        Campaign.objects.filter(is_active=True).prefetch_related(Prefetch("milestones", upcoming, to_attr="upcoming"))
    )
    counts = status_counts(selectors.task_list_for_user(user=request.user), today)
    labels = {s.value: s.label for s in TaskStatus}
    for campaign in campaigns:
        found = counts.get(campaign.pk, {})
        campaign.task_total = found.get("total", 0)  # type: ignore[attr-defined]
        campaign.by_status = [  # type: ignore[attr-defined]
            (status, labels[status], TASK_BADGES[TaskStatus(status)], found.get(status, 0))
            for status in (
                TaskStatus.NOT_STARTED,
                TaskStatus.IN_PROGRESS,
                TaskStatus.PENDING_REVIEW,
                TaskStatus.DONE,
                TaskStatus.OVERDUE,
            )
        ]
        nxt = campaign.upcoming[0] if campaign.upcoming else None
        campaign.next_milestone = nxt  # type: ignore[attr-defined]
        campaign.days_to_milestone = (nxt.date - today).days if nxt else None  # type: ignore[attr-defined]
    context = {"campaigns": campaigns, "is_office": _has(request, Role.OFFICE)}
    return render(request, "indicators/campaigns.html", context)


def _matching(nodes: list[IndicatorNode], q: str) -> set[int]:
    """Ids of the nodes whose code, name or text contains ``q``, and of all their ancestors."""
    needle = q.casefold()
    shown: set[int] = set()
    for node in nodes:
        if needle in f"{node.code}\n{node.name}\n{node.text}".casefold():
            shown.update(int(part) for part in node.path.strip("/").split("/") if part)
            shown.add(node.pk)
    return shown


def _subtree_totals(nodes: list[IndicatorNode], own: dict[int, int]) -> dict[int, int]:
    """Tasks of each node and everything under it (a node's path lists its ancestors' ids)."""
    totals: dict[int, int] = {}
    for node in nodes:
        count = own.get(node.pk, 0)
        ancestors = {int(part) for part in node.path.strip("/").split("/") if part} | {node.pk}
        for pk in ancestors:
            totals[pk] = totals.get(pk, 0) + count
    return totals


@login_required
@require_GET
def framework(request: AuthedRequest, code: str) -> HttpResponse:
    """测评体系 as a tree: scores, weights, methods, linked categories and tasks; search keeps ancestors."""
    _require_ledger(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = FrameworkSearchForm(request.GET)
    q = str(form.filters().get("q", "")).strip()
    nodes = list(selectors.framework_tree(campaign))
    prefetch_related_objects(nodes, "categories")
    tasks = selectors.task_list_for_user(user=request.user).filter(campaign=campaign)
    own = dict(tasks.order_by().values_list("indicator").annotate(n=Count("pk")))
    totals = _subtree_totals(nodes, own)
    shown = _matching(nodes, q) if q else None
    matched = 0
    for node in nodes:
        node.task_count = totals.get(node.pk, 0)  # type: ignore[attr-defined]
        node.own_tasks = own.get(node.pk, 0)  # type: ignore[attr-defined]
        node.hit = bool(q) and q.casefold() in f"{node.code}\n{node.name}\n{node.text}".casefold()  # type: ignore[attr-defined]
        matched += node.hit  # type: ignore[attr-defined]
    visible = [n for n in nodes if shown is None or n.pk in shown]
    roots_total = sum(n.max_score for n in nodes if n.parent_id is None)
    context = {
        "campaign": campaign,
        "form": form,
        "q": q,
        "nodes": visible,
        "node_count": len(nodes),
        "matched": matched,
        "max_total": roots_total,
        "is_office": _has(request, Role.OFFICE),
        "can_manage": access.can_manage_tasks(request.user),
    }
    return render_page(request, "indicators/framework.html", context, partial="tree")


# ---- 推进台帐 and its export -----------------------------------------------------------------------


def _export_url(query: QueryDict) -> str:
    return with_filters(reverse("indicators:ledger_export"), query)


def _ledger_queryset(request: AuthedRequest) -> tuple[LedgerFilterForm, QuerySet[Task], IndicatorNode | None]:
    form = LedgerFilterForm(request.GET, user=request.user)
    filters = form.filters()
    # The node is shown above the list; an id naming no node is ignored here, as before.
    node = IndicatorNode.objects.filter(pk=filters["indicator"]).first() if "indicator" in filters else None
    filters["indicator"] = node
    return form, selectors.task_list_for_user(user=request.user, filters=filters), node


@login_required
@require_GET
def ledger(request: AuthedRequest) -> HttpResponse:
    """推进台帐: every visible task with its status, progress and deadline; filters and Excel export."""
    _require_ledger(request)
    form, qs, node = _ledger_queryset(request)
    page = paginate(request, qs, PAGE_SIZE)
    page.object_list = decorate_tasks(page.object_list)
    context = {"form": form, "page": page, "export_url": _export_url(request.GET), "indicator": node}
    return render_page(request, "indicators/ledger.html", context)


def _units(task: Task) -> str:
    return "、".join(u.name for u in task.cooperating_units.all())


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the county's wall-clock time, without tzinfo.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


LEDGER_COLUMNS: list[tuple[Any, Callable[[Task], Any], int]] = [
    (gettext_lazy("任务编号"), lambda t: t.code, 14),
    (gettext_lazy("创建项目"), lambda t: t.campaign.name, 12),
    (gettext_lazy("测评指标"), lambda t: f"{t.indicator.code} {t.indicator.name}", 30),
    (gettext_lazy("任务"), lambda t: t.title, 40),
    (gettext_lazy("目标"), lambda t: t.target, 40),
    (gettext_lazy("牵头单位"), lambda t: t.lead_unit.name, 16),
    (gettext_lazy("配合单位"), lambda t: _units(t) or None, 24),
    (gettext_lazy("完成时限"), lambda t: t.deadline, 12),
    (gettext_lazy("状态"), lambda t: str(t.shown_label), 10),  # type: ignore[attr-defined]
    (gettext_lazy("完成进度（%）"), lambda t: t.percent, 10),
    (gettext_lazy("报送进度（%）"), lambda t: t.reported_percent, 10),
    (gettext_lazy("最近报送"), lambda t: _local(t.last_reported_at), 18),
    (gettext_lazy("完成时间"), lambda t: _local(t.done_at), 18),
]
EXPORT_CHUNK = 500


def ledger_rows(tasks: QuerySet[Task]) -> Iterable[list[Any]]:
    """One row per task in the order of the queryset, in chunks so 10k tasks stay cheap."""
    today = timezone.localdate()
    for chunk in Paginator(tasks, EXPORT_CHUNK):
        for task in decorate_tasks(chunk.object_list, today):
            yield [cell(task) for _title, cell, _width in LEDGER_COLUMNS]


@login_required
@require_GET
def ledger_export(request: AuthedRequest) -> FileResponse:
    """The filtered 推进台帐 as .xlsx: exactly the tasks the user saw."""
    _require_ledger(request)
    _form, qs, _node = _ledger_queryset(request)
    sheet = Sheet(
        title=str(_("推进台帐")),
        header=[str(title) for title, _cell, _width in LEDGER_COLUMNS],
        rows=ledger_rows(qs),
        widths=[width for _title, _cell, width in LEDGER_COLUMNS],
    )
    return spooled_xlsx(lambda spool: write_xlsx(spool, [sheet]), f"{_('推进台帐')}-{stamp()}.xlsx")


# ---- my tasks and the task page ------------------------------------------------------------------


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """我的任务 (phone cards): the unit's tasks, lead or cooperating, open ones soonest first."""
    _require(request, Role.unit_scoped(), _("只有责任单位的联络员和处置人员有“我的任务”"))
    done_last = SqlCase(When(status=TaskStatus.DONE, then=Value(1)), default=Value(0), output_field=IntField())
    qs = (
        selectors.task_list_for_user(user=request.user)
        .annotate(done_last=done_last)
        .order_by("done_last", "deadline", "code")
    )
    page = paginate(request, qs, MINE_PAGE_SIZE)
    page.object_list = decorate_tasks(page.object_list)  # type: ignore[assignment]
    scope = scope_for(request.user)
    for task in page.object_list:
        task.is_lead = scope.covers(task.lead_unit)
    waiting = (
        selectors.notice_list_for_user(user=request.user).filter(status=NoticeStatus.ISSUED).select_related("task")
    )
    context = {"page": page, "notices": _decorate_notices(waiting.order_by("reply_deadline"))}
    return render(request, "indicators/mine.html", context)


def _task_context(request: AuthedRequest, task: Task) -> dict[str, Any]:
    user = request.user
    reports = task.reports.select_related("unit", "reported_by", "reviewed_by").prefetch_related("evidence")
    events = task.events.select_related("actor", "unit", "report", "notice").order_by("at", "pk")
    notices = selectors.notice_list_for_user(user=user).filter(task=task).select_related("unit", "issued_by")
    decorate_tasks([task])
    return {
        "task": task,
        "cooperating": list(task.cooperating_units.all()),
        "evidence_types": evidence_labels(task),
        "reports": _decorate_reports(reports),
        "events": list(events),
        "notices": _decorate_notices(notices),
        "can_report": access.can_report(user, task),
        # One report waits for review at a time: the form comes back once the office has decided.
        "waiting_review": task.status == TaskStatus.PENDING_REVIEW,
        "can_review": access.is_reviewer(user),
        "can_issue": access.can_issue_notice(user),
        "can_manage": access.can_manage_tasks(user),
        "issue_form": NoticeIssueForm(),
    }


@login_required
@require_GET
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_ledger(request)
    task = selectors.get_task_for_user(request.user, pk)
    context = _task_context(request, task)
    if context["can_report"] and not context["waiting_review"]:
        context["form"] = ReportForm()
    return render(request, "indicators/task_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_report(request: AuthedRequest, pk: int) -> HttpResponse:
    """报送进展: a retried submission (same hidden key) returns the first report instead of a second."""
    _require_ledger(request)
    task = selectors.get_task_for_user(request.user, pk)
    if not access.can_report(request.user, task):
        raise PermissionDenied(_("只有牵头或配合单位可以报送进展"))
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            _report, created = services.report_progress(
                task=task,
                by=request.user,
                percent=data["percent"],
                narrative=data["narrative"],
                files=data["evidence"],
                # Per user, so a key seen elsewhere cannot fetch somebody else's report.
                idempotency_key=f"web:{request.user.pk}:{data['idempotency_key']}",
            )
            text = _("已报送，等待创建办审核") if created else _("这份报送已经提交过，没有重复报送")
            messages.success(request, text)
            return redirect(_task_url(task))
    context = _task_context(request, task)
    context["form"] = form
    return render(request, "indicators/report.html", context)


@login_required
@require_POST
def task_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    """下发督办单 by hand (创建办 or 督查室) to the task's lead unit."""
    _require_ledger(request)
    task = selectors.get_task_for_user(request.user, pk)
    if not access.can_issue_notice(request.user):
        raise PermissionDenied(_("只有创建办和督查室可以下发督办单"))
    form = NoticeIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(_task_url(task))
    data = form.cleaned_data
    try:
        notice = services.notice_issue(task=task, by=request.user, reason=data["reason"], reply_days=data["reply_days"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_task_url(task))
    messages.success(request, _("已下发督办单 %(code)s") % {"code": notice.code})
    return redirect("indicators:notice_detail", pk=notice.pk)


# ---- 创建任务: the office decomposes an indicator into tasks ------------------------------------------


def _require_manager(request: AuthedRequest) -> None:
    if not access.can_manage_tasks(request.user):
        raise PermissionDenied(_("只有创建办可以分解和修改创建任务"))


def _task_fields(form: TaskForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "indicator": data["indicator"],
        "code": data["code"],
        "title": data["title"],
        "target": data["target"],
        "lead_unit": data["lead_unit"],
        "cooperating_units": list(data["cooperating_units"]),
        "deadline": data["deadline"],
        "evidence_types": data["evidence_types"],
        "description": data["description"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: AuthedRequest, code: str) -> HttpResponse:
    """新建任务 on an indicator of the campaign (``?indicator=`` preselects it, from the framework tree)."""
    _require_manager(request)
    campaign = get_object_or_404(Campaign, code=code)
    nodes = selectors.framework_tree(campaign)
    initial = {"indicator": request.GET.get("indicator")} if request.method == "GET" else None
    form = TaskForm(request.POST or None, nodes=nodes, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            task = services.task_create(by=request.user, campaign=campaign, **_task_fields(form))
            messages.success(request, _("已创建任务 %(code)s") % {"code": task.code})
            return redirect(_task_url(task))
    return render(request, "indicators/task_form.html", {"form": form, "campaign": campaign, "task": None})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """修改任务: moving the deadline later lifts 已逾期 (the service clears ``overdue_at``)."""
    _require_ledger(request)
    task = selectors.get_task_for_user(request.user, pk)
    _require_manager(request)
    nodes = selectors.framework_tree(task.campaign)
    form = TaskForm(request.POST or None, nodes=nodes, initial=TaskForm.initial_for(task))
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.task_update(task=task, by=request.user, **_task_fields(form))
            messages.success(request, _("已保存任务 %(code)s") % {"code": task.code})
            return redirect(_task_url(task))
    return render(request, "indicators/task_form.html", {"form": form, "campaign": task.campaign, "task": task})


# ---- review ---------------------------------------------------------------------------------------


def _require_reviewer(request: AuthedRequest) -> None:
    if not access.is_reviewer(request.user):
        raise PermissionDenied(_("只有创建办可以审核报送"))


@login_required
@require_GET
def review_queue(request: AuthedRequest) -> HttpResponse:
    """待审核: pending reports, oldest first, each with its evidence and the accept / return buttons."""
    _require_reviewer(request)
    qs = (
        selectors.review_queue_for_user(user=request.user)
        .select_related("task", "task__campaign", "task__indicator", "task__lead_unit", "unit", "reported_by")
        .prefetch_related("evidence")
    )
    page = paginate(request, qs, REVIEW_PAGE_SIZE)
    page.object_list = _decorate_reports(page.object_list)
    decorate_tasks(r.task for r in page.object_list)
    return render(request, "indicators/review.html", {"page": page, "form": ReviewForm()})


@login_required
@require_POST
def report_review(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    report = selectors.get_report_for_user(request.user, pk)
    back = next_or(request, reverse("indicators:review"))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    comment = form.cleaned_data["comment"]
    run_service(
        request,
        lambda: services.review_report(report=report, by=request.user, accept=accept, comment=comment),
        _("已通过 %(code)s 的报送") % {"code": report.task.code}
        if accept
        else _("已退回 %(code)s 的报送") % {"code": report.task.code},
    )
    return redirect(back)


# ---- 督办单 ----------------------------------------------------------------------------------------


@login_required
@require_GET
def notice_list(request: AuthedRequest) -> HttpResponse:
    """督办单: a unit sees its own, the office and 督查室 all of them; filter by status."""
    _require_ledger(request)
    form = NoticeFilterForm(request.GET)
    qs = selectors.notice_list_for_user(user=request.user, filters=form.filters())
    qs = qs.select_related("task", "task__campaign", "unit", "issued_by").order_by("-issued_at", "-pk")
    page = paginate(request, qs, PAGE_SIZE)
    page.object_list = _decorate_notices(page.object_list)
    return render_page(request, "indicators/notices.html", {"form": form, "page": page})


def _notice_context(request: AuthedRequest, notice: SupervisionNotice) -> dict[str, Any]:
    _decorate_notices([notice])
    return {
        "notice": notice,
        "task": notice.task,
        "evidence": list(notice.evidence.all()),
        "can_reply": access.can_reply(request.user, notice),
        "can_close": access.can_close(request.user, notice),
        "close_form": NoticeCloseForm(),
    }


@login_required
@require_GET
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_ledger(request)
    notice = selectors.get_notice_for_user(request.user, pk)
    context = _notice_context(request, notice)
    if context["can_reply"]:
        context["form"] = NoticeReplyForm()
    return render(request, "indicators/notice_detail.html", context)


@login_required
@require_POST
def notice_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    """回复督办单: the text and evidence files; a bad file or a refused reply re-shows the form."""
    _require_ledger(request)
    notice = selectors.get_notice_for_user(request.user, pk)
    if not scope_for(request.user).covers(notice.unit):
        # The county roles see the notice but only the noticed unit replies: a refusal, not a form error.
        raise PermissionDenied(_("您没有权限%(action)s") % {"action": _("回复该督办单")})
    form = NoticeReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            services.notice_reply(notice=notice, by=request.user, reply=data["reply"], files=data["evidence"])
            messages.success(request, _("已回复督办单 %(code)s") % {"code": notice.code})
            return redirect("indicators:notice_detail", pk=notice.pk)
    context = _notice_context(request, notice)
    context["form"] = form
    context["can_reply"] = True  # show the form with its errors even if the state was the problem
    return render(request, "indicators/notice_detail.html", context)


@login_required
@require_POST
def notice_close(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_ledger(request)
    notice = selectors.get_notice_for_user(request.user, pk)
    if not access.can_issue_notice(request.user):
        raise PermissionDenied(_("只有创建办和督查室可以办结督办单"))
    form = NoticeCloseForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    run_service(
        request,
        lambda: services.notice_close(notice=notice, by=request.user, note=note),
        _("督办单 %(code)s 已办结") % {"code": notice.code},
    )
    return redirect("indicators:notice_detail", pk=notice.pk)


# ---- evidence -------------------------------------------------------------------------------------


@login_required
@require_GET
def evidence(request: AuthedRequest, pk: int) -> FileResponse:
    """A report's or reply's evidence file, only for someone who may see its task (never a public URL)."""
    item = selectors.get_evidence_for_user(request.user, pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("文件不存在")) from None
    content_type = content_type_of(item.file_type)
    inline = content_type in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=item.original_name, content_type=content_type)
    # Private: a shared cache must never hand a unit's evidence to someone else.
    response["Cache-Control"] = "private, max-age=3600"
    return response
