"""Writes of the task ledger: one function per action, each writing exactly one ``TaskEvent``.

A task's state columns (status, percent, overdue_at…) change only through a conditional
UPDATE on the version that was read (``core.transitions.apply_transition``), so two reviewers
acting on the same report at once cannot both succeed: the second gets a clear message instead
of overwriting the first.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from chuangcheng.core import transitions
from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.core.choices import TimeUnit
from chuangcheng.core.deadlines import next_due, period_end
from chuangcheng.core.errors import DomainError, require_text
from chuangcheng.core.evidence import EvidenceUpload, save_evidence
from chuangcheng.core.workcalendar import add_working_time
from chuangcheng.notifications.services import notify
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person, Unit

from . import access
from .choices import EvidenceType, NoticeStatus, ReportCycle, ReportStatus, TaskAction, TaskStatus
from .models import Campaign, Evidence, IndicatorNode, Milestone, ProgressReport, SupervisionNotice, Task, TaskEvent

OPEN_FOR_REPORT = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
NOTICE_CODE_ATTEMPTS = 5
TASK = pgettext_lazy("transition", "任务")
NOTICE = pgettext_lazy("transition", "督办单")

logger = logging.getLogger(__name__)


def _event(task: Task, *, action: str, by: Person | None, from_status: str, **fields: Any) -> TaskEvent:
    return transitions.record_event(
        TaskEvent, subject_field="task", subject=task, action=action, by=by, from_status=from_status, **fields
    )


def _attach(files: Sequence[EvidenceUpload], by: Person | None, **owner: Any) -> list[Evidence]:
    """Store already-checked files (``core.evidence.check_evidence``) and link them to a report or notice."""
    return [
        Evidence.objects.create(
            file=save_evidence(upload),
            original_name=upload.name[:255],
            file_type=upload.file_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=by if by is not None and by.is_authenticated else None,
            **owner,
        )
        for upload in files
    ]


# ---- tasks -------------------------------------------------------------------------------------

EDITABLE = frozenset(
    {
        "code",
        "title",
        "description",
        "target",
        "indicator",
        "lead_unit",
        "cooperating_units",
        "deadline",
        "evidence_types",
        "sort_order",
    }
)


def _clean_evidence_types(values: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(v) for v in values or ()))
    unknown = [v for v in chosen if v not in EvidenceType.values]
    if unknown:
        raise DomainError(_("未知的佐证材料类型：%(types)s") % {"types": "、".join(unknown)})
    return chosen


def _check_task(task: Task, cooperating: Sequence[Unit]) -> None:
    """三明确 and the references: a target, a lead unit and a deadline; the indicator in this campaign."""
    task.code = require_text(task.code, _("任务编号"))
    task.title = require_text(task.title, _("任务名称"))
    task.target = require_text(task.target, _("目标任务"))
    if task.lead_unit_id is None:
        raise DomainError(_("请选择牵头单位（责任主体）"))
    if not isinstance(task.deadline, dt.date):
        raise DomainError(_("请填写完成时限"))
    if task.indicator_id is None or task.indicator.campaign_id != task.campaign_id:
        raise DomainError(_("请选择本创建项目测评体系中的指标"))
    if any(unit.pk == task.lead_unit_id for unit in cooperating):
        raise DomainError(_("牵头单位不能同时是配合单位"))
    clash = Task.objects.filter(campaign_id=task.campaign_id, code=task.code).exclude(pk=task.pk)
    if clash.exists():
        raise DomainError(_("任务编号 %(code)s 已存在") % {"code": task.code})


@transaction.atomic
def task_create(
    *,
    by: Person,
    campaign: Campaign,
    indicator: IndicatorNode,
    code: str,
    title: str,
    target: str,
    lead_unit: Unit | None,
    deadline: dt.date | None,
    cooperating_units: Sequence[Unit] = (),
    description: str = "",
    evidence_types: Iterable[str] = (),
    report_cycle: str = "",
) -> Task:
    """创建任务 (office only). A deadline already past makes the task overdue at the next scan.

    An ongoing task (``report_cycle`` monthly or quarterly) is first due at the end of the
    current period unless ``deadline`` says otherwise.
    """
    access.require(access.can_manage_tasks(by), _("分解创建任务"))
    cooperating = list(dict.fromkeys(cooperating_units))
    if report_cycle not in ReportCycle.values:
        raise DomainError(_("未知的报送周期"))
    if report_cycle and deadline is None:
        deadline = period_end(timezone.localdate(), report_cycle)
    task = Task(
        campaign=campaign,
        indicator=indicator,
        code=(code or "").strip(),
        title=(title or "").strip(),
        description=(description or "").strip(),
        target=(target or "").strip(),
        lead_unit=lead_unit,
        deadline=deadline,  # type: ignore[misc]
        report_cycle=report_cycle,
        evidence_types=_clean_evidence_types(evidence_types),
    )
    _check_task(task, cooperating)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:  # the same code created a moment ago by someone else
        raise DomainError(_("任务编号 %(code)s 已存在") % {"code": task.code}) from None
    task.cooperating_units.set(cooperating)
    _event(task, action=TaskAction.CREATE, by=by, from_status="", unit=lead_unit)
    return task


def _as_change(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


@transaction.atomic
def task_update(*, task: Task, by: Person, **fields: Any) -> Task:
    """修改任务 (office only). Moving the deadline later clears ``overdue_at`` (and allows a new 催办)."""
    access.require(access.can_manage_tasks(by), _("修改创建任务"))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise DomainError(_("不能修改这些字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    cooperating = list(dict.fromkeys(fields.pop("cooperating_units", task.cooperating_units.all())))
    if "evidence_types" in fields:
        fields["evidence_types"] = _clean_evidence_types(fields["evidence_types"])
    for name in ("code", "title", "target", "description"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    before = {name: getattr(task, name) for name in fields}
    draft = Task.objects.get(pk=task.pk)
    for name, value in fields.items():
        setattr(draft, name, value)
    _check_task(draft, cooperating)
    changes = {name: getattr(draft, name) for name in fields if getattr(draft, name) != before[name]}
    if "deadline" in changes and changes["deadline"] > task.deadline:
        changes["overdue_at"] = None
    old_cooperating = {u.pk for u in task.cooperating_units.all()}
    if not changes and old_cooperating == {u.pk for u in cooperating}:
        return task
    from_status = transitions.apply_transition(
        task, noun=TASK, allowed_from=TaskStatus.stored(), action_label=pgettext("transition", "修改"), **changes
    )
    task.cooperating_units.set(cooperating)
    data = {name: [_as_change(before[name]), _as_change(value)] for name, value in changes.items() if name in before}
    if old_cooperating != {u.pk for u in cooperating}:
        data["cooperating_units"] = [u.name for u in cooperating]
    _event(task, action=TaskAction.UPDATE, by=by, from_status=from_status, data=data)
    return task


# ---- progress reports --------------------------------------------------------------------------


def _check_evidence_rule(task: Task, percent: int, files: Sequence[EvidenceUpload]) -> None:
    """A task that names evidence types cannot be reported complete without evidence.

    At 100 % the files of this report together with those of the task's accepted reports
    must not be empty, and if photos are required, at least one of them must be an image.
    """
    if percent < 100 or not task.evidence_types:
        return
    accepted = Evidence.objects.filter(report__task=task, report__status=ReportStatus.ACCEPTED)
    has_any = bool(files) or accepted.exists()
    if not has_any:
        required = "、".join(str(EvidenceType(t).label) for t in task.evidence_types)
        raise DomainError(_("报送完成（100%%）时须上传佐证材料（%(types)s）") % {"types": required})
    if EvidenceType.PHOTO in task.evidence_types:
        has_image = any(f.is_image for f in files) or accepted.filter(file_type__in=("jpeg", "png", "heic")).exists()
        if not has_image:
            raise DomainError(_("本任务要求照片佐证，报送完成时请至少上传一张照片"))


def _check_percent(task: Task, percent: Any) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise DomainError(_("完成进度须为 0 到 100 之间的整数"))
    if percent < task.percent:
        raise DomainError(_("完成进度不能低于已审核通过的进度（%(percent)d%%）") % {"percent": task.percent})
    return percent


def report_progress(
    *,
    task: Task,
    by: Person,
    percent: int,
    narrative: str,
    files: Sequence[EvidenceUpload] = (),
    idempotency_key: str | None = None,
) -> tuple[ProgressReport, bool]:
    """报送进展 by the lead or a cooperating unit; the task waits for the office's review.

    Rules: ``percent`` is 0…100 and not below the last accepted percent (progress already
    confirmed cannot be taken back by a report; the office would lower it with a return);
    one report waits for review at a time; a done task takes no more reports; 100 % needs
    evidence when the task names evidence types (see ``_check_evidence_rule``). With an
    ``idempotency_key`` a retried submission returns the reporter's first report (``created`` False).
    """
    if idempotency_key and (existing := _report_with_key(by, idempotency_key)):
        return existing, False
    unit = access.reporting_unit(by, task)
    access.require(unit is not None, _("报送本任务的进展"))
    percent = _check_percent(task, percent)
    narrative = require_text(narrative, _("进展情况"))
    _check_evidence_rule(task, percent, files)
    try:
        with transaction.atomic():
            report = _save_report(task, by, unit, percent, narrative, files, idempotency_key)  # type: ignore[arg-type]
    except (IntegrityError, DomainError):
        # A retry racing the first submission loses on the key or on the task's version.
        if idempotency_key and (first := _report_with_key(by, idempotency_key)):
            return first, False
        raise
    _notify_report_submitted(report)
    return report, True


def _next_period(task: Task, today: dt.date) -> dict[str, Any]:
    """For an ongoing task (长期任务), a report covers its period: the next report is due at the end
    of the following one, and a missed period's overdue mark is lifted (its 督办单 stays)."""
    if not task.ongoing:
        return {}
    due = next_due(today, task.deadline, task.report_cycle)
    if due == task.deadline:
        return {}
    return {"deadline": due, "overdue_at": None}


