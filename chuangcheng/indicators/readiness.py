"""自查自纠: the predicted score of every indicator node, its gap, what causes it and who can close it.

The formula (weights are fields of the Campaign, explained on the readiness page):

- A task's credit is 1 when done (accepted at 100 %), else its last accepted percent / 100; an
  overdue task (deadline before the day, not done) keeps ``1 − overdue_task_penalty`` of it; a
  task that requires evidence and has no accepted report with a file keeps
  ``1 − missing_evidence_penalty`` of it.
- A leaf's task part T is the mean credit of its tasks, else of the tasks of its nearest ancestor
  that has tasks, else ``untasked_credit``. If the leaf or an ancestor is linked to case
  categories, the case part C = 1 − min(1, (open not overdue + overdue_case_factor × overdue) /
  case_tolerance) and predicted = max × (task_weight × T + (1 − task_weight) × C); otherwise
  predicted = max × T.
- Field checks (实地考察): when inspections in the campaign's window (``inspections`` app, read
  through ``core.registry.readiness_evidence``) checked a leaf's linked checklist items with
  pass rate P (passed / (passed + failed), 不适用 not counted), and C = predicted / max from the
  rules above: predicted = max × P when the leaf has no tasks of its own (the checks are the
  only direct evidence), else max × (C + P) / 2. A leaf no inspection touched keeps its
  predicted score. The gap split among units (below) shrinks in proportion when the checks
  found the leaf better than its tasks and cases said (never grows).
- A parent's predicted = max × Σ children's predicted / Σ children's max.

``compute_readiness`` runs a constant number of grouped queries per campaign, whatever the
size of the framework. With ``as_of`` (a past day) tasks are taken as decomposed today, with
the progress accepted by the end of that day, and cases as open at the end of that day (see
``cases.selectors.open_case_counts_by_category`` for the approximation).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.cases.selectors import CategoryOpenCases, open_case_counts_by_category
from chuangcheng.core.registry import FieldEvidence, readiness_evidence
from chuangcheng.org.models import Unit

from .choices import ReportStatus, TaskStatus
from .models import Campaign, IndicatorNode, Milestone, ProgressReport, ReadinessSnapshot, Task

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TOP_UNITS = 5
TREND_WEEKS = 8


class TaskSource:
    """Where a leaf's task part comes from."""

    OWN = "own"
    INHERITED = "inherited"
    UNTASKED = "untasked"


@dataclass
class TaskCredit:
    id: int
    code: str
    title: str
    status: str  # a TaskStatus value; OVERDUE when late and not done
    percent: int
    credit: Decimal
    overdue: bool
    missing_evidence: bool
    lead_unit_id: int
    cooperating_unit_ids: tuple[int, ...] = ()

    @property
    def done(self) -> bool:
        return self.status == TaskStatus.DONE

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)


@dataclass
class CategoryCases:
    id: int
    name: str
    open: int
    overdue: int

    @property
    def weighted_open(self) -> int:
        return self.open - self.overdue


@dataclass
class UnitLoad:
    """A unit that can close a gap: its unfinished tasks there and the open cases it holds."""

    unit_id: int | None
    name: str
    tasks: int = 0
    cases: int = 0

    @property
    def total(self) -> int:
        return self.tasks + self.cases


@dataclass
class NodeReadiness:
    id: int
    parent_id: int | None
    code: str
    name: str
    level: int
    depth: int
    max_score: Decimal
    predicted: Decimal = ZERO
    children: list[NodeReadiness] = field(default_factory=list)
    # Leaves only:
    task_part: Decimal | None = None
    task_source: str | None = None
    inherited_from: str = ""  # the code of the ancestor whose tasks a leaf borrows
    case_part: Decimal | None = None
    case_load: int = 0  # open not overdue + factor × overdue
    tasks: list[TaskCredit] = field(default_factory=list)
    categories: list[CategoryCases] = field(default_factory=list)
    units: list[UnitLoad] = field(default_factory=list)
    linked_names: list[str] = field(default_factory=list)  # the categories linked here or above
    ancestors: list[str] = field(default_factory=list)  # names from the top down
    # Field checks (leaves whose linked checklist items were inspected in the window):
    checks: FieldEvidence | None = None
    before_field: Decimal | None = None  # the predicted score from tasks and cases alone

    @property
    def gap(self) -> Decimal:
        return self.max_score - self.predicted

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def unfinished_tasks(self) -> list[TaskCredit]:
        return [t for t in self.tasks if t.credit < ONE]

    @property
    def open_cases(self) -> int:
        return sum(c.open for c in self.categories)

    @property
    def overdue_cases(self) -> int:
        return sum(c.overdue for c in self.categories)

    @property
    def percent(self) -> Decimal:
        return self.predicted * HUNDRED / self.max_score if self.max_score else ZERO


