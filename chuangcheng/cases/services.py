"""Writes of the case loop: one function per transition, each writing exactly one event.

Every transition applies only to the state and version of the case it read (a conditional
UPDATE), so two dispatchers acting at once cannot both succeed: the second gets a clear
message instead of silently overwriting the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from chuangcheng.core import transitions
from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.core.errors import DomainError, require_text
from chuangcheng.core.photos import ProcessedPhoto, save_photo
from chuangcheng.core.workcalendar import subtract_working_time
from chuangcheng.org.access import require_role
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person, Unit
from chuangcheng.places.selectors import route_point

from . import clock, notices
from .access import require_holder, require_independent_verifier
from .choices import Action, ExtensionStatus, PhotoKind, Source, Status, TimeUnit
from .models import CATEGORY_RULE_FIELDS, Case, CaseCounter, CaseEvent, CasePhoto, Category, ExtensionRequest
from .routing import suggest_units
from .selectors import YELLOW_AT

OFFICE = (Role.OFFICE,)
CASE = pgettext_lazy("transition", "案卷")
# A case back with the office for (re-)dispatch holds no unit and runs no clock.
UNASSIGNED: dict[str, Any] = {
    "unit": None,
    "handler": None,
    "deadline": None,
    "dispatched_at": None,
    "time_limit": None,
    "time_unit": "",
    "yellow_at": None,
    "deadline_provisional": False,
}


def _next_code(day: dt.date) -> str:
    """AJ + date + a per-day serial, taken under the row lock of that day's counter.

    One UPDATE … RETURNING (SQLite ≥ 3.35 and PostgreSQL) instead of update-then-read:
    intake is the hottest write path and every statement inside its transaction counts.
    """
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE day = %s RETURNING last", [day.isoformat()])
        row = cursor.fetchone()
    if row is None:  # the day's first case: create its counter, then take number 1
        CaseCounter.objects.get_or_create(day=day)
        return _next_code(day)
    return f"AJ{day:%Y%m%d}{row[0]:05d}"


def _event(case: Case, *, action: str, by: Person | None, from_status: str, **fields: Any) -> CaseEvent:
    return transitions.record_event(
        CaseEvent, subject_field="case", subject=case, action=action, by=by, from_status=from_status, **fields
    )


def _apply(case: Case, *, allowed_from: Iterable[str], action_label: str, **changes: Any) -> str:
    """A guarded transition of ``case`` (``core.transitions``); returns the status it came from."""
    from_status = transitions.apply_transition(
        case, allowed_from=allowed_from, noun=CASE, action_label=action_label, **changes
    )
    if from_status in Status.with_unit() and case.status not in Status.with_unit():
        _lapse_pending_extensions(case)
    return from_status


def _lapse_pending_extensions(case: Case) -> None:
    """A request for more time means nothing once the unit no longer holds the case."""
    case.extensions.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.LAPSED, decided_at=transitions.now()
    )


def _attach(case: Case, event: CaseEvent, photos: Sequence[ProcessedPhoto], kind: str, by: Person | None) -> None:
    """Store already-checked photos (see core.photos.process_photo) and link them to the event."""
    for photo in photos:
        path, thumb = save_photo(photo, prefix=f"cases/{kind}")
        CasePhoto.objects.create(
            case=case,
            event=event,
            kind=kind,
            image=path,
            thumbnail=thumb,
            sha256=photo.sha256,
            width=photo.width,
            height=photo.height,
            uploaded_by=by if by and by.is_authenticated else None,
        )


def _clock_from(start: dt.datetime, category: Category, *, urgent: bool) -> dict[str, Any]:
    """A handling clock starting at ``start``: the category's limit as of now, kept on the case.

    An urgent case runs on the category's 紧急时限. Running cases keep the limit they started
    with, so the office editing a category changes no light and no 督办 level retroactively.
    """
    time_limit, time_unit = category.limit_for(urgent=urgent)
    count = clock.started(start, time_limit, time_unit)
    limit = {"time_limit": time_limit, "time_unit": time_unit}
    fields = _deadline_fields(count.deadline, time_limit, time_unit)
    return limit | fields | {"deadline_provisional": count.provisional}


def _deadline_fields(deadline: dt.datetime, limit: Decimal, unit: str) -> dict[str, Any]:
    """The deadline and the moment 80 % of the limit is used, counted back from it in the case's clock.

    Stored so the list can filter by light in SQL (selectors._light_q); recomputed wherever the
    deadline is set or moved.
    """
    yellow_at = subtract_working_time(deadline, float(limit) * (1 - YELLOW_AT), unit)
    return {"deadline": deadline, "yellow_at": yellow_at}


def _moved_deadline(case: Case, count: clock.Count) -> dict[str, Any]:
    """A running case's deadline moved (延期, 恢复办理): its own limit, not the category's, still holds.

    A deadline counted on a provisional deadline stays provisional (暂定) until it is recounted.
    """
    assert case.time_limit is not None, "a case with a running clock has a limit"
    fields = _deadline_fields(count.deadline, case.time_limit, case.time_unit)
    return fields | {"deadline_provisional": case.deadline_provisional or count.provisional}


# ---- intake -------------------------------------------------------------------------


def case_report(
    *,
    by: Person | None,
    source: str,
    category: Category,
    description: str,
    lon: float | None,
    lat: float | None,
    crs: str = "wgs84",
    photos: Sequence[ProcessedPhoto] = (),
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """上报: create a case at a routed location. Returns (case, created).

    With an ``idempotency_key`` a retried submission returns the first case instead of
    creating a second one. The key is the reporter's own (anonymous reports share one space):
    another user's same key makes their own case. Both are unique in the database, so this
    holds under races. Without a location, the first photo's EXIF GPS is used (phones record it).
    """
    reporter = by if by and by.is_authenticated else None
    if idempotency_key and (existing := _case_with_key(reporter, idempotency_key)):
        return existing, False
    if source not in Source.values:
        raise DomainError(_("未知的问题来源"))
    if not category.is_leaf or not category.is_active:
        raise DomainError(_("请选择具体的问题小类"))
    if lon is None or lat is None:
        gps = next((p.gps for p in photos if p.gps), None)
        if gps is None:
            raise DomainError(_("请在地图上标出问题位置（照片中也没有位置信息）"))
        (lon, lat), crs = gps, "wgs84"
    # Routing and photo files happen before the write transaction: on SQLite that
    # transaction holds the database's write lock, so it should contain writes only.
    where = route_point(lon, lat, crs=crs)
    stored = [(photo, *save_photo(photo, prefix=f"cases/{PhotoKind.BEFORE}")) for photo in photos]
    case = Case(
        source=source,
        category=category,
        description=require_text(description, _("问题描述")),
        address=address,
        lon=where.lon,
        lat=where.lat,
        segment_id=where.segment_id,
        grid_id=where.grid_id,
        site_id=where.site_id,
        town_id=where.town_id,
        status=Status.REPORTED,
        urgent=category.urgent,
        reporter=reporter,
        reporter_name=reporter_name or (reporter.real_name if reporter else ""),
        reporter_phone=reporter_phone,
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            _save_reported(case, stored, by)
    except IntegrityError:
        # A simultaneous retry won the race: return its case (any other violation is re-raised).
        if idempotency_key and (existing := _case_with_key(reporter, idempotency_key)):
            return existing, False
        raise
    return case, True


def _case_with_key(reporter: Person | None, key: str) -> Case | None:
    """This reporter's case with this key (``reporter=None`` matches anonymous reports only)."""
    try:  # get(), not first(): the pair is unique, and no ORDER BY is needed to find one row
        return Case.objects.get(reporter=reporter, idempotency_key=key)
    except Case.DoesNotExist:
        return None