def _report_with_key(by: Person, key: str) -> ProgressReport | None:
    """The report this person already made with this key: keys are per reporter, like cases'."""
    return ProgressReport.objects.filter(reported_by=by, idempotency_key=key).first()


def _save_report(
    task: Task,
    by: Person,
    unit: Unit,
    percent: int,
    narrative: str,
    files: Sequence[EvidenceUpload],
    idempotency_key: str | None,
) -> ProgressReport:
    now = transitions.now()
    if task.status == TaskStatus.PENDING_REVIEW:
        raise DomainError(_("上一次报送的进展尚待创建办审核，审核后才能再次报送"), code="conflict")
    from_status = transitions.apply_transition(
        task,
        noun=TASK,
        allowed_from=OPEN_FOR_REPORT,
        action_label=pgettext("transition", "报送进展"),
        status=TaskStatus.PENDING_REVIEW,
        reported_percent=percent,
        last_reported_at=now,
        **_next_period(task, timezone.localdate(now)),
    )
    report = ProgressReport.objects.create(
        task=task,
        unit=unit,
        reported_by=by,
        reported_at=now,
        percent=percent,
        narrative=narrative,
        idempotency_key=idempotency_key or None,
    )
    _attach(files, by, report=report)
    _event(
        task,
        action=TaskAction.REPORT,
        by=by,
        from_status=from_status,
        unit=unit,
        report=report,
        note=narrative,
        at=now,
        data={"percent": percent, "files": len(files)},
    )
    return report


