"""Year-end candidates (年终评定): who the rules put on the 表彰 and 追责 lists of a year.

Reads only; ``services_yearend`` writes the lists. Every candidate comes with a Chinese basis
the office reads and the figures behind it (``data``). The rules are the scheme's
``year_end_rules`` over ``RULE_DEFAULTS``:

Units (from the year's **published** runs of the scheme; superseded revisions are ignored):

- 表彰: on the 红榜 in ≥ ``praise_min_red_months`` months and on the 黑榜 in ≤
  ``praise_max_black_months`` months.
- 追责: on the 黑榜 in ≥ ``accountability_min_black_months`` months, or leading a task of the
  task ledger overdue by more than ``accountability_task_overdue_days`` days: done that late,
  or still not done that long after its deadline at the year's end (or today, during the year).

People (the year's calendar, Asia/Shanghai):

- 巡查员 / 义务管理员 → 表彰 with ≥ ``person_min_reports`` valid reports (cases they reported
  from the street — 巡查上报 or 随手拍 — in the year and accepted: not pending, rejected or merged)
  and a patrol completion rate (日巡查 visits done / visits due, 漏巡 counting against) of ≥
  ``person_min_patrol_rate`` %; somebody with no patrol assigned is judged on reports alone.
- 路长 → from their segments: the on-time handling rate of the case rounds due in the year
  (the same replay as the monthly 按期处置率) and the mean score of the segments' inspections.
  表彰: rate ≥ ``chief_praise_min_on_time_rate`` % over ≥ ``chief_min_rounds`` rounds, and
  (if inspected) mean ≥ ``chief_praise_min_inspection_score``. 追责: rate <
  ``chief_accountability_max_on_time_rate`` % over ≥ ``chief_min_rounds`` rounds, or (if
  inspected) mean < ``chief_accountability_max_inspection_score``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_stubs_ext import StrOrPromise

from chuangcheng.cases.choices import Action, Source, Status
from chuangcheng.cases.models import Case, CaseEvent
from chuangcheng.indicators.models import Task
from chuangcheng.inspections.choices import InspectionKind, VisitState
from chuangcheng.inspections.models import Inspection, Visit
from chuangcheng.inspections.selectors import visits_with_state
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Membership, Person
from chuangcheng.places.models import RoadSegment

from .choices import Board, RunStatus, YearEndKind
from .figures import Period, period_bounds, replay_case
from .models import Run, Scheme, UnitResult, default_year_end_rules

RULE_LABELS: dict[str, StrOrPromise] = {
    "praise_min_red_months": _lazy("表彰：上红榜月数不少于"),
    "praise_max_black_months": _lazy("表彰：上黑榜月数不超过"),
    "accountability_min_black_months": _lazy("追责：上黑榜月数不少于"),
    "accountability_task_overdue_days": _lazy("追责：牵头任务逾期超过（天）"),
    "person_min_reports": _lazy("个人表彰：有效上报不少于（件）"),
    "person_min_patrol_rate": _lazy("个人表彰：巡查完成率不低于（%）"),
    "chief_min_rounds": _lazy("路长：按期处置率的最少案件轮次"),
    "chief_praise_min_on_time_rate": _lazy("路长表彰：按期处置率不低于（%）"),
    "chief_praise_min_inspection_score": _lazy("路长表彰：路段检查平均分不低于"),
    "chief_accountability_max_on_time_rate": _lazy("路长追责：按期处置率低于（%）"),
    "chief_accountability_max_inspection_score": _lazy("路长追责：路段检查平均分低于"),
}

STREET_SOURCES = (Source.PATROL, Source.CITIZEN)
NOT_VALID = (Status.REPORTED, Status.REJECTED, Status.MERGED)


def rules_for(scheme: Scheme) -> dict[str, int]:
    """The year-end rules in force: the defaults with the scheme's own values on top."""
    rules: dict[str, int] = default_year_end_rules()
    for key, value in (scheme.year_end_rules or {}).items():
        if key in rules:
            rules[key] = int(value)
    return rules