@dataclass
class UnitGap:
    """The gap points a unit could win back: its lead tasks' share and its open cases' share."""

    unit_id: int | None
    name: str
    task_gap: Decimal = ZERO
    case_gap: Decimal = ZERO
    unfinished_tasks: int = 0
    open_cases: int = 0
    overdue_cases: int = 0

    @property
    def gap(self) -> Decimal:
        return self.task_gap + self.case_gap


@dataclass
class CampaignReadiness:
    campaign: Campaign
    as_of: dt.date
    nodes: list[NodeReadiness]  # depth-first
    top: list[NodeReadiness]
    by_unit: list[UnitGap]
    untasked_gap: Decimal
    undispatched_gap: Decimal
    next_milestone: Milestone | None

    @property
    def predicted_total(self) -> Decimal:
        return sum((n.predicted for n in self.top), ZERO)

    @property
    def max_total(self) -> Decimal:
        return sum((n.max_score for n in self.top), ZERO)

    @property
    def gap_total(self) -> Decimal:
        return self.max_total - self.predicted_total

    @property
    def pass_score(self) -> Decimal:
        return self.campaign.pass_score

    @property
    def passes(self) -> bool:
        return self.predicted_total >= self.pass_score

    @property
    def short_of_pass(self) -> Decimal:
        return max(self.pass_score - self.predicted_total, ZERO)

    @property
    def days_to_milestone(self) -> int | None:
        return (self.next_milestone.date - self.as_of).days if self.next_milestone else None

    def field_nodes(self) -> list[NodeReadiness]:
        """Leaves inspected in the window that failed items, most points lost to the checks first."""
        leaves = [n for n in self.nodes if n.checks is not None and n.checks.failed]
        return sorted(leaves, key=lambda n: (-(n.max_score - n.predicted), n.code))

    def field_failures(self) -> list[tuple[NodeReadiness, Any]]:
        """Every (leaf, failure) of the field checks, for the map of failing sites."""
        return [(n, f) for n in self.field_nodes() for f in n.checks.failures]  # type: ignore[union-attr]

    def leaves_by_gap(self) -> list[NodeReadiness]:
        """The 差距指标: leaves losing points, biggest gap first."""
        leaves = [n for n in self.nodes if n.is_leaf and n.gap > 0]
        return sorted(leaves, key=lambda n: (-n.gap, n.code))

    def node(self, code: str) -> NodeReadiness:
        return next(n for n in self.nodes if n.code == code)


def points(value: Decimal) -> Decimal:
    """A score as shown and stored: two places, rounded half up (四舍五入)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# ---- reading -------------------------------------------------------------------------------------


def _day_end(day: dt.date) -> dt.datetime:
    """The instant the local day ends (the next midnight)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _load_nodes(campaign: Campaign) -> list[NodeReadiness]:
    rows = IndicatorNode.objects.filter(campaign=campaign).values_list(
        "id", "parent_id", "code", "name", "level", "max_score", "sort_order"
    )
    nodes = {r[0]: NodeReadiness(r[0], r[1], r[2], r[3], r[4], 0, r[5]) for r in rows}
    order = {r[0]: (r[6], r[2]) for r in rows}
    roots: list[NodeReadiness] = []
    for node in sorted(nodes.values(), key=lambda n: order[n.id]):
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def _linked_categories(campaign: Campaign) -> dict[int, set[int]]:
    through = IndicatorNode.categories.through
    linked: dict[int, set[int]] = defaultdict(set)
    rows = through.objects.filter(indicatornode__campaign=campaign).values_list("indicatornode_id", "category_id")
    for node_id, category_id in rows:
        linked[node_id].add(category_id)
    return linked