@transaction.atomic
def review_report(*, report: ProgressReport, by: Person, accept: bool, comment: str = "") -> ProgressReport:
    """审核 by the office: accept sets the task's percent (done at 100 %); return needs a comment.

    A returned report leaves the task in progress, or not started if nothing was ever accepted.
    """
    access.require(access.is_reviewer(by), _("审核进展报送"))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise DomainError(_("退回时请填写退回理由"))
    if report.status != ReportStatus.PENDING:
        raise DomainError(
            _("该报送已审核（%(status)s），不能再次审核") % {"status": report.get_status_display()}, code="conflict"
        )
    task = report.task
    now = transitions.now()
    if accept:
        # An ongoing task is never done: its latest accepted report is where it stands.
        done = report.percent >= 100 and not task.ongoing
        changes: dict[str, Any] = {
            "status": TaskStatus.DONE if done else TaskStatus.IN_PROGRESS,
            "percent": report.percent,
            "done_at": now if done else None,
        }
        action, status = TaskAction.ACCEPT, ReportStatus.ACCEPTED
    else:
        ever_accepted = task.reports.filter(status=ReportStatus.ACCEPTED).exists()
        changes = {
            "status": TaskStatus.IN_PROGRESS if ever_accepted or task.percent else TaskStatus.NOT_STARTED,
            "reported_percent": task.percent,
        }
        action, status = TaskAction.RETURN, ReportStatus.RETURNED
    from_status = _apply_review(task, report, changes)
    claimed = ProgressReport.objects.filter(pk=report.pk, status=ReportStatus.PENDING).update(
        status=status, reviewed_by=by, reviewed_at=now, review_comment=comment
    )
    if not claimed:  # the task moved with us but the report did not: someone reviewed it in between
        raise _already_reviewed()
    report.status, report.reviewed_by, report.reviewed_at, report.review_comment = status, by, now, comment
    _event(task, action=action, by=by, from_status=from_status, unit=report.unit, report=report, note=comment, at=now)
    _notify_report_reviewed(report)
    return report


