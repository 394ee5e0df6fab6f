"""A period's raw figures per unit, replayed from the events (the one definition of every count).

Nothing here reads the current state of a case or a task where an event says it: a case's
rounds (派遣 or 返工 → 处置/退回) are rebuilt from its ``CaseEvent`` rows before the period's end,
a task's deadline as it stood at the period's end from its 修改任务 events, a 督办单's reply from
its task events. So recomputing January in March gives January's answer.

Definitions (period [start, end), Asia/Shanghai; a unit answers for its own cases and its
sub-units'):

- 立案数: cases dispatched (派遣) to the unit in the period and not returned (退回).
- A *round* is one dispatch or rework (返工) of a case to a unit, with its deadline as extended
  (延期) or resumed (挂账 → 恢复). It is **due** in the period of its due moment: the handling
  (处置) when it was on time, else the deadline. A round returned (退回) before its due moment
  is counted against nobody; a round suspended (挂账) at the period's end is left out.
- 按期处置率 = rounds due and handled on time / rounds due.
- 结案率 = cases with a round due, closed by the period's end / cases with a round due
  (应结案); 按期结案率: closed, and that round on time.
- 返工率 = 返工 (核查不通过) in the period / 处置 in the period.
- 延期率 = approved extensions in the period / rounds the unit held during the period (not
  returned, not suspended at the period's end).
- 超期未处置: rounds open at the period's end (not handled, not suspended) past their deadline.
- Task on-time rate: tasks led by the unit whose deadline (as it stood) falls in the period,
  done (审核通过) by the end of the deadline day / due.
- 督办单 answered on time: notices whose reply deadline or on-time reply falls in the period,
  replied by the deadline / due.
- Inspection score: the mean score of the inspections at the unit's sites and segments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from chuangcheng.cases.choices import Action, Status
from chuangcheng.cases.models import Case, CaseEvent
from chuangcheng.indicators.choices import TaskAction, TaskStatus
from chuangcheng.indicators.models import SupervisionNotice, Task, TaskEvent
from chuangcheng.inspections.models import Inspection
from chuangcheng.org.models import Unit

TZ = ZoneInfo(settings.TIME_ZONE)


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's aware bounds: local midnight of ``start`` up to local midnight of ``end``."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=TZ),
        dt.datetime.combine(end, dt.time.min, tzinfo=TZ),
    )


@dataclass
class Tally:
    """The ids behind one figure: what counts on top (num) and underneath (den)."""

    num: list[int] = field(default_factory=list)
    den: list[int] = field(default_factory=list)


@dataclass
class UnitFigures:
    dispatched: list[int] = field(default_factory=list)
    on_time_handle: Tally = field(default_factory=Tally)
    close: Tally = field(default_factory=Tally)
    on_time_close: Tally = field(default_factory=Tally)
    rework: Tally = field(default_factory=Tally)
    extension: Tally = field(default_factory=Tally)
    overdue_open: list[int] = field(default_factory=list)
    task_on_time: Tally = field(default_factory=Tally)
    notice_on_time: Tally = field(default_factory=Tally)
    inspections: list[int] = field(default_factory=list)
    inspection_scores: list[Decimal] = field(default_factory=list)


@dataclass
class Round:
    unit_id: int
    start: dt.datetime
    deadline: dt.datetime | None
    handled_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    suspended: bool = False
    from_rework: bool = False
    extensions: list[dt.datetime] = field(default_factory=list)

    @property
    def on_time(self) -> bool:
        return self.handled_at is not None and self.deadline is not None and self.handled_at <= self.deadline

    def due_at(self) -> dt.datetime | None:
        """When the round counts: its handling if on time, else its deadline (None: never)."""
        if self.deadline is None or self.suspended:
            return None
        moment = self.handled_at if self.on_time else self.deadline
        if self.returned_at is not None and (moment is None or self.returned_at <= moment):
            return None
        return moment

    def ended_at(self) -> dt.datetime | None:
        return self.handled_at or self.returned_at


@dataclass
class Period:
    start: dt.datetime
    end: dt.datetime

    def __contains__(self, moment: dt.datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass
class CountyFigures:
    """The county's totals of the period (for the bulletin's 总体情况)."""

    reported: int = 0
    dispatched: int = 0
    handled: int = 0
    closed: int = 0
    due_rounds: int = 0
    on_time_rounds: int = 0
    overdue_open: list[int] = field(default_factory=list)
    tasks_due: int = 0
    tasks_met: int = 0
    notices_issued: int = 0
    notices_due: int = 0
    notices_on_time: int = 0
    inspections: int = 0
    inspection_score_sum: Decimal = Decimal("0")


class Attribution:
    """Which ranked units answer for a unit: itself and its ancestors (a town for its communities),
    after following merges that happened before the period's end."""

    def __init__(self, units: Iterable[Unit], ranked: set[int], end: dt.datetime):
        self.ranked = ranked
        self._path: dict[int, str] = {}
        self._successor: dict[int, int] = {}
        for unit in units:
            self._path[unit.pk] = unit.path
            if unit.merged_into_id and unit.merged_at and unit.merged_at < end:
                self._successor[unit.pk] = unit.merged_into_id
        self._cache: dict[int, tuple[int, ...]] = {}

    def __call__(self, unit_id: int | None) -> tuple[int, ...]:
        if unit_id is None:
            return ()
        hit = self._cache.get(unit_id)
        if hit is None:
            seen: set[int] = set()
            current = unit_id
            while current in self._successor and current not in seen:
                seen.add(current)
                current = self._successor[current]
            path = self._path.get(current, "")
            ids = [int(part) for part in path.strip("/").split("/") if part]
            hit = tuple(pk for pk in ids if pk in self.ranked) or ((current,) if current in self.ranked else ())
            self._cache[unit_id] = hit
        return hit