def _task_credits(campaign: Campaign, as_of: dt.date | None, today: dt.date) -> dict[int, list[TaskCredit]]:
    """Each node's tasks with their credit, as known at the end of ``as_of`` (or now)."""
    rows = list(
        Task.objects.filter(campaign=campaign)
        .order_by("deadline", "code")
        # Whether evidence is required, in the query: decoding 2,000 JSON lists costs more.
        .annotate(needs_evidence=ExpressionWrapper(~Q(evidence_types=[]), output_field=BooleanField()))
        .values_list(
            "id", "indicator_id", "code", "title", "status", "percent", "deadline", "needs_evidence", "lead_unit_id"
        )
    )
    accepted = ProgressReport.objects.filter(task__campaign=campaign, status=ReportStatus.ACCEPTED)
    if as_of is not None:
        accepted = accepted.filter(reviewed_at__lt=_day_end(as_of))
    with_evidence = set(accepted.filter(evidence__isnull=False).order_by().values_list("task_id", flat=True).distinct())
    past: dict[int, int] = {}
    if as_of is not None:
        # The last accepted percent by the end of the day (reports are accepted in order).
        for task_id, percent in accepted.order_by("reviewed_at", "pk").values_list("task_id", "percent"):
            past[task_id] = percent
    cooperating: dict[int, tuple[int, ...]] = defaultdict(tuple)
    through = Task.cooperating_units.through
    for task_id, unit_id in through.objects.filter(task__campaign=campaign).values_list("task_id", "unit_id"):
        cooperating[task_id] += (unit_id,)
    overdue_keep, evidence_keep = ONE - campaign.overdue_task_penalty, ONE - campaign.missing_evidence_penalty
    done_value, overdue_value = TaskStatus.DONE.value, TaskStatus.OVERDUE.value
    shares = [Decimal(p) / HUNDRED for p in range(101)]
    by_node: dict[int, list[TaskCredit]] = defaultdict(list)
    for pk, node_id, code, title, status, percent, deadline, needs_evidence, lead in rows:
        if as_of is not None:
            percent = past.get(pk, 0)
            status = (
                TaskStatus.DONE if percent >= 100 else (TaskStatus.IN_PROGRESS if percent else TaskStatus.NOT_STARTED)
            )
        done = status == done_value
        credit = ONE if done else shares[min(percent, 100)]
        overdue = not done and deadline < today
        if overdue:
            credit *= overdue_keep
            status = overdue_value
        missing = needs_evidence and pk not in with_evidence
        if missing:
            credit *= evidence_keep
        task = TaskCredit(pk, code, title, status, percent, credit, overdue, missing, lead, cooperating.get(pk, ()))
        by_node[node_id].append(task)
    return by_node


# ---- computing -----------------------------------------------------------------------------------


@dataclass
class _CaseSet:
    """The open cases of one set of linked categories (siblings share theirs, so it is computed once)."""

    shown: list[CategoryCases]  # categories with open cases, most first
    names: list[str]  # the linked categories' names
    held: dict[int | None, list[int]]  # holding unit → [open, overdue]
    ranked: list[tuple[int | None, int]]  # (holding unit, open), most first


@dataclass
class _Walk:
    """What the depth-first walk reads and accumulates."""

    campaign: Campaign
    tasks: dict[int, list[TaskCredit]]
    linked: dict[int, set[int]]
    cases: dict[int, CategoryOpenCases]
    members: dict[int, set[int]]  # linked category id → the case categories it covers
    checks: dict[int, FieldEvidence] = field(default_factory=dict)  # node id → field checks
    order: list[NodeReadiness] = field(default_factory=list)
    unit_gaps: dict[int | None, UnitGap] = field(default_factory=dict)
    unit_tasks: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    untasked_gap: Decimal = ZERO
    case_sets: dict[frozenset[int], _CaseSet] = field(default_factory=dict)  # by linked categories
    case_gaps: dict[frozenset[int], Decimal] = field(default_factory=dict)  # category set → summed case gap

    def gap_of(self, unit_id: int | None) -> UnitGap:
        if unit_id not in self.unit_gaps:
            self.unit_gaps[unit_id] = UnitGap(unit_id, "")
        return self.unit_gaps[unit_id]


