"""Demo appraisal: the default scheme, six published months and the current month as a draft.

Every run goes through the services the office uses (compute from the events, 加减分, 典型问题,
the bulletin's texts, publish), oldest month first so that movements and 黑榜 streaks follow.
The manual items and picks are chosen from each month's own results (the best town is praised,
the worst department is reported by the city …), so the same seed gives the same runs.
Nothing is built when a scheme already exists (``bootstrap`` runs the demo once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chuangcheng.cases.choices import PhotoKind
from chuangcheng.cases.models import Case
from chuangcheng.core.workcalendar import is_workday
from chuangcheng.org.choices import Role, UnitGroup
from chuangcheng.org.models import Person

from . import services
from .choices import AdjustmentKind, Board
from .figures import period_bounds
from .models import Adjustment, DocCounter, Run, RunComment, Scheme, TypicalCase, UnitResult, YearEndList

PUBLISHED_MONTHS = 6

# (group, which end of the ranking, kind, points, reason): one praise and one deduction a month,
# taking turns, each given to the unit the month's results point at.
MANUAL_ITEMS: list[list[tuple[str, str, str, str, str]]] = [
    [
        (UnitGroup.TOWN, "top", AdjustmentKind.PRAISE, "2", "县委主要领导对{unit}背街小巷环境整治工作作出肯定性批示"),
        (
            UnitGroup.DEPARTMENT,
            "bottom",
            AdjustmentKind.SUPERIOR_NOTICE,
            "-3",
            "市创建办暗访通报{unit}责任路段占道经营问题反弹",
        ),
    ],
    [
        (
            UnitGroup.TOWN,
            "bottom",
            AdjustmentKind.MEDIA,
            "-2",
            "县融媒体中心《曝光台》栏目曝光{unit}农贸市场周边垃圾乱堆乱放",
        ),
        (UnitGroup.DEPARTMENT, "top", AdjustmentKind.HONOUR, "3", "{unit}获评市级“文明城市创建工作先进集体”"),
    ],
    [
        (UnitGroup.TOWN, "top", AdjustmentKind.PRAISE, "2", "县政府主要领导对{unit}“门前三包”长效管理作出肯定性批示"),
        (
            UnitGroup.DEPARTMENT,
            "bottom",
            AdjustmentKind.SUPERIOR_NOTICE,
            "-3",
            "省测评组反馈{unit}牵头的公益广告设置不达标，被市创建办通报",
        ),
    ],
]

TYPICAL_NOTES = {
    "rework": "处置上报后经核查仍未整改到位，被退回返工",
    "overdue": "超过处置时限仍未办结，群众反复反映",
    "late": "超出处置时限后才处置完毕",
}
TYPICAL_INTRO = "本月选取以下典型问题予以通报，请相关单位举一反三、立行立改。"
REQUIREMENTS = (
    "一、各单位要对照本月考核反映的问题，逐项建立整改台账，明确责任人和完成时限。\n"
    "二、排名靠后和上黑榜的单位要认真分析原因，于下月5日前向县创建办书面报告整改情况；"
    "连续两个月上黑榜的单位，由县创建办约谈其主要负责人。\n"
    "三、逾期未办结的案件，责任单位要立即处置到位，县创建办将跟踪督办，并在下月考核中予以扣分。"
)


@dataclass
class AppraisalSummary:
    published: int = 0
    drafts: int = 0
    units: int = 0


def build_appraisal(*, today: dt.date) -> AppraisalSummary:
    """The default scheme, the six months before ``today``'s published, ``today``'s month a draft."""
    summary = AppraisalSummary()
    if Scheme.objects.exists():
        return summary
    office = _office()
    scheme = services.scheme_create_default(by=office)
    months = [_months_back(today, back) for back in range(PUBLISHED_MONTHS, 0, -1)]
    previous: Run | None = None
    for index, (year, month) in enumerate(months):
        with transaction.atomic():
            run = services.month_run_create(scheme=scheme, by=office, year=year, month=month)
            _manual_items(run, office, MANUAL_ITEMS[index % len(MANUAL_ITEMS)])
            _typical_cases(run, office)
            texts = {"summary": summary_text(run, previous), "typical_intro": TYPICAL_INTRO}
            services.bulletin_text_save(run=run, by=office, texts={**texts, "requirements": REQUIREMENTS})
            previous = services.run_publish(run=run, by=office, at=_publication_moment(run.period_end))
        summary.published += 1
    draft = services.month_run_create(scheme=scheme, by=office, year=today.year, month=today.month)
    services.comment_add(run=draft, by=office, text="月中数据，月底前重新计算后再审核发布。")
    summary.drafts += 1
    summary.units = draft.results.count()
    return summary


def _publication_moment(period_end: dt.date) -> dt.datetime:
    """The month's bulletin goes out on the fifth working day after the month, at 10:00 (or now, for
    last month when that day is still ahead)."""
    day, workdays = period_end, 0
    while True:
        if is_workday(day):
            workdays += 1
            if workdays == 5:
                break
        day += dt.timedelta(days=1)
    return min(dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo(settings.TIME_ZONE)), timezone.now())


def _office() -> Person:
    office = Person.objects.filter(memberships__role=Role.OFFICE, is_active=True)
    person = office.filter(username="office").first() or office.order_by("pk").first()
    if person is None:
        raise ValueError("no office person: build the demo county first")
    return person


def _months_back(today: dt.date, back: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1


def _manual_items(run: Run, office: Person, items: list[tuple[str, str, str, str, str]]) -> None:
    for group, end, kind, points, reason in items:
        ranked = run.results.filter(group=group, rank__isnull=False).select_related("unit")
        # The bottom of the ranking among units that had cases to handle (not a quiet office).
        if end == "bottom":
            ranked = ranked.exclude(figures__on_time_handle__state="no_denominator")
        result = ranked.order_by("rank" if end == "top" else "-rank", "unit__code").first()
        if result is None:
            continue
        services.adjustment_add(
            run=run,
            unit=result.unit,
            kind=kind,
            points=Decimal(points),
            reason=reason.format(unit=result.unit_name),
            by=office,
        )


def _typical_cases(run: Run, office: Person) -> None:
    """Two cases of the month's worst: a 返工 and an overdue (or late) one, photographed first."""
    start, end = period_bounds(run.period_start, run.period_end)
    in_month = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    photographed = Q(photos__kind=PhotoKind.BEFORE)
    overdue_ids = run.overview.get("overdue_ids") or []
    picks: list[tuple[Any, str]] = []
    for kind, cases in (
        ("rework", in_month.filter(rework_count__gt=0)),
        ("overdue", Case.objects.filter(pk__in=overdue_ids[:500])),
        ("late", in_month.filter(closed_at__isnull=False, escalation__gte=2)),
    ):
        case = cases.filter(photographed).order_by("pk").first() or cases.order_by("pk").first()
        if case is not None and all(case.pk != chosen.pk for chosen, _k in picks):
            picks.append((case, kind))
        if len(picks) == 2:
            break
    for case, kind in picks:
        services.typical_case_add(run=run, case=case, by=office, note=TYPICAL_NOTES[kind])