def _already_reviewed() -> DomainError:
    return DomainError(_("该报送刚刚已被他人审核，请刷新后再试"), code="conflict")


def _apply_review(task: Task, report: ProgressReport, changes: dict[str, Any]) -> str:
    try:
        return transitions.apply_transition(
            task,
            noun=TASK,
            allowed_from=[TaskStatus.PENDING_REVIEW],
            action_label=pgettext("transition", "审核"),
            **changes,
        )
    except DomainError as exc:
        if exc.code == "conflict":
            raise _already_reviewed() from None
        raise


# ---- supervision notices -----------------------------------------------------------------------


def _next_notice_code(day: dt.date) -> str:
    """DB + date + a per-day serial; a clash with a concurrent issue is retried by the caller."""
    prefix = f"DB{day:%Y%m%d}"
    last = SupervisionNotice.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True)
    serial = int(last[0][len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:03d}"


def notice_issue(
    *,
    task: Task,
    by: Person | None,
    reason: str,
    reply_days: int | None = None,
    dedupe_key: str | None = None,
) -> SupervisionNotice:
    """下发督办单 to the task's lead unit (office or supervision; ``by=None`` for the overdue scan).

    The reply is due ``reply_days`` working days from now (default ``NOTICE_REPLY_WORKDAYS``).
    With a ``dedupe_key`` a second call returns the first notice, even under a race.
    """
    if by is not None:
        access.require(access.can_issue_notice(by), _("下发督办单"))
    if dedupe_key and (existing := SupervisionNotice.objects.filter(dedupe_key=dedupe_key).first()):
        return existing
    reason = require_text(reason, _("督办事由"))
    days = settings.NOTICE_REPLY_WORKDAYS if reply_days is None else reply_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        raise DomainError(_("回复期限须为 1 到 60 个工作日"))
    if task.status == TaskStatus.DONE:
        raise DomainError(_("任务已完成，无需督办"), code="conflict")
    now = transitions.now()
    deadline = add_working_time(now, days, TimeUnit.WORK_DAYS)
    for _attempt in range(NOTICE_CODE_ATTEMPTS):
        notice = SupervisionNotice(
            code=_next_notice_code(timezone.localdate(now)),
            task=task,
            unit=task.lead_unit,
            issued_by=by,
            issued_at=now,
            reason=reason,
            reply_deadline=deadline,
            dedupe_key=dedupe_key or None,
        )
        try:
            with transaction.atomic():
                notice.save(force_insert=True)
                _notice_event(
                    notice,
                    action=TaskAction.NOTICE,
                    by=by,
                    note=reason,
                    at=now,
                    data={"code": notice.code, "reply_days": days},
                )
        except IntegrityError:
            if dedupe_key and (existing := SupervisionNotice.objects.filter(dedupe_key=dedupe_key).first()):
                return existing
            continue  # another notice took this code a moment ago: take the next one
        _notify_notice_issued(notice)
        return notice
    raise DomainError(_("督办单编号生成冲突，请稍后重试"), code="conflict")


def _notice_event(
    notice: SupervisionNotice, *, action: str, by: Person | None, note: str, at: dt.datetime, **fields: Any
) -> TaskEvent:
    """A step of a 督办单, recorded on its task (whose status it leaves as it is)."""
    task = notice.task
    return _event(
        task, action=action, by=by, from_status=task.status, notice=notice, unit=notice.unit, note=note, at=at, **fields
    )


@transaction.atomic
def notice_reply(
    *, notice: SupervisionNotice, by: Person, reply: str, files: Sequence[EvidenceUpload] = ()
) -> SupervisionNotice:
    """回复督办单 by the noticed unit (its admins or handlers), with optional evidence."""
    access.require(scope_for(by).covers(notice.unit), _("回复该督办单"))
    reply = require_text(reply, _("回复内容"))
    now = transitions.now()
    transitions.apply_transition(
        notice,
        noun=NOTICE,
        allowed_from=[NoticeStatus.ISSUED],
        action_label=pgettext("transition", "回复"),
        status=NoticeStatus.REPLIED,
        reply=reply,
        replied_by=by,
        replied_at=now,
    )
    _attach(files, by, notice=notice)
    _notice_event(notice, action=TaskAction.REPLY, by=by, note=reply, at=now, data={"files": len(files)})
    _notify_notice_replied(notice)
    return notice


@transaction.atomic
def notice_close(*, notice: SupervisionNotice, by: Person, note: str = "") -> SupervisionNotice:
    """督办单办结 (office or supervision), once the unit has replied."""
    access.require(access.can_issue_notice(by), _("办结督办单"))
    now = transitions.now()
    transitions.apply_transition(
        notice,
        noun=NOTICE,
        allowed_from=[NoticeStatus.REPLIED],
        action_label=pgettext("transition", "办结"),
        status=NoticeStatus.CLOSED,
        closed_at=now,
    )
    _notice_event(notice, action=TaskAction.CLOSE_NOTICE, by=by, note=(note or "").strip(), at=now)
    return notice


# ---- the deadline scan (tick job) --------------------------------------------------------------


def scan_deadlines(now: dt.datetime) -> int:
    """催办 before the deadline, 逾期 + 督办单 after it, 督办单 replies overdue → the office. Idempotent.

    * A task not done whose deadline is ``TASK_REMIND_DAYS`` calendar days away or less (and
      not yet past) is reminded once per deadline: ``reminded_on`` is claimed with a conditional
      UPDATE, and a reminder sent before the current window (the deadline moved) does not count.
    * A task not done whose deadline day has ended gets ``overdue_at`` (claimed the same way),
      an OVERDUE event and one 督办单 to its lead unit (dedupe key ``overdue:<task id>:<deadline>``:
      one notice per missed deadline, so a task that misses a moved deadline again gets a new one).
    * A 督办单 still waiting for its reply after the reply deadline is reported to the office
      once (notification dedupe key).

    Returns how many things it did (reminders + overdue tasks + late replies reported).
    """
    today = timezone.localdate(now)
    return _remind_due(now, today) + _mark_overdue(now, today) + _report_late_replies(now)


def _remind_due(now: dt.datetime, today: dt.date) -> int:
    days = settings.TASK_REMIND_DAYS
    due = Task.objects.exclude(status=TaskStatus.DONE).filter(
        deadline__gte=today, deadline__lte=today + dt.timedelta(days=days)
    )
    done = 0
    for task in due.select_related("lead_unit").iterator(chunk_size=500):
        window_start = task.deadline - dt.timedelta(days=days)
        if task.reminded_on is not None and task.reminded_on >= window_start:
            continue
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task.pk, reminded_on=task.reminded_on).update(reminded_on=today)
            if not claimed:
                continue  # another scan reminded it a moment ago
            task.reminded_on = today
            left = (task.deadline - today).days
            _event(
                task,
                action=TaskAction.REMIND,
                by=None,
                from_status=task.status,
                unit=task.lead_unit,
                at=now,
                note=(_("距本期报送截止还有 %(days)d 天") if task.ongoing else _("距完成时限还有 %(days)d 天"))
                % {"days": left},
                data={"days_left": left},
            )
            _notify_task_reminded(task, left)
        done += 1
    return done