def compute_readiness(campaign: Campaign, *, as_of: dt.date | None = None) -> CampaignReadiness:
    """The predicted score of every node of ``campaign`` now, or at the end of the day ``as_of``."""
    today = as_of or timezone.localdate()
    roots = _load_nodes(campaign)
    linked = _linked_categories(campaign)
    wanted = set().union(*linked.values()) if linked else set()
    cases = (
        open_case_counts_by_category(category_ids=wanted, as_of=_day_end(as_of) if as_of else None) if wanted else {}
    )
    members: dict[int, set[int]] = defaultdict(set)
    for entry in cases.values():
        members[entry.category_id].add(entry.category_id)
        if entry.parent_id is not None:
            members[entry.parent_id].add(entry.category_id)
    walk = _Walk(campaign, _task_credits(campaign, as_of, today), linked, cases, members)
    walk.checks = readiness_evidence(campaign, as_of)
    for root in roots:
        _visit(walk, root, [], None, set(), ONE)
    _split_case_gaps(walk)
    _case_holders(walk)
    _name_units(walk)
    by_unit = sorted(
        (g for g in walk.unit_gaps.values() if g.unit_id is not None),
        key=lambda g: (-g.gap, -g.open_cases, g.name),
    )
    undispatched = walk.unit_gaps.get(None)
    milestone = Milestone.objects.filter(campaign=campaign, date__gte=today).order_by("date", "pk").first()
    return CampaignReadiness(
        campaign=campaign,
        as_of=today,
        nodes=walk.order,
        top=roots,
        by_unit=by_unit,
        untasked_gap=walk.untasked_gap,
        undispatched_gap=undispatched.case_gap if undispatched else ZERO,
        next_milestone=milestone,
    )


def _visit(
    walk: _Walk,
    node: NodeReadiness,
    ancestors: list[NodeReadiness],
    borrowed: tuple[str, list[TaskCredit]] | None,
    categories: set[int],
    scale: Decimal,
) -> None:
    """Depth-first: leaves from their tasks and cases, parents from their children.

    ``borrowed`` is the nearest ancestor with tasks (code, tasks); ``scale`` turns a leaf's
    points into campaign-total points (a parent may be worth more or less than its children).
    """
    node.depth = len(ancestors)
    node.ancestors = [a.name for a in ancestors]
    walk.order.append(node)
    own = walk.tasks.get(node.id, [])
    if own:
        borrowed = (node.code, own)
    categories = categories | walk.linked.get(node.id, set())
    if node.is_leaf:
        _leaf(walk, node, own, borrowed, categories, scale)
        return
    children_max = sum((c.max_score for c in node.children), ZERO)
    inner = scale * node.max_score / children_max if children_max else ZERO
    for child in node.children:
        _visit(walk, child, [*ancestors, node], borrowed, categories, inner)
    predicted = sum((c.predicted for c in node.children), ZERO)
    node.predicted = node.max_score * predicted / children_max if children_max else ZERO


def _leaf(
    walk: _Walk,
    node: NodeReadiness,
    own: list[TaskCredit],
    borrowed: tuple[str, list[TaskCredit]] | None,
    categories: set[int],
    scale: Decimal,
) -> None:
    campaign = walk.campaign
    if borrowed:
        node.tasks = borrowed[1]
        node.task_source = TaskSource.OWN if own else TaskSource.INHERITED
        node.inherited_from = "" if own else borrowed[0]
        node.task_part = sum((t.credit for t in node.tasks), ZERO) / len(node.tasks)
    else:
        node.task_source = TaskSource.UNTASKED
        node.task_part = campaign.untasked_credit
    task_weight, key = ONE, frozenset[int]()
    ranked: list[tuple[int | None, int]] = []
    held: dict[int | None, list[int]] = {}
    if categories:
        task_weight = campaign.task_weight
        key = _cases_of(walk, node, categories)
        ranked, held = walk.case_sets[key].ranked, walk.case_sets[key].held
        case_part = node.case_part if node.case_part is not None else ONE
        node.predicted = node.max_score * (task_weight * node.task_part + (ONE - task_weight) * case_part)
    else:
        node.predicted = node.max_score * node.task_part
    _field_checks(walk, node, bool(own))
    unfinished = node.unfinished_tasks
    _attribute(walk, node, unfinished, key, task_weight, scale * _field_share(node))
    node.units = _closers(unfinished, ranked, held)


def _field_checks(walk: _Walk, node: NodeReadiness, has_own_tasks: bool) -> None:
    """A leaf inspected in the window: max × P without tasks of its own, else max × (C + P) / 2."""
    evidence = walk.checks.get(node.id)
    if evidence is None or evidence.rate is None:
        return
    node.checks = evidence
    node.before_field = node.predicted
    rate = Decimal(evidence.rate)
    if not has_own_tasks:
        node.predicted = node.max_score * rate
    elif node.max_score:
        current = node.predicted / node.max_score
        node.predicted = node.max_score * (current + rate) / 2