def relevant_case_ids(period: Period) -> Q:
    """Cases that may count in the period: an event in it, or not yet finished when it began
    (a superset; the replay decides)."""
    touched = CaseEvent.objects.filter(at__gte=period.start, at__lt=period.end).values("case_id")
    unfinished = (
        Q(created_at__lt=period.end)
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.start))
        & ~Q(status__in=[Status.REJECTED, Status.MERGED], updated_at__lt=period.start)
    )
    return Q(pk__in=touched) | unfinished


def replay_case(events: list[tuple], period: Period) -> tuple[list[Round], list[tuple[str, dt.datetime, int | None]]]:
    """Rebuild a case's rounds from its events before the period's end.

    ``events`` are (action, at, unit_id, deadline) in order. Returns the rounds and the
    moments that count by themselves: ('handle' | 'rework' | 'extension' | 'close', at, unit_id).
    """
    rounds: list[Round] = []
    marks: list[tuple[str, dt.datetime, int | None]] = []
    current: Round | None = None
    for action, at, unit_id, deadline in events:
        if action == Action.DISPATCH:
            current = Round(unit_id=unit_id, start=at, deadline=deadline)
            rounds.append(current)
        elif action == Action.VERIFY_FAIL:
            if current is not None:
                marks.append(("rework", at, current.unit_id))
            current = Round(unit_id=unit_id, start=at, deadline=deadline, from_rework=True)
            rounds.append(current)
        elif current is None:
            continue
        elif action == Action.HANDLE:
            if current.handled_at is None:
                current.handled_at = at
            marks.append(("handle", at, current.unit_id))
        elif action == Action.RETURN:
            current.returned_at = at
            current = None
        elif action == Action.EXTENSION_APPROVE:
            current.deadline = deadline or current.deadline
            current.extensions.append(at)
            marks.append(("extension", at, current.unit_id))
        elif action == Action.SUSPEND:
            current.suspended = True
        elif action == Action.RESUME:
            current.suspended = False
            current.deadline = deadline or current.deadline
        elif action == Action.RECOUNT:  # a provisional deadline counted again on the official holidays
            current.deadline = deadline or current.deadline
        elif action == Action.VERIFY_PASS:
            marks.append(("close", at, current.unit_id))
        elif action == Action.REOPEN:
            marks.append(("reopen", at, current.unit_id))
            current = None
    return rounds, marks


