"""Writes of the appraisal: the scheme, a month's run from draft to published, corrections.

Every function checks the right and the state, writes inside one transaction and leaves an
audit entry. A draft can be recomputed at will; publishing freezes it (its results, traced ids
and the bulletin's bytes) and only a correction (a new revision with a reason) changes the
published answer for that period, the old revision staying readable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chuangcheng.core import transitions
from chuangcheng.core.audit import log_action
from chuangcheng.core.errors import DomainError, require_text
from chuangcheng.notifications.services import notify
from chuangcheng.org.choices import Role, UnitGroup
from chuangcheng.org.models import Membership, Person, Unit

from . import figures as raw_figures
from .access import require_keeper
from .choices import AdjustmentKind, Board, ComponentKind, RunStatus
from .models import Adjustment, Component, DocCounter, Run, RunComment, Scheme, TypicalCase, UnitResult
from .scoring import (
    DEFAULT_CASE_BANDS,
    ComponentSpec,
    Scored,
    assign_boards,
    grade_for,
    q2,
    rank_group,
    red_eligible,
    score_unit,
    tie_keys,
)

RUN = pgettext("transition", "月度考核")

TOWN_CASE_BANDS = [[10, 100], [30, 90], [60, 80], [120, 70], [None, 60]]

# (kind, name, weight, groups, params): GB/T 30428.4's four for departments and towns, then the
# figures every unit is measured on.
DEFAULT_COMPONENTS: list[tuple[str, str, str, list[str], dict[str, Any]]] = [
    (ComponentKind.CASE_COUNT, "立案数分值", "10", [UnitGroup.DEPARTMENT], {"bands": DEFAULT_CASE_BANDS}),
    (ComponentKind.CASE_COUNT, "立案数分值（乡镇）", "10", [UnitGroup.TOWN], {"bands": TOWN_CASE_BANDS}),
    (ComponentKind.CLOSE_RATE, "结案率分值", "30", [], {"min_sample": 3}),
    (ComponentKind.ON_TIME_HANDLE, "按期处置率分值", "30", [], {"min_sample": 3}),
    (ComponentKind.REWORK, "返工率分值", "30", [], {"min_sample": 3}),
    (ComponentKind.ON_TIME_CLOSE, "按期结案率", "10", [], {"min_sample": 3}),
    (ComponentKind.EXTENSION, "延期率", "5", [], {"min_sample": 3}),
    (ComponentKind.OVERDUE_OPEN, "超期未处置", "10", [], {"per_case": 5}),
    (ComponentKind.TASK_ON_TIME, "任务按期完成率", "20", [], {"min_sample": 1}),
    (ComponentKind.NOTICE_ON_TIME, "督办单按期回复率", "10", [], {"min_sample": 1}),
    (ComponentKind.INSPECTION, "实地检查得分", "15", [], {"min_sample": 3}),
    (ComponentKind.SATISFACTION, "群众满意度", "10", [], {}),
]


# ---- the scheme ------------------------------------------------------------------------------


@transaction.atomic
def scheme_create_default(*, by: Person | None, name: str = "", year: int | None = None) -> Scheme:
    """A scheme with the default components (the office then adjusts weights and bands)."""
    if by is not None:
        require_keeper(by)
    scheme = Scheme.objects.create(name=name or _("三城同创月度考核方案"), year=year)
    for order, (kind, label, weight, groups, params) in enumerate(DEFAULT_COMPONENTS):
        Component.objects.create(
            scheme=scheme,
            kind=kind,
            name=label,
            weight=Decimal(weight),
            groups=[str(g) for g in groups],
            params=params,
            sort_order=order * 10,
        )
    log_action(scheme, "appraisal.scheme.create", by=by, data={"name": scheme.name})
    return scheme


def validate_grades(grades: Any) -> list[list[Any]]:
    """[["A", 90], …] from high to low, the last at 0."""
    try:
        letters = [str(letter).strip() for letter, _floor in grades]
        floors = [int(floor) for _letter, floor in grades]
    except (TypeError, ValueError) as exc:
        raise DomainError(_("等次分数线格式不正确，应为“等次:分数”")) from exc
    if not floors or not all(letters) or floors != sorted(floors, reverse=True):
        raise DomainError(_("等次分数线应从高到低排列"))
    if len(set(floors)) != len(floors) or floors[-1] != 0 or floors[0] > 100:
        raise DomainError(_("等次分数线应互不相同，最高不超过 100，最低一档为 0"))
    return [[letter, floor] for letter, floor in zip(letters, floors, strict=True)]


def validate_bands(bands: Any) -> list[list[Any]]:
    """立案数 bands [[up_to, score], …, [None, score]]: counts rising, scores 0–100."""
    try:
        limits: list[int | None] = [None if up_to in (None, "") else int(up_to) for up_to, _score in bands]
        scores = [float(score) for _up_to, score in bands]
    except (TypeError, ValueError) as exc:
        raise DomainError(_("立案数分档格式不正确")) from exc
    counts = [limit for limit in limits[:-1] if limit is not None]
    if not limits or limits[-1] is not None or len(counts) != len(limits) - 1 or counts != sorted(set(counts)):
        raise DomainError(_("立案数分档应按件数从少到多排列，最后一档不设上限"))
    if any(not 0 <= score <= 100 for score in scores):
        raise DomainError(_("分值应在 0 到 100 之间"))
    return [[limit, int(score) if score.is_integer() else score] for limit, score in zip(limits, scores, strict=True)]


@transaction.atomic
def scheme_update(*, scheme: Scheme, by: Person, **fields: Any) -> Scheme:
    require_keeper(by)
    if "grades" in fields:
        fields["grades"] = validate_grades(fields["grades"])
    before = {name: str(getattr(scheme, name)) for name in fields}
    for name, value in fields.items():
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save()
    changed = {k: [before[k], str(getattr(scheme, k))] for k in fields if before[k] != str(getattr(scheme, k))}
    if changed:
        log_action(scheme, "appraisal.scheme.change", by=by, data=changed)
    return scheme


@transaction.atomic
def component_save(*, component: Component, by: Person) -> Component:
    require_keeper(by)
    if component.weight is None or component.weight < 0 or component.weight > 100:
        raise DomainError(_("权重应在 0 到 100 之间"))
    unknown = set(component.groups) - set(UnitGroup.values)
    if unknown:
        raise DomainError(_("未知的评比分组：%(groups)s") % {"groups": "、".join(sorted(unknown))})
    params = dict(component.params or {})
    if component.kind == ComponentKind.CASE_COUNT:
        params["bands"] = validate_bands(params.get("bands") or DEFAULT_CASE_BANDS)
    if "min_sample" in params:
        try:
            params["min_sample"] = int(params["min_sample"])
        except (TypeError, ValueError) as exc:
            raise DomainError(_("最少样本数应为整数")) from exc
        if params["min_sample"] < 0:
            raise DomainError(_("最少样本数不能为负数"))
    if "per_case" in params:
        try:
            per_case = Decimal(str(params["per_case"]))
        except InvalidOperation as exc:
            raise DomainError(_("每件扣分应为数字")) from exc
        if not Decimal("0") <= per_case <= Decimal("100"):
            raise DomainError(_("每件扣分应在 0 到 100 之间"))
        params["per_case"] = str(per_case)
    component.params = params
    created = component.pk is None
    component.full_clean()
    component.save()
    log_action(
        component.scheme,
        "appraisal.component.add" if created else "appraisal.component.change",
        by=by,
        data={"component": component.name, "weight": str(component.weight), "params": params},
    )
    return component


def scheme_specs(scheme: Scheme) -> list[ComponentSpec]:
    return [
        ComponentSpec(c.kind, c.name, c.weight, tuple(c.groups), dict(c.params))
        for c in scheme.components.filter(is_active=True).order_by("sort_order", "pk")
    ]


def scheme_snapshot(scheme: Scheme) -> dict[str, Any]:
    return {
        "name": scheme.name,
        "groups": list(scheme.groups),
        "grades": scheme.grades,
        "tie_break": scheme.tie_break,
        "red_top_n": scheme.red_top_n,
        "black_bottom_n": scheme.black_bottom_n,
        "red_min_score": None if scheme.red_min_score is None else str(scheme.red_min_score),
        "black_max_score": None if scheme.black_max_score is None else str(scheme.black_max_score),
        "red_needs_rate": scheme.red_needs_rate,
        "components": [spec.as_json() for spec in scheme_specs(scheme)],
    }


# ---- a run: compute, review, publish ----------------------------------------------------------


def month_period(year: int, month: int) -> tuple[dt.date, dt.date, str]:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise DomainError(_("请选择正确的年份和月份"))
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, end, _("%(year)d年%(month)d月") % {"year": year, "month": month}


@transaction.atomic
def run_create(*, scheme: Scheme, by: Person | None, start: dt.date, end: dt.date, label: str = "") -> Run:
    """A draft run of [start, end), computed at once."""
    if by is not None:
        require_keeper(by)
    if end <= start:
        raise DomainError(_("截止日期应晚于起始日期"))
    if end > timezone.localdate() + dt.timedelta(days=1) and start > timezone.localdate():
        raise DomainError(_("考核期尚未开始"))
    existing = Run.objects.select_for_update().filter(scheme=scheme, period_start=start)
    if existing.filter(status=RunStatus.DRAFT).exists():
        raise DomainError(_("该考核期已有草稿，请在草稿上重新计算"))
    if existing.filter(status=RunStatus.PUBLISHED).exists():
        raise DomainError(_("该考核期已发布；如需修改，请在已发布的考核上发起更正"))
    run = Run.objects.create(
        scheme=scheme,
        period_start=start,
        period_end=end,
        label=label or f"{start:%Y-%m-%d}—{end - dt.timedelta(days=1):%Y-%m-%d}",
        bulletin_text=default_bulletin_text(),
    )
    compute(run)
    log_action(run, "appraisal.run.create", by=by, data={"period": run.label})
    return run


def default_bulletin_text() -> dict[str, str]:
    return {
        "summary": "",
        "typical_intro": "",
        "requirements": _(
            "一、各单位要对照本月考核反映的问题，逐项建立整改台账，明确责任人和完成时限。\n"
            "二、排名靠后和上黑榜的单位要认真分析原因，于下月5日前向县创建办书面报告整改情况。\n"
            "三、逾期未办结的案件，责任单位要立即处置到位，县创建办将跟踪督办。"
        ),
    }


def _require_draft(run: Run) -> None:
    transitions.require_status(
        run, allowed_from=[RunStatus.DRAFT], noun=RUN, action_label=pgettext("transition", "修改")
    )


@transaction.atomic
def run_recompute(*, run: Run, by: Person | None) -> Run:
    if by is not None:
        require_keeper(by)
    run = Run.objects.select_for_update().get(pk=run.pk)
    _require_draft(run)
    compute(run)
    log_action(run, "appraisal.run.recompute", by=by, data={"period": run.label})
    return run


def ranked_units(scheme_groups: list[str], start: dt.datetime, end: dt.datetime) -> list[Unit]:
    """The units ranked in the period: in a ranked group, created before its end, active (or
    merged away only after its end)."""
    units = Unit.objects.filter(group__in=scheme_groups, created_at__lt=end).order_by("sort_order", "code")
    return [u for u in units if u.is_active or (u.merged_at is not None and u.merged_at >= end)]


def compute(run: Run) -> None:
    """(Re)compute a draft from the events: every ranked unit's figures, score, rank and board."""
    scheme = run.scheme
    snapshot = scheme_snapshot(scheme)
    start_at, end_at = raw_figures.period_bounds(run.period_start, run.period_end)
    units = ranked_units(snapshot["groups"], start_at, end_at)
    ranked = {u.pk for u in units}
    raw, county = raw_figures.collect(run.period_start, run.period_end, list(Unit.objects.all()), ranked)
    specs = [ComponentSpec.from_json(c) for c in snapshot["components"]]
    merged_in: dict[int, list[str]] = defaultdict(list)
    for unit in Unit.objects.filter(merged_into__in=ranked, merged_at__lt=end_at, merged_at__gte=start_at):
        assert unit.merged_into_id is not None
        merged_in[unit.merged_into_id].append(unit.name)
    rows: list[UnitResult] = []
    for unit in units:
        notes = []
        if unit.created_at >= start_at:
            created = timezone.localtime(unit.created_at)
            notes.append(_("本月新设（%(month)d月%(day)d日起）") % {"month": created.month, "day": created.day})
        if merged_in.get(unit.pk):
            notes.append(_("含并入单位：%(names)s") % {"names": "、".join(merged_in[unit.pk])})
        if unit.merged_at is not None:
            notes.append(_("已于考核期后撤并"))
        scored = score_unit(unit.pk, unit.group, specs, raw[unit.pk], Decimal("0"))
        rows.append(
            UnitResult(
                run=run,
                unit=unit,
                unit_name=unit.name,
                group=unit.group,
                base_score=scored.base,
                total=scored.total,
                figures=scored.figures,
                trace=scored.trace,
                note="；".join(notes),
            )
        )
    run.results.all().delete()
    UnitResult.objects.bulk_create(rows, batch_size=200)
    run.scheme_snapshot = snapshot
    run.overview = _overview(county)
    run.computed_at = timezone.now()
    run.save(update_fields=["scheme_snapshot", "overview", "computed_at", "updated_at"])
    rerank(run)