def _field_share(node: NodeReadiness) -> Decimal:
    """How much of the task and case gap is still lost once field checks corrected the leaf (≤ 1):
    checks that found it better than its tasks shrink what the units are asked to win back."""
    if node.before_field is None:
        return ONE
    before = node.max_score - node.before_field
    return min(ONE, node.gap / before) if before > 0 else ONE


def _cases_of(walk: _Walk, node: NodeReadiness, categories: set[int]) -> frozenset[int]:
    """The case part C of a leaf from the open cases of its (and its ancestors') categories;
    returns the key of its category set. Siblings share their categories, so sets are cached."""
    campaign = walk.campaign
    key = frozenset(categories)
    if key not in walk.case_sets:
        covered = set().union(*(walk.members.get(c, set()) for c in categories))
        entries = sorted((walk.cases[c] for c in covered), key=lambda e: (-e.open, e.name))
        held: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
        for entry in entries:
            for unit_id, (open_n, overdue_n) in entry.by_unit.items():
                held[unit_id][0] += open_n
                held[unit_id][1] += overdue_n
        shown = [CategoryCases(e.category_id, e.name, e.open, e.overdue) for e in entries if e.open]
        names = sorted(walk.cases[c].name for c in categories if c in walk.cases)
        ranked = sorted(((u, n[0]) for u, n in held.items()), key=lambda h: (-h[1], h[0] is None, h[0] or 0))
        walk.case_sets[key] = _CaseSet(shown, names, dict(held), ranked)
    found = walk.case_sets[key]
    node.categories, node.linked_names = found.shown, found.names
    overdue = node.overdue_cases
    node.case_load = node.open_cases - overdue + campaign.overdue_case_factor * overdue
    if campaign.case_tolerance:
        node.case_part = ONE - min(ONE, Decimal(node.case_load) / campaign.case_tolerance)
    else:
        node.case_part = ZERO if node.case_load else ONE
    return key


def _attribute(
    walk: _Walk,
    node: NodeReadiness,
    unfinished: list[TaskCredit],
    key: frozenset[int],
    task_weight: Decimal,
    scale: Decimal,
) -> None:
    """Split a leaf's gap: the task part among the lead units of its unfinished tasks (by what
    each task lacks), the case part among the units holding its cases (by weighted count)."""
    points = node.max_score * scale
    task_gap = points * task_weight * (ONE - (node.task_part or ZERO))
    if node.task_source == TaskSource.UNTASKED:
        walk.untasked_gap += task_gap
    elif node.tasks:
        share = points * task_weight / len(node.tasks)
        for task in unfinished:
            walk.gap_of(task.lead_unit_id).task_gap += share * (ONE - task.credit)
            walk.unit_tasks[task.lead_unit_id].add(task.id)
    if node.case_part is None or not node.case_load:
        return
    # Split among the holders once per category set (in _split_case_gaps), not once per leaf.
    walk.case_gaps[key] = walk.case_gaps.get(key, ZERO) + points * (ONE - task_weight) * (ONE - node.case_part)


def _split_case_gaps(walk: _Walk) -> None:
    """The case gap of each category set among the units holding its cases, by weighted count."""
    factor = walk.campaign.overdue_case_factor
    for key, case_gap in walk.case_gaps.items():
        held = walk.case_sets[key].held
        loads = {unit_id: o - late + factor * late for unit_id, (o, late) in held.items()}
        total = sum(loads.values())
        for unit_id, load in loads.items():
            if load:
                walk.gap_of(unit_id).case_gap += case_gap * load / total


def _closers(
    unfinished: list[TaskCredit], ranked: list[tuple[int | None, int]], held: dict[int | None, list[int]]
) -> list[UnitLoad]:
    """The units that can close a leaf's gap: of its unfinished tasks and its open cases, top 5.

    Only the first 5 + (units with tasks) case holders can make the top 5, so only they are looked at.
    """
    counts: dict[int | None, list[int]] = {}
    for task in unfinished:
        for unit_id in (task.lead_unit_id, *task.cooperating_unit_ids):
            counts.setdefault(unit_id, [0, 0])[0] += 1
    with_tasks = set(counts)
    for holder, open_n in ranked[: TOP_UNITS + len(with_tasks)]:
        counts.setdefault(holder, [0, 0])[1] = open_n
    if len(ranked) > TOP_UNITS + len(with_tasks):
        for holder in with_tasks:
            counts[holder][1] = held[holder][0] if holder in held else 0
    top = sorted(counts.items(), key=lambda kv: (-kv[1][0] - kv[1][1], -kv[1][0], kv[0] is None, kv[0] or 0))
    return [UnitLoad(unit_id, "", tasks, cases) for unit_id, (tasks, cases) in top[:TOP_UNITS]]