def _save_reported(case: Case, stored: list[tuple[ProcessedPhoto, str, str]], by: Person | None) -> None:
    """The writes of an intake, in one transaction: code, case, report event, photos, auto-dispatch."""
    now = transitions.now()
    case.code = _next_code(timezone.localdate(now))
    case.save()
    event = _event(case, action=Action.REPORT, by=case.reporter, from_status="", at=now, data={"source": case.source})
    CasePhoto.objects.bulk_create(
        CasePhoto(
            case=case,
            event=event,
            kind=PhotoKind.BEFORE,
            image=path,
            thumbnail=thumb,
            sha256=photo.sha256,
            width=photo.width,
            height=photo.height,
            uploaded_by=case.reporter,
        )
        for photo, path, thumb in stored
    )
    _auto_dispatch(case)


def _auto_dispatch(case: Case) -> None:
    """Categories marked auto-dispatch skip the manual steps when routing is unambiguous."""
    if not case.category.auto_dispatch:
        return
    suggestions = suggest_units(case)
    if len(suggestions) != 1:
        return
    case_accept(case=case, by=None, note="系统自动立案")
    case_dispatch(case=case, by=None, unit=suggestions[0].unit, note="系统自动派遣（责任归属明确）")


@transaction.atomic
def case_accept(*, case: Case, by: Person | None, note: str = "") -> Case:
    """立案."""
    if by is not None:
        require_role(by, *OFFICE, action=pgettext("transition", "立案"))
    from_status = _apply(
        case, allowed_from=[Status.REPORTED], action_label=pgettext("transition", "立案"), status=Status.ACCEPTED
    )
    _event(case, action=Action.ACCEPT, by=by, from_status=from_status, note=note)
    return case