def summary_text(run: Run, previous: Run | None) -> str:
    """总体情况: the month's figures in one paragraph, against last month where there was one."""
    o = run.overview
    text = (
        f"{run.label}，全县共受理各类城市管理问题{o['reported']}件，派遣{o['dispatched']}件，"
        f"处置{o['handled']}件，核查结案{o['closed']}件；应处置{o['due_rounds']}件次，"
        f"按期处置{o['on_time_rounds']}件次，按期处置率{o['on_time_rate'] or '—'}%"
    )
    before = previous.overview.get("on_time_rate") if previous else None
    if before and o["on_time_rate"]:
        change = Decimal(o["on_time_rate"]) - Decimal(before)
        if change:
            direction = "上升" if change > 0 else "下降"
            text += f"，较上月{direction}{abs(change)}个百分点"
        else:
            text += "，与上月持平"
    text += f"；月末超期未处置{o['overdue_open']}件。"
    blacks = run.results.filter(board=Board.BLACK).order_by("group", "rank", "unit_name")
    streaks = [r.unit_name for r in blacks if r.black_streak >= 2]
    if streaks:
        text += f"{'、'.join(streaks)}连续两个月以上进入黑榜，请引起高度重视。"
    return text


def wipe_appraisal() -> None:
    """Delete every run, scheme and year-end list (``demo_county --force``), before the cases go."""
    with transaction.atomic():
        YearEndList.objects.all().delete()
        for model in (TypicalCase, Adjustment, RunComment, UnitResult):
            model.objects.all().delete()
        Run.objects.update(correction_of=None)
        Run.objects.all().delete()
        Scheme.objects.all().delete()
        DocCounter.objects.all().delete()
