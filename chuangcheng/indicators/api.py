"""JSON API of the framework and the 推进台帐: the same reads, forms and rules as the pages.

Reads go through ``access`` and ``selectors`` (a task or 督办单 outside the user's units is a
404, as if it did not exist); writes call one service each, whose ``DomainError`` becomes a
400, 403 (code "forbidden") or 409 (code "conflict") with its Chinese message. Progress reports
take an ``Idempotency-Key`` header: a phone on a bad network retries with the same key and gets
the first report back (200) instead of a second one (201); keys are per reporter.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chuangcheng.core.errors import DomainError
from chuangcheng.core.evidence import EvidenceUpload, check_evidence
from chuangcheng.core.schemas import (
    ErrorOut,
    Id,
    NamedRef,
    Pagination,
    Percent,
    Text,
    idempotency_key_header,
    require_idempotency_key,
)
from chuangcheng.org.types import AuthedRequest

from . import access, selectors, services
from .api_io import router as io_router
from .api_readiness import router as readiness_router
from .choices import EvidenceType, NoticeStatus, TaskStatus
from .models import Campaign, IndicatorNode, Milestone, ProgressReport, SupervisionNotice, Task
from .views import status_counts

router = Router(tags=["创建任务"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_FILES = 10
MAX_REPLY_DAYS = 60  # the range services.notice_issue accepts


# ----- shapes --------------------------------------------------------------------------------------


class MilestoneOut(Schema):
    kind: str
    kind_label: str
    name: str
    date: date

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    city_tier: str
    title_level: str
    title_level_label: str
    framework_edition: str
    pass_score: Decimal = Field(description="达标分数线")
    next_milestone: MilestoneOut | None = Field(description="下一个时间节点（今天或以后）")
    days_to_milestone: int | None = Field(description="距下一个时间节点的天数")
    task_counts: dict[str, int] = Field(
        description="当前用户可见任务按状态计数：not_started、in_progress、pending_review、done、overdue，及 total"
    )

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_title_level_label(obj: Any) -> str:
        return str(obj.get_title_level_display())


class NodeOut(Schema):
    id: int
    parent_id: int | None
    code: str
    level: int
    level_label: str
    depth: int = Field(description="在树中的深度，0 为测评项目")
    name: str
    text: str
    max_score: Decimal
    weight: Decimal
    method: str
    method_label: str
    categories: list[NamedRef] = Field(description="关联问题类别")
    task_count: int = Field(description="直接挂在本指标上的任务数（当前用户可见）")

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_method_label(obj: Any) -> str:
        return str(obj.get_method_display()) if obj.method else ""

    @staticmethod
    def resolve_categories(obj: Any) -> Any:
        return obj.categories.all()


class IndicatorRef(Schema):
    id: int
    code: str
    name: str


class TaskFilters(Schema):
    """The ledger page's filters (``selectors.task_list_for_user``)."""

    campaign: Id | None = Field(None, description="创建项目 id")
    unit: Id | None = Field(None, description="单位 id（牵头或配合，含下级）")
    status: TaskStatus | None = Field(None, description="状态；overdue 为已逾期")
    overdue: bool | None = Field(None, description="true 只列已逾期")
    deadline_from: date | None = Field(None, description="完成时限起（含）")
    deadline_to: date | None = Field(None, description="完成时限止（含）")
    q: str = Field("", description="任务编号、任务或目标")


class TaskOut(Schema):
    id: int
    code: str
    campaign: NamedRef
    indicator: IndicatorRef
    title: str
    target: str
    lead_unit: NamedRef
    cooperating_units: list[NamedRef]
    deadline: date
    status: str = Field(description="显示状态（含 overdue 已逾期）")
    status_label: str
    stored_status: str = Field(description="存储的流程状态（不含 overdue）")
    percent: int = Field(description="审核通过的进度")
    reported_percent: int = Field(description="最近报送的进度")
    last_reported_at: datetime | None
    done_at: datetime | None

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(selectors.display_status(obj))

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(TaskStatus(selectors.display_status(obj)).label)

    @staticmethod
    def resolve_stored_status(obj: Any) -> str:
        return str(obj.status)

    @staticmethod
    def resolve_cooperating_units(obj: Any) -> Any:
        return obj.cooperating_units.all()