@transaction.atomic
def case_reject(*, case: Case, by: Person, reason: str) -> Case:
    """不予立案, with the reason the reporter will read."""
    require_role(by, *OFFICE, action=pgettext("transition", "不予立案"))
    reason = require_text(reason, _("不予立案的理由"))
    now = transitions.now()
    from_status = _apply(
        case,
        allowed_from=[Status.REPORTED],
        action_label=pgettext("transition", "不予立案"),
        status=Status.REJECTED,
        closed_at=now,
    )
    _event(case, action=Action.REJECT, by=by, from_status=from_status, note=reason, at=now)
    return case


@transaction.atomic
def case_merge(*, case: Case, by: Person, into: Case, note: str = "") -> Case:
    """合并: a duplicate report joins an open case."""
    require_role(by, *OFFICE, action=pgettext("transition", "合并案卷"))
    if into.pk == case.pk:
        raise DomainError(_("不能把案卷合并到它自己"))
    # Lock both rows (in pk order, so opposite merges cannot deadlock) and judge the target as
    # it is now, not as the page showed it: two reports merged into each other would vanish.
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk")}
    target = locked.get(into.pk)
    if target is None or target.status not in Status.open() or target.merged_into_id:
        raise DomainError(_("目标案卷 %(code)s 已结束，不能合并到它") % {"code": into.code})
    now = transitions.now()
    from_status = _apply(
        case,
        allowed_from=[Status.REPORTED, Status.ACCEPTED],
        action_label=pgettext("transition", "合并"),
        status=Status.MERGED,
        merged_into=into,
        closed_at=now,
    )
    _event(case, action=Action.MERGE, by=by, from_status=from_status, note=note, at=now, data={"into": into.code})
    return case


# ---- dispatch and handling ----------------------------------------------------------------


@transaction.atomic
def case_dispatch(
    *,
    case: Case,
    by: Person | None,
    unit: Unit,
    handler: Person | None = None,
    note: str = "",
    urgent: bool | None = None,
) -> Case:
    """派遣: the handling clock starts now; the deadline follows the category's limit.

    ``urgent`` (the office's 紧急 box) marks or unmarks the case first; an urgent case runs on
    the category's 紧急时限.
    """
    if by is not None:
        require_role(by, *OFFICE, action=pgettext("transition", "派遣"))
    if handler is not None and (handler.unit is None or not handler.unit.path.startswith(unit.path)):
        raise DomainError(_("处置人不属于所派遣的单位"))
    now = transitions.now()
    urgent = case.urgent if urgent is None else urgent
    clock = _clock_from(now, case.category, urgent=urgent)
    from_status = _apply(
        case,
        allowed_from=[Status.ACCEPTED, Status.RETURNED],
        action_label=pgettext("transition", "派遣"),
        status=Status.DISPATCHED,
        unit=unit,
        handler=handler,
        dispatched_at=now,
        escalation=0,
        urgent=urgent,
        **clock,
    )
    _event(
        case,
        action=Action.DISPATCH,
        by=by,
        from_status=from_status,
        unit=unit,
        note=note,
        deadline=case.deadline,
        at=now,
        data={"urgent": True} if urgent else {},
    )
    notices.case_dispatched(case)
    return case