def case_figures(
    period: Period, attribute: Attribution, figures: dict[int, UnitFigures], county: CountyFigures
) -> None:
    """Replay every relevant case and add its rounds to the units that answer for them."""
    wanted = {Action.REPORT, *(a for a in Action.values if a != Action.ESCALATE)}
    rows = (
        CaseEvent.objects.filter(case__in=Case.objects.filter(relevant_case_ids(period)).values("pk"))
        .filter(at__lt=period.end, action__in=wanted)
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "action", "at", "unit_id", "deadline")
        .iterator(chunk_size=20000)
    )
    case_id: int | None = None
    batch: list[tuple] = []
    for row in rows:
        if row[0] != case_id:
            if batch:
                _add_case(case_id, batch, period, attribute, figures, county)  # type: ignore[arg-type]
            case_id, batch = row[0], []
        batch.append(row[1:])
    if batch:
        _add_case(case_id, batch, period, attribute, figures, county)  # type: ignore[arg-type]


def _add_case(
    case_id: int,
    events: list[tuple],
    period: Period,
    attribute: Attribution,
    figures: dict[int, UnitFigures],
    county: CountyFigures,
) -> None:
    if events[0][0] == Action.REPORT and events[0][1] in period:
        county.reported += 1
    rounds, marks = replay_case(events, period)
    closed_at: dt.datetime | None = None
    for kind, at, _unit in marks:
        if kind == "close":
            closed_at = at
        elif kind == "reopen":
            closed_at = None
    due_cases: dict[int, bool] = {}  # ranked unit → the case's due round there was on time
    for round_ in rounds:
        units = attribute(round_.unit_id)
        if round_.start in period and not round_.from_rework and round_.returned_at is None:
            county.dispatched += 1
            for pk in units:
                figures[pk].dispatched.append(case_id)
        due = round_.due_at()
        if due in period:
            county.due_rounds += 1
            county.on_time_rounds += round_.on_time
            for pk in units:
                tally = figures[pk].on_time_handle
                tally.den.append(case_id)
                if round_.on_time:
                    tally.num.append(case_id)
                due_cases[pk] = round_.on_time
        held = round_.start < period.end and ((ended := round_.ended_at()) is None or ended >= period.start)
        if held and not round_.suspended and round_.returned_at is None:
            for pk in units:
                figures[pk].extension.den.append(case_id)
        if (
            round_.ended_at() is None
            and not round_.suspended
            and round_.deadline is not None
            and round_.deadline < period.end
        ):
            county.overdue_open.append(case_id)
            for pk in units:
                figures[pk].overdue_open.append(case_id)
    closed = closed_at is not None
    for pk, on_time in due_cases.items():
        figures[pk].close.den.append(case_id)
        figures[pk].on_time_close.den.append(case_id)
        if closed:
            figures[pk].close.num.append(case_id)
            if on_time:
                figures[pk].on_time_close.num.append(case_id)
    for kind, at, unit_id in marks:
        if at not in period:
            continue
        if kind == "handle":
            county.handled += 1
            for pk in attribute(unit_id):
                figures[pk].rework.den.append(case_id)
        elif kind == "rework":
            for pk in attribute(unit_id):
                figures[pk].rework.num.append(case_id)
        elif kind == "extension":
            for pk in attribute(unit_id):
                figures[pk].extension.num.append(case_id)
        elif kind == "close":
            county.closed += 1