def _mark_overdue(now: dt.datetime, today: dt.date) -> int:
    late = Task.objects.exclude(status=TaskStatus.DONE).filter(deadline__lt=today, overdue_at__isnull=True)
    done = 0
    for task in late.select_related("lead_unit").iterator(chunk_size=500):
        try:
            done += _overdue_one(task, now)
        except DomainError as exc:  # e.g. a year missing from the holiday table: retried next tick
            logger.warning("任务 %s 逾期督办跳过：%s", task.code, exc.message)
    return done


@transaction.atomic
def _overdue_one(task: Task, now: dt.datetime) -> bool:
    """Mark one task overdue and raise its 督办单, all or nothing."""
    if not Task.objects.filter(pk=task.pk, overdue_at__isnull=True).update(overdue_at=now):
        return False  # another scan took it a moment ago
    task.overdue_at = now
    _event(
        task,
        action=TaskAction.OVERDUE,
        by=None,
        from_status=task.status,
        unit=task.lead_unit,
        at=now,
        data={"deadline": task.deadline.isoformat()},
    )
    if task.ongoing:
        template = _(
            "长期任务“%(code)s %(title)s”未按期报送本期进展（应于 %(deadline)s 前报送，%(cycle)s），"
            "请说明原因并尽快报送。"
        )
    else:
        template = _(
            "任务“%(code)s %(title)s”已超过完成时限（%(deadline)s），当前审核通过进度 %(percent)d%%，"
            "请说明原因并限期完成。"
        )
    reason = template % {
        "code": task.code,
        "title": task.title,
        "deadline": f"{task.deadline:%Y-%m-%d}",
        "percent": task.percent,
        "cycle": task.get_report_cycle_display(),
    }
    notice_issue(task=task, by=None, reason=reason, dedupe_key=f"overdue:{task.pk}:{task.deadline:%Y%m%d}")
    return True