@transaction.atomic
def case_return(*, case: Case, by: Person, reason: str) -> Case:
    """退回: the unit says the case is not theirs; back to the office, counted against nobody."""
    require_holder(by, case, action=pgettext("transition", "退回"))
    reason = require_text(reason, _("退回理由"))
    unit = case.unit
    from_status = _apply(
        case,
        allowed_from=[Status.DISPATCHED],
        action_label=pgettext("transition", "退回"),
        status=Status.RETURNED,
        **UNASSIGNED,
    )
    _event(case, action=Action.RETURN, by=by, from_status=from_status, unit=unit, note=reason)
    return case


@transaction.atomic
def case_handle(*, case: Case, by: Person, note: str, photos: Sequence[ProcessedPhoto]) -> CaseEvent:
    """处置: the unit reports the work done; a note and at least one after-photo are required."""
    require_holder(by, case, action=pgettext("transition", "处置"))
    note = require_text(note, _("处置说明"))
    if not photos:
        raise DomainError(_("请上传至少一张处置后照片"))
    from_status = _apply(
        case,
        allowed_from=[Status.DISPATCHED, Status.REWORK],
        action_label=pgettext("transition", "提交处置"),
        status=Status.HANDLED,
    )
    event = _event(case, action=Action.HANDLE, by=by, from_status=from_status, unit=case.unit, note=note)
    _attach(case, event, photos, PhotoKind.AFTER, by)
    return event


@transaction.atomic
def case_verify(*, case: Case, by: Person, passed: bool, note: str = "") -> Case:
    """核查: pass closes the case; fail sends it back to the unit as 返工 with a fresh limit."""
    require_independent_verifier(by, case)
    now = transitions.now()
    if passed:
        from_status = _apply(
            case,
            allowed_from=[Status.HANDLED],
            action_label=pgettext("transition", "核查"),
            status=Status.CLOSED,
            closed_at=now,
        )
        _event(case, action=Action.VERIFY_PASS, by=by, from_status=from_status, note=note, at=now)
        return case
    note = require_text(note, _("核查不通过的原因"))
    from_status = _apply(
        case,
        allowed_from=[Status.HANDLED],
        action_label=pgettext("transition", "核查"),
        status=Status.REWORK,
        dispatched_at=now,
        rework_count=case.rework_count + 1,
        escalation=0,
        **_clock_from(now, case.category, urgent=case.urgent),
    )
    _event(
        case,
        action=Action.VERIFY_FAIL,
        by=by,
        from_status=from_status,
        unit=case.unit,
        note=note,
        deadline=case.deadline,
        at=now,
    )
    notices.case_rework(case)
    return case


# ---- extension, suspension, reopening --------------------------------------------------------


@transaction.atomic
def extension_request(*, case: Case, by: Person, amount: Decimal, time_unit: str, reason: str) -> ExtensionRequest:
    """延期申请: the unit asks for more time; the deadline moves only if the office approves."""
    require_holder(by, case, action=pgettext("transition", "申请延期"))
    label = pgettext("transition", "申请延期")
    transitions.require_status(case, allowed_from=Status.with_unit(), noun=CASE, action_label=label)
    if amount <= 0:
        raise DomainError(_("延长的时限必须大于 0"))
    if time_unit not in TimeUnit.values:
        raise DomainError(_("请选择延长时限的时限单位（工作时、工作日或自然小时）"))
    if case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise DomainError(_("已有待审批的延期申请，请等待创建办审批"))
    reason = require_text(reason, _("延期理由"))
    request = ExtensionRequest.objects.create(
        case=case, requested_by=by, requested_at=transitions.now(), amount=amount, time_unit=time_unit, reason=reason
    )
    _apply(case, allowed_from=Status.with_unit(), action_label=label)
    _event(
        case,
        action=Action.EXTENSION_REQUEST,
        by=by,
        from_status=case.status,
        note=reason,
        data={"amount": str(amount), "time_unit": time_unit, "request": request.pk},
    )
    return request


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, by: Person, approve: bool, note: str = "") -> ExtensionRequest:
    """The office approves (deadline moves by the asked time) or denies a pending request."""
    require_role(by, *OFFICE, action=pgettext("transition", "审批延期"))
    if request.status != ExtensionStatus.PENDING:
        raise DomainError(_("该延期申请已审批过"))
    case = request.case
    now = transitions.now()
    changes: dict[str, Any] = {}
    if approve:
        base = case.deadline or now
        changes = _moved_deadline(case, clock.extended(base, request.amount, request.time_unit))
        changes["escalation"] = 0
    _apply(case, allowed_from=Status.with_unit(), action_label=pgettext("transition", "审批延期"), **changes)
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DENIED
    request.decided_by, request.decided_at = by, now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    action = Action.EXTENSION_APPROVE if approve else Action.EXTENSION_DENY
    _event(
        case,
        action=action,
        by=by,
        from_status=case.status,
        note=note,
        deadline=case.deadline,
        at=now,
        data={"request": request.pk},
    )
    return request