def _overview(county: raw_figures.CountyFigures) -> dict[str, Any]:
    def pct(num: int, den: int) -> str | None:
        return None if not den else str(q2(Decimal(num) * 100 / Decimal(den)))

    return {
        "reported": county.reported,
        "dispatched": county.dispatched,
        "handled": county.handled,
        "closed": county.closed,
        "due_rounds": county.due_rounds,
        "on_time_rounds": county.on_time_rounds,
        "on_time_rate": pct(county.on_time_rounds, county.due_rounds),
        "overdue_open": len(set(county.overdue_open)),
        "overdue_ids": sorted(set(county.overdue_open)),
        "tasks_due": county.tasks_due,
        "tasks_met": county.tasks_met,
        "task_rate": pct(county.tasks_met, county.tasks_due),
        "notices_issued": county.notices_issued,
        "notices_due": county.notices_due,
        "notices_on_time": county.notices_on_time,
        "inspections": county.inspections,
        "inspection_mean": None
        if not county.inspections
        else str(q2(county.inspection_score_sum / county.inspections)),
    }


def previous_run(run: Run) -> Run | None:
    """The last published run of the same scheme before this period (movement, streaks)."""
    return (
        Run.objects.filter(scheme=run.scheme, status=RunStatus.PUBLISHED, period_start__lt=run.period_start)
        .order_by("-period_start")
        .first()
    )