class EvidenceOut(Schema):
    id: int
    name: str = Field(description="原文件名")
    file_type: str
    size: int
    url: str = Field(description="下载地址（检查访问权限）")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.original_name)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("indicators:evidence", args=[obj.pk])


class ReportOut(Schema):
    id: int
    task_id: int
    unit: NamedRef
    reported_by: NamedRef | None
    reported_at: datetime
    percent: int
    narrative: str
    status: str
    status_label: str
    reviewed_by: NamedRef | None
    reviewed_at: datetime | None
    review_comment: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_evidence(obj: Any) -> Any:
        return obj.evidence.all()


class PendingReportOut(ReportOut):
    task: TaskOut


class TaskRef(Schema):
    id: int
    code: str
    title: str


class NoticeOut(Schema):
    id: int
    code: str
    task: TaskRef
    unit: NamedRef = Field(description="被督办单位")
    issued_by: NamedRef | None = Field(description="下发人；系统逾期扫描下发时为空")
    issued_at: datetime
    reason: str
    reply_deadline: datetime
    status: NoticeStatus
    status_label: str
    reply: str
    replied_by: NamedRef | None
    replied_at: datetime | None
    closed_at: datetime | None
    evidence: list[EvidenceOut] = Field(description="回复所附佐证材料")

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_evidence(obj: Any) -> Any:
        return obj.evidence.all()


class TaskEventOut(Schema):
    id: int
    action: str
    action_label: str
    actor: NamedRef | None
    at: datetime
    from_status: str
    to_status: str
    unit: NamedRef | None
    report_id: int | None
    notice_id: int | None
    note: str
    data: dict[str, Any]

    @staticmethod
    def resolve_action_label(obj: Any) -> str:
        return str(obj.get_action_display())


class TaskDetailOut(TaskOut):
    description: str
    evidence_types: list[str]
    evidence_type_labels: list[str]
    can_report: bool = Field(description="当前用户能否报送进展")
    reports: list[ReportOut] = Field(description="进展报送，新的在前")
    events: list[TaskEventOut] = Field(description="全部事件，按时间先后")
    notices: list[NoticeOut] = Field(description="当前用户可见的督办单")

    @staticmethod
    def resolve_evidence_type_labels(obj: Any) -> list[str]:
        return [str(EvidenceType(v).label) if v in EvidenceType.values else str(v) for v in obj.evidence_types]

    @staticmethod
    def resolve_reports(obj: Any) -> Any:
        return obj.reports.select_related("unit", "reported_by", "reviewed_by").prefetch_related("evidence")

    @staticmethod
    def resolve_events(obj: Any) -> Any:
        return obj.events.select_related("actor", "unit").order_by("at", "pk")

    @staticmethod
    def resolve_can_report(obj: Any) -> bool:
        return bool(getattr(obj, "can_report", False))

    @staticmethod
    def resolve_notices(obj: Any) -> Any:
        # Set by the endpoint: only the notices the requesting user may see.
        return getattr(obj, "notices_seen", [])


class ReviewIn(Schema):
    accept: bool = Field(description="true 通过，false 退回")
    comment: str = Field("", description="审核意见；退回时必填")


class NoticeIn(Schema):
    reason: str = Field(description="督办事由")
    reply_days: int | None = Field(None, ge=1, le=MAX_REPLY_DAYS, description="回复期限（工作日），留空按系统默认")


class NoticeNoteIn(Schema):
    note: str = ""


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# ----- helpers -------------------------------------------------------------------------------------


def _task(request: AuthedRequest, task_id: Id) -> Task:
    return selectors.get_task_for_user(request.user, task_id)


def _detail(request: AuthedRequest, task: Task) -> Task:
    """The task with what the detail shape reads from the request (the user's notices, the report right)."""
    task.can_report = access.can_report(request.user, task)  # type: ignore[attr-defined]
    task.notices_seen = list(  # type: ignore[attr-defined]
        selectors.notice_list_for_user(user=request.user)
        .filter(task=task)
        .select_related("task", "unit", "issued_by", "replied_by")
    )
    return task


def _checked(files: list[UploadedFile] | None) -> list[EvidenceUpload]:
    """Check every file before anything is written: one bad file refuses the whole submission."""
    files = files or []
    if len(files) > MAX_FILES:
        raise DomainError(_("一次最多上传 %(n)d 个文件") % {"n": MAX_FILES})
    return [check_evidence(f) for f in files]