@transaction.atomic
def case_suspend(*, case: Case, by: Person, project: str, reason: str) -> Case:
    """挂账: the problem needs a construction project; its time leaves the on-time statistics."""
    require_role(by, *OFFICE, action=pgettext("transition", "挂账"))
    project = require_text(project, _("所需的工程项目"))
    reason = require_text(reason, _("挂账理由"))
    now = transitions.now()
    from_status = _apply(
        case,
        allowed_from=[Status.DISPATCHED, Status.REWORK],
        action_label=pgettext("transition", "挂账"),
        status=Status.SUSPENDED,
        suspended_at=now,
    )
    _event(
        case,
        action=Action.SUSPEND,
        by=by,
        from_status=from_status,
        note=reason,
        at=now,
        data={"project": project, "resume_to": from_status},
    )
    return case


@transaction.atomic
def case_resume(*, case: Case, by: Person, note: str = "") -> Case:
    """Resume a suspended case: the deadline (and the yellow moment) move by the time it spent suspended."""
    require_role(by, *OFFICE, action=pgettext("transition", "恢复办理"))
    label = pgettext("transition", "恢复办理")
    transitions.require_status(case, allowed_from=[Status.SUSPENDED], noun=CASE, action_label=label)
    now = transitions.now()
    suspend = case.events.filter(action=Action.SUSPEND).order_by("-at", "-pk").first()
    resume_to = (suspend.data.get("resume_to") if suspend else None) or Status.DISPATCHED
    moved: dict[str, Any] = {}
    if case.deadline is not None and case.suspended_at is not None:
        moved = _moved_deadline(case, clock.resumed(case.deadline, case.suspended_at, now, case.time_unit))
    from_status = _apply(
        case, allowed_from=[Status.SUSPENDED], action_label=label, status=resume_to, suspended_at=None, **moved
    )
    _event(case, action=Action.RESUME, by=by, from_status=from_status, note=note, deadline=case.deadline, at=now)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: Person, reason: str) -> Case:
    """重新打开 a closed case within the configured window; it goes back to the office to dispatch."""
    require_role(by, *OFFICE, action=pgettext("transition", "重新打开案卷"))
    reason = require_text(reason, _("重新打开的理由"))
    window = dt.timedelta(days=settings.CASE_REOPEN_DAYS)
    if case.status == Status.CLOSED and case.closed_at and transitions.now() - case.closed_at > window:
        raise DomainError(_("结案已超过 %(days)d 天，不能重新打开") % {"days": settings.CASE_REOPEN_DAYS})
    from_status = _apply(
        case,
        allowed_from=[Status.CLOSED],
        action_label=pgettext("transition", "重新打开"),
        status=Status.ACCEPTED,
        closed_at=None,
        escalation=0,
        **UNASSIGNED,
    )
    _event(case, action=Action.REOPEN, by=by, from_status=from_status, note=reason)
    return case


# Cases whose provisional deadline is recounted (closed ones are history). Sorted: a frozenset has no order.
RECOUNTED = sorted(Status.deadline_counts())


@transaction.atomic
def case_deadline_recount(*, case: Case, now: dt.datetime | None = None) -> bool:
    """期限重算: a provisional (暂定) deadline counted again on the calendar as it is now.

    Called when the official holidays of a year arrive (``recount.recount_provisional``). The
    deadline and its yellow moment are counted again from the case's events (``clock.replay``);
    a 督办 level the new deadline has not earned is lowered (a higher one is left to the
    escalation job, which notifies). Writes one event when the deadline or its mark changes and
    returns whether it did: a second run finds nothing to do. Closed cases are history, not touched.
    """
    if not case.deadline_provisional or case.status not in RECOUNTED or case.deadline is None:
        return False
    count = clock.replay(case)
    if count is None or (count.provisional and count.deadline == case.deadline):
        return False
    now = now or transitions.now()
    old = case.deadline
    changes = _moved_deadline(case, count) | {"deadline_provisional": count.provisional}
    earned = _earned_level(case, changes, now)
    if earned < case.escalation:
        changes["escalation"] = earned
    label = pgettext("transition", "重算期限")
    from_status = _apply(case, allowed_from=[case.status], action_label=label, **changes)
    _event(
        case,
        action=Action.RECOUNT,
        by=None,
        from_status=from_status,
        unit=case.unit,
        deadline=case.deadline,
        at=now,
        note=_recount_note(old, count),
        data={"old_deadline": old.isoformat(), "provisional": count.provisional},
    )
    return True