def rerank(run: Run) -> None:
    """Totals with the manual items, ranks, grades and boards, from the stored figures (no re-read
    of events): adding a 加减分 item re-ranks at once."""
    snapshot = run.scheme_snapshot
    adjustments = dict(
        run.adjustments.values("unit_id").annotate(points=Sum("points")).values_list("unit_id", "points")
    )
    results = list(run.results.all())
    by_group: dict[str, list[tuple[UnitResult, Scored]]] = defaultdict(list)
    for result in results:
        points = adjustments.get(result.unit_id) or Decimal("0")
        result.adjustment = q2(points)
        result.total = None if result.base_score is None else max(Decimal("0"), q2(result.base_score + points))
        scored = Scored(
            result.unit_id,
            result.group,
            {},
            {},
            result.base_score,
            points,
            result.total,
            tie_keys(result.figures),
            red_eligible=red_eligible(result.figures) or not snapshot.get("red_needs_rate", True),
        )
        by_group[result.group].append((result, scored))
    for pairs in by_group.values():
        scored_rows = [s for _r, s in pairs]
        rank_group(scored_rows, snapshot.get("tie_break", "shared"))
        assign_boards(
            scored_rows,
            red_top_n=int(snapshot.get("red_top_n", 3)),
            black_bottom_n=int(snapshot.get("black_bottom_n", 3)),
            red_min_score=_decimal_or_none(snapshot.get("red_min_score")),
            black_max_score=_decimal_or_none(snapshot.get("black_max_score")),
        )
        for result, scored in pairs:
            result.rank, result.group_size, result.board = scored.rank, scored.group_size, scored.board
            result.grade = grade_for(result.total, snapshot.get("grades") or [])
    previous = previous_run(run)
    before = {r.unit_id: r for r in previous.results.all()} if previous else {}
    for result in results:
        last = before.get(result.unit_id)
        result.previous_rank = last.rank if last else None
        streak = (last.black_streak if last and last.board == Board.BLACK else 0) + 1
        result.black_streak = streak if result.board == Board.BLACK else 0
    UnitResult.objects.bulk_update(
        results,
        ["adjustment", "total", "rank", "group_size", "grade", "board", "previous_rank", "black_streak"],
        batch_size=200,
    )


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _draft_for_update(run: Run) -> Run:
    locked = Run.objects.select_for_update().get(pk=run.pk)
    _require_draft(locked)
    return locked