def _case_holders(walk: _Walk) -> None:
    """Each unit's open cases in the campaign's linked categories (each case counted once)."""
    covered = set().union(*(walk.members.get(c, set()) for ids in walk.linked.values() for c in ids))
    for category_id in covered:
        for unit_id, (open_n, overdue_n) in walk.cases[category_id].by_unit.items():
            gap = walk.gap_of(unit_id)
            gap.open_cases += open_n
            gap.overdue_cases += overdue_n
    for unit_id, task_ids in walk.unit_tasks.items():
        walk.gap_of(unit_id).unfinished_tasks = len(task_ids)


def _name_units(walk: _Walk) -> None:
    ids: set[int] = {u for u in walk.unit_gaps if u is not None}
    for node in walk.order:
        ids.update(u.unit_id for u in node.units if u.unit_id is not None)
    names = dict(Unit.objects.filter(pk__in=ids).values_list("id", "name"))
    pending = str(_("待派遣"))
    for gap in walk.unit_gaps.values():
        gap.name = names.get(gap.unit_id, pending) if gap.unit_id is not None else pending
    for node in walk.order:
        for load in node.units:
            load.name = names.get(load.unit_id, pending) if load.unit_id is not None else pending


# ---- snapshots (the trend) -----------------------------------------------------------------------


def _snapshot_values(readiness: CampaignReadiness) -> dict:
    return {
        "predicted_total": points(readiness.predicted_total),
        "max_total": points(readiness.max_total),
        "by_node": {str(n.id): float(points(n.predicted)) for n in readiness.top},
    }


def _save_snapshot(campaign: Campaign, day: dt.date, readiness: CampaignReadiness) -> bool:
    """Write the day's snapshot unless one exists (a concurrent tick may have written it)."""
    try:
        with transaction.atomic():
            _snapshot, created = ReadinessSnapshot.objects.get_or_create(
                campaign=campaign, taken_on=day, defaults=_snapshot_values(readiness)
            )
    except IntegrityError:
        return False
    return created


def take_snapshots(now: dt.datetime) -> int:
    """Tick job: one snapshot per active campaign per day, taken the first time the day is seen.

    With the tick every minute that is just after midnight, so a day's point is where the
    previous day ended; later ticks only check that the day's rows exist (one query).
    """
    today = timezone.localdate(now)
    done = set(ReadinessSnapshot.objects.filter(taken_on=today).values_list("campaign_id", flat=True))
    written = 0
    for campaign in Campaign.objects.filter(is_active=True).exclude(pk__in=done):
        written += _save_snapshot(campaign, today, compute_readiness(campaign))
    return written


def backfill_snapshots(campaign: Campaign, weeks: int = TREND_WEEKS, today: dt.date | None = None) -> int:
    """Snapshots for the same weekday of each of the past ``weeks`` weeks and today, computed
    ``as_of`` each day; days that already have one (taken live) are kept. Returns how many were written."""
    today = today or timezone.localdate()
    days = [today - dt.timedelta(weeks=k) for k in range(weeks, 0, -1)]
    have = set(
        ReadinessSnapshot.objects.filter(campaign=campaign, taken_on__in=[*days, today]).values_list(
            "taken_on", flat=True
        )
    )
    written = 0
    for day in days:
        if day not in have:
            written += _save_snapshot(campaign, day, compute_readiness(campaign, as_of=day))
    if today not in have:
        current = (
            compute_readiness(campaign) if today == timezone.localdate() else compute_readiness(campaign, as_of=today)
        )
        written += _save_snapshot(campaign, today, current)
    return written


def trend(campaign: Campaign, *, today: dt.date | None = None, weeks: int = TREND_WEEKS) -> list[ReadinessSnapshot]:
    """The snapshots of the last ``weeks`` weeks, oldest first."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(weeks=weeks)
    return list(
        ReadinessSnapshot.objects.filter(campaign=campaign, taken_on__gte=since, taken_on__lte=today).order_by(
            "taken_on"
        )
    )


def overview() -> list[tuple[Campaign, CampaignReadiness]]:
    """Every active campaign with its readiness now (the overview page)."""
    return [(c, compute_readiness(c)) for c in Campaign.objects.filter(is_active=True)]