def _earned_level(case: Case, changes: dict[str, Any], now: dt.datetime) -> int:
    """The 督办 level the case has earned by ``now`` with the deadline in ``changes``."""
    from .escalation import level_for  # escalation imports this module
    from .selectors import used_fraction

    moved = Case(**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields})
    moved.deadline = changes["deadline"]
    return level_for(used_fraction(moved, now), overdue=now >= moved.deadline)


def _recount_note(old: dt.datetime, count: clock.Count) -> str:
    """The event's note, kept in Chinese like the system's other notes (it is data, not page text)."""
    moments = f"{timezone.localtime(old):%Y-%m-%d %H:%M} → {timezone.localtime(count.deadline):%Y-%m-%d %H:%M}"
    if count.provisional:
        return f"期限重算（仍按暂定节假日）：{moments}"
    if count.deadline == old:
        return f"期限按正式节假日重算：{moments}（不变）"
    return f"期限按正式节假日重算：{moments}"


@transaction.atomic
def case_escalate(*, case: Case, level: int, now: dt.datetime | None = None) -> bool:
    """Raise the 督办 level (never lower it); returns False when it was already that high."""
    if level <= case.escalation or case.status not in Status.with_unit():
        return False
    updated = Case.objects.filter(pk=case.pk, escalation__lt=level, status=case.status).update(escalation=level)
    if not updated:
        return False
    case.escalation = level
    _event(
        case,
        action=Action.ESCALATE,
        by=None,
        from_status=case.status,
        unit=case.unit,
        at=now or transitions.now(),
        data={"level": level},
    )
    notices.case_escalated(case, level)
    return True


@dataclass
class SeedResult:
    """What a run of the default table did: rows created, rows changed, office edits left alone."""

    created: int = 0
    updated: int = 0
    kept: list[str] = field(default_factory=list)  # "code field" of each office edit kept


# The fields the default table sets; ``seed_values`` remembers what it last wrote to each.
SEED_FIELDS = (
    "name",
    "accept_condition",
    "close_condition",
    "time_limit",
    "time_unit",
    "urgent",
    "urgent_time_limit",
    "urgent_time_unit",
    "owner_unit",
    "auto_dispatch",
    "sort_order",
)


def _seed_value(category: Category, name: str) -> Any:
    """A field's value in the JSON form ``seed_values`` keeps (limits as "4.0", the owner by name)."""
    value = getattr(category, name)
    if name == "owner_unit":
        return value.name if value is not None else ""
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return value


def _seed_rows() -> Iterator[tuple[str, str, str | None, dict[str, Any]]]:
    """(kind, code, parent code, {field: seed value}) for every 大类 and 小类 of the table, parents first."""
    from .category_seed import TREES

    for kind, prefix, tree in TREES:
        for order, (group_code, group_name, leaves) in enumerate(tree):
            parent = f"{prefix}{group_code}"
            yield kind, parent, None, {"name": group_name, "sort_order": order}
            for serial, leaf in enumerate(leaves, start=1):
                yield (
                    kind,
                    f"{parent}{leaf.serial}",
                    parent,
                    {
                        "name": leaf.name,
                        "accept_condition": leaf.accept,
                        "close_condition": leaf.close,
                        "time_limit": f"{leaf.limit:.1f}",
                        "time_unit": leaf.unit,
                        "urgent": leaf.urgent,
                        "urgent_time_limit": f"{leaf.urgent_limit:.1f}",
                        "urgent_time_unit": leaf.urgent_unit,
                        "owner_unit": leaf.owner,
                        "auto_dispatch": leaf.auto,
                        "sort_order": serial,
                    },
                )