@transaction.atomic
def adjustment_add(
    *,
    run: Run,
    unit: Unit,
    kind: str,
    points: Decimal,
    reason: str,
    by: Person,
    evidence: Any = None,
    evidence_name: str = "",
    idempotency_key: str | None = None,
) -> Adjustment:
    """加分/扣分 on a draft: a reason is required; the ranking follows at once.

    With an ``idempotency_key`` a retried submission returns the person's first item with that
    key (keys are per person, like cases' and reports'); a key already used on another run is refused.
    """
    require_keeper(by)
    if idempotency_key and (existing := adjustment_with_key(by, idempotency_key)):
        return _same_run(existing, run)
    run = _draft_for_update(run)
    if kind not in AdjustmentKind.values:
        raise DomainError(_("请选择加减分类型"))
    if points == 0 or not Decimal("-100") <= points <= Decimal("100"):
        raise DomainError(_("分值应在 -100 到 100 之间，且不为 0"))
    if not run.results.filter(unit=unit).exists():
        raise DomainError(_("该单位不在本次考核范围内"))
    reason = require_text(reason, _("加减分事由"))
    item = Adjustment(
        run=run, unit=unit, kind=kind, points=points, reason=reason, created_by=by, idempotency_key=idempotency_key
    )
    if evidence is not None:
        item.evidence.save(evidence_name or "evidence", evidence, save=False)
        item.evidence_name = evidence_name
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # A retry racing the first submission loses on the key.
        if item.evidence:
            item.evidence.delete(save=False)
        if idempotency_key and (first := adjustment_with_key(by, idempotency_key)):
            return _same_run(first, run)
        raise
    rerank(run)
    data = {"unit": str(unit), "points": str(points), "reason": reason}
    log_action(run, "appraisal.adjustment.add", by=by, data=data)
    return item


