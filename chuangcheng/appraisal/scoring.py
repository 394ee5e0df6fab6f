"""From raw figures to scores, totals, grades, ranks and the 红黑榜 (the one scoring rule).

A component's *score* (分值) is 0–100:

- 立案数: by bands of the count (``params["bands"]``: [[up_to_count, score], …], the last band
  catches the rest); fewer cases in a unit's charge score higher by default.
- a rate r: r × 100 (按期处置率, 结案率, 按期结案率, task and 督办单 on-time rates);
  返工率 and 延期率: (1 − r) × 100.
- 超期未处置: 100 − ``per_case`` × count, at least 0.
- inspection: the mean inspection score.

A rate with no denominator is not scored ("无应结案件" …), nor one with fewer cases than
``min_sample`` ("样本不足"); its weight is spread over the unit's other components:
base = Σ weight × score / Σ weight over the scored ones. Total = base + manual 加减分.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from .choices import Board, ComponentKind, FigureState, TieBreak
from .figures import Tally, UnitFigures

HUNDRED = Decimal("100")
CENT = Decimal("0.01")

DEFAULT_CASE_BANDS: list[list[Any]] = [[5, 100], [15, 90], [30, 80], [60, 70], [None, 60]]
DEFAULT_MIN_SAMPLE = 3
DEFAULT_OVERDUE_POINTS = 5

GRADE_COLOURS = {"A": "#1a7f37", "B": "#1f6feb", "C": "#bf8700", "D": "#d4590b", "E": "#cf222e"}

EMPTY_LABELS: dict[str, str] = {
    ComponentKind.CLOSE_RATE: "无应结案件",
    ComponentKind.ON_TIME_CLOSE: "无应结案件",
    ComponentKind.ON_TIME_HANDLE: "无应处置案件",
    ComponentKind.REWORK: "无处置案件",
    ComponentKind.EXTENSION: "无在办案件",
    ComponentKind.TASK_ON_TIME: "无到期任务",
    ComponentKind.NOTICE_ON_TIME: "无到期督办单",
    ComponentKind.INSPECTION: "无检查记录",
    ComponentKind.SATISFACTION: "暂无满意度数据",
}

# Which Tally of UnitFigures a rate reads, and whether the score is r or 1 − r.
RATES: dict[str, tuple[str, bool]] = {
    ComponentKind.ON_TIME_HANDLE: ("on_time_handle", False),
    ComponentKind.CLOSE_RATE: ("close", False),
    ComponentKind.ON_TIME_CLOSE: ("on_time_close", False),
    ComponentKind.REWORK: ("rework", True),
    ComponentKind.EXTENSION: ("extension", True),
    ComponentKind.TASK_ON_TIME: ("task_on_time", False),
    ComponentKind.NOTICE_ON_TIME: ("notice_on_time", False),
}

TRACE_MODELS: dict[str, str] = {
    ComponentKind.CASE_COUNT: "case",
    ComponentKind.ON_TIME_HANDLE: "case",
    ComponentKind.CLOSE_RATE: "case",
    ComponentKind.ON_TIME_CLOSE: "case",
    ComponentKind.REWORK: "case",
    ComponentKind.EXTENSION: "case",
    ComponentKind.OVERDUE_OPEN: "case",
    ComponentKind.TASK_ON_TIME: "task",
    ComponentKind.NOTICE_ON_TIME: "notice",
    ComponentKind.INSPECTION: "inspection",
}


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ComponentSpec:
    """A component as the run uses it (a snapshot of the scheme's row)."""

    kind: str
    name: str
    weight: Decimal
    groups: tuple[str, ...]
    params: dict[str, Any]

    def applies_to(self, group: str) -> bool:
        return not self.groups or group in self.groups

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "weight": str(self.weight),
            "groups": list(self.groups),
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ComponentSpec:
        return cls(data["kind"], data["name"], Decimal(data["weight"]), tuple(data["groups"]), data["params"])


@dataclass
class Figure:
    state: str
    score: Decimal | None = None
    value: Decimal | None = None  # the rate in % or the count
    num: int | None = None
    den: int | None = None
    label: str = ""

    def as_json(self, spec: ComponentSpec) -> dict[str, Any]:
        return {
            "name": spec.name,
            "weight": str(spec.weight),
            "state": self.state,
            "score": None if self.score is None else str(self.score),
            "value": None if self.value is None else str(self.value),
            "num": self.num,
            "den": self.den,
            "label": self.label,
        }


def band_score(count: int, bands: Sequence[Sequence[Any]]) -> Decimal:
    for up_to, score in bands:
        if up_to is None or count <= int(up_to):
            return Decimal(str(score))
    return Decimal(str(bands[-1][1]))


def rate_figure(tally: Tally, *, inverse: bool, min_sample: int, empty_label: str) -> Figure:
    num, den = len(tally.num), len(tally.den)
    if den == 0:
        return Figure(FigureState.NO_DENOMINATOR, num=num, den=0, label=empty_label)
    rate = Decimal(num) / Decimal(den)
    value = q2(rate * HUNDRED)
    if den < min_sample:
        return Figure(
            FigureState.SMALL_SAMPLE, value=value, num=num, den=den, label=_("样本不足（%(n)d 件）") % {"n": den}
        )
    score = max(Decimal("0"), q2((1 - rate) * HUNDRED)) if inverse else value
    return Figure(FigureState.SCORED, score=score, value=value, num=num, den=den)


def figure_for(spec: ComponentSpec, raw: UnitFigures) -> Figure:
    kind = spec.kind
    params = spec.params
    if kind == ComponentKind.CASE_COUNT:
        count = len(set(raw.dispatched))
        score = band_score(count, params.get("bands") or DEFAULT_CASE_BANDS)
        return Figure(FigureState.SCORED, score=score, value=Decimal(count), num=count)
    if kind == ComponentKind.OVERDUE_OPEN:
        count = len(raw.overdue_open)
        per_case = Decimal(str(params.get("per_case", DEFAULT_OVERDUE_POINTS)))
        score = max(Decimal("0"), HUNDRED - per_case * count)
        return Figure(FigureState.SCORED, score=q2(score), value=Decimal(count), num=count)
    min_sample = int(params.get("min_sample", DEFAULT_MIN_SAMPLE))
    if kind in RATES:
        attr, inverse = RATES[kind]
        return rate_figure(getattr(raw, attr), inverse=inverse, min_sample=min_sample, empty_label=EMPTY_LABELS[kind])
    if kind == ComponentKind.INSPECTION:
        n = len(raw.inspection_scores)
        if n == 0:
            return Figure(FigureState.NO_DENOMINATOR, den=0, label=EMPTY_LABELS[kind])
        mean = q2(sum(raw.inspection_scores, Decimal("0")) / n)
        if n < min_sample:
            return Figure(FigureState.SMALL_SAMPLE, value=mean, den=n, label=_("样本不足（%(n)d 次）") % {"n": n})
        return Figure(FigureState.SCORED, score=mean, value=mean, den=n)
    return Figure(FigureState.NO_DATA, label=EMPTY_LABELS.get(kind, ""))


def trace_for(spec: ComponentSpec, raw: UnitFigures) -> dict[str, Any] | None:
    kind = spec.kind
    model = TRACE_MODELS.get(kind)
    if model is None:
        return None
    if kind == ComponentKind.CASE_COUNT:
        return {"model": model, "num": sorted(set(raw.dispatched)), "den": []}
    if kind == ComponentKind.OVERDUE_OPEN:
        return {"model": model, "num": sorted(set(raw.overdue_open)), "den": []}
    if kind == ComponentKind.INSPECTION:
        return {"model": model, "num": [], "den": sorted(raw.inspections)}
    tally: Tally = getattr(raw, RATES[kind][0])
    return {"model": model, "num": sorted(tally.num), "den": sorted(tally.den)}


@dataclass
class Scored:
    unit_id: int
    group: str
    figures: dict[str, dict[str, Any]]
    trace: dict[str, Any]
    base: Decimal | None
    adjustment: Decimal
    total: Decimal | None
    tie_keys: dict[str, Decimal]
    rank: int | None = None
    group_size: int = 0
    grade: str = ""
    board: str = ""
    red_eligible: bool = True


def score_unit(
    unit_id: int, group: str, specs: Sequence[ComponentSpec], raw: UnitFigures, adjustment: Decimal
) -> Scored:
    figures: dict[str, dict[str, Any]] = {}
    trace: dict[str, Any] = {}
    weighted = Decimal("0")
    weights = Decimal("0")
    for spec in specs:
        if not spec.applies_to(group):
            continue
        figure = figure_for(spec, raw)
        figures[spec.kind] = figure.as_json(spec)
        if (ids := trace_for(spec, raw)) is not None:
            trace[spec.kind] = ids
        if figure.state == FigureState.SCORED and figure.score is not None and spec.weight > 0:
            weighted += spec.weight * figure.score
            weights += spec.weight
    base = q2(weighted / weights) if weights else None
    total = None if base is None else max(Decimal("0"), q2(base + adjustment))
    return Scored(unit_id, group, figures, trace, base, adjustment, total, tie_keys(figures))


def tie_keys(figures: dict[str, dict[str, Any]]) -> dict[str, Decimal]:
    """What each tie-break rule compares, read from a unit's stored figures (higher first)."""
    on_time = (figures.get(ComponentKind.ON_TIME_HANDLE) or {}).get("value")
    overdue = (figures.get(ComponentKind.OVERDUE_OPEN) or {}).get("value") or "0"
    return {
        TieBreak.ON_TIME_HANDLE.value: Decimal(on_time or "-1"),
        TieBreak.FEWER_OVERDUE.value: -Decimal(overdue),
    }


# Components that score a count, not how well the unit handled its work: a unit with no case due
# (or too few to rate) scores full marks on them alone.
COUNT_KINDS = frozenset({ComponentKind.CASE_COUNT, ComponentKind.OVERDUE_OPEN})


def red_eligible(figures: dict[str, dict[str, Any]]) -> bool:
    """May the unit enter the 红榜: at least one rate (处置、结案、任务、督办、检查…) was scored this
    month. A unit rated by counts alone is ranked as usual but stays off the 红榜."""
    return any(
        kind not in COUNT_KINDS and figure.get("state") == FigureState.SCORED for kind, figure in figures.items()
    )


def grade_for(total: Decimal | None, grades: Sequence[Sequence[Any]]) -> str:
    if total is None:
        return ""
    for letter, floor in grades:
        if total >= Decimal(str(floor)):
            return str(letter)
    return str(grades[-1][0])


def rank_group(rows: list[Scored], tie_break: str) -> None:
    """Competition ranking (1, 2, 2, 4): the tie-break key orders equal totals; still equal → same rank."""
    ranked = [row for row in rows if row.total is not None]

    def key(row: Scored) -> tuple[Decimal, Decimal]:
        assert row.total is not None
        return (row.total, row.tie_keys.get(tie_break, Decimal("0")))

    ranked.sort(key=key, reverse=True)
    for index, row in enumerate(ranked):
        if index and key(ranked[index - 1]) == key(row):
            row.rank = ranked[index - 1].rank
        else:
            row.rank = index + 1
    for row in rows:
        row.group_size = len(ranked)


def assign_boards(
    rows: list[Scored],
    *,
    red_top_n: int,
    black_bottom_n: int,
    red_min_score: Decimal | None,
    black_max_score: Decimal | None,
) -> None:
    """红榜: the best N ranks among the units eligible for it (ties included), within the upper half
    of the group (and at least the red score, if set); 黑榜: the bottom N ranks (ties included) or
    below the black score line; by rank only within the lower half, so a tie across the middle (or
    a whole group tied) is off it. Each board takes at most half of a small group, so a group of two
    has one red and one black; a unit is on one board at most (red wins)."""
    ranked = [row for row in rows if row.rank is not None]
    if not ranked:
        return
    size = len(ranked)
    red_top_n = min(red_top_n, size // 2)
    black_bottom_n = min(black_bottom_n, size // 2)
    eligible_ranks = sorted(row.rank or 0 for row in ranked if row.red_eligible)
    red_to = eligible_ranks[min(red_top_n, len(eligible_ranks)) - 1] if red_top_n and eligible_ranks else 0
    worst_ranks = sorted((row.rank or 0 for row in ranked), reverse=True)
    black_from = worst_ranks[black_bottom_n - 1] if black_bottom_n else None
    lower_half_from = size - size // 2 + 1  # a rank shared across the middle is not "the bottom"
    for row in ranked:
        assert row.rank is not None and row.total is not None
        red = (
            row.red_eligible
            and row.rank <= min(red_to, size // 2)
            and (red_min_score is None or row.total >= red_min_score)
        )
        black = (black_from is not None and row.rank >= max(black_from, lower_half_from)) or (
            black_max_score is not None and row.total < black_max_score
        )
        row.board = Board.RED if red else Board.BLACK if black else ""