def _assign(category: Category, name: str, value: Any, units: dict[str, Unit]) -> None:
    if name == "owner_unit":
        category.owner_unit = units.get(value)
    elif name in ("time_limit", "urgent_time_limit"):
        setattr(category, name, Decimal(value))
    else:
        setattr(category, name, value)


@transaction.atomic
def seed_categories(*, force: bool = False, by: Person | None = None) -> SeedResult:
    """Write the default trees (``category_seed``): missing codes are created, existing ones updated.

    A field is updated only while it still holds what the table last wrote there, so the
    office's edits survive a re-seed (and are reported as kept); ``force`` writes the table
    over them. Running it twice changes nothing the second time.
    """
    units = {u.name: u for u in Unit.objects.all()}
    existing = {c.code: c for c in Category.objects.select_related("owner_unit")}
    result, changed = SeedResult(), []
    for kind, code, parent_code, values in _seed_rows():
        values = {k: v for k, v in values.items() if k != "owner_unit" or v in units or not v}
        category = existing.get(code)
        if category is None:
            category = Category(kind=kind, code=code, parent=existing.get(parent_code or ""))
            for name, value in values.items():
                _assign(category, name, value, units)
            category.seed_values = values
            category.save()
            existing[code] = category
            result.created += 1
            continue
        if _reseed(category, values, units, force=force, kept=result.kept):
            changed.append(category.code)
    result.updated = len(changed)
    # The first set-up is not an edit (like the other reference lists); changing existing rows is.
    if changed:
        log_action(
            None,
            "cases.category.seed",
            by=by,
            data={"created": result.created, "updated": changed, "kept": result.kept, "force": force},
        )
    return result


def _reseed(
    category: Category, values: dict[str, Any], units: dict[str, Unit], *, force: bool, kept: list[str]
) -> bool:
    """Bring one existing category up to the table; returns whether anything was saved."""
    seeded = dict(category.seed_values or {})
    update = []
    for name, value in values.items():
        current = _seed_value(category, name)
        if current == value:
            seeded[name] = value
            continue
        # Never written by the table (an office-made code) counts as the office's, unless still empty.
        untouched = seeded.get(name, None if current not in ("", None) else current) == current
        if force or untouched:
            _assign(category, name, value, units)
            seeded[name] = value
            update.append(name)
        else:
            kept.append(f"{category.code} {name}")
    if not update and seeded == category.seed_values:
        return False
    category.seed_values = seeded
    category.save(update_fields=[*update, "seed_values", "updated_at"])
    return bool(update)


# ---- categories (edited by the office) -------------------------------------------------------


CATEGORY_FIELDS = ("code", "parent", *CATEGORY_RULE_FIELDS)


def _check_urgent_limit(category: Category) -> None:
    """The 紧急时限 is a limit and its unit together, or neither; it is what an urgent case runs on."""
    limit, unit = category.urgent_time_limit, category.urgent_time_unit
    if limit is None and not unit:
        if category.urgent:
            raise DomainError(_("紧急类必须填写紧急时限"))
        return
    if limit is None or limit <= 0:
        raise DomainError(_("紧急时限必须大于 0"))
    if not unit:
        raise DomainError(_("请选择紧急时限的时限单位"))


@transaction.atomic
def category_save(*, category: Category, by: Person) -> Category:
    """Create or change a 小类 under its 大类: the office only; the limit must be positive."""
    from django.core.exceptions import ValidationError

    require_role(by, *OFFICE, action=pgettext("transition", "修改问题类别"))
    parent = category.parent
    if parent is None or parent.parent_id is not None:
        raise DomainError(_("小类必须属于一个大类"))
    category.kind = parent.kind
    if category.time_limit is None or category.time_limit <= 0:
        raise DomainError(_("处置时限必须大于 0"))
    _check_urgent_limit(category)
    category.accept_condition = category.accept_condition.strip()
    category.close_condition = category.close_condition.strip()
    try:
        category.full_clean()
    except ValidationError as exc:
        raise DomainError("；".join(str(m) for m in exc.messages)) from exc
    before = snapshot(Category.objects.get(pk=category.pk), CATEGORY_FIELDS) if category.pk else {}
    category.save()
    if data := changes(before, snapshot(category, CATEGORY_FIELDS)):
        log_action(category, "cases.category.create" if not before else "cases.category.change", by=by, data=data)
    return category