def rule_rows(rules: dict[str, Any]) -> list[tuple[str, Any]]:
    """The rules a list was built with, labelled, for its page."""
    return [(str(RULE_LABELS.get(key, key)), value) for key, value in rules.items()]


@dataclass
class Candidate:
    """One subject the rules put on a list."""

    name: str
    basis: str
    data: dict[str, Any]
    unit_id: int | None = None
    person_id: int | None = None
    sort_key: tuple[Any, ...] = field(default_factory=tuple)


def year_cutoff(year: int, today: dt.date | None = None) -> dt.date:
    """The first day not counted: 1 January of the next year, or today while the year runs."""
    today = today or timezone.localdate()
    return min(dt.date(year + 1, 1, 1), max(today, dt.date(year, 1, 1)))


def candidates(scheme: Scheme, year: int, kind: str, rules: dict[str, int]) -> list[Candidate]:
    """Every candidate of the list, units first (in the rules' order), then people."""
    if kind == YearEndKind.PRAISE:
        found = unit_praise(scheme, year, rules) + person_praise(year, rules) + chief_candidates(year, kind, rules)
    else:
        found = unit_accountability(scheme, year, rules) + chief_candidates(year, kind, rules)
    return found


# ---- units: the boards of the published runs -----------------------------------------------------


def published_runs(scheme: Scheme, year: int) -> list[Run]:
    return list(
        Run.objects.filter(scheme=scheme, status=RunStatus.PUBLISHED, period_start__year=year).order_by("period_start")
    )


@dataclass
class UnitBoards:
    name: str
    sort_order: int
    red: set[int] = field(default_factory=set)
    black: set[int] = field(default_factory=set)


def boards_by_unit(scheme: Scheme, year: int) -> dict[int, UnitBoards]:
    """Per unit, the months (1–12) it stood on the 红榜 and on the 黑榜 in the year's published runs."""
    runs = published_runs(scheme, year)
    found: dict[int, UnitBoards] = {}
    results = (
        UnitResult.objects.filter(run__in=runs)
        .select_related("run", "unit")
        .order_by("run__period_start", "group", "rank", "pk")
    )
    for result in results:
        boards = found.setdefault(result.unit_id, UnitBoards(result.unit.name, len(found)))
        month = result.run.period_start.month
        if result.board == Board.RED:
            boards.red.add(month)
        elif result.board == Board.BLACK:
            boards.black.add(month)
    return found


def months_text(months: set[int]) -> str:
    return "、".join(_("%(month)d月") % {"month": m} for m in sorted(months))


def unit_praise(scheme: Scheme, year: int, rules: dict[str, int]) -> list[Candidate]:
    found = []
    for unit_id, boards in boards_by_unit(scheme, year).items():
        red, black = len(boards.red), len(boards.black)
        if red < max(rules["praise_min_red_months"], 1) or black > rules["praise_max_black_months"]:
            continue
        basis = _("全年 %(n)d 个月上红榜") % {"n": red}
        if black:
            basis += _("，%(n)d 个月上黑榜（%(months)s）") % {"n": black, "months": months_text(boards.black)}
        else:
            basis += _("，未上黑榜")
        data = {"subject": "unit", "red_months": sorted(boards.red), "black_months": sorted(boards.black)}
        found.append(Candidate(boards.name, basis, data, unit_id=unit_id, sort_key=(-red, black, boards.sort_order)))
    return sorted(found, key=lambda c: c.sort_key)


def unit_accountability(scheme: Scheme, year: int, rules: dict[str, int]) -> list[Candidate]:
    boards = boards_by_unit(scheme, year)
    tasks = overdue_tasks(year, rules["accountability_task_overdue_days"])
    found = []
    for unit_id in [*boards, *(u for u in tasks if u not in boards)]:
        parts: list[str] = []
        data: dict[str, Any] = {"subject": "unit", "black_months": [], "tasks": []}
        unit_boards = boards.get(unit_id)
        black = len(unit_boards.black) if unit_boards else 0
        if unit_boards and black >= max(rules["accountability_min_black_months"], 1):
            parts.append(_("%(n)d 个月上黑榜（%(months)s）") % {"n": black, "months": months_text(unit_boards.black)})
            data["black_months"] = sorted(unit_boards.black)
        for task in tasks.get(unit_id, []):
            parts.append(task["text"])
            data["tasks"].append({k: task[k] for k in ("id", "code", "title", "days", "done")})
        if not parts:
            continue
        name = unit_boards.name if unit_boards else tasks[unit_id][0]["unit_name"]
        order = unit_boards.sort_order if unit_boards else len(boards)
        found.append(Candidate(name, "；".join(parts), data, unit_id=unit_id, sort_key=(-black, order, name)))
    return sorted(found, key=lambda c: c.sort_key)