def adjustment_with_key(by: Person, key: str) -> Adjustment | None:
    """The item this person already entered with this key."""
    return Adjustment.objects.filter(created_by=by, idempotency_key=key).first()


def _same_run(item: Adjustment, run: Run) -> Adjustment:
    if item.run_id != run.pk:
        raise DomainError(_("该幂等键已用于其他月份的加减分，请换一个键"))
    return item


@transaction.atomic
def adjustment_remove(*, item: Adjustment, by: Person) -> None:
    require_keeper(by)
    run = _draft_for_update(item.run)
    data = {"unit": str(item.unit), "points": str(item.points), "reason": item.reason}
    item.delete()
    rerank(run)
    log_action(run, "appraisal.adjustment.remove", by=by, data=data)


@transaction.atomic
def comment_add(*, run: Run, by: Person, text: str, unit: Unit | None = None) -> RunComment:
    require_keeper(by)
    run = _draft_for_update(run)
    text = require_text(text, _("审核意见"))
    return RunComment.objects.create(run=run, unit=unit, text=text, by=by)


@transaction.atomic
def typical_case_add(*, run: Run, case: Any, by: Person, note: str = "") -> TypicalCase:
    require_keeper(by)
    run = _draft_for_update(run)
    if run.typical_cases.filter(case=case).exists():
        raise DomainError(_("该案卷已在典型问题中"))
    order = run.typical_cases.count()
    return TypicalCase.objects.create(run=run, case=case, note=note.strip()[:300], sort_order=order)


@transaction.atomic
def typical_case_remove(*, item: TypicalCase, by: Person) -> None:
    require_keeper(by)
    _draft_for_update(item.run)
    item.delete()


BULLETIN_KEYS = ("summary", "typical_intro", "requirements")


@transaction.atomic
def bulletin_text_save(*, run: Run, by: Person, texts: dict[str, str]) -> Run:
    """The text parts of the 通报 the office writes before publishing."""
    require_keeper(by)
    run = _draft_for_update(run)
    unknown = set(texts) - set(BULLETIN_KEYS)
    if unknown:
        raise DomainError(_("未知的通报段落"))
    merged = {**run.bulletin_text, **{k: v.strip()[:5000] for k, v in texts.items()}}
    run.bulletin_text = merged
    run.save(update_fields=["bulletin_text", "updated_at"])
    log_action(run, "appraisal.bulletin.edit", by=by, data={"keys": sorted(texts)})
    return run


def _next_doc_number(prefix: str, year: int) -> str:
    counter, _created = DocCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}〔{year}〕{counter.last}号"