def _report_late_replies(now: dt.datetime) -> int:
    late = SupervisionNotice.objects.filter(status=NoticeStatus.ISSUED, reply_deadline__lt=now)
    return sum(1 for notice in late.select_related("unit", "task") if _notify_reply_overdue(notice))


# ---- notifications -----------------------------------------------------------------------------


def _task_url(task: Task) -> str:
    return reverse("indicators:task_detail", args=[task.pk])


def _notice_url(notice: SupervisionNotice) -> str:
    return reverse("indicators:notice_detail", args=[notice.pk])


def _people_with(role: str, units: Iterable[Unit] | None = None) -> list[Person]:
    people = Person.objects.filter(is_active=True, memberships__role=role)
    if units is not None:
        people = people.filter(memberships__unit__in=list(units))
    return list(people.distinct().order_by("pk"))


def _notify_report_submitted(report: ProgressReport) -> None:
    task = report.task
    notify(
        recipients=_people_with(Role.OFFICE),
        kind="task.reported",
        title=_("%(unit)s报送了任务 %(code)s 的进展（%(percent)d%%），请审核")
        % {"unit": report.unit.name, "code": task.code, "percent": report.percent},
        body=report.narrative[:200],
        url=_task_url(task),
        dedupe_key=f"task-report:{report.pk}",
    )


def _notify_report_reviewed(report: ProgressReport) -> None:
    task = report.task
    accepted = report.status == ReportStatus.ACCEPTED
    recipients = _people_with(Role.UNIT_ADMIN, [report.unit])
    if report.reported_by is not None:
        recipients.append(report.reported_by)
    title = (
        _("任务 %(code)s 的进展报送（%(percent)d%%）已审核通过")
        if accepted
        else _("任务 %(code)s 的进展报送（%(percent)d%%）被退回")
    )
    notify(
        recipients=recipients,
        kind="task.accepted" if accepted else "task.returned",
        title=title % {"code": task.code, "percent": report.percent},
        body=report.review_comment[:200],
        url=_task_url(task),
        dedupe_key=f"task-review:{report.pk}",
    )


def _notify_task_reminded(task: Task, days_left: int) -> None:
    units = [task.lead_unit, *task.cooperating_units.all()]
    notify(
        recipients=_people_with(Role.UNIT_ADMIN, units),
        kind="task.reminded",
        title=(
            _("催办：长期任务 %(code)s 距本期报送截止还有 %(days)d 天")
            if task.ongoing
            else _("催办：任务 %(code)s 距完成时限还有 %(days)d 天")
        )
        % {"code": task.code, "days": days_left},
        body=_("%(title)s，完成时限 %(deadline)s") % {"title": task.title, "deadline": f"{task.deadline:%Y-%m-%d}"},
        url=_task_url(task),
        dedupe_key=f"task-remind:{task.pk}:{task.deadline:%Y%m%d}",
    )