def overdue_tasks(year: int, days: int) -> dict[int, list[dict[str, Any]]]:
    """Per lead unit, its tasks overdue by more than ``days`` days within the year (see the module)."""
    cutoff = year_cutoff(year)
    start, _end = period_bounds(dt.date(year, 1, 1), cutoff)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    tasks = (
        Task.objects.filter(deadline__lt=cutoff - dt.timedelta(days=days))
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=start))
        .select_related("lead_unit")
        .order_by("deadline", "code")
    )
    for task in tasks:
        done_on = timezone.localdate(task.done_at) if task.done_at else None
        finished = done_on is not None and done_on < cutoff
        late = ((done_on if finished and done_on else cutoff) - task.deadline).days
        if late <= days:
            continue
        if finished:
            text = _("任务 %(code)s 逾期 %(days)d 天") % {"code": task.code, "days": late}
        else:
            text = _("任务 %(code)s 逾期 %(days)d 天未完成") % {"code": task.code, "days": late}
        found[task.lead_unit_id].append(
            {
                "id": task.pk,
                "code": task.code,
                "title": task.title,
                "days": late,
                "done": finished,
                "text": text,
                "unit_name": task.lead_unit.name,
            }
        )
    return found


# ---- people: 巡查员 and 义务管理员 ------------------------------------------------------------------