def _notice(request: AuthedRequest, notice_id: Id) -> SupervisionNotice:
    return selectors.get_notice_for_user(request.user, notice_id)


# ----- reads ---------------------------------------------------------------------------------------


@router.get(
    "/campaigns", response={200: list[CampaignOut], 403: ErrorOut}, summary="创建项目", url_name="indicators_campaigns"
)
def campaigns(request: AuthedRequest) -> list[Campaign]:
    """启用的创建项目：达标分数线、下一个时间节点与倒计时、当前用户可见任务按状态计数。"""
    access.require_ledger_viewer(request.user)
    today = timezone.localdate()
    counts = status_counts(selectors.task_list_for_user(user=request.user), today)
    items = []
    for campaign in Campaign.objects.filter(is_active=True):
        nxt = Milestone.objects.filter(campaign=campaign, date__gte=today).order_by("date").first()
        campaign.next_milestone = nxt  # type: ignore[attr-defined]
        campaign.days_to_milestone = (nxt.date - today).days if nxt else None  # type: ignore[attr-defined]
        found = counts.get(campaign.pk, {})
        campaign.task_counts = {  # type: ignore[attr-defined]
            key: found.get(key, 0) for key in ("total", *(s.value for s in TaskStatus))
        }
        items.append(campaign)
    return items


@router.get(
    "/campaigns/{code}/framework",
    response={200: list[NodeOut], 403: ErrorOut, 404: ErrorOut},
    summary="测评体系",
    description="创建项目的测评指标树，深度优先排列（depth 为层级深度），含满分、权重、测评方式和关联问题类别。",
    url_name="indicators_framework",
)
def framework(request: AuthedRequest, code: str) -> list[IndicatorNode]:
    access.require_ledger_viewer(request.user)
    campaign = get_object_or_404(Campaign, code=code)
    nodes = selectors.framework_tree(campaign)
    visible = selectors.task_list_for_user(user=request.user).filter(campaign=campaign).order_by()
    own = dict(visible.values_list("indicator").annotate(n=Count("pk")))
    for node in nodes:
        node.task_count = own.get(node.pk, 0)  # type: ignore[attr-defined]
    return nodes