def task_figures(
    period: Period, attribute: Attribution, figures: dict[int, UnitFigures], county: CountyFigures
) -> None:
    """Tasks whose deadline, as it stood at the period's end, falls in the period."""
    first_day, last_day = period.start.date(), (period.end - dt.timedelta(microseconds=1)).date()
    moved_later = _deadlines_before_later_changes(period.end)
    candidates = Task.objects.filter(
        Q(deadline__gte=first_day, deadline__lte=last_day) | Q(pk__in=list(moved_later))
    ).values_list("pk", "lead_unit_id", "deadline", "created_at")
    done_at = dict(
        TaskEvent.objects.filter(to_status=TaskStatus.DONE, action=TaskAction.ACCEPT, at__lt=period.end)
        .values_list("task_id", "at")
        .order_by("task_id", "-at")
    )
    for task_id, lead_unit_id, deadline, created_at in candidates:
        if created_at >= period.end:
            continue
        deadline = moved_later.get(task_id, deadline)
        if not first_day <= deadline <= last_day:
            continue
        county.tasks_due += 1
        met_at = done_at.get(task_id)
        met = met_at is not None and met_at < dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min, TZ)
        county.tasks_met += met
        for pk in attribute(lead_unit_id):
            figures[pk].task_on_time.den.append(task_id)
            if met:
                figures[pk].task_on_time.num.append(task_id)


def _deadlines_before_later_changes(end: dt.datetime) -> dict[int, dt.date]:
    """Tasks whose deadline was changed after ``end``: the deadline they had at ``end``."""
    result: dict[int, dt.date] = {}
    later = (
        TaskEvent.objects.filter(action=TaskAction.UPDATE, at__gte=end, data__has_key="deadline")
        .order_by("task_id", "at", "pk")
        .values_list("task_id", "data")
    )
    for task_id, data in later:
        if task_id not in result:
            result[task_id] = dt.date.fromisoformat(data["deadline"][0])
    return result


def notice_figures(
    period: Period, attribute: Attribution, figures: dict[int, UnitFigures], county: CountyFigures
) -> None:
    replies = dict(
        TaskEvent.objects.filter(action=TaskAction.REPLY, at__lt=period.end, notice__isnull=False)
        .order_by("notice_id", "-at")
        .values_list("notice_id", "at")
    )
    notices = SupervisionNotice.objects.filter(issued_at__lt=period.end).filter(
        Q(reply_deadline__gte=period.start) | Q(pk__in=[pk for pk, at in replies.items() if at >= period.start])
    )
    county.notices_issued = SupervisionNotice.objects.filter(
        issued_at__gte=period.start, issued_at__lt=period.end
    ).count()
    for pk, unit_id, deadline in notices.values_list("pk", "unit_id", "reply_deadline"):
        replied = replies.get(pk)
        on_time = replied is not None and replied <= deadline
        due = replied if on_time else deadline
        if due not in period:
            continue
        county.notices_due += 1
        county.notices_on_time += on_time
        for unit_pk in attribute(unit_id):
            figures[unit_pk].notice_on_time.den.append(pk)
            if on_time:
                figures[unit_pk].notice_on_time.num.append(pk)


def inspection_figures(
    period: Period, attribute: Attribution, figures: dict[int, UnitFigures], county: CountyFigures
) -> None:
    rows = Inspection.objects.filter(submitted_at__gte=period.start, submitted_at__lt=period.end).values_list(
        "pk", "unit_id", "score"
    )
    for pk, unit_id, score in rows.iterator(chunk_size=20000):
        county.inspections += 1
        county.inspection_score_sum += score
        for unit_pk in attribute(unit_id):
            figures[unit_pk].inspections.append(pk)
            figures[unit_pk].inspection_scores.append(score)


def collect(
    start: dt.date, end: dt.date, units: list[Unit], ranked: set[int]
) -> tuple[dict[int, UnitFigures], CountyFigures]:
    """Every ranked unit's raw figures and the county's totals for [start, end)."""
    first, last = period_bounds(start, end)
    # The running month's draft stops at now: a deadline still ahead is not yet due nor overdue.
    period = Period(first, min(last, timezone.now()))
    attribute = Attribution(units, ranked, period.end)
    figures: dict[int, UnitFigures] = defaultdict(UnitFigures)
    county = CountyFigures()
    case_figures(period, attribute, figures, county)
    task_figures(period, attribute, figures, county)
    notice_figures(period, attribute, figures, county)
    inspection_figures(period, attribute, figures, county)
    return {pk: figures[pk] for pk in ranked}, county