def _holders(*roles: str) -> list[Person]:
    ids = Membership.objects.filter(role__in=roles).values("person_id")
    return list(Person.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _roles_of(people: list[Person], *roles: str) -> dict[int, str]:
    labels = dict(Role.choices)
    found: dict[int, str] = {}
    for person_id, role in (
        Membership.objects.filter(person__in=people, role__in=roles).order_by("pk").values_list("person_id", "role")
    ):
        found.setdefault(person_id, str(labels[role]))
    return found


def valid_reports(year: int) -> dict[int, int]:
    start, end = period_bounds(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    rows = (
        Case.objects.filter(reporter__isnull=False, source__in=STREET_SOURCES)
        .filter(created_at__gte=start, created_at__lt=end)
        .exclude(status__in=NOT_VALID)
        .values_list("reporter_id", flat=True)
    )
    counts: dict[int, int] = defaultdict(int)
    for reporter_id in rows:
        counts[reporter_id] += 1
    return counts


def patrol_completion(year: int) -> dict[int, tuple[int, int]]:
    """Per assignee, (done, due) of the year's 日巡查 visits already past (漏巡 = due − done)."""
    cutoff = year_cutoff(year)
    visits = Visit.objects.filter(
        kind=InspectionKind.PATROL, assignee__isnull=False, due_on__gte=dt.date(year, 1, 1), due_on__lt=cutoff
    )
    rows = (
        visits_with_state(visits, cutoff)
        .values("assignee_id")
        .annotate(
            done=Count("pk", filter=Q(state=VisitState.DONE)),
            missed=Count("pk", filter=Q(state=VisitState.MISSED)),
        )
        .values_list("assignee_id", "done", "missed")
    )
    return {pk: (done, done + missed) for pk, done, missed in rows if done + missed}


def pct(num: int, den: int) -> Decimal:
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"))


def person_praise(year: int, rules: dict[str, int]) -> list[Candidate]:
    people = _holders(Role.INSPECTOR, Role.VOLUNTEER)
    roles = _roles_of(people, Role.INSPECTOR, Role.VOLUNTEER)
    reports, patrols = valid_reports(year), patrol_completion(year)
    found = []
    for person in people:
        count = reports.get(person.pk, 0)
        done, due = patrols.get(person.pk, (0, 0))
        if count < rules["person_min_reports"]:
            continue
        if due and pct(done, due) < rules["person_min_patrol_rate"]:
            continue
        basis = _("全年有效上报 %(n)d 件") % {"n": count}
        data: dict[str, Any] = {"subject": "person", "role": roles.get(person.pk, ""), "reports": count}
        if due:
            rate = pct(done, due)
            basis += _("，巡查完成率 %(rate)s%%（%(done)d/%(due)d）") % {"rate": rate, "done": done, "due": due}
            data.update(patrol_done=done, patrol_due=due, patrol_rate=str(rate))
        else:
            basis += _("，无巡查任务")
        name = person.real_name or person.username
        found.append(Candidate(name, basis, data, person_id=person.pk, sort_key=(-count, person.pk)))
    return sorted(found, key=lambda c: c.sort_key)


# ---- people: 路长 ------------------------------------------------------------------------------------


def chief_case_rounds(year: int, segment_ids: list[int]) -> tuple[int, int]:
    """(on time, due) of the case rounds on these segments due in the year (the monthly replay)."""
    start, end = period_bounds(dt.date(year, 1, 1), year_cutoff(year))
    period = Period(start, end)
    rows = (
        CaseEvent.objects.filter(case__segment_id__in=segment_ids, at__lt=end)
        .exclude(action=Action.ESCALATE)
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "action", "at", "unit_id", "deadline")
    )
    by_case: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for case_id, *event in rows:
        by_case[case_id].append(tuple(event))
    on_time = due = 0
    for events in by_case.values():
        rounds, _marks = replay_case(events, period)
        for one in rounds:
            if one.due_at() in period:
                due += 1
                on_time += one.on_time
    return on_time, due


def chief_inspections(year: int, segment_ids: list[int]) -> tuple[int, Decimal | None]:
    start, end = period_bounds(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    scores = list(
        Inspection.objects.filter(
            segment_id__in=segment_ids, submitted_at__gte=start, submitted_at__lt=end
        ).values_list("score", flat=True)
    )
    if not scores:
        return 0, None
    return len(scores), (sum(scores, Decimal("0")) / len(scores)).quantize(Decimal("0.1"))


def chief_candidates(year: int, kind: str, rules: dict[str, int]) -> list[Candidate]:
    found = []
    for person in _holders(Role.ROAD_CHIEF):
        segments = list(RoadSegment.objects.filter(chief=person).order_by("code").values_list("pk", flat=True))
        if not segments:
            continue
        on_time, due = chief_case_rounds(year, segments)
        inspected, mean = chief_inspections(year, segments)
        rate = pct(on_time, due) if due else None
        measured = due >= rules["chief_min_rounds"]
        if kind == YearEndKind.PRAISE:
            chosen = (
                measured
                and rate is not None
                and rate >= rules["chief_praise_min_on_time_rate"]
                and (mean is None or mean >= rules["chief_praise_min_inspection_score"])
            )
        else:
            chosen = (measured and rate is not None and rate < rules["chief_accountability_max_on_time_rate"]) or (
                mean is not None and mean < rules["chief_accountability_max_inspection_score"]
            )
        if not chosen:
            continue
        parts = []
        if due:
            figures = {"rate": rate, "on_time": on_time, "due": due}
            parts.append(_("所包路段按期处置率 %(rate)s%%（%(on_time)d/%(due)d）") % figures)
        if mean is not None:
            parts.append(_("路段检查平均 %(mean)s 分（%(n)d 次）") % {"mean": mean, "n": inspected})
        data = {
            "subject": "person",
            "role": _("路长"),
            "segments": len(segments),
            "on_time": on_time,
            "due": due,
            "on_time_rate": None if rate is None else str(rate),
            "inspections": inspected,
            "inspection_mean": None if mean is None else str(mean),
        }
        name = person.real_name or person.username
        found.append(Candidate(name, "，".join(parts), data, person_id=person.pk, sort_key=(person.pk,)))
    return found