@router.get(
    "/tasks",
    response=list[TaskOut],
    summary="推进台帐",
    description=(
        "当前用户可见的创建任务（单位只见本单位牵头或配合的），按完成时限先后；筛选参数与台帐页相同。"
        f"分页：page 从 1 起，page_size 默认 {PAGE_SIZE}、最大 {MAX_PAGE_SIZE}，返回 {{count, items}}。"
    ),
    url_name="indicators_tasks",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def tasks(request: AuthedRequest, filters: Query[TaskFilters]) -> QuerySet[Task]:
    return selectors.task_list_for_user(user=request.user, filters=filters.dict(exclude_none=True))


@router.get(
    "/tasks/{int:task_id}",
    response={200: TaskDetailOut, 404: ErrorOut},
    summary="任务详情",
    description="含进展报送（及佐证材料下载地址）、全部事件（时间线）和督办单；不在当前用户范围内的任务返回 404。",
    url_name="indicators_task",
)
def task_detail(request: AuthedRequest, task_id: Id) -> Task:
    return _detail(request, _task(request, task_id))


@router.get(
    "/reports/pending",
    response={200: list[PendingReportOut], 403: ErrorOut},
    summary="待审核报送",
    description="创建办的审核队列：待审核的进展报送，先报先审。",
    url_name="indicators_review_queue",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def review_queue(request: AuthedRequest) -> QuerySet[ProgressReport]:
    if not access.is_reviewer(request.user):
        raise PermissionDenied(_("只有创建办可以审核报送"))
    return selectors.review_queue_for_user(user=request.user).select_related("task__campaign", "task__indicator")


@router.get(
    "/notices",
    response=list[NoticeOut],
    summary="督办单列表",
    description="单位只见下发给本单位的督办单，创建办、督查室和领导见全部；新的在前。分页同推进台帐。",
    url_name="indicators_notices",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def notices(request: AuthedRequest, status: NoticeStatus | None = None) -> QuerySet[SupervisionNotice]:
    qs = selectors.notice_list_for_user(user=request.user, filters={"status": status})
    qs = qs.select_related("task", "unit", "issued_by", "replied_by")
    return qs.order_by("-issued_at", "-pk")


@router.get(
    "/notices/{int:notice_id}",
    response={200: NoticeOut, 404: ErrorOut},
    summary="督办单详情",
    url_name="indicators_notice",
)
def notice_detail(request: AuthedRequest, notice_id: Id) -> SupervisionNotice:
    return _notice(request, notice_id)


# ----- writes --------------------------------------------------------------------------------------


@router.post(
    "/tasks/{int:task_id}/reports",
    response={200: ReportOut, 201: ReportOut, **ERRORS},
    summary="报送进展",
    description=(
        "multipart/form-data：percent（0–100）、narrative（进展情况）和佐证材料 files（可多个：PDF、OFD、"
        "Word/Excel/PPT/WPS、JPEG/PNG/HEIC，按内容检查类型，单个文件有大小限制）。"
        "必须带 Idempotency-Key 请求头；重试时带同一个键，返回第一次的报送（200），新建时返回 201（键按报送人区分）。"
        "牵头或配合单位的单位管理员、处置人员可以报送；上一份报送待审核时不能再报送（409）。"
    ),
    url_name="indicators_report",
    openapi_extra=idempotency_key_header("客户端生成的唯一键，最长 64 字符"),
)
def report(
    request: AuthedRequest,
    task_id: Id,
    percent: Form[Percent],
    narrative: Form[Text],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", include_in_schema=False),
) -> Answer[ProgressReport]:
    key = require_idempotency_key(idempotency_key, _("报送"))
    task = _task(request, task_id)
    checked = _checked(files)
    made, created = services.report_progress(
        task=task, by=request.user, percent=percent, narrative=narrative, files=checked, idempotency_key=key
    )
    return Answer(201 if created else 200, made)


@router.post(
    "/reports/{int:report_id}/review",
    response={200: ReportOut, **ERRORS},
    summary="审核报送",
    description="创建办通过（任务进度按报送认定，100% 即完成）或退回（须填写意见）一份待审核的报送。",
    url_name="indicators_review",
)
def review(request: AuthedRequest, report_id: Id, payload: ReviewIn) -> ProgressReport:
    if not access.is_reviewer(request.user):
        raise PermissionDenied(_("只有创建办可以审核报送"))
    found = selectors.get_report_for_user(request.user, report_id)
    return services.review_report(report=found, by=request.user, accept=payload.accept, comment=payload.comment)


@router.post(
    "/tasks/{int:task_id}/notices",
    response={201: NoticeOut, **ERRORS},
    summary="下发督办单",
    description="创建办或督查室向任务的牵头单位下发督办单，回复期限按工作日计算。",
    url_name="indicators_notice_issue",
)
def notice_issue(request: AuthedRequest, task_id: Id, payload: NoticeIn) -> Answer[SupervisionNotice]:
    task = _task(request, task_id)
    made = services.notice_issue(task=task, by=request.user, reason=payload.reason, reply_days=payload.reply_days)
    return Answer(201, made)


@router.post(
    "/notices/{int:notice_id}/reply",
    response={200: NoticeOut, **ERRORS},
    summary="回复督办单",
    description="multipart/form-data：reply（回复内容）和可选的佐证材料 files。被督办单位的单位管理员、处置人员回复。",
    url_name="indicators_notice_reply",
)
def notice_reply(
    request: AuthedRequest,
    notice_id: Id,
    reply: Form[Text],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> SupervisionNotice:
    notice = _notice(request, notice_id)
    checked = _checked(files)
    return services.notice_reply(notice=notice, by=request.user, reply=reply, files=checked)


@router.post(
    "/notices/{int:notice_id}/close",
    response={200: NoticeOut, **ERRORS},
    summary="办结督办单",
    description="单位回复后，创建办或督查室办结督办单。",
    url_name="indicators_notice_close",
)
def notice_close(request: AuthedRequest, notice_id: Id, payload: NoticeNoteIn) -> SupervisionNotice:
    notice = _notice(request, notice_id)
    return services.notice_close(notice=notice, by=request.user, note=payload.note)


router.add_router("", io_router)
router.add_router("", readiness_router)