@transaction.atomic
def run_publish(*, run: Run, by: Person, at: dt.datetime | None = None) -> Run:
    """Freeze the draft: it becomes the period's answer (a correction supersedes the old one),
    gets its 发文字号 and bulletin bytes, and every ranked unit is told. ``at`` (the demo's
    history) dates the publication and the bulletin; it may not lie before the period's end."""
    from .bulletin import render_bulletin

    require_keeper(by)
    run = Run.objects.select_for_update().get(pk=run.pk)
    _require_draft(run)
    if not run.results.exists():
        raise DomainError(_("本次考核没有参评单位，不能发布"))
    now = at or timezone.now()
    if at is not None and timezone.localdate(at) < run.period_end:
        raise DomainError(_("发布日期不能早于考核期结束"))
    superseded = None
    if run.correction_of_id:
        superseded = Run.objects.select_for_update().get(pk=run.correction_of_id)
        transitions.apply_transition(
            superseded,
            allowed_from=[RunStatus.PUBLISHED],
            noun=RUN,
            action_label=pgettext("transition", "更正"),
            status=RunStatus.SUPERSEDED,
        )
    rerank(run)
    scheme = run.scheme
    doc_date = timezone.localdate(now)
    transitions.apply_transition(
        run,
        allowed_from=[RunStatus.DRAFT],
        noun=RUN,
        action_label=pgettext("transition", "发布"),
        status=RunStatus.PUBLISHED,
        published_at=now,
        published_by=by,
        doc_date=doc_date,
        doc_number=_next_doc_number(scheme.doc_prefix, doc_date.year),
    )
    data = render_bulletin(run)
    Run.objects.filter(pk=run.pk).update(bulletin_docx=data, bulletin_sha256=hashlib.sha256(data).hexdigest())
    run.bulletin_docx, run.bulletin_sha256 = data, hashlib.sha256(data).hexdigest()
    log_action(
        run,
        "appraisal.run.publish",
        by=by,
        data={"period": run.label, "revision": run.revision, "doc_number": run.doc_number},
    )
    _notify_units(run, corrected=superseded is not None)
    return run


def _notify_units(run: Run, *, corrected: bool) -> None:
    unit_ids = list(run.results.values_list("unit_id", flat=True))
    people = Person.objects.filter(
        pk__in=Membership.objects.filter(unit_id__in=unit_ids, role=Role.UNIT_ADMIN).values("person_id")
    )
    leaders = Person.objects.filter(pk__in=Membership.objects.filter(role=Role.LEADER).values("person_id"))
    title = (_("%(label)s考核结果已更正发布") if corrected else _("%(label)s考核结果已发布")) % {"label": run.label}
    notify(
        recipients=[*people, *leaders],
        kind="appraisal.published",
        title=title,
        body=_("请查看本单位得分、排名及各项指标明细。"),
        url=reverse("appraisal:run", args=[run.pk]),
        dedupe_key=f"appraisal.run.{run.pk}",
    )


@transaction.atomic
def run_correct(*, run: Run, by: Person, reason: str) -> Run:
    """更正: a new draft revision of a published period, recomputed from the events, keeping the
    manual items, picked cases and texts; publishing it supersedes the old revision."""
    require_keeper(by)
    run = Run.objects.select_for_update().get(pk=run.pk)
    transitions.require_status(
        run, allowed_from=[RunStatus.PUBLISHED], noun=RUN, action_label=pgettext("transition", "更正")
    )
    reason = require_text(reason, _("更正原因"))
    if Run.objects.filter(scheme=run.scheme, period_start=run.period_start, status=RunStatus.DRAFT).exists():
        raise DomainError(_("该考核期已有一份更正草稿"))
    latest = Run.objects.filter(scheme=run.scheme, period_start=run.period_start).order_by("-revision").first()
    assert latest is not None
    draft = Run.objects.create(
        scheme=run.scheme,
        period_start=run.period_start,
        period_end=run.period_end,
        label=run.label,
        revision=latest.revision + 1,
        correction_of=run,
        correction_reason=reason,
        bulletin_text=dict(run.bulletin_text),
    )
    for item in run.adjustments.all():
        Adjustment.objects.create(
            run=draft,
            unit=item.unit,
            kind=item.kind,
            points=item.points,
            reason=item.reason,
            evidence=item.evidence.name if item.evidence else "",
            evidence_name=item.evidence_name,
            created_by=item.created_by,
        )
    for pick in run.typical_cases.all():
        TypicalCase.objects.create(run=draft, case=pick.case, note=pick.note, sort_order=pick.sort_order)
    compute(draft)
    log_action(draft, "appraisal.run.correct", by=by, data={"of": run.pk, "reason": reason})
    return draft


@transaction.atomic
def run_discard(*, run: Run, by: Person) -> None:
    """Delete a draft (nothing published is ever deleted)."""
    require_keeper(by)
    run = _draft_for_update(run)
    log_action(run.scheme, "appraisal.run.discard", by=by, data={"period": run.label, "revision": run.revision})
    run.delete()


def month_run_create(*, scheme: Scheme, by: Person | None, year: int, month: int) -> Run:
    start, end, label = month_period(year, month)
    return run_create(scheme=scheme, by=by, start=start, end=end, label=label)