def _notify_notice_issued(notice: SupervisionNotice) -> None:
    notify(
        recipients=_people_with(Role.UNIT_ADMIN, [notice.unit]),
        kind="task.notice",
        title=_("督办单 %(code)s：任务 %(task)s") % {"code": notice.code, "task": notice.task.code},
        body=_("%(reason)s（请于 %(deadline)s 前回复）")
        % {"reason": notice.reason[:150], "deadline": f"{timezone.localtime(notice.reply_deadline):%Y-%m-%d %H:%M}"},
        url=_notice_url(notice),
        dedupe_key=f"notice-issued:{notice.pk}",
    )


def _notify_notice_replied(notice: SupervisionNotice) -> None:
    recipients = [notice.issued_by] if notice.issued_by is not None else _people_with(Role.OFFICE)
    notify(
        recipients=recipients,
        kind="task.notice_replied",
        title=_("%(unit)s已回复督办单 %(code)s") % {"unit": notice.unit.name, "code": notice.code},
        body=notice.reply[:200],
        url=_notice_url(notice),
        dedupe_key=f"notice-replied:{notice.pk}",
    )


def _notify_reply_overdue(notice: SupervisionNotice) -> bool:
    """Tell the office (and the issuer) once; True if anyone was told now."""
    recipients = _people_with(Role.OFFICE)
    if notice.issued_by is not None:
        recipients.append(notice.issued_by)
    fresh = notify(
        recipients=recipients,
        kind="task.notice_late",
        title=_("督办单 %(code)s 逾期未回复（%(unit)s）") % {"code": notice.code, "unit": notice.unit.name},
        body=_("回复期限 %(deadline)s") % {"deadline": f"{timezone.localtime(notice.reply_deadline):%Y-%m-%d %H:%M}"},
        url=_notice_url(notice),
        dedupe_key=f"notice-late:{notice.pk}",
    )
    return bool(fresh)


# ---- campaigns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneIn:
    kind: str
    name: str
    date: dt.date
    note: str = ""


CAMPAIGN_FIELDS = ("code", "name", "kind", "city_tier", "title_level", "framework_edition", "pass_score", "task_weight")


def _campaign_state(campaign: Campaign | None) -> dict[str, Any]:
    """The logged settings of a campaign, its milestones as "kind name date" lines."""
    if campaign is None:
        return {}
    lines = [f"{m.kind} {m.name} {m.date:%Y-%m-%d}" for m in campaign.milestones.order_by("date", "kind")]
    return {**snapshot(campaign, CAMPAIGN_FIELDS), "milestones": lines}


def _log_campaign(campaign: Campaign, before: dict[str, Any], by: Person) -> None:
    if data := changes(before, _campaign_state(campaign)):
        log_action(campaign, "indicators.campaign.change" if before else "indicators.campaign.create", by=by, data=data)


def campaign_save(*, campaign: Campaign, by: Person, milestones: Sequence[MilestoneIn]) -> Campaign:
    """Create or change a campaign (office only); its milestones become exactly ``milestones``."""
    access.require(access.can_manage_tasks(by), _("设置创建项目"))
    campaign.code = (campaign.code or "").strip()
    if not campaign.code or any(ch.isspace() for ch in campaign.code):
        raise DomainError(_("编码不能为空，也不能包含空格"))
    if campaign.pass_score is None or campaign.pass_score <= 0:
        raise DomainError(_("达标分数线须大于 0"))
    try:
        with transaction.atomic():
            before = _campaign_state(Campaign.objects.filter(pk=campaign.pk).first())
            campaign.save()
            campaign.milestones.all().delete()
            Milestone.objects.bulk_create(Milestone(campaign=campaign, **vars(m)) for m in milestones)
            _log_campaign(campaign, before, by)
    except IntegrityError:
        raise DomainError(_("编码 %(code)s 已被其他创建项目使用") % {"code": campaign.code}) from None
    return campaign
